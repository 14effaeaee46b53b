//! The failover runbook as a Step Functions state machine, and what starts it when failover is
//! automatic. It runs in the secondary region: during a primary outage nothing in the primary
//! region can be relied on (known defect 9).

use serde_json::{json, Map, Value};

use super::app::Ctx;
use super::network::assume;
use super::template::{ga, logical, r, sub, Template};
use crate::model::{DatabaseAction, Decision, PromotionWait, Step};

fn task(resource: &str, parameters: Value, next: &str) -> Value {
    json!({
        "Type": "Task",
        "Resource": resource,
        "Parameters": parameters,
        "ResultPath": Value::Null,
        "Next": next,
        "Catch": [{ "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "NotifyFailure" }],
    })
}

/// The state machine; `in_secondary` says which region this stack is in.
pub(crate) fn state_machine(tpl: &mut Template, c: &Ctx<'_>, in_secondary: bool) {
    let t = c.t;
    let Some(topic) = t.topics.first() else {
        tpl.notes.push("No topic in the topology: the failover state machine needs one to notify; it was not generated.".into());
        return;
    };
    let topic_id = format!("{}Topic", logical(&topic.id));
    // Health is checked by Tandem's own probe over HTTPS: the primary's endpoint before an
    // automatic failover (a false alarm aborts), this region's after it (validation).
    let probe = t.api.as_ref().map(|api| {
        let primary = if in_secondary {
            tpl.param_with(
                "PrimaryHealthUrl",
                json!({ "Type": "String", "Description": "ApiHealthUrl output of the primary stack", "AllowedPattern": "^https://.+$" }),
            )
        } else {
            sub(&format!("https://${{Api}}.execute-api.${{AWS::Region}}.amazonaws.com/{}{}", api.stage, api.health_path))
        };
        probe_function(tpl, c);
        let own = sub(&format!("https://${{Api}}.execute-api.${{AWS::Region}}.amazonaws.com/{}{}", api.stage, api.health_path));
        (primary, own)
    });
    let db = t.database.as_ref().filter(|d| d.global);
    // The health check id crosses regions as a Parameter (it lives in the primary stack).
    let health_check = if in_secondary {
        Some(tpl.param_with(
            "PrimaryHealthCheckId",
            json!({ "Type": "String", "Description": "HealthCheckId output of the primary stack" }),
        ))
    } else {
        tpl.resources
            .keys()
            .find(|k| k.starts_with("HealthCheck"))
            .map(|k| r(k))
    };
    let mut subs = Map::new();
    subs.insert("TopicArn".into(), r(&topic_id));
    subs.insert("GlobalCluster".into(), json!(c.names.global_cluster()));
    if db.is_some() {
        subs.insert(
            "TargetCluster".into(),
            ga("DatabaseCluster", "DBClusterArn"),
        );
    }
    if let Some((primary_url, own_url)) = &probe {
        subs.insert("Probe".into(), ga("ProbeFunction", "Arn"));
        subs.insert("PrimaryHealthUrl".into(), primary_url.clone());
        subs.insert("OwnHealthUrl".into(), own_url.clone());
    }
    if let Some(h) = &health_check {
        subs.insert("HealthCheckId".into(), h.clone());
    }

    let steps: Vec<Step> = t
        .failover
        .steps
        .iter()
        .copied()
        .filter(|s| match s {
            Step::PromoteDatabase | Step::WaitForPromotion => db.is_some(),
            Step::Validate | Step::CheckHealth => probe.is_some(),
            Step::SwitchDns => health_check.is_some(),
            Step::Approval => matches!(t.failover.decision, Decision::Manual { .. }),
            Step::Notify => true,
        })
        .collect();
    let name = |s: Step| -> &'static str {
        match s {
            Step::CheckHealth => "CheckPrimary",
            Step::Approval => "AwaitApproval",
            Step::PromoteDatabase => "PromoteDatabase",
            Step::WaitForPromotion => "WaitForPromotion",
            Step::SwitchDns => "SwitchDns",
            Step::Validate => "ValidateSecondary",
            Step::Notify => "NotifySuccess",
        }
    };
    let mut states = Map::new();
    for (i, step) in steps.iter().enumerate() {
        let next = steps.get(i + 1).map_or("Done", |s| name(*s));
        let state = match step {
            Step::CheckHealth => {
                // An automatic failover whose primary answers after all was a false alarm.
                let automatic = t.failover.decision == Decision::Automatic;
                if automatic {
                    states.insert("PrimaryAnswers".into(), json!({
                        "Type": "Choice",
                        "Choices": [{ "Variable": "$.primary.healthy", "BooleanEquals": true, "Next": "NotifyFalseAlarm" }],
                        "Default": next,
                    }));
                    states.insert("NotifyFalseAlarm".into(), json!({
                        "Type": "Task",
                        "Resource": "arn:aws:states:::sns:publish",
                        "Parameters": { "TopicArn": "${TopicArn}", "Subject": format!("{}: failover not needed", t.name), "Message": format!("The primary health endpoint in {} answers; no failover was made.", t.primary.region) },
                        "Next": "Done",
                    }));
                }
                json!({
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": { "FunctionName": "${Probe}", "Payload": { "url": "${PrimaryHealthUrl}" } },
                    "ResultSelector": { "healthy.$": "$.Payload.healthy", "status.$": "$.Payload.status" },
                    "ResultPath": "$.primary",
                    "Next": if automatic { "PrimaryAnswers" } else { next },
                    "Catch": [{ "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "NotifyFailure" }],
                })
            }
            Step::Approval => json!({
                "Type": "Task",
                "Resource": "arn:aws:states:::sns:publish.waitForTaskToken",
                "Parameters": {
                    "TopicArn": "${TopicArn}",
                    "Subject": format!("Approve failover of {} to {}", t.name, t.secondary.region),
                    "Message.$": "States.Format('Approve the failover to {}: aws stepfunctions send-task-success --region {} --task-output true --task-token {}', '__REGION__', '__REGION__', $$.Task.Token)",
                },
                "TimeoutSeconds": 86_400,
                "ResultPath": Value::Null,
                "Next": next,
                "Catch": [{ "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "NotifyFailure" }],
            }),
            Step::PromoteDatabase => {
                let (action, params) = match t.failover.database_action {
                    DatabaseAction::FailoverAllowDataLoss => (
                        "failoverGlobalCluster",
                        json!({ "GlobalClusterIdentifier": "${GlobalCluster}", "TargetDbClusterIdentifier": "${TargetCluster}", "AllowDataLoss": true }),
                    ),
                    DatabaseAction::Switchover => (
                        "switchoverGlobalCluster",
                        json!({ "GlobalClusterIdentifier": "${GlobalCluster}", "TargetDbClusterIdentifier": "${TargetCluster}" }),
                    ),
                };
                task(
                    &format!("arn:aws:states:::aws-sdk:rds:{action}"),
                    params,
                    next,
                )
            }
            Step::WaitForPromotion => match t.failover.promotion_wait {
                PromotionWait::Poll { interval_seconds } => {
                    states.insert("DescribePromotion".into(), json!({
                        "Type": "Task",
                        "Resource": "arn:aws:states:::aws-sdk:rds:describeGlobalClusters",
                        "Parameters": { "GlobalClusterIdentifier": "${GlobalCluster}" },
                        "ResultSelector": { "writers.$": "$.GlobalClusters[0].GlobalClusterMembers[?(@.IsWriter == true)].DBClusterArn" },
                        "ResultPath": "$.promotion",
                        "Next": "PromotionDone",
                        "Catch": [{ "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "NotifyFailure" }],
                    }));
                    states.insert("PromotionDone".into(), json!({
                        "Type": "Choice",
                        "Choices": [{ "Variable": "$.promotion.writers[0]", "StringEquals": "${TargetCluster}", "Next": next }],
                        "Default": "WaitForPromotion",
                    }));
                    json!({ "Type": "Wait", "Seconds": interval_seconds.max(1), "Next": "DescribePromotion" })
                }
                PromotionWait::Fixed { seconds } => {
                    json!({ "Type": "Wait", "Seconds": seconds.max(1), "Next": next })
                }
            },
            Step::SwitchDns => task(
                "arn:aws:states:::aws-sdk:route53:updateHealthCheck",
                json!({ "HealthCheckId": "${HealthCheckId}", "Inverted": true }),
                next,
            ),
            Step::Validate => {
                states.insert("SecondaryAnswers".into(), json!({
                    "Type": "Choice",
                    "Choices": [{ "Variable": "$.secondary.healthy", "BooleanEquals": true, "Next": next }],
                    "Default": "ValidationFailed",
                }));
                states.insert("ValidationFailed".into(), json!({
                    "Type": "Pass",
                    "Parameters": { "Error": "ValidationFailed", "Cause.$": "States.Format('the health endpoint in __REGION__ answered with status {}', $.secondary.status)" },
                    "ResultPath": "$.error",
                    "Next": "NotifyFailure",
                }));
                json!({
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": { "FunctionName": "${Probe}", "Payload": { "url": "${OwnHealthUrl}" } },
                    "ResultSelector": { "healthy.$": "$.Payload.healthy", "status.$": "$.Payload.status" },
                    "ResultPath": "$.secondary",
                    "Next": "SecondaryAnswers",
                    "Catch": [{ "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "NotifyFailure" }],
                })
            }
            Step::Notify => task(
                "arn:aws:states:::sns:publish",
                json!({ "TopicArn": "${TopicArn}", "Subject": format!("{} failed over to {}", t.name, t.secondary.region), "Message.$": "States.Format('Failover {} completed', $$.Execution.Id)" }),
                next,
            ),
        };
        states.insert(name(*step).into(), state);
    }
    states.insert("NotifyFailure".into(), json!({
        "Type": "Task",
        "Resource": "arn:aws:states:::sns:publish",
        "Parameters": { "TopicArn": "${TopicArn}", "Subject": format!("{} failover FAILED", t.name), "Message.$": "States.JsonToString($.error)" },
        "Next": "Failed",
    }));
    states.insert("Failed".into(), json!({ "Type": "Fail", "Error": "FailoverFailed", "Cause": "see the alert topic and the execution history" }));
    states.insert("Done".into(), json!({ "Type": "Succeed" }));
    let start = steps.first().map_or("Done", |s| name(*s));
    // The approval message names the region in its command.
    let definition = serde_json::to_string(&json!({
        "Comment": format!("Tandem failover of {} from {} to {}", t.name, t.primary.region, t.secondary.region),
        "StartAt": start,
        "TimeoutSeconds": 7200,
        "States": states,
    }))
    .unwrap_or_default()
    .replace("__REGION__", &c.region);
    let definition: Value = serde_json::from_str(&definition).unwrap_or(Value::Null);

    let mut statements = vec![
        json!({ "Effect": "Allow", "Action": "sns:Publish", "Resource": r(&topic_id) }),
        json!({ "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": c.key }),
    ];
    if probe.is_some() {
        statements.push(json!({ "Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": ga("ProbeFunction", "Arn") }));
    }
    if db.is_some() {
        let global = sub(&format!(
            "arn:${{AWS::Partition}}:rds::{}:global-cluster:{}",
            c.names.account(),
            c.names.global_cluster()
        ));
        let action = match t.failover.database_action {
            DatabaseAction::FailoverAllowDataLoss => "rds:FailoverGlobalCluster",
            DatabaseAction::Switchover => "rds:SwitchoverGlobalCluster",
        };
        if t.failover.wildcard_permissions {
            statements.push(json!({ "Effect": "Allow", "Action": ["rds:*"], "Resource": "*" }));
        } else {
            statements.push(json!({ "Effect": "Allow", "Action": [action, "rds:DescribeGlobalClusters"], "Resource": [global, ga("DatabaseCluster", "DBClusterArn")] }));
        }
    }
    if let Some(h) = &health_check {
        statements.push(json!({ "Effect": "Allow", "Action": "route53:UpdateHealthCheck", "Resource": { "Fn::Sub": ["arn:${AWS::Partition}:route53:::healthcheck/${Id}", { "Id": h }] } }));
    }
    // Log delivery and X-Ray accept only `*` (AWS documents no narrower resource for them).
    statements.push(json!({
        "Effect": "Allow",
        "Action": ["logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups", "xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"],
        "Resource": "*",
    }));
    tpl.notes.push("The failover role's log-delivery and X-Ray actions use `Resource: *`: AWS accepts no narrower resource for them.".into());
    tpl.add(
        "FailoverRole",
        "AWS::IAM::Role",
        json!({
            "AssumeRolePolicyDocument": assume("states.amazonaws.com"),
            "Policies": [{ "PolicyName": "failover", "PolicyDocument": { "Version": "2012-10-17", "Statement": statements } }],
        }),
    );
    tpl.skip_check(
        "FailoverRole",
        "CKV_AWS_111",
        "only log delivery and X-Ray use `*`; AWS accepts no narrower resource for them",
    );
    tpl.skip_check(
        "FailoverRole",
        "CKV_AWS_290",
        "only log delivery and X-Ray use `*`; AWS accepts no narrower resource for them",
    );
    tpl.skip_check(
        "FailoverRole",
        "CKV_AWS_355",
        "only log delivery and X-Ray use `*`; AWS accepts no narrower resource for them",
    );
    tpl.add(
        "FailoverLogGroup",
        "AWS::Logs::LogGroup",
        json!({ "RetentionInDays": 365, "KmsKeyId": c.key }),
    );
    let machine = tpl.add(
        "FailoverStateMachine",
        "AWS::StepFunctions::StateMachine",
        json!({
            "StateMachineName": c.names.of("failover"),
            "StateMachineType": "STANDARD",
            "RoleArn": ga("FailoverRole", "Arn"),
            "Definition": definition,
            "DefinitionSubstitutions": subs,
            "LoggingConfiguration": { "Level": "ALL", "IncludeExecutionData": true, "Destinations": [{ "CloudWatchLogsLogGroup": { "LogGroupArn": ga("FailoverLogGroup", "Arn") } }] },
            "TracingConfiguration": { "Enabled": true },
        }),
    );
    tpl.output("FailoverStateMachineArn", machine, "the failover runbook");
    if in_secondary && t.failover.decision == Decision::Automatic {
        trigger(tpl, c);
    }
}

/// Automatic failover: a probe in the secondary region checks the primary's health endpoint
/// every minute; its alarm starts the state machine. Route 53's own metrics live in us-east-1,
/// which may be the region that failed, so the trigger does not depend on them.
fn trigger(tpl: &mut Template, c: &Ctx<'_>) {
    let t = c.t;
    if !tpl.resources.contains_key("ProbeFunction") {
        tpl.notes.push("Automatic failover needs the API's health endpoint to probe; no trigger was generated.".into());
        return;
    }
    tpl.add(
        "ProbeSchedule",
        "AWS::Events::Rule",
        json!({
            "Description": "probe the primary every minute",
            "ScheduleExpression": "rate(1 minute)",
            "State": "ENABLED",
            "Targets": [{ "Id": "probe", "Arn": ga("ProbeFunction", "Arn"), "Input": "{\"metric\": true}" }],
        }),
    );
    tpl.add("ProbePermission", "AWS::Lambda::Permission", json!({
        "Action": "lambda:InvokeFunction", "FunctionName": r("ProbeFunction"), "Principal": "events.amazonaws.com", "SourceArn": ga("ProbeSchedule", "Arn"),
    }));
    let threshold = t.dns.health_check.failure_threshold.clamp(1, 10);
    tpl.add("PrimaryDownAlarm", "AWS::CloudWatch::Alarm", json!({
        "AlarmName": c.names.of("primary-down"),
        "AlarmDescription": format!("{} has failed its health probe {threshold} minutes in a row", t.primary.region),
        "Namespace": "Tandem",
        "MetricName": "PrimaryHealthy",
        "Dimensions": [{ "Name": "Topology", "Value": c.names.base() }],
        "Statistic": "Minimum",
        "Period": 60,
        "EvaluationPeriods": threshold,
        "Threshold": 1,
        "ComparisonOperator": "LessThanThreshold",
        "TreatMissingData": "breaching",
    }));
    tpl.add("FailoverTriggerRole", "AWS::IAM::Role", json!({
        "AssumeRolePolicyDocument": assume("events.amazonaws.com"),
        "Policies": [{ "PolicyName": "start", "PolicyDocument": { "Version": "2012-10-17", "Statement": [
            { "Effect": "Allow", "Action": "states:StartExecution", "Resource": r("FailoverStateMachine") },
        ]}}],
    }));
    tpl.add("FailoverTrigger", "AWS::Events::Rule", json!({
        "Description": "start the failover when the primary-down alarm fires",
        "EventPattern": {
            "source": ["aws.cloudwatch"],
            "detail-type": ["CloudWatch Alarm State Change"],
            "resources": [ga("PrimaryDownAlarm", "Arn")],
            "detail": { "state": { "value": ["ALARM"] } },
        },
        "State": "ENABLED",
        "Targets": [{ "Id": "failover", "Arn": r("FailoverStateMachine"), "RoleArn": ga("FailoverTriggerRole", "Arn") }],
    }));
}

/// Tandem's health probe: an HTTPS GET of a health endpoint. The state machine invokes it with
/// `{"url": ...}`; the automatic trigger invokes it every minute with `{"metric": true}`, and
/// it records the primary's health as the `Tandem/PrimaryHealthy` metric.
fn probe_function(tpl: &mut Template, c: &Ctx<'_>) {
    let t = c.t;
    if tpl.resources.contains_key("ProbeFunction") {
        return;
    }
    if !tpl.resources.contains_key("FunctionDeadLetterQueue") {
        tpl.add(
            "FunctionDeadLetterQueue",
            "AWS::SQS::Queue",
            json!({ "QueueName": c.names.of("functions-dlq"), "KmsMasterKeyId": c.key, "MessageRetentionPeriod": 1_209_600 }),
        );
    }
    tpl.add("ProbeLogGroup", "AWS::Logs::LogGroup", json!({ "LogGroupName": format!("/aws/lambda/{}", c.names.of("health-probe")), "RetentionInDays": 365, "KmsKeyId": c.key }));
    tpl.add(
        "ProbeRole",
        "AWS::IAM::Role",
        json!({
            "AssumeRolePolicyDocument": assume("lambda.amazonaws.com"),
            "ManagedPolicyArns": [sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"), sub("arn:${AWS::Partition}:iam::aws:policy/AWSXRayDaemonWriteAccess")],
            "Policies": [{ "PolicyName": "probe", "PolicyDocument": { "Version": "2012-10-17", "Statement": [
                { "Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*", "Condition": { "StringEquals": { "cloudwatch:namespace": "Tandem" } } },
                { "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": c.key },
                { "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": ga("FunctionDeadLetterQueue", "Arn") },
            ]}}],
        }),
    );
    tpl.notes.push("The probe's cloudwatch:PutMetricData uses `Resource: *` with a namespace condition: the action accepts no resource.".into());
    let code = r#"// Tandem's health probe: GET a health endpoint over HTTPS.
const https = require("https");
const { CloudWatchClient, PutMetricDataCommand } = require("@aws-sdk/client-cloudwatch");
const cw = new CloudWatchClient({});
const get = (url) => new Promise((resolve) => {
  const req = https.get(url, { timeout: 5000 }, (res) => { res.resume(); resolve(res.statusCode); });
  req.on("timeout", () => { req.destroy(); resolve(0); });
  req.on("error", () => resolve(0));
});
exports.handler = async (event) => {
  const url = (event && event.url) || process.env.PRIMARY_HEALTH_URL;
  const status = url ? await get(url) : 0;
  const healthy = status === 200;
  if (event && event.metric) {
    await cw.send(new PutMetricDataCommand({ Namespace: "Tandem", MetricData: [{ MetricName: "PrimaryHealthy", Dimensions: [{ Name: "Topology", Value: process.env.TOPOLOGY }], Value: healthy ? 1 : 0 }] }));
  }
  return { healthy, status };
};
"#;
    let mut env = serde_json::Map::new();
    env.insert("TOPOLOGY".into(), json!(c.names.base()));
    if tpl.parameters.contains_key("PrimaryHealthUrl") {
        env.insert("PRIMARY_HEALTH_URL".into(), r("PrimaryHealthUrl"));
    }
    tpl.add(
        "ProbeFunction",
        "AWS::Lambda::Function",
        json!({
            "FunctionName": c.names.of("health-probe"),
            "Description": format!("Tandem health probe ({} and {})", t.primary.region, t.secondary.region),
            "Runtime": crate::catalog::LAMBDA_RUNTIME_DEFAULT,
            "Handler": "index.handler",
            "Code": { "ZipFile": code },
            "MemorySize": 128,
            "Timeout": 15,
            "Role": ga("ProbeRole", "Arn"),
            "Environment": { "Variables": env },
            "KmsKeyArn": c.key,
            "TracingConfig": { "Mode": "Active" },
            "ReservedConcurrentExecutions": 2,
            "DeadLetterConfig": { "TargetArn": ga("FunctionDeadLetterQueue", "Arn") },
            "LoggingConfig": { "LogGroup": r("ProbeLogGroup") },
        }),
    );
    tpl.skip_check(
        "ProbeFunction",
        "CKV_AWS_117",
        "the probe calls public health endpoints; it needs no VPC",
    );
}
