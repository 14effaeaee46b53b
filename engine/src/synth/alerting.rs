//! Events and alerting: CloudWatch alarms, the event bus with cross-region forwarding, and
//! AWS Backup.

use serde_json::{json, Value};

use super::app::Ctx;
use super::network::assume;
use super::template::{ga, logical, r, sub, Template};
use crate::model::*;

pub(super) fn alarm(tpl: &mut Template, c: &Ctx<'_>, a: &Alarm) {
    let t = c.t;
    if !a.metric.sides().contains(&c.side) {
        return;
    }
    let (namespace, metric, stat, dims): (&str, &str, &str, Value) = match &a.metric {
        AlarmMetric::FunctionErrors(f) => {
            if t.function(f).is_none() {
                return;
            }
            (
                "AWS/Lambda",
                "Errors",
                "Sum",
                json!([{ "Name": "FunctionName", "Value": c.names.of(f) }]),
            )
        }
        AlarmMetric::ApiLatency => {
            let Some(api) = &t.api else { return };
            (
                "AWS/ApiGateway",
                "Latency",
                "Average",
                json!([{ "Name": "ApiName", "Value": c.names.of("api") }, { "Name": "Stage", "Value": api.stage }]),
            )
        }
        AlarmMetric::AuroraCpu => {
            if t.database.is_none() {
                return;
            }
            (
                "AWS/RDS",
                "CPUUtilization",
                "Average",
                json!([{ "Name": "DBClusterIdentifier", "Value": c.names.cluster(&c.region) }]),
            )
        }
        AlarmMetric::AuroraReplicationLag => {
            if t.global_database().is_none() {
                return;
            }
            (
                "AWS/RDS",
                "AuroraGlobalDBReplicationLag",
                "Maximum",
                json!([{ "Name": "DBClusterIdentifier", "Value": c.names.cluster(&c.region) }]),
            )
        }
        AlarmMetric::DynamodbReplicationLatency(table) => {
            if !t.tables.iter().any(|x| &x.id == table && x.replicated) {
                return;
            }
            let other = &t.region(c.side.other()).region;
            (
                "AWS/DynamoDB",
                "ReplicationLatency",
                "Average",
                json!([{ "Name": "TableName", "Value": c.names.of(table) }, { "Name": "ReceivingRegion", "Value": other }]),
            )
        }
        AlarmMetric::S3ReplicationLatency(bucket) => {
            let Some(b) = t
                .buckets
                .iter()
                .find(|x| &x.id == bucket && x.replication.is_some())
            else {
                return;
            };
            (
                "AWS/S3",
                "ReplicationLatency",
                "Maximum",
                json!([
                    { "Name": "SourceBucket", "Value": sub(&c.names.bucket(t, &b.id, &t.primary.region)) },
                    { "Name": "DestinationBucket", "Value": sub(&c.names.bucket(t, &b.id, &t.secondary.region)) },
                    { "Name": "RuleId", "Value": format!("{}-to-{}", b.id, t.secondary.region) },
                ]),
            )
        }
    };
    let Some(topic) = t.topics.iter().find(|x| x.id == a.topic) else {
        return;
    };
    tpl.add(
        &format!("{}Alarm", logical(&a.id)),
        "AWS::CloudWatch::Alarm",
        json!({
            "AlarmName": c.names.of(&format!("{}-{}", a.id, c.region)),
            "Namespace": namespace,
            "MetricName": metric,
            "Dimensions": dims,
            "Statistic": stat,
            "Period": 60,
            "EvaluationPeriods": a.evaluation_periods.max(1),
            "Threshold": a.threshold.get(),
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": [r(&format!("{}Topic", logical(&topic.id)))],
        }),
    );
}

pub(super) fn events_primary(tpl: &mut Template, c: &Ctx<'_>) {
    let t = c.t;
    let Some(events) = &t.events else { return };
    tpl.add(
        "EventBus",
        "AWS::Events::EventBus",
        json!({ "Name": c.names.bus() }),
    );
    let Some(fwd) = &events.forwarding else {
        return;
    };
    let target_bus = format!(
        "arn:${{AWS::Partition}}:events:{}:{}:event-bus/{}",
        t.secondary.region,
        c.names.account(),
        c.names.bus()
    );
    tpl.add(
        "EventForwardingRole",
        "AWS::IAM::Role",
        json!({
            "AssumeRolePolicyDocument": assume("events.amazonaws.com"),
            "Policies": [{ "PolicyName": "forward", "PolicyDocument": { "Version": "2012-10-17", "Statement": [
                { "Effect": "Allow", "Action": "events:PutEvents", "Resource": sub(&target_bus) },
            ]}}],
        }),
    );
    let mut target = json!({
        "Id": "secondary-bus",
        "Arn": sub(&target_bus),
        "RoleArn": ga("EventForwardingRole", "Arn"),
        "RetryPolicy": { "MaximumRetryAttempts": fwd.max_retry_attempts.min(185), "MaximumEventAgeInSeconds": fwd.max_event_age_seconds.clamp(60, 86_400) },
    });
    if fwd.dead_letter_queue {
        tpl.add("EventForwardingDeadLetterQueue", "AWS::SQS::Queue", json!({ "QueueName": c.names.of("events-dlq"), "KmsMasterKeyId": c.key, "MessageRetentionPeriod": 1_209_600 }));
        tpl.add(
            "EventForwardingDeadLetterQueuePolicy",
            "AWS::SQS::QueuePolicy",
            json!({
                "Queues": [r("EventForwardingDeadLetterQueue")],
                "PolicyDocument": { "Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Principal": { "Service": "events.amazonaws.com" }, "Action": "sqs:SendMessage",
                    "Resource": ga("EventForwardingDeadLetterQueue", "Arn"),
                    "Condition": { "ArnEquals": { "aws:SourceArn": ga("EventForwardingRule", "Arn") } },
                }]},
            }),
        );
        if let Some(o) = target.as_object_mut() {
            o.insert(
                "DeadLetterConfig".into(),
                json!({ "Arn": ga("EventForwardingDeadLetterQueue", "Arn") }),
            );
        }
    }
    let pattern = forwarded_pattern(fwd);
    tpl.add(
        "EventForwardingRule",
        "AWS::Events::Rule",
        json!({ "EventBusName": r("EventBus"), "Description": format!("forward to {}", t.secondary.region), "EventPattern": pattern, "State": "ENABLED", "Targets": [target] }),
    );
}

/// The pattern of the events the primary forwards (and the secondary archives and queues).
fn forwarded_pattern(fwd: &Forwarding) -> Value {
    let mut pattern = json!({ "source": fwd.sources });
    if !fwd.detail_types.is_empty() {
        if let Some(o) = pattern.as_object_mut() {
            o.insert("detail-type".into(), json!(fwd.detail_types));
        }
    }
    pattern
}

/// The secondary region's bus, which receives the forwarded events: a policy letting the
/// primary's rule put events, an archive keeping every forwarded event for
/// `archiveRetentionDays` (replayable into the bus after a failover), and a consumer, a rule
/// sending them to a KMS-encrypted queue with a dead-letter queue, so forwarded events are
/// kept rather than matched by nothing and dropped.
pub(super) fn events_secondary(tpl: &mut Template, c: &Ctx<'_>, fwd: &Forwarding) {
    let bus = tpl.add(
        "EventBus",
        "AWS::Events::EventBus",
        json!({ "Name": c.names.bus() }),
    );
    tpl.add(
        "EventBusPolicy",
        "AWS::Events::EventBusPolicy",
        json!({
            "EventBusName": bus,
            "StatementId": "AllowForwardingFromThisAccount",
            "Statement": {
                "Effect": "Allow",
                "Principal": { "AWS": sub(&format!("arn:${{AWS::Partition}}:iam::{}:root", c.names.account())) },
                "Action": "events:PutEvents",
                "Resource": ga("EventBus", "Arn"),
            },
        }),
    );
    let pattern = forwarded_pattern(fwd);
    tpl.add(
        "EventArchive",
        "AWS::Events::Archive",
        json!({
            // Named: the name CloudFormation would make (stack, logical id, suffix) passes the
            // archive's 48-character limit and the stack fails.
            "ArchiveName": c.names.of("events-archive"),
            "SourceArn": ga("EventBus", "Arn"),
            "Description": format!("events forwarded from {}", c.t.primary.region),
            "EventPattern": pattern,
            "RetentionDays": fwd.archive_retention_days,
        }),
    );
    tpl.add(
        "ForwardedEventsQueue",
        "AWS::SQS::Queue",
        json!({ "QueueName": c.names.of("events-in"), "KmsMasterKeyId": c.key, "MessageRetentionPeriod": 1_209_600 }),
    );
    tpl.add(
        "ForwardedEventsDeadLetterQueue",
        "AWS::SQS::Queue",
        json!({ "QueueName": c.names.of("events-dlq"), "KmsMasterKeyId": c.key, "MessageRetentionPeriod": 1_209_600 }),
    );
    for queue in ["ForwardedEventsQueue", "ForwardedEventsDeadLetterQueue"] {
        tpl.add(
            &format!("{queue}Policy"),
            "AWS::SQS::QueuePolicy",
            json!({
                "Queues": [r(queue)],
                "PolicyDocument": { "Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Principal": { "Service": "events.amazonaws.com" }, "Action": "sqs:SendMessage",
                    "Resource": ga(queue, "Arn"),
                    "Condition": { "ArnEquals": { "aws:SourceArn": ga("ForwardedEventsRule", "Arn") } },
                }]},
            }),
        );
    }
    tpl.add(
        "ForwardedEventsRule",
        "AWS::Events::Rule",
        json!({
            "EventBusName": r("EventBus"),
            "Description": format!("keep the events forwarded from {}", c.t.primary.region),
            "EventPattern": pattern,
            "State": "ENABLED",
            "Targets": [{
                "Id": "forwarded-events-queue",
                "Arn": ga("ForwardedEventsQueue", "Arn"),
                "DeadLetterConfig": { "Arn": ga("ForwardedEventsDeadLetterQueue", "Arn") },
            }],
        }),
    );
    tpl.output(
        "EventBusArn",
        ga("EventBus", "Arn"),
        "the bus events are forwarded to",
    );
    tpl.output(
        "ForwardedEventsQueueUrl",
        r("ForwardedEventsQueue"),
        "the queue keeping the forwarded events",
    );
    tpl.output(
        "EventArchiveArn",
        ga("EventArchive", "Arn"),
        "the archive of forwarded events (replay it after a failover)",
    );
}

pub(super) fn backup(tpl: &mut Template, c: &Ctx<'_>, b: &Backup) {
    let t = c.t;
    tpl.add(
        "BackupVault",
        "AWS::Backup::BackupVault",
        json!({ "BackupVaultName": c.names.vault(), "EncryptionKeyArn": c.key }),
    );
    let mut rule = json!({
        "RuleName": "tandem",
        "TargetBackupVault": r("BackupVault"),
        "ScheduleExpression": format!("cron(0 */{} * * ? *)", b.interval_hours.clamp(1, 24)),
        "Lifecycle": { "DeleteAfterDays": b.retention_days.max(1) },
    });
    if b.copy_to_secondary {
        if let Some(o) = rule.as_object_mut() {
            o.insert("CopyActions".into(), json!([{
                "DestinationBackupVaultArn": sub(&format!("arn:${{AWS::Partition}}:backup:{}:{}:backup-vault:{}", t.secondary.region, c.names.account(), c.names.vault())),
                "Lifecycle": { "DeleteAfterDays": b.retention_days.max(1) },
            }]));
        }
    }
    tpl.add("BackupPlan", "AWS::Backup::BackupPlan", json!({ "BackupPlan": { "BackupPlanName": c.names.of("backup"), "BackupPlanRule": [rule] } }));
    tpl.add(
        "BackupRole",
        "AWS::IAM::Role",
        json!({
            "AssumeRolePolicyDocument": assume("backup.amazonaws.com"),
            "ManagedPolicyArns": [
                sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"),
                sub("arn:${AWS::Partition}:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup"),
            ],
        }),
    );
    let mut resources = Vec::new();
    if t.database.is_some() {
        resources.push(ga("DatabaseCluster", "DBClusterArn"));
    }
    for table in &t.tables {
        resources.push(ga(&format!("{}Table", logical(&table.id)), "Arn"));
    }
    for bucket in &t.buckets {
        resources.push(ga(&format!("{}Bucket", logical(&bucket.id)), "Arn"));
    }
    if !resources.is_empty() {
        tpl.add(
            "BackupSelection",
            "AWS::Backup::BackupSelection",
            json!({ "BackupPlanId": r("BackupPlan"), "BackupSelection": { "SelectionName": "tandem", "IamRoleArn": ga("BackupRole", "Arn"), "Resources": resources } }),
        );
    }
}
