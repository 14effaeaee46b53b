//! Recovery point per data store: how much recent data a regional failover loses.
//!
//! Each store has a *typical* loss and, where AWS states one, a *bound*. Durable stores (the
//! database, tables, buckets) decide the topology's RPO; in-flight data (queued messages,
//! events being forwarded) is reported with its own RPO but is not a system of record.

use serde::{Deserialize, Serialize};

use crate::model::{Consistency, DatabaseAction, Topology};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StoreKind {
    Aurora,
    Dynamodb,
    S3,
    Sqs,
    Eventbridge,
}

/// The recovery point of one store. `None` means unbounded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoreRpo {
    pub store: String,
    pub kind: StoreKind,
    /// The field that decides it.
    pub path: String,
    /// A system of record (counts toward the topology's RPO), or data in flight.
    pub durable: bool,
    pub typical_seconds: Option<f64>,
    pub bound_seconds: Option<f64>,
    pub basis: String,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RpoReport {
    pub stores: Vec<StoreRpo>,
    /// Index of the durable store with the worst typical RPO.
    pub worst: Option<usize>,
    /// The topology's RPO: the worst durable store's typical value (`None`: unbounded).
    pub typical_seconds: Option<f64>,
}

impl RpoReport {
    pub fn worst_store(&self) -> Option<&StoreRpo> {
        self.worst.and_then(|i| self.stores.get(i))
    }
}

const AURORA_DR: &str = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html";
const DDB_GLOBAL: &str = "https://docs.aws.amazon.com/prescriptive-guidance/latest/dynamodb-global-tables/introduction.html";
const S3_RTC: &str =
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html";
const SQS: &str =
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/welcome.html";
const EB_RETRY: &str =
    "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html";
const BACKUP: &str =
    "https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-region-backup.html";

/// The loss for a store covered only by the backup plan.
fn backup_rpo(t: &Topology) -> (Option<f64>, String) {
    match &t.backup {
        Some(b) if b.copy_to_secondary => (
            Some(f64::from(b.interval_hours) * 3600.0),
            format!(
                "AWS Backup copies a recovery point to {} every {} h",
                t.secondary.region, b.interval_hours
            ),
        ),
        Some(_) => (
            None,
            "backups stay in the primary region: nothing reaches the secondary".into(),
        ),
        None => (None, "no cross-region copy at all".into()),
    }
}

pub(crate) fn rpo(t: &Topology) -> RpoReport {
    let mut stores = Vec::new();
    if let Some(db) = &t.database {
        let (typical, bound, basis, source) = if db.global {
            if t.failover.database_action == DatabaseAction::Switchover {
                (
                    Some(0.0),
                    Some(0.0),
                    "planned switchover waits for the secondary to catch up".to_string(),
                    AURORA_DR,
                )
            } else {
                let bound = db.global_db_rpo_seconds.map(f64::from);
                let basis = match bound {
                    Some(b) => format!("replication lag is typically under 1 s; rds.global_db_rpo blocks commits beyond {b} s"),
                    None => "replication lag is typically under 1 s; nothing bounds it (set rds.global_db_rpo)".into(),
                };
                (Some(1.0), bound, basis, AURORA_DR)
            }
        } else {
            let (v, basis) = backup_rpo(t);
            (v, v, basis, BACKUP)
        };
        stores.push(StoreRpo {
            store: format!("Aurora `{}`", db.id),
            kind: StoreKind::Aurora,
            // The field that changes it: the switchover choice, the RPO cap inside the
            // database's editor, or (without a global database) the global switch.
            path: match (db.global, t.failover.database_action) {
                (true, DatabaseAction::Switchover) => "failover.databaseAction".into(),
                (true, _) if db.global_db_rpo_seconds.is_some() => {
                    "database.globalDbRpoSeconds".into()
                }
                (true, _) => "database".into(),
                (false, _) => "database.global".into(),
            },
            durable: true,
            typical_seconds: typical,
            bound_seconds: bound,
            basis,
            source: source.into(),
        });
    }
    for (i, table) in t.tables.iter().enumerate() {
        let (typical, bound, basis, source) = if table.replicated {
            match table.consistency {
                Consistency::Eventual => (
                    Some(1.0),
                    None,
                    "multi-region eventual consistency: usually replicated within 1 s, no SLA"
                        .to_string(),
                    DDB_GLOBAL,
                ),
                Consistency::Strong => (
                    Some(0.0),
                    Some(0.0),
                    "multi-region strong consistency: a write is acknowledged only once replicated"
                        .into(),
                    DDB_GLOBAL,
                ),
            }
        } else {
            let (v, basis) = backup_rpo(t);
            (v, v, basis, BACKUP)
        };
        stores.push(StoreRpo {
            store: format!("DynamoDB `{}`", table.id),
            kind: StoreKind::Dynamodb,
            path: format!(
                "tables[{i}].{}",
                if table.replicated {
                    "consistency"
                } else {
                    "replicated"
                }
            ),
            durable: true,
            typical_seconds: typical,
            bound_seconds: bound,
            basis,
            source: source.into(),
        });
    }
    for (i, b) in t.buckets.iter().enumerate() {
        let (typical, bound, basis, source, path) = match &b.replication {
            Some(r) if r.rtc => (
                Some(900.0),
                Some(900.0),
                "Replication Time Control: 99.99% of objects within 15 min (SLA)".to_string(),
                S3_RTC,
                format!("buckets[{i}].replication.rtc"),
            ),
            Some(_) => (
                None,
                None,
                "replication without RTC has no time bound".into(),
                S3_RTC,
                format!("buckets[{i}].replication.rtc"),
            ),
            None => {
                let (v, basis) = backup_rpo(t);
                (v, v, basis, BACKUP, format!("buckets[{i}].replication"))
            }
        };
        stores.push(StoreRpo {
            store: format!("S3 `{}`", b.id),
            kind: StoreKind::S3,
            path,
            durable: true,
            typical_seconds: typical,
            bound_seconds: bound,
            basis,
            source: source.into(),
        });
    }
    for (i, q) in t.queues.iter().enumerate() {
        stores.push(StoreRpo {
            store: format!("SQS `{}`", q.id),
            kind: StoreKind::Sqs,
            path: format!("queues[{i}]"),
            durable: false,
            typical_seconds: None,
            bound_seconds: None,
            basis:
                "a queue is regional: messages in flight in the failed region are not in the other"
                    .into(),
            source: SQS.into(),
        });
    }
    if let Some(fwd) = t.events.as_ref().and_then(|e| e.forwarding.as_ref()) {
        let window = f64::from(fwd.max_event_age_seconds);
        stores.push(StoreRpo {
            store: format!("EventBridge forwarding to {}", t.secondary.region),
            kind: StoreKind::Eventbridge,
            path: "events.forwarding.maxEventAgeSeconds".into(),
            durable: false,
            typical_seconds: Some(1.0),
            bound_seconds: Some(window),
            basis: format!(
                "events are forwarded at once; a failing delivery is retried up to {} times or {} s, then {}",
                fwd.max_retry_attempts,
                fwd.max_event_age_seconds,
                if fwd.dead_letter_queue { "goes to the dead-letter queue" } else { "is dropped" }
            ),
            source: EB_RETRY.into(),
        });
    }
    // The worst durable store: unbounded beats any number; ties keep the first.
    let mut worst: Option<usize> = None;
    for (i, s) in stores.iter().enumerate() {
        if !s.durable {
            continue;
        }
        let worse = match worst.and_then(|w| stores.get(w)) {
            None => true,
            Some(w) => match (s.typical_seconds, w.typical_seconds) {
                (None, Some(_)) => true,
                (Some(a), Some(b)) => a > b,
                _ => false,
            },
        };
        if worse {
            worst = Some(i);
        }
    }
    let typical_seconds = match worst.and_then(|w| stores.get(w)) {
        Some(s) => s.typical_seconds,
        None => Some(0.0),
    };
    RpoReport {
        stores,
        worst,
        typical_seconds,
    }
}
