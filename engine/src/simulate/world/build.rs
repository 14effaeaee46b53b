//! Reading the world from the stacks' typed views.

use std::rc::Rc;

use serde_json::Value;

use super::super::asl;
use super::super::template_view::{Resource, StackView};
use super::{
    Alarm, AlarmRule, AlarmState, CheckKind, Cluster, HealthCheck, Probe, Record, Schedule,
    StateMachine, Store, World,
};

fn s(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn n(v: &Value, key: &str) -> Option<u64> {
    v.get(key).and_then(|x| {
        x.as_u64()
            .or_else(|| x.as_str().and_then(|s| s.parse().ok()))
    })
}

/// The stack part of a symbolic id (`stack/Logical.Attr` -> `stack/Logical`).
fn base(reference: &str) -> String {
    reference.split('.').next().unwrap_or(reference).to_string()
}

/// The region in an `execute-api` host name, if any.
pub(crate) fn api_region(url: &str) -> Option<String> {
    let rest = url.split(".execute-api.").nth(1)?;
    Some(rest.split('.').next()?.to_string())
}

fn rate(expr: &str) -> Option<u64> {
    let inner = expr.strip_prefix("rate(")?.strip_suffix(')')?;
    let (count, unit) = inner.split_once(' ')?;
    let count: u64 = count.trim().parse().ok()?;
    let unit = unit.trim().trim_end_matches('s');
    Some(
        count
            * match unit {
                "minute" => 60,
                "hour" => 3600,
                "day" => 86_400,
                _ => return None,
            },
    )
}

/// Reads everything the simulator models; `primary`/`secondary` are the two regions.
pub(crate) fn build(
    views: &[StackView],
    ssm: serde_json::Map<String, Value>,
    primary: &str,
    secondary: &str,
) -> World {
    let mut w = World {
        ssm,
        primary_region: primary.to_string(),
        secondary_region: secondary.to_string(),
        ..World::default()
    };
    for v in views {
        w.stacks
            .insert(v.id.clone(), (v.region.clone(), v.standing));
        if !v.standing {
            w.failover_stacks.push(super::FailoverStack {
                id: v.id.clone(),
                params: v.params.clone(),
                iam: v.iam.clone(),
            });
        }
        for r in &v.resources {
            read_resource(&mut w, v, r);
        }
    }
    // Instances per cluster.
    for v in views {
        for r in v.of_type("AWS::RDS::DBInstance") {
            let target = s(&r.props, "DBClusterIdentifier");
            if let Some(c) = w
                .clusters
                .iter_mut()
                .find(|c| c.key == base(&target) || c.identifier == target)
            {
                c.instances += 1;
            }
        }
    }
    // Forwarded events count as reaching the secondary only where its bus keeps them (an
    // archive, or a rule on that bus with a target other than another bus); otherwise they
    // arrive and are dropped, and the primary's bus is in-flight data with no copy.
    let kept = views.iter().filter(|v| v.region == secondary).any(|v| {
        v.of_type("AWS::Events::Archive").next().is_some()
            || v.of_type("AWS::Events::Rule").any(|r| {
                r.props.get("EventBusName").is_some()
                    && r.props
                        .get("Targets")
                        .and_then(Value::as_array)
                        .is_some_and(|ts| ts.iter().any(|t| !s(t, "Arn").contains(":event-bus/")))
            })
    });
    if !kept {
        let mut dropped = false;
        for store in w.stores.iter_mut().filter(|x| x.kind == "eventbridge") {
            dropped |= store.lag.take().is_some();
        }
        if dropped {
            w.notes.push(format!(
                "events forwarded to {secondary} are dropped there: its bus has no archive and no rule keeping them"
            ));
        }
    }
    // The global database's writer: the cluster that does not join from a source region.
    w.writer = w
        .clusters
        .iter()
        .find(|c| c.global && c.region == primary)
        .or_else(|| w.clusters.iter().find(|c| !c.global && c.region == primary))
        .map(|c| c.region.clone());
    w
}

/// Every resource type the world reads (`read_resource` and the passes in `build`): the views
/// resolve only these, so IAM policies, networks and the like cost nothing to simulate.
pub(crate) const READS: &[&str] = &[
    "AWS::Route53::HealthCheck",
    "AWS::Route53::RecordSet",
    "AWS::CloudWatch::Alarm",
    "AWS::SNS::Subscription",
    "AWS::SNS::Topic",
    "AWS::Events::Rule",
    "AWS::Scheduler::Schedule",
    "AWS::Lambda::Function",
    "AWS::StepFunctions::StateMachine",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::DynamoDB::GlobalTable",
    "AWS::S3::Bucket",
    "AWS::SQS::Queue",
    "AWS::Events::EventBus",
    "AWS::Events::Archive",
    "AWS::Backup::BackupSelection",
    "AWS::Backup::BackupPlan",
];

/// Properties of those types the world never reads, left unresolved: a function's inline
/// source is most of a template's bytes.
pub(crate) const UNREAD: &[(&str, &str)] = &[("AWS::Lambda::Function", "Code")];

fn read_resource(w: &mut World, v: &StackView, r: &Resource) {
    let p = &r.props;
    let key = v.key(&r.logical);
    match r.ty.as_str() {
        "AWS::Route53::HealthCheck" => {
            let cfg = p.get("HealthCheckConfig").unwrap_or(&Value::Null);
            let ty = s(cfg, "Type");
            let kind = match ty.as_str() {
                "CLOUDWATCH_METRIC" => {
                    let id = cfg.get("AlarmIdentifier").unwrap_or(&Value::Null);
                    let (region, name) = (s(id, "Region"), s(id, "Name"));
                    let insufficient = match s(cfg, "InsufficientDataHealthStatus").as_str() {
                        "Healthy" => Some(true),
                        "Unhealthy" => Some(false),
                        _ => None,
                    };
                    CheckKind::Metric {
                        region,
                        name,
                        insufficient,
                    }
                }
                "CALCULATED" => CheckKind::Calculated {
                    children: cfg
                        .get("ChildHealthChecks")
                        .and_then(Value::as_array)
                        .map(|a| a.iter().filter_map(Value::as_str).map(base).collect())
                        .unwrap_or_default(),
                    threshold: usize::try_from(n(cfg, "HealthThreshold").unwrap_or(1)).unwrap_or(1),
                },
                _ => {
                    let host = s(cfg, "FullyQualifiedDomainName");
                    CheckKind::Endpoint {
                        region: api_region(&host).unwrap_or_else(|| v.region.clone()),
                        interval: n(cfg, "RequestInterval").unwrap_or(30),
                        threshold: n(cfg, "FailureThreshold").unwrap_or(3),
                    }
                }
            };
            let inverted = cfg
                .get("Inverted")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            w.checks.push(HealthCheck {
                key,
                kind,
                inverted,
                observed: true,
                pending: None,
                generation: 0,
            });
        }
        "AWS::Route53::RecordSet" => {
            let role = s(p, "Failover");
            if role.is_empty() {
                return;
            }
            let target = p
                .get("ResourceRecords")
                .and_then(|a| a.get(0))
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| p.get("AliasTarget").map(|a| s(a, "DNSName")))
                .unwrap_or_default();
            let region = api_region(&target).unwrap_or_else(|| v.region.clone());
            let check = p.get("HealthCheckId").and_then(Value::as_str).map(base);
            w.records.push(Record {
                key,
                stack: v.id.clone(),
                name: s(p, "Name").trim_end_matches('.').to_string(),
                primary: role == "PRIMARY",
                region,
                check,
                ttl: n(p, "TTL").unwrap_or(60),
            });
        }
        "AWS::CloudWatch::Alarm" => {
            let eval = usize::try_from(n(p, "EvaluationPeriods").unwrap_or(1)).unwrap_or(1);
            w.alarms.push(Alarm {
                key,
                stack: v.id.clone(),
                region: v.region.clone(),
                name: s(p, "AlarmName"),
                namespace: s(p, "Namespace"),
                metric: s(p, "MetricName"),
                statistic: s(p, "Statistic"),
                period: n(p, "Period").unwrap_or(60).max(10),
                evaluation_periods: eval.max(1),
                datapoints_to_alarm: usize::try_from(
                    n(p, "DatapointsToAlarm").unwrap_or(eval as u64),
                )
                .unwrap_or(eval)
                .max(1),
                threshold: p.get("Threshold").and_then(Value::as_f64).unwrap_or(0.0),
                comparison: s(p, "ComparisonOperator"),
                treat_missing: {
                    let t = s(p, "TreatMissingData");
                    if t.is_empty() {
                        "missing".into()
                    } else {
                        t
                    }
                },
                actions: p
                    .get("AlarmActions")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).map(base).collect())
                    .unwrap_or_default(),
                state: AlarmState::Insufficient,
                history: Vec::new(),
            });
        }
        "AWS::SNS::Subscription" if s(p, "Protocol") == "email" => {
            w.paging_topics.push(base(&s(p, "TopicArn")));
        }
        "AWS::SNS::Topic" => {
            let email = p
                .get("Subscription")
                .and_then(Value::as_array)
                .is_some_and(|a| a.iter().any(|x| s(x, "Protocol") == "email"));
            if email {
                w.paging_topics.push(key);
            }
        }
        "AWS::Events::Rule" | "AWS::Scheduler::Schedule" => read_rule(w, v, r, key),
        "AWS::Lambda::Function" => {
            let role = r.metadata.get("Tandem").map(|t| s(t, "role"));
            let checks_db = r
                .metadata
                .get("Tandem")
                .and_then(|t| t.get("checksDatabase"))
                .and_then(Value::as_bool)
                == Some(true);
            if role.as_deref() == Some("health") && checks_db {
                w.health_checks_db.push(v.region.clone());
            }
            if role.as_deref() == Some("probe") || r.logical == "ProbeFunction" {
                let env = p.get("Environment").and_then(|e| e.get("Variables"));
                // The URL itself, or the SSM parameter the probe reads it from at each run.
                let stored = env
                    .and_then(|e| e.get("PRIMARY_HEALTH_URL_PARAMETER"))
                    .and_then(Value::as_str)
                    .and_then(|name| w.ssm.get(name))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                let default_url = env
                    .and_then(Value::as_object)
                    .and_then(|o| {
                        o.values()
                            .filter_map(Value::as_str)
                            .find(|x| x.starts_with("https://"))
                    })
                    .map(str::to_string)
                    .or(stored);
                w.probes.push(Probe {
                    key,
                    name: s(p, "FunctionName"),
                    region: v.region.clone(),
                    default_url,
                });
            }
        }
        "AWS::StepFunctions::StateMachine" => {
            let mut def = p.get("Definition").cloned().unwrap_or(Value::Null);
            if let Some(text) = p.get("DefinitionString").and_then(Value::as_str) {
                def = serde_json::from_str(text).unwrap_or(Value::Null);
            }
            let subs: Vec<(String, String)> = p
                .get("DefinitionSubstitutions")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(k, val)| {
                    let val = val.as_str().map_or_else(|| val.to_string(), str::to_string);
                    (format!("${{{k}}}"), val)
                })
                .collect();
            let pairs: Vec<(&str, &str)> =
                subs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            crate::synth::template::replace_in_strings(&mut def, &pairs);
            match asl::parse(&def) {
                Ok(machine) => w.machines.push(Rc::new(StateMachine {
                    failback: r.logical.to_lowercase().contains("failback")
                        || r.metadata
                            .get("Tandem")
                            .is_some_and(|t| s(t, "role") == "failback"),
                    key,
                    stack: v.id.clone(),
                    region: v.region.clone(),
                    machine,
                })),
                Err(e) => w
                    .notes
                    .push(format!("state machine `{key}` was not simulated: {e}")),
            }
        }
        "AWS::RDS::DBCluster" => w.clusters.push(Cluster {
            key,
            stack: v.id.clone(),
            identifier: s(p, "DBClusterIdentifier"),
            region: v.region.clone(),
            global: p.get("GlobalClusterIdentifier").is_some(),
            instances: 0,
            restored: p.get("SnapshotIdentifier").is_some() || p.get("RestoreType").is_some(),
        }),
        "AWS::DynamoDB::GlobalTable" => {
            let replicas = p
                .get("Replicas")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            // Multi-Region strong consistency acknowledges a write only once another Region
            // has it: nothing written is lost with one Region.
            let strong = s(p, "MultiRegionConsistency") == "STRONG";
            w.stores.push(Store {
                key,
                kind: if strong {
                    "dynamodb-strong"
                } else {
                    "dynamodb"
                },
                lag: (replicas > 1).then_some(0),
                durable: true,
            });
        }
        "AWS::S3::Bucket" => {
            if let Some(rules) = p
                .get("ReplicationConfiguration")
                .and_then(|c| c.get("Rules"))
                .and_then(Value::as_array)
            {
                let rtc = rules.iter().any(|x| {
                    x.get("Destination")
                        .and_then(|d| d.get("ReplicationTime"))
                        .is_some_and(|t| s(t, "Status") == "Enabled")
                });
                w.stores.push(Store {
                    key,
                    kind: if rtc { "s3-rtc" } else { "s3" },
                    lag: None,
                    durable: true,
                });
            }
        }
        // Data in flight in the primary region: queued messages stay there.
        "AWS::SQS::Queue" if v.region == w.primary_region => {
            w.stores.push(Store {
                key,
                kind: "sqs",
                lag: None,
                durable: false,
            });
        }
        "AWS::Events::EventBus" if v.region == w.primary_region => {
            w.stores.push(Store {
                key,
                kind: "eventbridge",
                lag: None,
                durable: false,
            });
        }
        // Resources a plan copies to the secondary region's vault can be restored there, from a
        // recovery point up to one backup interval old (AWS Backup cross-Region copy:
        // https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-region-backup.html).
        "AWS::Backup::BackupSelection" => {
            let plan = base(&s(p, "BackupPlanId"));
            let copies = v.resources.iter().any(|x| {
                v.key(&x.logical) == plan
                    && x.props
                        .get("BackupPlan")
                        .and_then(|b| b.get("BackupPlanRule"))
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .flat_map(|r| {
                            r.get("CopyActions")
                                .and_then(Value::as_array)
                                .into_iter()
                                .flatten()
                        })
                        .any(|c| {
                            s(c, "DestinationBackupVaultArn")
                                .contains(&format!(":backup:{}:", w.secondary_region))
                        })
            });
            if copies {
                let selected = p
                    .get("BackupSelection")
                    .and_then(|b| b.get("Resources"))
                    .and_then(Value::as_array);
                for res in selected.into_iter().flatten().filter_map(Value::as_str) {
                    w.backed_up.push(base(res));
                }
            }
        }
        "AWS::Backup::BackupPlan" => {
            let rules = p
                .get("BackupPlan")
                .and_then(|b| b.get("BackupPlanRule"))
                .and_then(Value::as_array);
            for expr in rules
                .into_iter()
                .flatten()
                .map(|r| s(r, "ScheduleExpression"))
            {
                let every = rate(&expr).or_else(|| cron_hours(&expr));
                w.backup_interval = match (w.backup_interval, every) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
        }
        _ => {}
    }
}

/// `cron(0 */N * * ? *)` runs every N hours; a cron with a fixed hour runs daily.
fn cron_hours(expr: &str) -> Option<u64> {
    let fields: Vec<&str> = expr
        .strip_prefix("cron(")?
        .strip_suffix(')')?
        .split_whitespace()
        .collect();
    let hours = fields.get(1)?;
    match hours.strip_prefix("*/") {
        Some(n) => n.parse::<u64>().ok().map(|n| n * 3600),
        None => Some(86_400),
    }
}

fn read_rule(w: &mut World, v: &StackView, r: &Resource, key: String) {
    let p = &r.props;
    let targets: Vec<Value> = match p.get("Targets").and_then(Value::as_array) {
        Some(t) => t.clone(),
        None => p.get("Target").cloned().into_iter().collect(),
    };
    if let Some(every) = p
        .get("ScheduleExpression")
        .and_then(Value::as_str)
        .and_then(rate)
    {
        for t in &targets {
            let input = t
                .get("Input")
                .and_then(Value::as_str)
                .and_then(|i| serde_json::from_str(i).ok())
                .unwrap_or(Value::Null);
            w.schedules.push(Schedule {
                stack: v.id.clone(),
                every,
                function: base(&s(t, "Arn")),
                input,
            });
        }
        return;
    }
    let Some(pattern) = p.get("EventPattern") else {
        return;
    };
    // A rule forwarding to a bus in another region: its events reach there within the delay.
    let cross_region = targets.iter().any(|t| {
        let arn = s(t, "Arn");
        arn.contains(":event-bus/") && !arn.contains(&format!(":{}:", v.region))
    });
    if cross_region {
        let bus = base(&s(p, "EventBusName"));
        if let Some(store) = w.stores.iter_mut().find(|x| x.key == bus) {
            store.lag = Some(1);
        }
    }
    let is_alarm = pattern
        .get("detail-type")
        .and_then(Value::as_array)
        .is_some_and(|a| {
            a.iter()
                .any(|x| x.as_str() == Some("CloudWatch Alarm State Change"))
        });
    let wants_alarm = pattern
        .get("detail")
        .and_then(|d| d.get("state"))
        .and_then(|d| d.get("value"))
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|x| x.as_str() == Some("ALARM")));
    if !(is_alarm && wants_alarm) {
        return;
    }
    let alarms: Vec<String> = pattern
        .get("resources")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(base).collect())
        .unwrap_or_default();
    for t in &targets {
        for a in &alarms {
            w.rules.push(AlarmRule {
                key: key.clone(),
                stack: v.id.clone(),
                alarm: a.clone(),
                machine: base(&s(t, "Arn")),
            });
        }
    }
}
