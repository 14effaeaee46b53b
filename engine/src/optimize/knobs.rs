//! The knobs the optimizer turns, as groups of choices. Each choice is a list of `Edit`s from
//! the input topology (the same edits fixes use) and a label per change; a choice that would
//! set every field to the value it already has is never offered.
//!
//! Groups are what the search treats as one dimension. The *standby* group turns together the
//! knobs whose effects depend on each other: the strategy and what it implies for the data
//! (a global database, the secondary's instance count, replicated tables and buckets, S3 RTC,
//! the backup interval that matters only when something is not replicated) and the decision
//! (automatic only with a standing writer in the secondary, as E3023 requires). The other
//! groups each change one thing whose effect adds up independently of the rest: cost is a sum
//! of lines, RTO a sum of phases, RPO the worst store.

use serde_json::{json, Value};

use crate::model::{
    AlarmMetric, Decision, NatMode, Placement, PromotionWait, Service, Side, Step, Strategy,
    Topology,
};
use crate::rules::Edit;

/// One way to set a group's knobs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Choice {
    /// What changes, in words, one entry per change (`warm standby`, `DNS TTL 30 s`).
    pub labels: Vec<String>,
    pub edits: Vec<Edit>,
}

/// A dimension of the search: its choices, the input's own setting first (no edits).
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub name: &'static str,
    pub choices: Vec<Choice>,
}

/// Builds a choice from the input by setting fields that differ.
struct Builder<'a> {
    input: &'a Value,
    choice: Choice,
}

impl<'a> Builder<'a> {
    fn new(input: &'a Value) -> Builder<'a> {
        Builder {
            input,
            choice: Choice {
                labels: Vec::new(),
                edits: Vec::new(),
            },
        }
    }

    /// Sets `path` to `value` when it differs; returns whether it did.
    fn set(&mut self, path: &str, value: Value) -> bool {
        if lookup(self.input, path) == Some(&value) {
            return false;
        }
        self.choice.edits.push(Edit::Set {
            path: path.into(),
            value,
        });
        true
    }

    fn remove(&mut self, path: &str) {
        if lookup(self.input, path).is_some() {
            self.choice.edits.push(Edit::Remove { path: path.into() });
        }
    }

    fn label(&mut self, changed: bool, label: impl Into<String>) {
        if changed {
            self.choice.labels.push(label.into());
        }
    }

    fn done(self) -> Choice {
        self.choice
    }
}

/// The value at a dotted path with `[i]` indexes (`buckets[0].replication.rtc`).
fn lookup<'v>(root: &'v Value, path: &str) -> Option<&'v Value> {
    let mut node = root;
    for part in path.split('.') {
        let (key, rest) = part.split_once('[').unwrap_or((part, ""));
        node = node.get(key)?;
        if let Some(index) = rest.strip_suffix(']') {
            node = node.get(index.parse::<usize>().ok()?)?;
        }
    }
    Some(node)
}

fn strategy_name(s: Strategy) -> &'static str {
    match s {
        Strategy::BackupRestore => "backup & restore",
        Strategy::PilotLight => "pilot light",
        Strategy::WarmStandby => "warm standby",
        Strategy::ActiveActive => "active/active",
    }
}

/// Every group for a topology (`input` is its JSON), the standby group first.
pub(crate) fn groups(t: &Topology, input: &Value) -> Vec<Group> {
    let mut out = vec![standby(t, input)];
    out.extend([
        detection(t, input),
        ttl(t, input),
        network(t, input),
        capacity(t, input),
        promotion(t, input),
    ]);
    out.into_iter()
        .map(|mut g| {
            // The input's own setting first; then each distinct choice once.
            let mut choices = vec![Choice {
                labels: Vec::new(),
                edits: Vec::new(),
            }];
            for c in g.choices {
                if !c.edits.is_empty() && !choices.iter().any(|k| k.edits == c.edits) {
                    choices.push(c);
                }
            }
            g.choices = choices;
            g
        })
        .collect()
}

/// The input with the other decision (manual for automatic, automatic for manual): the second
/// context the independent groups are screened in, since some settings (health-check
/// interval) matter only with one decision.
pub(crate) fn other_decision(t: &Topology, input: &Value) -> Choice {
    let mut b = Builder::new(input);
    let other = match t.failover.decision {
        Decision::Automatic => Decision::Manual {
            approval_minutes: 10,
        },
        Decision::Manual { .. } => Decision::Automatic,
    };
    decide(&mut b, other);
    b.done()
}

/// Backup intervals offered under backup & restore, in hours (AWS Backup's shortest is 1 h).
const BACKUP_HOURS: [u32; 4] = [1, 4, 12, 24];

/// Strategy, data replication, RTC, backup interval and decision, turned together.
fn standby(t: &Topology, input: &Value) -> Group {
    let manual_minutes = match t.failover.decision {
        Decision::Manual { approval_minutes } => approval_minutes,
        // The reference's approval time, when the input decides automatically.
        Decision::Automatic => 10,
    };
    let manual = Decision::Manual {
        approval_minutes: manual_minutes,
    };
    let mut choices = Vec::new();
    // Not active/active: the generated records are a failover pair, so the primary serves all
    // traffic whatever the strategy says (W3026); a full-capacity standby is a warm standby.
    for strategy in Strategy::ALL
        .into_iter()
        .filter(|s| *s != Strategy::ActiveActive)
    {
        let replicated = strategy != Strategy::BackupRestore;
        // Whether a writer stands in the secondary, so automatic failover can point DNS there.
        let standing_writer = matches!(strategy, Strategy::WarmStandby | Strategy::ActiveActive)
            || t.database.is_none();
        let decisions: Vec<Decision> = if standing_writer && replicated {
            vec![manual, Decision::Automatic]
        } else {
            vec![manual]
        };
        let rtc_options: Vec<Option<bool>> = if !replicated || t.buckets.is_empty() {
            vec![None]
        } else {
            vec![Some(true), Some(false)]
        };
        let backup_options: Vec<Option<u32>> = if replicated {
            vec![None]
        } else {
            let current = t
                .backup
                .as_ref()
                .filter(|b| b.copy_to_secondary)
                .map(|b| b.interval_hours);
            let mut hours: Vec<u32> = current.into_iter().collect();
            hours.extend(BACKUP_HOURS.iter().filter(|h| current != Some(**h)));
            hours.into_iter().map(Some).collect()
        };
        for decision in &decisions {
            for rtc in &rtc_options {
                for backup in &backup_options {
                    let mut b = Builder::new(input);
                    let changed = b.set("strategy", json!(strategy.key()));
                    b.label(changed, strategy_name(strategy));
                    data_shape(t, &mut b, strategy, *rtc, *backup);
                    decide(&mut b, *decision);
                    choices.push(b.done());
                }
            }
        }
    }
    Group {
        name: "standby",
        choices,
    }
}

/// What a strategy implies for the database, tables and buckets.
fn data_shape(
    t: &Topology,
    b: &mut Builder<'_>,
    strategy: Strategy,
    rtc: Option<bool>,
    backup: Option<u32>,
) {
    let replicated = strategy != Strategy::BackupRestore;
    if let Some(db) = &t.database {
        let instances = match strategy {
            Strategy::BackupRestore | Strategy::PilotLight => 0,
            Strategy::WarmStandby if db.global && db.secondary_instances > 0 => {
                db.secondary_instances
            }
            Strategy::WarmStandby => 1,
            Strategy::ActiveActive => db.primary_instances.max(1),
        };
        let changed = b.set("database.global", json!(replicated));
        b.label(
            changed,
            if replicated {
                "an Aurora Global Database"
            } else {
                "no Aurora Global Database"
            },
        );
        let changed = b.set("database.secondaryInstances", json!(instances));
        b.label(changed, format!("{instances} secondary instances"));
        if replicated && db.min_acu.get() == 0.0 {
            // A global database cannot auto-pause (E3006).
            b.set("database.minAcu", json!(0.5));
            b.remove("database.autoPauseSeconds");
            b.label(true, "minimum capacity 0.5 ACU");
        }
    }
    let mut tables = false;
    for i in 0..t.tables.len() {
        tables |= b.set(&format!("tables[{i}].replicated"), json!(replicated));
    }
    b.label(
        tables,
        if replicated {
            "global tables"
        } else {
            "tables not replicated"
        },
    );
    let mut buckets = false;
    for (i, bucket) in t.buckets.iter().enumerate() {
        let path = format!("buckets[{i}].replication");
        match (replicated, &bucket.replication) {
            (false, Some(_)) => {
                b.remove(&path);
                buckets = true;
            }
            (false, None) => {}
            (true, Some(r)) => {
                let on = rtc.unwrap_or(r.rtc);
                b.set(&format!("{path}.rtc"), json!(on));
                if on {
                    b.set(&format!("{path}.rtcMinutes"), json!(15));
                }
            }
            (true, None) => {
                b.set(&format!("buckets[{i}].versioning"), json!(true));
                b.set(
                    &path,
                    json!({"rtc": rtc.unwrap_or(true), "rtcMinutes": 15, "deleteMarkers": true, "replicaVersioning": true}),
                );
                buckets = true;
            }
        }
    }
    b.label(
        buckets,
        if replicated {
            "replicated buckets"
        } else {
            "buckets not replicated"
        },
    );
    if let Some(on) = rtc {
        let any_changed = t
            .buckets
            .iter()
            .any(|bucket| bucket.replication.as_ref().is_none_or(|r| r.rtc != on));
        b.label(any_changed, if on { "S3 RTC" } else { "no S3 RTC" });
    }
    if !replicated {
        // Replication alarms watch metrics that no longer exist (as the backup & restore
        // preset does); removed from the last so the indexes stay right.
        for (i, alarm) in t.alarms.iter().enumerate().rev() {
            if matches!(
                alarm.metric,
                AlarmMetric::AuroraReplicationLag
                    | AlarmMetric::DynamodbReplicationLatency(_)
                    | AlarmMetric::S3ReplicationLatency(_)
            ) {
                b.remove(&format!("alarms[{i}]"));
            }
        }
    }
    if let Some(hours) = backup {
        let retention = t.backup.as_ref().map_or(35, |b| b.retention_days);
        let changed = b.set(
            "backup",
            json!({"intervalHours": hours, "copyToSecondary": true, "retentionDays": retention}),
        );
        b.label(
            changed,
            format!("backups every {hours} h copied to the secondary"),
        );
    }
}

fn decide(b: &mut Builder<'_>, decision: Decision) {
    let value = match decision {
        Decision::Automatic => json!("automatic"),
        Decision::Manual { approval_minutes } => {
            json!({"manual": {"approvalMinutes": approval_minutes}})
        }
    };
    if b.set("failover.decision", value) {
        let steps: Vec<Value> = Step::canonical(decision)
            .into_iter()
            .filter_map(|s| serde_json::to_value(s).ok())
            .collect();
        b.set("failover.steps", Value::Array(steps));
        b.label(
            true,
            match decision {
                Decision::Automatic => "automatic failover".to_string(),
                Decision::Manual { approval_minutes } => {
                    format!("manual failover ({approval_minutes} min to approve)")
                }
            },
        );
    }
}

/// Health-check interval (10 or 30 s) and failure threshold (2 or 3).
fn detection(t: &Topology, input: &Value) -> Group {
    let hc = &t.dns.health_check;
    let mut choices = Vec::new();
    for interval in [30u32, 10] {
        for threshold in [hc.failure_threshold, 3, 2] {
            let mut b = Builder::new(input);
            let changed = b.set("dns.healthCheck.intervalSeconds", json!(interval));
            b.label(changed, format!("health checks every {interval} s"));
            let changed = b.set("dns.healthCheck.failureThreshold", json!(threshold));
            b.label(changed, format!("failure threshold {threshold}"));
            choices.push(b.done());
        }
    }
    Group {
        name: "detection",
        choices,
    }
}

/// The failover record's TTL.
fn ttl(_t: &Topology, input: &Value) -> Group {
    let choices = [60u32, 30]
        .into_iter()
        .map(|ttl| {
            let mut b = Builder::new(input);
            let changed = b.set("dns.ttlSeconds", json!(ttl));
            b.label(changed, format!("DNS TTL {ttl} s"));
            b.done()
        })
        .collect();
    Group {
        name: "dns",
        choices,
    }
}

/// The interface endpoints a VPC's functions need: services they call that have one, minus
/// those a gateway endpoint serves and the RDS API (a database connection stays in the VPC).
fn needed_endpoints(t: &Topology, side: Side) -> Vec<Service> {
    let vpc = &t.region(side).vpc;
    Service::ALL
        .into_iter()
        .filter(|s| {
            *s != Service::Rds
                && s.has_interface_endpoint()
                && !vpc.gateway_endpoints.contains(s)
                && t.functions
                    .iter()
                    .any(|f| f.placement != Placement::OutsideVpc && f.calls.contains(s))
        })
        .collect()
}

/// NAT gateways and interface endpoints, the same in both VPCs.
fn network(t: &Topology, input: &Value) -> Group {
    let mut choices = Vec::new();
    for nat in [NatMode::PerAz, NatMode::Shared, NatMode::None] {
        for endpoints in ["input", "needed", "none"] {
            let mut b = Builder::new(input);
            let mut nat_changed = false;
            let mut endpoints_changed = false;
            for side in Side::BOTH {
                let key = side.key();
                nat_changed |= b.set(&format!("{key}.vpc.nat"), json!(nat));
                let list = match endpoints {
                    "needed" => needed_endpoints(t, side),
                    "none" => Vec::new(),
                    _ => t.region(side).vpc.interface_endpoints.clone(),
                };
                endpoints_changed |= b.set(&format!("{key}.vpc.interfaceEndpoints"), json!(list));
            }
            b.label(
                nat_changed,
                match nat {
                    NatMode::PerAz => "a NAT gateway per AZ",
                    NatMode::Shared => "one NAT gateway per VPC",
                    NatMode::None => "no NAT gateway",
                },
            );
            b.label(
                endpoints_changed,
                match endpoints {
                    "none" => "no interface endpoints".to_string(),
                    _ => {
                        let list: Vec<&str> = needed_endpoints(t, Side::Primary)
                            .into_iter()
                            .map(Service::key)
                            .collect();
                        format!("interface endpoints only for {}", list.join(", "))
                    }
                },
            );
            choices.push(b.done());
        }
    }
    Group {
        name: "network",
        choices,
    }
}

/// Aurora's minimum capacity (both clusters run at it).
fn capacity(t: &Topology, input: &Value) -> Group {
    let mut choices = Vec::new();
    if t.database.as_ref().is_some_and(|db| db.min_acu.get() > 0.5) {
        let mut b = Builder::new(input);
        let changed = b.set("database.minAcu", json!(0.5));
        b.label(changed, "minimum capacity 0.5 ACU");
        choices.push(b.done());
    }
    Group {
        name: "capacity",
        choices,
    }
}

/// How the state machine waits for promotion: polling every 15 s notices it at once (a
/// multiple of the 60 s promotion), a fixed wait guesses.
fn promotion(t: &Topology, input: &Value) -> Group {
    let mut choices = Vec::new();
    if t.database.is_some() && !matches!(t.failover.promotion_wait, PromotionWait::Poll { .. }) {
        let mut b = Builder::new(input);
        let changed = b.set(
            "failover.promotionWait",
            json!({"poll": {"intervalSeconds": 15}}),
        );
        b.label(changed, "poll for promotion every 15 s");
        choices.push(b.done());
    }
    Group {
        name: "promotion",
        choices,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_follows_paths() {
        let v = json!({"a": {"b": [1, {"c": 2}]}});
        assert_eq!(lookup(&v, "a.b[1].c"), Some(&json!(2)));
        assert_eq!(lookup(&v, "a.b[5]"), None);
        assert_eq!(lookup(&v, "a.x"), None);
    }

    #[test]
    fn the_input_setting_comes_first_and_no_choice_repeats_it() {
        let t = crate::presets::reference();
        let v = serde_json::to_value(&t).unwrap();
        for g in groups(&t, &v) {
            assert!(g.choices[0].edits.is_empty(), "{}", g.name);
            assert!(
                g.choices
                    .iter()
                    .skip(1)
                    .all(|c| !c.edits.is_empty() && !c.labels.is_empty()),
                "{}: {:?}",
                g.name,
                g.choices
            );
        }
    }
}
