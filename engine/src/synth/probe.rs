//! Tandem's probe in the secondary region, and what it drives: the `primary-down` alarm that
//! pages the operator (every preset) and, with an automatic decision, starts the failover.

use serde_json::{json, Value};

use super::app::Ctx;
use super::network::assume;
use super::template::{ga, r, sub, Template};
use crate::model::Decision;

/// The probe function's name.
pub(crate) fn probe_name(c: &Ctx<'_>) -> String {
    c.names.of("health-probe")
}

/// The probe's ARN: its `GetAtt` in the stack that has it, its derived ARN elsewhere.
pub(crate) fn probe_arn(tpl: &Template, c: &Ctx<'_>) -> Value {
    if tpl.resources.contains_key("ProbeFunction") {
        ga("ProbeFunction", "Arn")
    } else {
        c.arn("lambda", &format!("function:{}", probe_name(c)))
    }
}

/// The primary's health URL in a secondary-region stack: a parameter CloudFormation reads from
/// the SSM parameter `deploy.sh` stores in this region after deploying the primary.
pub(crate) fn primary_health_url(tpl: &mut Template, c: &Ctx<'_>) -> Value {
    tpl.param_with(
        "PrimaryHealthUrl",
        json!({ "Type": "AWS::SSM::Parameter::Value<String>", "Default": c.names.primary_health_url_parameter(), "Description": "the primary's ApiHealthUrl, stored in this region by deploy.sh" }),
    )
}

/// Paging from a standing `secondary-app`: the topology's first topic, or a paging topic when
/// it has none.
pub(crate) fn standing_watch(tpl: &mut Template, c: &Ctx<'_>) {
    let url = primary_health_url(tpl, c);
    let topic = match c.t.topics.first() {
        Some(x) => r(&format!("{}Topic", super::template::logical(&x.id))),
        None => tpl.add(
            "PagingTopic",
            "AWS::SNS::Topic",
            json!({ "TopicName": c.names.of("paging"), "KmsMasterKeyId": c.key }),
        ),
    };
    watch(tpl, c, &PrimaryUrl::Value(url), &topic);
}

/// Where the probe finds the primary's health URL when invoked without one.
pub(crate) enum PrimaryUrl {
    /// A template value (a parameter resolved at deploy time).
    Value(Value),
    /// An SSM parameter in this region, read at each run (it is written after this stack).
    Parameter(String),
}

const CODE: &str = r#"// Tandem's probe: HTTPS health checks, what DNS answers, and the primary's health as a metric.
const https = require("https");
const dns = require("dns").promises;
const { CloudWatchClient, PutMetricDataCommand } = require("@aws-sdk/client-cloudwatch");
const { SSMClient, GetParameterCommand } = require("@aws-sdk/client-ssm");
const cw = new CloudWatchClient({});
const ssm = new SSMClient({});
const get = (url) => new Promise((resolve) => {
  const req = https.get(url, { timeout: 5000 }, (res) => {
    let body = "";
    res.setEncoding("utf8");
    res.on("data", (chunk) => { if (body.length < 65536) body += chunk; });
    res.on("end", () => resolve({ status: res.statusCode, body }));
    res.on("error", () => resolve({ status: 0, body: "" }));
  });
  req.on("timeout", () => { req.destroy(); resolve({ status: 0, body: "" }); });
  req.on("error", () => resolve({ status: 0, body: "" }));
});
// The region a health body names ({"region": ...}), or null.
const regionOf = (body) => {
  try { return JSON.parse(body).region || null; } catch (e) { return null; }
};
const primaryUrl = async () => {
  if (process.env.PRIMARY_HEALTH_URL) return process.env.PRIMARY_HEALTH_URL;
  if (!process.env.PRIMARY_HEALTH_URL_PARAMETER) return "";
  try {
    const out = await ssm.send(new GetParameterCommand({ Name: process.env.PRIMARY_HEALTH_URL_PARAMETER }));
    return out.Parameter.Value;
  } catch (e) {
    return "";
  }
};
exports.handler = async (event) => {
  event = event || {};
  if (event.resolve) {
    // The second opinion: does the public name answer with the expected region's endpoint?
    let answer = [];
    try { answer = await dns.resolveCname(event.resolve); } catch (e) { answer = []; }
    const agrees = answer.some((name) => name.includes("." + event.expectRegion + "."));
    return { agrees, answer };
  }
  const url = event.url || await primaryUrl();
  const { status, body } = url ? await get(url) : { status: 0, body: "" };
  const region = regionOf(body);
  // With expectRegion, only an answer from that region counts (validation after a failover).
  const healthy = status === 200 && (!event.expectRegion || region === event.expectRegion);
  if (event.metric && url) {
    await cw.send(new PutMetricDataCommand({ Namespace: "Tandem", MetricData: [{ MetricName: "PrimaryHealthy", Dimensions: [{ Name: "Topology", Value: process.env.TOPOLOGY }], Value: healthy ? 1 : 0 }] }));
  }
  return { healthy, status, region };
};
"#;

/// Concurrency the probe reserves, so other functions never throttle paging: 2 when the
/// account's quota leaves room for it above the functions' reservations and the 100 Lambda keeps
/// unreserved; none otherwise (a reservation there would fail the deploy).
const PROBE_RESERVED_CONCURRENCY: u32 = 2;

fn probe_reservation(t: &crate::model::Topology) -> Option<u32> {
    let needed = t
        .reserved_concurrency()
        .saturating_add(PROBE_RESERVED_CONCURRENCY)
        .saturating_add(crate::catalog::LAMBDA_UNRESERVED_MINIMUM);
    (t.workload.lambda_concurrency_limit >= needed).then_some(PROBE_RESERVED_CONCURRENCY)
}

/// The probe function. `{"url": U}` GETs U (healthy: 200, and with `"expectRegion": R` a body
/// naming region R); `{"resolve": NAME, "expectRegion": R}` says whether
/// NAME resolves to region R's endpoint; `{"metric": true}` probes the primary and records
/// `Tandem/PrimaryHealthy`.
pub(crate) fn probe_function(tpl: &mut Template, c: &Ctx<'_>, url: &PrimaryUrl) {
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
    tpl.add("ProbeLogGroup", "AWS::Logs::LogGroup", json!({ "LogGroupName": format!("/aws/lambda/{}", probe_name(c)), "RetentionInDays": 365, "KmsKeyId": c.key }));
    let mut statements = vec![
        json!({ "Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*", "Condition": { "StringEquals": { "cloudwatch:namespace": "Tandem" } } }),
        json!({ "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": c.key }),
        json!({ "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": ga("FunctionDeadLetterQueue", "Arn") }),
    ];
    let mut env = serde_json::Map::new();
    env.insert("TOPOLOGY".into(), json!(c.names.base()));
    match url {
        PrimaryUrl::Value(v) => {
            env.insert("PRIMARY_HEALTH_URL".into(), v.clone());
        }
        PrimaryUrl::Parameter(name) => {
            env.insert("PRIMARY_HEALTH_URL_PARAMETER".into(), json!(name));
            statements.push(json!({ "Effect": "Allow", "Action": "ssm:GetParameter", "Resource": c.arn("ssm", &format!("parameter{name}")) }));
        }
    }
    tpl.add(
        "ProbeRole",
        "AWS::IAM::Role",
        json!({
            "AssumeRolePolicyDocument": assume("lambda.amazonaws.com"),
            "ManagedPolicyArns": [sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"), sub("arn:${AWS::Partition}:iam::aws:policy/AWSXRayDaemonWriteAccess")],
            "Policies": [{ "PolicyName": "probe", "PolicyDocument": { "Version": "2012-10-17", "Statement": statements } }],
        }),
    );
    tpl.notes.push("The probe's cloudwatch:PutMetricData uses `Resource: *` with a namespace condition: the action accepts no resource.".into());
    tpl.add_with(
        "ProbeFunction",
        "AWS::Lambda::Function",
        json!({
            "FunctionName": probe_name(c),
            "Description": format!("Tandem health probe ({} and {})", t.primary.region, t.secondary.region),
            "Runtime": crate::catalog::LAMBDA_RUNTIME_DEFAULT,
            "Handler": "index.handler",
            "Code": { "ZipFile": CODE },
            "MemorySize": 128,
            "Timeout": 15,
            "Role": ga("ProbeRole", "Arn"),
            "Environment": { "Variables": env },
            "KmsKeyArn": c.key,
            "TracingConfig": { "Mode": "Active" },
            "DeadLetterConfig": { "TargetArn": ga("FunctionDeadLetterQueue", "Arn") },
            "LoggingConfig": { "LogGroup": r("ProbeLogGroup") },
        }),
        json!({ "Metadata": { "Tandem": { "role": "probe" } } }),
    );
    match probe_reservation(t) {
        Some(n) => {
            if let Some(p) = tpl
                .resources
                .get_mut("ProbeFunction")
                .and_then(|res| res.get_mut("Properties"))
                .and_then(serde_json::Value::as_object_mut)
            {
                p.insert("ReservedConcurrentExecutions".into(), json!(n));
            }
        }
        None => {
            tpl.notes.push(format!("The probe reserves no concurrency: the account's Lambda quota (`workload.lambdaConcurrencyLimit`, {}) leaves no room above the 100 Lambda keeps unreserved.", t.workload.lambda_concurrency_limit));
            tpl.skip_check(
                "ProbeFunction",
                "CKV_AWS_115",
                "the account's Lambda quota leaves no room to reserve concurrency for the probe",
            );
        }
    }
    tpl.skip_check(
        "ProbeFunction",
        "CKV_AWS_117",
        "the probe calls public health endpoints; it needs no VPC",
    );
}

/// Paging, in every preset: the probe runs every minute and the `primary-down` alarm, after
/// the health check's failure threshold in minutes of reported failures, notifies `topic`
/// (whose e-mail subscriptions page the operator). The probe reports nothing while it has no
/// URL to check (before the primary is deployed under backup & restore).
pub(crate) fn watch(tpl: &mut Template, c: &Ctx<'_>, url: &PrimaryUrl, topic: &Value) {
    let t = c.t;
    probe_function(tpl, c, url);
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
        "DatapointsToAlarm": threshold,
        // Only reported failures page: before the probe's first datapoint after a deploy (and
        // while no URL is stored yet) the alarm has no data and stays INSUFFICIENT_DATA
        // instead of paging for an outage that is not there. In a real outage the probe keeps
        // running in this region and reports 0 every minute, which breaches.
        "TreatMissingData": "missing",
        "AlarmActions": [topic],
        // A probe that reported and then stops (its URL parameter deleted, the function
        // broken) takes the alarm from OK to INSUFFICIENT_DATA: that pages too, so silence is
        // never mistaken for health. A new alarm starts in INSUFFICIENT_DATA, so a deploy
        // does not page.
        "InsufficientDataActions": [topic],
    }));
}

/// Automatic decision: the `primary-down` alarm's ALARM state starts the state machine.
pub(crate) fn trigger(tpl: &mut Template, c: &Ctx<'_>) {
    if c.t.failover.decision != Decision::Automatic
        || !tpl.resources.contains_key("PrimaryDownAlarm")
    {
        return;
    }
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
