//! The cheapest change that meets an objective: candidate edits are applied, the topology is
//! analysed again, and the candidate that meets the objective at the lowest monthly cost wins.

use serde_json::{json, Value};

use super::{analyze, analyze_without_rto, human_seconds, usd, Analysis};
use crate::catalog::MRSC_REGIONS;
use crate::edit::{apply_fix, Edit, Fix};
use crate::model::{Consistency, Decision, NatMode, Step, Topology};
use crate::prices::PriceTable;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Goal {
    Rpo,
    Rto,
    Budget,
}

#[derive(Debug, Clone)]
pub(crate) struct Suggestion {
    pub fix: Fix,
    /// What changes, e.g. "detection 90 s -> 30 s; RTO 16 min -> 15 min, +$1.00/month".
    pub effect: String,
}

fn set(path: &str, value: Value) -> Edit {
    Edit::Set {
        path: path.into(),
        value,
    }
}

fn meets(goal: Goal, t: &Topology, a: &Analysis) -> bool {
    match goal {
        Goal::Rpo => a
            .rpo
            .typical_seconds
            .is_some_and(|s| s <= f64::from(t.objectives.rpo_seconds)),
        Goal::Rto => a.rto.meets(f64::from(t.objectives.rto_seconds)),
        Goal::Budget => a.cost.total <= t.objectives.monthly_budget_usd.get(),
    }
}

/// Candidate changes toward a goal, cheapest-looking first; later ones build on earlier ones
/// where a single change is rarely enough.
fn candidates(goal: Goal, t: &Topology) -> Vec<(String, Vec<Edit>)> {
    let mut out: Vec<(String, Vec<Edit>)> = Vec::new();
    match goal {
        Goal::Rto => {
            let mut acc: Vec<Edit> = Vec::new();
            let mut titles: Vec<String> = Vec::new();
            let mut push = |title: &str, edits: Vec<Edit>, out: &mut Vec<(String, Vec<Edit>)>| {
                out.push((title.to_string(), edits.clone()));
                acc.extend(edits);
                titles.push(title.to_string());
                if titles.len() > 1 {
                    out.push((titles.join(", "), acc.clone()));
                }
            };
            if t.dns.ttl_seconds > 30 {
                push("TTL 30 s", vec![set("dns.ttlSeconds", json!(30))], &mut out);
            }
            if t.dns.health_check.interval_seconds > 10 {
                push(
                    "10 s health-check interval",
                    vec![set("dns.healthCheck.intervalSeconds", json!(10))],
                    &mut out,
                );
            }
            if t.dns.health_check.failure_threshold > 2 {
                push(
                    "failure threshold 2",
                    vec![set("dns.healthCheck.failureThreshold", json!(2))],
                    &mut out,
                );
            }
            if let Decision::Manual { .. } = t.failover.decision {
                let steps: Vec<Value> = Step::canonical(Decision::Automatic)
                    .into_iter()
                    .filter_map(|s| serde_json::to_value(s).ok())
                    .collect();
                push(
                    "automatic failover",
                    vec![
                        set("failover.decision", json!("automatic")),
                        set("failover.steps", Value::Array(steps)),
                    ],
                    &mut out,
                );
            }
            if let Some(db) = &t.database {
                if db.global && db.secondary_instances == 0 {
                    push(
                        "one standing secondary instance",
                        vec![set("database.secondaryInstances", json!(1))],
                        &mut out,
                    );
                }
            }
        }
        Goal::Rpo => {
            let secondary = t.secondary.region.as_str();
            for (i, b) in t.buckets.iter().enumerate() {
                match &b.replication {
                    Some(r) if !r.rtc => out.push((
                        format!("RTC on bucket `{}`", b.id),
                        vec![set(&format!("buckets[{i}].replication.rtc"), json!(true)),
                             set(&format!("buckets[{i}].replication.rtcMinutes"), json!(15))],
                    )),
                    None => out.push((
                        format!("replicate bucket `{}` with RTC", b.id),
                        vec![
                            set(&format!("buckets[{i}].versioning"), json!(true)),
                            set(&format!("buckets[{i}].replication"), json!({"rtc": true, "rtcMinutes": 15, "deleteMarkers": true, "replicaVersioning": true})),
                        ],
                    )),
                    _ => {}
                }
            }
            for (i, table) in t.tables.iter().enumerate() {
                if !table.replicated {
                    out.push((
                        format!("replicate table `{}`", table.id),
                        vec![set(&format!("tables[{i}].replicated"), json!(true))],
                    ));
                } else if table.consistency == Consistency::Eventual {
                    let p = t.primary.region.as_str();
                    if let Some(w) = MRSC_REGIONS.iter().find(|r| **r != p && **r != secondary) {
                        if MRSC_REGIONS.contains(&p) && MRSC_REGIONS.contains(&secondary) {
                            out.push((
                                format!("strong consistency for table `{}`", table.id),
                                vec![
                                    set(&format!("tables[{i}].consistency"), json!("strong")),
                                    set(&format!("tables[{i}].witnessRegion"), json!(w)),
                                ],
                            ));
                        }
                    }
                }
            }
            if let Some(db) = &t.database {
                if !db.global {
                    out.push((
                        "an Aurora Global Database".into(),
                        vec![
                            set("database.global", json!(true)),
                            set("database.secondaryInstances", json!(0)),
                        ],
                    ));
                }
            }
            if let Some(b) = &t.backup {
                if b.interval_hours > 1 {
                    out.push((
                        "hourly backups".into(),
                        vec![
                            set("backup.intervalHours", json!(1)),
                            set("backup.copyToSecondary", json!(true)),
                        ],
                    ));
                }
            }
            // A store rarely blocks alone: also offer everything at once.
            let all: Vec<Edit> = out.iter().flat_map(|(_, e)| e.clone()).collect();
            if out.len() > 1 {
                out.push(("replicate every store continuously".into(), all));
            }
        }
        Goal::Budget => {
            for (side, vpc) in [("primary", &t.primary.vpc), ("secondary", &t.secondary.vpc)] {
                if !vpc.interface_endpoints.is_empty() {
                    out.push((
                        format!("no interface endpoints in the {side} VPC"),
                        vec![set(&format!("{side}.vpc.interfaceEndpoints"), json!([]))],
                    ));
                }
            }
            if let Some(db) = &t.database {
                if db.min_acu.get() > 0.5 {
                    out.push((
                        "minimum capacity 0.5 ACU".into(),
                        vec![set("database.minAcu", json!(0.5))],
                    ));
                }
                if db.global && db.secondary_instances > 0 {
                    out.push((
                        "a headless secondary cluster (pilot light)".into(),
                        vec![set("database.secondaryInstances", json!(0))],
                    ));
                }
            }
            if t.primary.vpc.nat == NatMode::PerAz || t.secondary.vpc.nat == NatMode::PerAz {
                out.push((
                    "one NAT gateway per VPC (adds W1005)".into(),
                    vec![
                        set("primary.vpc.nat", json!("shared")),
                        set("secondary.vpc.nat", json!("shared")),
                    ],
                ));
            }
            let all: Vec<Edit> = out.iter().flat_map(|(_, e)| e.clone()).collect();
            if out.len() > 1 {
                out.push(("all of the savings above".into(), all));
            }
        }
    }
    out
}

/// The cheapest candidate that meets the goal, with its effect.
pub(crate) fn cheapest(
    goal: Goal,
    t: &Topology,
    prices: &PriceTable,
    before: &Analysis,
) -> Option<Suggestion> {
    let mut best: Option<(f64, Suggestion)> = None;
    for (title, edits) in candidates(goal, t) {
        let fix = Fix {
            title: format!("Use {title}"),
            edits,
        };
        let Ok(changed) = apply_fix(t, &fix) else {
            continue;
        };
        let after = match goal {
            Goal::Rto => analyze(&changed, prices),
            Goal::Rpo | Goal::Budget => analyze_without_rto(&changed, prices),
        };
        if !meets(goal, &changed, &after) {
            continue;
        }
        // For the budget, the least drastic saving that fits; otherwise the cheapest.
        let score = match goal {
            Goal::Budget => -after.cost.total,
            Goal::Rpo | Goal::Rto => after.cost.total,
        };
        if best.as_ref().is_some_and(|(s, _)| *s <= score) {
            continue;
        }
        let effect = describe(goal, before, &after);
        best = Some((score, Suggestion { fix, effect }));
    }
    best.map(|(_, s)| s)
}

fn describe(goal: Goal, before: &Analysis, after: &Analysis) -> String {
    let delta = after.cost.total - before.cost.total;
    let money = if delta.abs() < 0.005 {
        "no cost change".to_string()
    } else if delta > 0.0 {
        format!("+{}/month", usd(delta))
    } else {
        format!("{}/month", usd(delta))
    };
    match goal {
        Goal::Rto => {
            let mut parts: Vec<String> = Vec::new();
            for p in &after.rto.phases {
                let old = before
                    .rto
                    .phases
                    .iter()
                    .find(|q| q.id == p.id)
                    .map_or(0.0, |q| q.seconds);
                if (old - p.seconds).abs() >= 0.5 {
                    parts.push(format!(
                        "{} {} -> {}",
                        p.id,
                        human_seconds(old),
                        human_seconds(p.seconds)
                    ));
                }
            }
            parts.push(format!(
                "RTO {} -> {}, {money}",
                before.rto.total_text(),
                after.rto.total_text()
            ));
            parts.join("; ")
        }
        Goal::Rpo => {
            let fmt = |s: Option<f64>| s.map_or("unbounded".to_string(), human_seconds);
            format!(
                "RPO {} -> {}, {money}",
                fmt(before.rpo.typical_seconds),
                fmt(after.rpo.typical_seconds)
            )
        }
        Goal::Budget => format!(
            "{} -> {} a month",
            usd(before.cost.total),
            usd(after.cost.total)
        ),
    }
}
