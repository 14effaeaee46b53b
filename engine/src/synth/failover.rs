//! The failover runbook as a Step Functions state machine, and what starts it when failover is
//! automatic. It runs in the secondary region: during a primary outage nothing in the primary
//! region can be relied on (known defect 9).

use serde_json::{json, Map, Value};

use super::app::Ctx;
use super::dns::{self, has_api};
use super::network::assume;
use super::probe;
use super::secondary_app_standing;
use super::template::{ga, logical, r, replace_in_strings, sub, Template};
use crate::model::{DatabaseAction, Decision, PromotionWait, Side, Step};

/// Errors every Task retries, with backoff: throttling and transient service errors.
fn retry() -> Value {
    json!([{
        "ErrorEquals": ["States.TaskFailed", "ThrottlingException", "ServiceUnavailable", "Lambda.ServiceException", "Lambda.TooManyRequestsException", "Lambda.SdkClientException", "Rds.ThrottlingException", "Sns.ThrottledException", "CloudWatch.ThrottlingException"],
        "IntervalSeconds": 2,
        "MaxAttempts": 5,
        "BackoffRate": 2,
    }])
}

/// The approval's retriers: a rejection first (never retried), then the usual ones.
fn approval_retry() -> Value {
    let mut retriers = vec![json!({ "ErrorEquals": ["FailoverRejected"], "MaxAttempts": 0 })];
    if let Value::Array(rest) = retry() {
        retriers.extend(rest);
    }
    Value::Array(retriers)
}

fn catch() -> Value {
    json!([{ "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "NotifyFailure" }])
}

/// A Task with `Retry` and a `Catch` to `NotifyFailure`.
fn task(resource: &str, parameters: Value, next: &str) -> Value {
    json!({
        "Type": "Task",
        "Resource": resource,
        "Parameters": parameters,
        "ResultPath": Value::Null,
        "Next": next,
        "Retry": retry(),
        "Catch": catch(),
    })
}

/// A Task that invokes the probe and keeps the fields `select` picks at `result`.
fn probe_task(payload: Value, select: Value, result: &str, next: &str) -> Value {
    json!({
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": { "FunctionName": "${Probe}", "Payload": payload },
        "ResultSelector": select,
        "ResultPath": result,
        "Next": next,
        "Retry": retry(),
        "Catch": catch(),
    })
}

/// A Choice that goes to `then` when the boolean at `path` is present and true.
fn when_true(path: &str, then: &str, otherwise: &str) -> Value {
    json!({
        "Type": "Choice",
        "Choices": [{ "And": [{ "Variable": path, "IsPresent": true }, { "Variable": path, "BooleanEquals": true }], "Next": then }],
        "Default": otherwise,
    })
}

fn publish(subject: &str, message: Value, next: &str) -> Value {
    let mut params = json!({ "TopicArn": "${TopicArn}", "Subject": subject });
    if let Some(o) = params.as_object_mut() {
        match message {
            Value::String(m) if m.starts_with("States.") => {
                o.insert("Message.$".into(), json!(m));
            }
            m => {
                o.insert("Message".into(), m);
            }
        }
    }
    task("arn:aws:states:::sns:publish", params, next)
}

/// Seconds the approval waits, and the execution's timeout beyond it.
const APPROVAL_WAIT: u32 = 86_400;
const RUN_TIME: u32 = 7_200;
/// Seconds between attempts to validate through the public name.
const VALIDATION_INTERVAL: u32 = 30;

/// The state machine; `in_secondary` says which region this stack is in.
pub(crate) fn state_machine(tpl: &mut Template, c: &Ctx<'_>, in_secondary: bool) {
    let t = c.t;
    let Some(topic) = t.topics.first() else {
        tpl.notes.push("No topic in the topology: the failover state machine needs one to notify; it was not generated.".into());
        return;
    };
    let topic_id = format!("{}Topic", logical(&topic.id));
    let topic_arn = if in_secondary && !secondary_app_standing(t) && has_api(t) {
        // Backup & restore: this stack is created during the failover, so a topic here would
        // have no confirmed subscription; approval and results go to the paging topic that
        // stands in `secondary-base`, confirmed at deploy time.
        tpl.param_with(
            "PagingTopicArn",
            json!({ "Type": "String", "Description": "PagingTopicArn output of the secondary-base stack", "AllowedPattern": "^arn:aws[a-z-]*:sns:.+$" }),
        )
    } else if tpl.resources.contains_key(&topic_id) {
        r(&topic_id)
    } else {
        c.arn("sns", &c.names.of(&topic.id))
    };
    // Health is checked by Tandem's own probe over HTTPS: the primary's endpoint before the
    // failover, the public name after it (validation, as a client sees it).
    let api = t.api.as_ref().filter(|_| has_api(t));
    let probe = api.map(|api| {
        let primary = if in_secondary {
            probe::primary_health_url(tpl, c)
        } else {
            sub(&format!(
                "https://${{Api}}.execute-api.${{AWS::Region}}.amazonaws.com/{}{}",
                api.stage, api.health_path
            ))
        };
        // Under backup & restore the secondary's probe stands in secondary-base.
        if !in_secondary || secondary_app_standing(t) {
            probe::probe_function(tpl, c, &probe::PrimaryUrl::Value(primary.clone()));
        }
        (primary, dns::public_health_url(t, api))
    });
    let db = t.database.as_ref().filter(|d| d.global);
    // A headless secondary (pilot light) gets a writer instance before promotion.
    let headless = db.is_some_and(|d| d.secondary_instances == 0);
    let instance_id = format!("{}-failover-1", c.names.cluster(&t.secondary.region));
    let mut subs = Map::new();
    subs.insert("TopicArn".into(), topic_arn.clone());
    subs.insert("GlobalCluster".into(), json!(c.names.global_cluster()));
    if db.is_some() {
        subs.insert(
            "TargetCluster".into(),
            ga("DatabaseCluster", "DBClusterArn"),
        );
    }
    if let Some((primary_url, public_url)) = &probe {
        subs.insert("Probe".into(), probe::probe_arn(tpl, c));
        subs.insert("PrimaryHealthUrl".into(), primary_url.clone());
        subs.insert("PublicHealthUrl".into(), json!(public_url));
    }
    // The switch alarm is in the secondary region; only a state machine there can publish to it.
    let can_switch = in_secondary && probe.is_some();
    if !in_secondary {
        tpl.notes.push("The DNS switch is a metric in the secondary region: this region's state machine cannot publish it; run the secondary's.".into());
    }
    let automatic = t.failover.decision == Decision::Automatic;

    let mut steps: Vec<Step> = t
        .failover
        .steps
        .iter()
        .copied()
        .filter(|s| match s {
            Step::PromoteDatabase | Step::WaitForPromotion => db.is_some(),
            Step::Validate | Step::CheckHealth => probe.is_some(),
            Step::SwitchDns => can_switch,
            Step::Approval => matches!(t.failover.decision, Decision::Manual { .. }),
            Step::Notify => false,
        })
        .collect();
    // Every successful run ends by notifying.
    steps.push(Step::Notify);
    let name = |s: Step| -> &'static str {
        match s {
            Step::CheckHealth => "CheckPrimary",
            Step::Approval => "AwaitApproval",
            Step::PromoteDatabase => {
                if headless {
                    "AddWriterInstance"
                } else {
                    "PromoteDatabase"
                }
            }
            Step::WaitForPromotion => "WaitForPromotion",
            Step::SwitchDns => "SwitchDns",
            Step::Validate => "StartValidation",
            Step::Notify => "NotifySuccess",
        }
    };
    let mut states = Map::new();
    for (i, step) in steps.iter().enumerate() {
        let next = steps.get(i + 1).map_or("Done", |s| name(*s));
        let state = match step {
            Step::CheckHealth => {
                if automatic {
                    // A false alarm: the primary answers after all.
                    states.insert(
                        "PrimaryAnswers".into(),
                        when_true("$.primary.healthy", "NotifyFalseAlarm", "SecondOpinion"),
                    );
                    states.insert(
                        "NotifyFalseAlarm".into(),
                        publish(
                            &format!("{}: failover not needed", t.name),
                            json!(format!(
                                "The primary health endpoint in {} answers; no failover was made.",
                                t.primary.region
                            )),
                            "Done",
                        ),
                    );
                    // The second opinion: Route 53's global health checkers have also seen the
                    // primary fail, so the public name already answers with this region. A
                    // partition between the regions never promotes the secondary.
                    // Asked a few times, one TTL apart: resolvers (the probe's included) may
                    // still hold the PRIMARY answer for a TTL after Route 53 has moved.
                    states.insert("AskSecondOpinion".into(), probe_task(
                        json!({ "resolve": t.dns.record_name, "expectRegion": t.secondary.region }),
                        json!({ "agrees.$": "$.Payload.agrees" }),
                        "$.opinion",
                        "OpinionAgrees",
                    ));
                    let opinion = counted_poll(
                        &mut states,
                        &Poll {
                            name: "Opinion",
                            wait: "PauseForOpinion",
                            check: "AskSecondOpinion",
                            decide: "OpinionAgrees",
                            interval: t.dns.ttl_seconds.clamp(15, 60),
                            max: OPINION_ATTEMPTS - 1,
                            done: json!({ "And": [{ "Variable": "$.opinion.agrees", "IsPresent": true }, { "Variable": "$.opinion.agrees", "BooleanEquals": true }] }),
                            next,
                            cause: String::new(),
                            check_first: true,
                            exhausted: Some("NotifyAborted"),
                        },
                    );
                    states.insert("SecondOpinion".into(), opinion);
                    states.insert("NotifyAborted".into(), publish(
                        &format!("{}: failover aborted", t.name),
                        json!(format!("The probe in {} cannot reach the primary, but Route 53 still answers {} with {}: no lossy failover was made. Check the network between the regions.", t.secondary.region, t.dns.record_name, t.primary.region)),
                        "Done",
                    ));
                }
                probe_task(
                    json!({ "url": "${PrimaryHealthUrl}" }),
                    json!({ "healthy.$": "$.Payload.healthy", "status.$": "$.Payload.status" }),
                    "$.primary",
                    if automatic { "PrimaryAnswers" } else { next },
                )
            }
            Step::Approval => json!({
                "Type": "Task",
                "Resource": "arn:aws:states:::sns:publish.waitForTaskToken",
                "Parameters": {
                    "TopicArn": "${TopicArn}",
                    "Subject": format!("Approve failover of {} to {}", t.name, t.secondary.region),
                    "Message.$": "States.Format('Approve the failover to {}: aws stepfunctions send-task-success --region {} --task-output true --task-token {} -- or reject it: aws stepfunctions send-task-failure --region {} --error FailoverRejected --task-token {}', '__REGION__', '__REGION__', $$.Task.Token, '__REGION__', $$.Task.Token)",
                },
                "TimeoutSeconds": APPROVAL_WAIT,
                "ResultPath": Value::Null,
                "Next": next,
                // A rejection is final: never retried, it notifies and stops.
                "Retry": approval_retry(),
                "Catch": catch(),
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
                let mut promote = task(
                    &format!("arn:aws:states:::aws-sdk:rds:{action}"),
                    params,
                    next,
                );
                // A retry after a call that took effect but answered late meets a global
                // cluster already failing over (or promoted): that is progress, not failure.
                if let Some(o) = promote.as_object_mut() {
                    let mut retriers =
                        vec![json!({ "ErrorEquals": [ALREADY_PROMOTING], "MaxAttempts": 0 })];
                    if let Value::Array(rest) = retry() {
                        retriers.extend(rest);
                    }
                    o.insert("Retry".into(), Value::Array(retriers));
                    o.insert("Catch".into(), json!([
                        { "ErrorEquals": [ALREADY_PROMOTING], "ResultPath": "$.error", "Next": "CheckPromotionState" },
                        { "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "NotifyFailure" },
                    ]));
                }
                promotion_state(&mut states, next);
                if headless {
                    states.insert("PromoteDatabase".into(), promote);
                    add_writer(
                        &mut states,
                        &instance_id,
                        &c.names.cluster(&t.secondary.region),
                        "PromoteDatabase",
                    )
                } else {
                    promote
                }
            }
            Step::WaitForPromotion => match t.failover.promotion_wait {
                PromotionWait::Poll { interval_seconds } => {
                    let interval = interval_seconds.max(1);
                    let mut describe = task(
                        "arn:aws:states:::aws-sdk:rds:describeGlobalClusters",
                        json!({ "GlobalClusterIdentifier": "${GlobalCluster}" }),
                        "PromotionDone",
                    );
                    if let Some(o) = describe.as_object_mut() {
                        o.insert("ResultSelector".into(), json!({ "writers.$": "$.GlobalClusters[0].GlobalClusterMembers[?(@.IsWriter == true)].DbClusterArn" }));
                        o.insert("ResultPath".into(), json!("$.promotion"));
                    }
                    states.insert("DescribePromotion".into(), describe);
                    let done = json!({ "And": [
                        { "Variable": "$.promotion.writers[0]", "IsPresent": true },
                        { "Variable": "$.promotion.writers[0]", "StringEquals": "${TargetCluster}" },
                    ] });
                    counted_poll(
                        &mut states,
                        &Poll {
                            name: "Promotion",
                            wait: "PauseForPromotion",
                            check: "DescribePromotion",
                            decide: "PromotionDone",
                            interval,
                            max: POLL_LIMIT_SECONDS.div_ceil(interval).max(1),
                            done,
                            next,
                            cause: format!(
                                "{} did not become the writer of {} in time",
                                c.names.cluster(&t.secondary.region),
                                c.names.global_cluster()
                            ),
                            check_first: false,
                            exhausted: None,
                        },
                    )
                }
                PromotionWait::Fixed { seconds } => {
                    json!({ "Type": "Wait", "Seconds": seconds.max(1), "Next": next })
                }
            },
            // Data plane only: the switch alarm fires and Route 53's checkers follow it.
            Step::SwitchDns => task(
                "arn:aws:states:::aws-sdk:cloudwatch:putMetricData",
                json!({ "Namespace": "Tandem", "MetricData": [{ "MetricName": dns::SWITCH_METRIC, "Dimensions": [{ "Name": "Topology", "Value": c.names.base() }], "Value": 1 }] }),
                next,
            ),
            Step::Validate => {
                // Through the public name, as a client sees it, retried long enough for the
                // switch alarm, Route 53's checkers and the record's TTL.
                let attempts = (t.dns.ttl_seconds
                    + 60
                    + t.dns.health_check.interval_seconds * t.dns.health_check.failure_threshold
                    + 120)
                    .div_ceil(VALIDATION_INTERVAL)
                    .max(4);
                states.insert(
                    "ValidateSecondary".into(),
                    probe_task(
                        json!({ "url": "${PublicHealthUrl}", "expectRegion": t.secondary.region }),
                        json!({ "healthy.$": "$.Payload.healthy", "status.$": "$.Payload.status" }),
                        "$.secondary",
                        "SecondaryAnswers",
                    ),
                );
                states.insert("SecondaryAnswers".into(), json!({
                    "Type": "Choice",
                    "Choices": [
                        { "And": [{ "Variable": "$.secondary.healthy", "IsPresent": true }, { "Variable": "$.secondary.healthy", "BooleanEquals": true }], "Next": next },
                        { "And": [{ "Variable": "$.validation.waits", "IsPresent": true }, { "Variable": "$.validation.waits", "NumericGreaterThanEquals": attempts }], "Next": "ValidationFailed" },
                    ],
                    "Default": "WaitToValidate",
                }));
                states.insert("WaitToValidate".into(), json!({ "Type": "Wait", "Seconds": VALIDATION_INTERVAL, "Next": "CountValidation" }));
                states.insert(
                    "CountValidation".into(),
                    json!({
                        "Type": "Pass",
                        "Parameters": { "waits.$": "States.MathAdd($.validation.waits, 1)" },
                        "ResultPath": "$.validation",
                        "Next": "ValidateSecondary",
                    }),
                );
                states.insert("ValidationFailed".into(), json!({
                    "Type": "Pass",
                    "Parameters": { "Error": "ValidationFailed", "Cause": format!("{} did not answer healthy from {} through the public name", t.dns.record_name, t.secondary.region) },
                    "ResultPath": "$.error",
                    "Next": "NotifyFailure",
                }));
                json!({ "Type": "Pass", "Result": { "waits": 0 }, "ResultPath": "$.validation", "Next": "ValidateSecondary" })
            }
            Step::Notify => publish(
                &format!("{} failed over to {}", t.name, t.secondary.region),
                json!("States.Format('Failover {} completed', $$.Execution.Id)"),
                next,
            ),
        };
        states.insert(name(*step).into(), state);
    }
    states.insert("NotifyFailure".into(), json!({
        "Type": "Task",
        "Resource": "arn:aws:states:::sns:publish",
        "Parameters": { "TopicArn": "${TopicArn}", "Subject": format!("{} failover FAILED", t.name), "Message.$": "States.JsonToString($.error)" },
        "Retry": retry(),
        "Next": "Failed",
    }));
    states.insert("Failed".into(), json!({ "Type": "Fail", "Error": "FailoverFailed", "Cause": "see the alert topic and the execution history" }));
    states.insert("Done".into(), json!({ "Type": "Succeed" }));
    let start = steps.first().map_or("Done", |s| name(*s));
    let timeout = if steps.contains(&Step::Approval) {
        APPROVAL_WAIT + RUN_TIME
    } else {
        RUN_TIME
    };
    // The approval message names the region in its command.
    let mut definition = Map::new();
    definition.insert(
        "Comment".into(),
        json!(format!(
            "Tandem failover of {} from {} to {}",
            t.name, t.primary.region, t.secondary.region
        )),
    );
    definition.insert("StartAt".into(), json!(start));
    definition.insert("TimeoutSeconds".into(), json!(timeout));
    definition.insert("States".into(), Value::Object(states));
    let mut definition = Value::Object(definition);
    replace_in_strings(&mut definition, &[("__REGION__", &c.region)]);

    let mut statements = vec![
        json!({ "Effect": "Allow", "Action": "sns:Publish", "Resource": topic_arn }),
        json!({ "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": c.key }),
    ];
    if probe.is_some() {
        statements.push(json!({ "Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": probe::probe_arn(tpl, c) }));
    }
    if can_switch {
        statements.push(json!({ "Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*", "Condition": { "StringEquals": { "cloudwatch:namespace": "Tandem" } } }));
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
            // The global cluster, this region's cluster (the target) and the other region's
            // (the writer being replaced): the service authorization reference lists `cluster`
            // and `global-cluster` for both actions without saying which member it checks, so
            // the grant names every member by its exact ARN rather than leave it to a drill.
            let mut members = vec![global, ga("DatabaseCluster", "DBClusterArn")];
            if t.global_database().is_some() {
                let other = match c.side {
                    Side::Secondary => &t.primary.region,
                    Side::Primary => &t.secondary.region,
                };
                members.push(sub(&format!(
                    "arn:${{AWS::Partition}}:rds:{other}:{}:cluster:{}",
                    c.names.account(),
                    c.names.cluster(other)
                )));
            }
            statements.push(json!({ "Effect": "Allow", "Action": [action, "rds:DescribeGlobalClusters"], "Resource": members }));
            if headless {
                // What `CreateDBInstance` authorizes for this request (service authorization
                // reference, Amazon RDS): the new instance (`db`, required), the cluster it
                // joins, the default DB parameter group of its engine family (no group is
                // named) and the cluster's subnet group, which it inherits. No option group
                // (Aurora PostgreSQL has none), no tags, no monitoring role or key is passed,
                // so no `rds:AddTagsToResource`, `iam:PassRole` or KMS grant.
                let family = t
                    .database
                    .as_ref()
                    .map(|d| super::database::engine_family(&d.engine_version))
                    .unwrap_or_default();
                statements.push(json!({ "Effect": "Allow", "Action": "rds:CreateDBInstance", "Resource": [
                    c.arn("rds", &format!("db:{instance_id}")),
                    ga("DatabaseCluster", "DBClusterArn"),
                    c.arn("rds", &format!("pg:default.{family}")),
                    sub(&format!("arn:${{AWS::Partition}}:rds:{}:{}:subgrp:${{DatabaseSubnetGroup}}", c.region, c.names.account())),
                ] }));
                statements.push(json!({ "Effect": "Allow", "Action": "rds:DescribeDBInstances", "Resource": c.arn("rds", &format!("db:{instance_id}")) }));
            }
        }
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
    // Execution data stays out of the logs: it would carry the approval's task token (anyone
    // who can read the log group could approve a failover) and every state's input and output.
    // Each state's transitions are still logged; the data is in the execution history, which
    // `states:GetExecutionHistory` guards.
    let machine = tpl.add(
        "FailoverStateMachine",
        "AWS::StepFunctions::StateMachine",
        json!({
            "StateMachineName": c.names.of("failover"),
            "StateMachineType": "STANDARD",
            "RoleArn": ga("FailoverRole", "Arn"),
            "Definition": definition,
            "DefinitionSubstitutions": subs,
            "LoggingConfiguration": { "Level": "ALL", "IncludeExecutionData": false, "Destinations": [{ "CloudWatchLogsLogGroup": { "LogGroupArn": ga("FailoverLogGroup", "Arn") } }] },
            "TracingConfiguration": { "Enabled": true },
        }),
    );
    tpl.output("FailoverStateMachineArn", machine, "the failover runbook");
    if in_secondary {
        probe::trigger(tpl, c);
    }
}

/// Pilot light: a writer instance for the headless secondary cluster, then wait until it is
/// available. A rerun finds the instance already there and waits for it.
fn add_writer(states: &mut Map<String, Value>, instance: &str, cluster: &str, next: &str) -> Value {
    let mut describe = task(
        "arn:aws:states:::aws-sdk:rds:describeDBInstances",
        json!({ "DbInstanceIdentifier": instance }),
        "WriterAvailable",
    );
    if let Some(o) = describe.as_object_mut() {
        o.insert(
            "ResultSelector".into(),
            json!({ "status.$": "$.DbInstances[0].DbInstanceStatus" }),
        );
        o.insert("ResultPath".into(), json!("$.writer"));
    }
    states.insert("DescribeWriter".into(), describe);
    let interval = 30;
    let waiting = counted_poll(
        states,
        &Poll {
            name: "Writer",
            wait: "PauseForWriter",
            check: "DescribeWriter",
            decide: "WriterAvailable",
            interval,
            max: POLL_LIMIT_SECONDS.div_ceil(interval),
            done: json!({ "And": [
                { "Variable": "$.writer.status", "IsPresent": true },
                { "Variable": "$.writer.status", "StringEquals": "available" },
            ] }),
            next,
            cause: format!("{instance} was not available in time"),
            check_first: false,
            exhausted: None,
        },
    );
    states.insert("WaitForWriter".into(), waiting);
    json!({
        "Type": "Task",
        "Resource": "arn:aws:states:::aws-sdk:rds:createDBInstance",
        "Parameters": {
            "DbInstanceIdentifier": instance,
            "DbClusterIdentifier": cluster,
            "Engine": "aurora-postgresql",
            "DbInstanceClass": "db.serverless",
        },
        "ResultPath": Value::Null,
        "Next": "WaitForWriter",
        "Retry": retry(),
        "Catch": [
            { "ErrorEquals": ["Rds.DbInstanceAlreadyExistsException"], "ResultPath": Value::Null, "Next": "WaitForWriter" },
            { "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "NotifyFailure" },
        ],
    })
}

/// The error a promotion call meets when the global cluster is already failing over or
/// switching over (the SDK integration's name for `InvalidGlobalClusterStateFault`).
const ALREADY_PROMOTING: &str = "Rds.InvalidGlobalClusterStateException";

/// After `ALREADY_PROMOTING`: reads the global cluster and goes on to `next` when the target is
/// the writer or the failover under way goes to it; any other state notifies and stops.
fn promotion_state(states: &mut Map<String, Value>, next: &str) {
    let mut describe = task(
        "arn:aws:states:::aws-sdk:rds:describeGlobalClusters",
        json!({ "GlobalClusterIdentifier": "${GlobalCluster}" }),
        "PromotionUnderWay",
    );
    if let Some(o) = describe.as_object_mut() {
        o.insert("ResultSelector".into(), json!({
            "writers.$": "$.GlobalClusters[0].GlobalClusterMembers[?(@.IsWriter == true)].DbClusterArn",
            "cluster.$": "$.GlobalClusters[0]",
        }));
        o.insert("ResultPath".into(), json!("$.promotionState"));
    }
    states.insert("CheckPromotionState".into(), describe);
    states.insert("PromotionUnderWay".into(), json!({
        "Type": "Choice",
        "Choices": [
            { "And": [
                { "Variable": "$.promotionState.writers[0]", "IsPresent": true },
                { "Variable": "$.promotionState.writers[0]", "StringEquals": "${TargetCluster}" },
            ], "Next": next },
            { "And": [
                { "Variable": "$.promotionState.cluster.FailoverState.ToDbClusterArn", "IsPresent": true },
                { "Variable": "$.promotionState.cluster.FailoverState.ToDbClusterArn", "StringEquals": "${TargetCluster}" },
            ], "Next": next },
        ],
        "Default": "NotifyFailure",
    }));
}

/// How many times the automatic decision asks for a second opinion before it aborts.
const OPINION_ATTEMPTS: u32 = 4;

/// Seconds any polling loop may last before it notifies and fails: well inside the execution's
/// timeout, and few enough rounds that no execution nears Step Functions' 25,000-event history.
const POLL_LIMIT_SECONDS: u32 = 1_800;

/// A polling loop with a counter in the state: `<entry>` (Pass, the counter at 0) -> `wait`
/// -> `check` (a Task the caller inserts, going to `decide`) -> `decide`: `done` goes to
/// `next`, `max` rounds to `<name>TimedOut` (notify and fail), otherwise count and wait again.
struct Poll<'a> {
    name: &'a str,
    wait: &'a str,
    check: &'a str,
    decide: &'a str,
    interval: u32,
    max: u32,
    done: Value,
    next: &'a str,
    cause: String,
    /// Check at once on entry (otherwise wait first).
    check_first: bool,
    /// Where to go after `max` rounds; `None` makes `<name>TimedOut`, which notifies and fails.
    exhausted: Option<&'a str>,
}

fn counted_poll(states: &mut Map<String, Value>, p: &Poll<'_>) -> Value {
    let counter = format!("$.polls{}", p.name);
    let count = format!("{counter}.rounds");
    let counting = format!("Count{}Poll", p.name);
    let timed_out = p
        .exhausted
        .map_or_else(|| format!("{}TimedOut", p.name), str::to_string);
    states.insert(
        p.wait.into(),
        json!({ "Type": "Wait", "Seconds": p.interval, "Next": p.check }),
    );
    states.insert(
        p.decide.into(),
        json!({
            "Type": "Choice",
            "Choices": [
                merge_next(&p.done, p.next),
                { "And": [{ "Variable": count, "IsPresent": true }, { "Variable": count, "NumericGreaterThanEquals": p.max }], "Next": timed_out },
            ],
            "Default": counting,
        }),
    );
    states.insert(
        counting.clone(),
        json!({
            "Type": "Pass",
            "Parameters": { "rounds.$": format!("States.MathAdd({count}, 1)") },
            "ResultPath": counter,
            "Next": p.wait,
        }),
    );
    if p.exhausted.is_none() {
        states.insert(
            timed_out,
            json!({
                "Type": "Pass",
                "Parameters": { "Error": format!("{}TimedOut", p.name), "Cause": p.cause },
                "ResultPath": "$.error",
                "Next": "NotifyFailure",
            }),
        );
    }
    let first = if p.check_first { p.check } else { p.wait };
    json!({ "Type": "Pass", "Result": { "rounds": 0 }, "ResultPath": counter, "Next": first })
}

/// A Choice rule with its `Next`.
fn merge_next(rule: &Value, next: &str) -> Value {
    let mut rule = rule.clone();
    if let Some(o) = rule.as_object_mut() {
        o.insert("Next".into(), json!(next));
    }
    rule
}
