//! What choosing a strategy means: the knobs that define each AWS DR strategy (whitepaper
//! "Disaster Recovery of Workloads on AWS", the four strategies). Setting `strategy` applies
//! them in the same edit (`rules::apply_fix` expands it, so the console's field edit and any
//! fix get it), and rule W3025 reports a topology whose knobs contradict its strategy.

use serde_json::{json, Value};

use crate::edit::Edit;
use crate::model::{AlarmMetric, Consistency, Strategy, Topology};

/// A knob whose value contradicts a strategy: the field, its value and the one the strategy
/// needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Contradiction {
    pub path: String,
    pub now: Value,
    pub wanted: Value,
}

/// The knobs of `t` that contradict `strategy`, in field order.
pub fn contradictions(t: &Topology, strategy: Strategy) -> Vec<Contradiction> {
    let mut out = Vec::new();
    let mut want = |path: String, now: Value, wanted: Value| {
        if now != wanted {
            out.push(Contradiction { path, now, wanted });
        }
    };
    let standby = strategy != Strategy::BackupRestore;
    if let Some(db) = &t.database {
        want("database.global".into(), json!(db.global), json!(standby));
        let instances = match strategy {
            Strategy::BackupRestore | Strategy::PilotLight => 0,
            Strategy::WarmStandby => db.secondary_instances.max(1),
            Strategy::ActiveActive => db.secondary_instances.max(db.primary_instances),
        };
        want(
            "database.secondaryInstances".into(),
            json!(db.secondary_instances),
            json!(instances),
        );
    }
    for (i, table) in t.tables.iter().enumerate() {
        want(
            format!("tables[{i}].replicated"),
            json!(table.replicated),
            json!(standby),
        );
        if !standby && table.consistency == Consistency::Strong {
            want(
                format!("tables[{i}].consistency"),
                json!("strong"),
                json!("eventual"),
            );
        }
    }
    if !standby {
        let copies = t.backup.as_ref().is_some_and(|b| b.copy_to_secondary);
        want("backup.copyToSecondary".into(), json!(copies), json!(true));
    }
    out
}

/// The edits that make `t` what `strategy` means: the contradicting knobs set, and for backup &
/// restore what depends on standing replication removed (table witnesses, replication alarms)
/// and a backup plan added when there is none.
pub fn strategy_edits(t: &Topology, strategy: Strategy) -> Vec<Edit> {
    let mut edits: Vec<Edit> = Vec::new();
    for c in contradictions(t, strategy) {
        if c.path == "backup.copyToSecondary" && t.backup.is_none() {
            edits.push(Edit::Set {
                path: "backup".into(),
                value: json!({ "intervalHours": 4, "copyToSecondary": true, "retentionDays": 35 }),
            });
        } else {
            edits.push(Edit::Set {
                path: c.path,
                value: c.wanted,
            });
        }
    }
    if strategy == Strategy::BackupRestore {
        for (i, table) in t.tables.iter().enumerate() {
            if table.witness_region.is_some() {
                edits.push(Edit::Remove {
                    path: format!("tables[{i}].witnessRegion"),
                });
            }
        }
        // Last first, so each index still names its alarm.
        for (i, a) in t.alarms.iter().enumerate().rev() {
            let replication = matches!(
                a.metric,
                AlarmMetric::AuroraReplicationLag | AlarmMetric::DynamodbReplicationLatency(_)
            );
            if replication {
                edits.push(Edit::Remove {
                    path: format!("alarms[{i}]"),
                });
            }
        }
    }
    edits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Strategy::*;
    use crate::presets;
    use crate::rules::{apply_fix, Fix};

    fn set_strategy(t: &Topology, s: &str) -> Topology {
        let fix = Fix {
            title: String::new(),
            edits: vec![Edit::Set {
                path: "strategy".into(),
                value: json!(s),
            }],
        };
        apply_fix(t, &fix).unwrap()
    }

    #[test]
    fn every_preset_agrees_with_its_strategy() {
        for p in presets::PRESETS {
            let t = p.topology();
            assert_eq!(contradictions(&t, t.strategy), Vec::new(), "{}", p.id);
        }
    }

    #[test]
    fn setting_the_strategy_applies_its_knobs() {
        let warm = presets::reference();
        let pilot = set_strategy(&warm, "pilotLight");
        assert_eq!(pilot.strategy, PilotLight);
        assert_eq!(pilot.database.as_ref().unwrap().secondary_instances, 0);
        assert!(contradictions(&pilot, PilotLight).is_empty());

        let br = set_strategy(&warm, "backupRestore");
        let db = br.database.as_ref().unwrap();
        assert!(!db.global && db.secondary_instances == 0);
        assert!(br.tables.iter().all(|x| !x.replicated));
        assert!(br.backup.as_ref().unwrap().copy_to_secondary);
        assert!(!br
            .alarms
            .iter()
            .any(|a| a.metric == AlarmMetric::AuroraReplicationLag));
        assert!(contradictions(&br, BackupRestore).is_empty());

        let back = set_strategy(&br, "warmStandby");
        let db = back.database.as_ref().unwrap();
        assert!(db.global && db.secondary_instances == 1);
        assert!(back.tables.iter().all(|x| x.replicated));

        let aa = set_strategy(&presets::hot_standby(), "backupRestore");
        assert!(aa
            .tables
            .iter()
            .all(|x| x.consistency == Consistency::Eventual && x.witness_region.is_none()));
    }

    #[test]
    fn setting_the_same_strategy_changes_nothing_else() {
        let mut t = presets::pilot_light();
        if let Some(db) = t.database.as_mut() {
            db.secondary_instances = 1;
        }
        // Only a change of strategy applies the knobs; W3025 reports the contradiction.
        let same = set_strategy(&t, "pilotLight");
        assert_eq!(same, t);
    }
}
