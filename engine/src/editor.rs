//! What an editor needs to know about the model beyond its JSON: the values an enum field
//! takes, which fields are optional (and what to start them with), and what a new list item
//! looks like. The console renders every field of a topology generically from its JSON and
//! asks here; the engine still validates every edit.

use serde_json::{json, Value};

mod strategy;
pub use strategy::{contradictions, strategy_edits, Contradiction};

use crate::catalog::{KNOWN_REGIONS, LAMBDA_RUNTIMES_SUPPORTED};
use crate::model::{Service, Step, Topology};
use crate::presets;

/// One value an enum field can take.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// The variant name (`manual`), which is also how the current value is recognised.
    pub label: String,
    /// The value to set when it is picked (`{"manual": {"approvalMinutes": 15}}`).
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    /// One of the choices.
    Select(Vec<Choice>),
    /// A list holding any of the choices (`calls`, endpoints, steps).
    MultiSelect(Vec<String>),
    /// Free text with suggestions (regions, runtimes).
    Suggest(Vec<String>),
}

/// `functions[2].calls[0]` -> `functions[].calls[]`.
pub fn pattern(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

fn plain(labels: &[&str]) -> Vec<Choice> {
    labels
        .iter()
        .map(|l| Choice {
            label: (*l).into(),
            value: json!(l),
        })
        .collect()
}

fn strings<T: AsRef<str>>(items: &[T]) -> Vec<String> {
    items.iter().map(|s| s.as_ref().to_string()).collect()
}

/// All a field's kind reads from the rest of the topology: the ids a choice starts with (a
/// queue trigger names the first queue). An editor that renders a part of the topology again
/// only when its value or this context changes cannot show a stale choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindContext {
    first_queue: String,
    first_function: String,
    first_table: String,
    first_bucket: String,
}

impl KindContext {
    pub fn of(t: &Topology) -> KindContext {
        let first = |id: Option<&String>| id.cloned().unwrap_or_else(|| "id".into());
        KindContext {
            first_queue: first(t.queues.first().map(|x| &x.id)),
            first_function: first(t.functions.first().map(|x| &x.id)),
            first_table: first(t.tables.first().map(|x| &x.id)),
            first_bucket: first(t.buckets.first().map(|x| &x.id)),
        }
    }
}

/// The kind of a field with a fixed set of values, if it has one.
pub fn field_kind(t: &Topology, path: &str) -> Option<FieldKind> {
    field_kind_in(&KindContext::of(t), path)
}

/// The same, from the context alone.
pub fn field_kind_in(c: &KindContext, path: &str) -> Option<FieldKind> {
    let p = pattern(path);
    let kind = match p.as_str() {
        "strategy" => FieldKind::Select(plain(&[
            "backupRestore",
            "pilotLight",
            "warmStandby",
            "activeActive",
        ])),
        "environment" => FieldKind::Suggest(strings(&["dev", "staging", "prod"])),
        "primary.region" | "secondary.region" | "tables[].witnessRegion" => {
            FieldKind::Suggest(strings(KNOWN_REGIONS))
        }
        "primary.vpc.nat" | "secondary.vpc.nat" => {
            FieldKind::Select(plain(&["none", "shared", "perAz"]))
        }
        "primary.vpc.gatewayEndpoints" | "secondary.vpc.gatewayEndpoints" => {
            FieldKind::MultiSelect(strings(&["s3", "dynamodb"]))
        }
        "primary.vpc.interfaceEndpoints" | "secondary.vpc.interfaceEndpoints" => {
            FieldKind::MultiSelect(
                Service::ALL
                    .iter()
                    .filter(|s| s.has_interface_endpoint())
                    .map(|s| s.key().to_string())
                    .collect(),
            )
        }
        "functions[].calls" | "functions[].writes" => {
            FieldKind::MultiSelect(Service::ALL.iter().map(|s| s.key().to_string()).collect())
        }
        "failover.steps" => FieldKind::MultiSelect(
            Step::canonical(crate::model::Decision::Manual {
                approval_minutes: 0,
            })
            .into_iter()
            .filter_map(|s| {
                serde_json::to_value(s)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
            })
            .collect(),
        ),
        "database.masterCredentials" => FieldKind::Select(plain(&["primaryOnly", "bothClusters"])),
        "database.storage" => FieldKind::Select(plain(&["standard", "ioOptimized"])),
        "tables[].partitionKey.type" | "tables[].sortKey.type" => {
            FieldKind::Select(plain(&["S", "N", "B"]))
        }
        "tables[].consistency" => FieldKind::Select(plain(&["eventual", "strong"])),
        "tables[].declaredIn" => FieldKind::Select(plain(&["primaryStack", "bothStacks"])),
        "buckets[].encryption" => FieldKind::Select(plain(&["none", "sseS3", "sseKms"])),
        "functions[].placement" => FieldKind::Select(plain(&["outsideVpc", "private", "isolated"])),
        "functions[].runtime" => FieldKind::Suggest(strings(LAMBDA_RUNTIMES_SUPPORTED)),
        "functions[].trigger" => {
            let queue = &c.first_queue;
            FieldKind::Select(vec![
                Choice {
                    label: "none".into(),
                    value: json!("none"),
                },
                Choice {
                    label: "api".into(),
                    value: json!("api"),
                },
                Choice {
                    label: "schedule".into(),
                    value: json!("schedule"),
                },
                Choice {
                    label: "queue".into(),
                    value: json!({ "queue": queue }),
                },
            ])
        }
        "api.authorization" => FieldKind::Select(plain(&["none", "iam", "cognito"])),
        "alarms[].metric" => {
            let (f, tb, b) = (&c.first_function, &c.first_table, &c.first_bucket);
            FieldKind::Select(vec![
                Choice {
                    label: "functionErrors".into(),
                    value: json!({ "functionErrors": f }),
                },
                Choice {
                    label: "apiLatency".into(),
                    value: json!("apiLatency"),
                },
                Choice {
                    label: "auroraCpu".into(),
                    value: json!("auroraCpu"),
                },
                Choice {
                    label: "auroraReplicationLag".into(),
                    value: json!("auroraReplicationLag"),
                },
                Choice {
                    label: "dynamodbReplicationLatency".into(),
                    value: json!({ "dynamodbReplicationLatency": tb }),
                },
                Choice {
                    label: "s3ReplicationLatency".into(),
                    value: json!({ "s3ReplicationLatency": b }),
                },
            ])
        }
        "dns.records[].failover" => FieldKind::Select(plain(&["PRIMARY", "SECONDARY"])),
        "dns.records[].target" => FieldKind::Select(plain(&["primary", "secondary"])),
        "failover.decision" => FieldKind::Select(vec![
            Choice {
                label: "automatic".into(),
                value: json!("automatic"),
            },
            Choice {
                label: "manual".into(),
                value: json!({ "manual": { "approvalMinutes": 15 } }),
            },
        ]),
        "failover.orchestrator" => {
            FieldKind::Select(plain(&["primaryOnly", "secondaryOnly", "both"]))
        }
        "failover.databaseAction" => {
            FieldKind::Select(plain(&["failoverAllowDataLoss", "switchover"]))
        }
        "failover.promotionWait" => FieldKind::Select(vec![
            Choice {
                label: "poll".into(),
                value: json!({ "poll": { "intervalSeconds": 15 } }),
            },
            Choice {
                label: "fixed".into(),
                value: json!({ "fixed": { "seconds": 60 } }),
            },
        ]),
        _ => return None,
    };
    Some(kind)
}

/// The variant name of an enum value: `"manual"` for `{"manual": {...}}`.
pub fn variant_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Object(m) if m.len() == 1 => m.keys().next().cloned(),
        _ => None,
    }
}

/// Fields of the object at `path` that may be absent, with the value to add them with.
pub fn optional_fields(path: &str) -> Vec<(&'static str, Value)> {
    let reference = presets::reference();
    let r = serde_json::to_value(&reference).unwrap_or(Value::Null);
    let take = |key: &str| r.get(key).cloned().unwrap_or(Value::Null);
    match pattern(path).as_str() {
        "" => vec![
            ("database", take("database")),
            ("api", take("api")),
            ("events", take("events")),
            ("backup", take("backup")),
        ],
        "naming" => vec![("accountId", json!("123456789012"))],
        "primary.vpc.tiers" | "secondary.vpc.tiers" => {
            vec![
                ("public", json!(24)),
                ("private", json!(24)),
                ("isolated", json!(24)),
            ]
        }
        "database" => vec![
            ("autoPauseSeconds", json!(300)),
            ("globalDbRpoSeconds", json!(20)),
        ],
        "tables[]" => vec![
            ("sortKey", json!({ "name": "sk", "type": "S" })),
            ("witnessRegion", json!("us-west-2")),
        ],
        "buckets[]" => vec![(
            "replication",
            json!({ "rtc": true, "rtcMinutes": 15, "deleteMarkers": true, "replicaVersioning": true }),
        )],
        "functions[]" => vec![("reservedConcurrency", json!(10))],
        "events" => vec![(
            "forwarding",
            r.pointer("/events/forwarding")
                .cloned()
                .unwrap_or(Value::Null),
        )],
        "suppressions[]" => vec![("path", json!(""))],
        _ => Vec::new(),
    }
}

/// A new element for the list at `path`: the last one with a fresh id, or the reference's.
pub fn new_item(t: &Topology, path: &str) -> Option<Value> {
    let v = serde_json::to_value(t).ok()?;
    let pointer = format!("/{}", path.replace(['.', '['], "/").replace(']', ""));
    let list = v.pointer(&pointer)?.as_array()?;
    let reference = serde_json::to_value(presets::reference()).ok()?;
    let mut item = match list.last() {
        Some(last) => last.clone(),
        None => reference
            .pointer(&format!(
                "/{}",
                pattern(path).replace("[]", "/0").replace('.', "/")
            ))
            .and_then(|x| x.as_array().and_then(|a| a.first()).cloned())
            .or_else(|| {
                reference
                    .pointer(&pointer)
                    .and_then(|x| x.as_array().and_then(|a| a.first()).cloned())
            })
            .unwrap_or_else(|| json!("")),
    };
    if let Some(obj) = item.as_object_mut() {
        if let Some(Value::String(id)) = obj.get("id").cloned() {
            let base = id
                .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-')
                .to_string();
            let base = if base.is_empty() {
                "item".to_string()
            } else {
                base
            };
            let taken: Vec<String> = list
                .iter()
                .filter_map(|x| x.get("id").and_then(Value::as_str).map(String::from))
                .collect();
            let fresh = if taken.contains(&id) {
                (2..)
                    .map(|n| format!("{base}-{n}"))
                    .find(|c| !taken.contains(c))
                    .unwrap_or(base)
            } else {
                id
            };
            obj.insert("id".into(), json!(fresh));
        }
        if let Some(Value::String(_)) = obj.get("setIdentifier") {
            obj.insert(
                "setIdentifier".into(),
                json!(format!("record-{}", list.len() + 1)),
            );
        }
    }
    Some(item)
}

/// The editor tab a field belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    Network,
    Data,
    Compute,
    Events,
    Failover,
    Objectives,
}

impl Group {
    pub const ALL: [Group; 6] = [
        Group::Network,
        Group::Data,
        Group::Compute,
        Group::Events,
        Group::Failover,
        Group::Objectives,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Group::Network => "Regions & network",
            Group::Data => "Data stores",
            Group::Compute => "Compute & API",
            Group::Events => "Events & alerting",
            Group::Failover => "DNS & failover",
            Group::Objectives => "Objectives & workload",
        }
    }

    /// The top-level topology fields it edits, in order.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            Group::Network => &[
                "name",
                "environment",
                "strategy",
                "naming",
                "primary",
                "secondary",
            ],
            Group::Data => &["database", "tables", "buckets", "backup"],
            Group::Compute => &["functions", "api", "queues"],
            Group::Events => &["topics", "alarms", "events"],
            Group::Failover => &["dns", "failover"],
            Group::Objectives => &["objectives", "workload", "suppressions"],
        }
    }

    /// The group of a field path.
    pub fn of(path: &str) -> Group {
        let top = path.split(['.', '[']).next().unwrap_or("");
        Group::ALL
            .into_iter()
            .find(|g| g.keys().contains(&top))
            .unwrap_or(Group::Network)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_and_groups() {
        assert_eq!(pattern("functions[12].calls[0]"), "functions[].calls[]");
        assert_eq!(Group::of("secondary.vpc.cidr"), Group::Network);
        assert_eq!(Group::of("buckets[1].versioning"), Group::Data);
        assert_eq!(Group::of("dns.records"), Group::Failover);
    }

    #[test]
    fn every_choice_loads() {
        let t = presets::reference();
        for (path, _) in [
            ("failover.decision", ()),
            ("failover.promotionWait", ()),
            ("functions[0].trigger", ()),
            ("alarms[0].metric", ()),
            ("primary.vpc.nat", ()),
            ("tables[0].consistency", ()),
        ] {
            let Some(FieldKind::Select(choices)) = field_kind(&t, path) else {
                panic!("{path}")
            };
            for c in choices {
                let fix = crate::rules::Fix::set("t", path, c.value.clone());
                crate::rules::apply_fix(&t, &fix)
                    .unwrap_or_else(|e| panic!("{path} = {}: {e}", c.label));
            }
        }
    }

    #[test]
    fn new_items_load_with_fresh_ids() {
        let t = presets::reference();
        for list in [
            "functions",
            "tables",
            "buckets",
            "queues",
            "topics",
            "alarms",
            "dns.records",
            "topics[0].emails",
        ] {
            let item = new_item(&t, list).unwrap();
            let fix = crate::rules::Fix {
                title: "add".into(),
                edits: vec![crate::rules::Edit::Push {
                    path: list.into(),
                    value: item,
                }],
            };
            crate::rules::apply_fix(&t, &fix).unwrap_or_else(|e| panic!("{list}: {e}"));
        }
        assert_eq!(
            new_item(&t, "functions").unwrap()["id"],
            "failover-validator-2"
        );
        let mut empty = t.clone();
        empty.queues.clear();
        assert_eq!(new_item(&empty, "queues").unwrap()["id"], "orders");
    }

    #[test]
    fn optional_fields_load() {
        let mut t = presets::reference();
        t.database = None;
        t.api = None;
        for (key, value) in optional_fields("") {
            let fix = crate::rules::Fix::set("t", key, value);
            crate::rules::apply_fix(&t, &fix).unwrap_or_else(|e| panic!("{key}: {e}"));
        }
    }
}
