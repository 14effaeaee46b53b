//! Recovery point per data store: how much recent data a regional failover loses.
//!
//! Each store has a *typical* loss and, where one exists, a *bound*; the two are never mixed.
//! A bound is either hard (nothing older can be lost) or statistical (an SLA percentile, such
//! as S3 RTC's 99.99% within 15 minutes), and says which. Durable stores (the database, tables,
//! buckets) decide the topology's RPO, reported as the worst typical and the worst bound, each
//! naming its store; in-flight data (queued messages, events being forwarded) is reported with
//! its own RPO but is not a system of record.

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
    /// The share of data the bound holds for when it is statistical (99.99), `None` when it is
    /// hard or absent.
    pub bound_percentile: Option<f64>,
    pub basis: String,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RpoReport {
    pub stores: Vec<StoreRpo>,
    /// Index of the durable store with the worst typical RPO.
    pub worst: Option<usize>,
    /// The topology's typical RPO: the worst durable store's typical value (`None`: unbounded).
    pub typical_seconds: Option<f64>,
    /// Index of the durable store with the worst bound.
    pub worst_bound: Option<usize>,
    /// The topology's bound: the worst durable store's bound (`None`: unbounded).
    pub bound_seconds: Option<f64>,
}

impl RpoReport {
    /// The durable store with the worst typical RPO.
    pub fn worst_store(&self) -> Option<&StoreRpo> {
        self.worst.and_then(|i| self.stores.get(i))
    }

    /// The durable store with the worst bound.
    pub fn worst_bound_store(&self) -> Option<&StoreRpo> {
        self.worst_bound.and_then(|i| self.stores.get(i))
    }
}

/// `unbounded`, `15 min`, or `15 min (99.99%)` for a statistical bound.
pub fn bound_text(store: &StoreRpo) -> String {
    match (store.bound_seconds, store.bound_percentile) {
        (Some(b), Some(p)) => format!("{} ({p}%)", super::human_seconds(b)),
        (b, _) => b.map_or("unbounded".into(), super::human_seconds),
    }
}

const AURORA_DR: &str = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html";
const DDB_GLOBAL: &str = "https://docs.aws.amazon.com/prescriptive-guidance/latest/dynamodb-global-tables/introduction.html";
const S3_RTC: &str =
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html";
const S3_CRR: &str = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html";
/// "S3 RTC replicates most objects that you upload to Amazon S3 in seconds" (S3 User Guide);
/// AWS gives no figure, so Tandem takes 10 s as "seconds".
const S3_TYPICAL_SECONDS: f64 = 10.0;
const SQS: &str =
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/welcome.html";
const EB_RETRY: &str =
    "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html";
const BACKUP: &str =
    "https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-region-backup.html";

const BACKUP_PLAN: &str =
    "https://docs.aws.amazon.com/aws-backup/latest/devguide/creating-a-backup-plan.html";

/// AWS Backup's defaults when a rule sets no windows (the synthesized plan sets none): a job
/// may start up to 8 hours after its scheduled time and must complete within 7 days.
/// Source: AWS Backup Developer Guide, "Creating a backup plan" (start within, complete within).
pub const BACKUP_START_WINDOW_SECONDS: f64 = 8.0 * 3600.0;
pub const BACKUP_COMPLETION_WINDOW_SECONDS: f64 = 7.0 * 24.0 * 3600.0;

/// A store's recovery point: typical, bound, the bound's percentile, basis, source.
struct Point {
    typical: Option<f64>,
    bound: Option<f64>,
    percentile: Option<f64>,
    basis: String,
    source: &'static str,
}

/// The loss for a store covered only by the backup plan. Typical: the interval plus the job's
/// and the copy's usual durations (the workload's `backupJobMinutes`, `backupCopyMinutes`);
/// bound: the interval plus the start and completion windows plus the copy. Copy jobs have no
/// completion window, so the bound holds only as far as the copy's duration does.
fn backup_rpo(t: &Topology) -> Point {
    let w = &t.workload;
    match &t.backup {
        Some(b) if b.copy_to_secondary => {
            let interval = f64::from(b.interval_hours) * 3600.0;
            let job = w.backup_job_minutes.get() * 60.0;
            let copy = w.backup_copy_minutes.get() * 60.0;
            let typical = interval + job + copy;
            let bound =
                interval + BACKUP_START_WINDOW_SECONDS + BACKUP_COMPLETION_WINDOW_SECONDS + copy;
            Point {
                typical: Some(typical),
                bound: Some(bound),
                percentile: None,
                basis: format!(
                    "AWS Backup every {} h, then a copy to {}: typical {} h + job {} + copy {}; bound adds the start window (8 h) and completion window (7 days) instead of the job",
                    b.interval_hours,
                    t.secondary.region,
                    b.interval_hours,
                    super::human_seconds(job),
                    super::human_seconds(copy),
                ),
                source: BACKUP_PLAN,
            }
        }
        Some(_) => Point {
            typical: None,
            bound: None,
            percentile: None,
            basis: "backups stay in the primary region: nothing reaches the secondary".into(),
            source: BACKUP,
        },
        None => Point {
            typical: None,
            bound: None,
            percentile: None,
            basis: "no cross-region copy at all".into(),
            source: BACKUP,
        },
    }
}

fn point(
    typical: Option<f64>,
    bound: Option<f64>,
    basis: impl Into<String>,
    source: &'static str,
) -> Point {
    Point {
        typical,
        bound,
        percentile: None,
        basis: basis.into(),
        source,
    }
}

fn store(name: String, kind: StoreKind, path: String, durable: bool, p: Point) -> StoreRpo {
    StoreRpo {
        store: name,
        kind,
        path,
        durable,
        typical_seconds: p.typical,
        bound_seconds: p.bound,
        bound_percentile: p.percentile,
        basis: p.basis,
        source: p.source.into(),
    }
}

/// The index of the worst durable store by `value`: unbounded beats any number; ties keep
/// the first.
fn worst_by(stores: &[StoreRpo], value: fn(&StoreRpo) -> Option<f64>) -> Option<usize> {
    let mut worst: Option<usize> = None;
    for (i, s) in stores.iter().enumerate() {
        if !s.durable {
            continue;
        }
        let worse = match worst.and_then(|w| stores.get(w)) {
            None => true,
            Some(w) => match (value(s), value(w)) {
                (None, Some(_)) => true,
                (Some(a), Some(b)) => a > b,
                _ => false,
            },
        };
        if worse {
            worst = Some(i);
        }
    }
    worst
}

pub(crate) fn rpo(t: &Topology) -> RpoReport {
    let mut stores = Vec::new();
    if let Some(db) = &t.database {
        let p = if db.global {
            if t.failover.database_action == DatabaseAction::Switchover {
                point(
                    Some(0.0),
                    Some(0.0),
                    "planned switchover waits for the secondary to catch up",
                    AURORA_DR,
                )
            } else {
                let bound = db.global_db_rpo_seconds.map(f64::from);
                let basis = match bound {
                    Some(b) => format!("replication lag is typically under 1 s; rds.global_db_rpo blocks commits beyond {b} s, so no more is lost"),
                    None => "replication lag is typically under 1 s; nothing bounds it (set rds.global_db_rpo)".into(),
                };
                point(Some(1.0), bound, basis, AURORA_DR)
            }
        } else {
            backup_rpo(t)
        };
        // The field that changes it: the switchover choice, the RPO cap inside the
        // database's editor, or (without a global database) the global switch.
        let path = match (db.global, t.failover.database_action) {
            (true, DatabaseAction::Switchover) => "failover.databaseAction".into(),
            (true, _) if db.global_db_rpo_seconds.is_some() => "database.globalDbRpoSeconds".into(),
            (true, _) => "database".into(),
            (false, _) => "database.global".into(),
        };
        stores.push(store(
            format!("Aurora `{}`", db.id),
            StoreKind::Aurora,
            path,
            true,
            p,
        ));
    }
    for (i, table) in t.tables.iter().enumerate() {
        let p = if table.replicated {
            match table.consistency {
                Consistency::Eventual => point(
                    Some(1.0),
                    None,
                    "multi-region eventual consistency: usually replicated within 1 s, no SLA",
                    DDB_GLOBAL,
                ),
                Consistency::Strong => point(
                    Some(0.0),
                    Some(0.0),
                    "multi-region strong consistency: a write is acknowledged only once replicated",
                    DDB_GLOBAL,
                ),
            }
        } else {
            backup_rpo(t)
        };
        let field = if table.replicated {
            "consistency"
        } else {
            "replicated"
        };
        stores.push(store(
            format!("DynamoDB `{}`", table.id),
            StoreKind::Dynamodb,
            format!("tables[{i}].{field}"),
            true,
            p,
        ));
    }
    for (i, b) in t.buckets.iter().enumerate() {
        let (p, path) = match &b.replication {
            Some(r) if r.rtc => (
                Point {
                    typical: Some(S3_TYPICAL_SECONDS),
                    bound: Some(900.0),
                    percentile: Some(99.99),
                    basis: format!("Replication Time Control: most objects replicate in seconds (Tandem assumes {S3_TYPICAL_SECONDS} s); 99.99% within 15 min (SLA), the rest has no bound"),
                    source: S3_RTC,
                },
                format!("buckets[{i}].replication.rtc"),
            ),
            Some(_) => (
                point(
                    Some(900.0),
                    None,
                    "replication without RTC: most objects within 15 min, some take hours; no bound",
                    S3_CRR,
                ),
                format!("buckets[{i}].replication.rtc"),
            ),
            None => (backup_rpo(t), format!("buckets[{i}].replication")),
        };
        stores.push(store(
            format!("S3 `{}`", b.id),
            StoreKind::S3,
            path,
            true,
            p,
        ));
    }
    for (i, q) in t.queues.iter().enumerate() {
        stores.push(store(
            format!("SQS `{}`", q.id),
            StoreKind::Sqs,
            format!("queues[{i}]"),
            false,
            point(
                None,
                None,
                "a queue is regional: messages in flight in the failed region are not in the other",
                SQS,
            ),
        ));
    }
    if let Some(fwd) = t.events.as_ref().and_then(|e| e.forwarding.as_ref()) {
        stores.push(store(
            format!("EventBridge forwarding to {}", t.secondary.region),
            StoreKind::Eventbridge,
            "events.forwarding".into(),
            false,
            point(
                Some(1.0),
                None,
                format!(
                    "events are forwarded at once; events not yet delivered, their retries (up to {} times or {} s) and the {} stay in the failed primary, so nothing bounds what the secondary misses; what reached the secondary is kept in its archive ({}) and queue",
                    fwd.max_retry_attempts,
                    fwd.max_event_age_seconds,
                    if fwd.dead_letter_queue { "dead-letter queue" } else { "events dropped after them" },
                    match fwd.archive_retention_days {
                        0 => "indefinitely".to_string(),
                        d => format!("{d} days"),
                    }
                ),
                EB_RETRY,
            ),
        ));
    }
    let worst = worst_by(&stores, |s| s.typical_seconds);
    let worst_bound = worst_by(&stores, |s| s.bound_seconds);
    let of = |w: Option<usize>, value: fn(&StoreRpo) -> Option<f64>| match w
        .and_then(|w| stores.get(w))
    {
        Some(s) => value(s),
        None => Some(0.0),
    };
    let typical_seconds = of(worst, |s| s.typical_seconds);
    let bound_seconds = of(worst_bound, |s| s.bound_seconds);
    RpoReport {
        stores,
        worst,
        typical_seconds,
        worst_bound,
        bound_seconds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named<'a>(r: &'a RpoReport, name: &str) -> &'a StoreRpo {
        r.stores.iter().find(|s| s.store == name).unwrap()
    }

    #[test]
    fn typical_and_bound_are_distinct_and_each_names_its_store() {
        let r = rpo(&crate::presets::reference());
        // S3 RTC: seconds typically; 15 min is a 99.99% SLA, not a hard bound.
        let s3 = named(&r, "S3 `config`");
        assert_eq!(s3.typical_seconds, Some(10.0));
        assert_eq!(s3.bound_seconds, Some(900.0));
        assert_eq!(s3.bound_percentile, Some(99.99));
        assert_eq!(bound_text(s3), "15 min (99.99%)");
        assert_eq!(r.worst_store().unwrap().store, "S3 `config`");
        assert_eq!(r.typical_seconds, Some(10.0));
        // Nothing bounds Aurora's lag without rds.global_db_rpo.
        assert_eq!(r.worst_bound_store().unwrap().store, "Aurora `trading`");
        assert_eq!(r.bound_seconds, None);
    }

    #[test]
    fn aurora_bound_is_global_db_rpo_when_set() {
        let mut t = crate::presets::reference();
        if let Some(db) = t.database.as_mut() {
            db.global_db_rpo_seconds = Some(20);
        }
        for table in &mut t.tables {
            table.consistency = Consistency::Strong;
        }
        let r = rpo(&t);
        assert_eq!(named(&r, "Aurora `trading`").bound_seconds, Some(20.0));
        assert_eq!(named(&r, "Aurora `trading`").bound_percentile, None);
        // Now the worst bound is S3's statistical 15 min.
        assert_eq!(r.worst_bound_store().unwrap().store, "S3 `config`");
        assert_eq!(r.bound_seconds, Some(900.0));
    }

    #[test]
    fn forwarded_events_have_no_bound_while_the_primary_is_down() {
        let r = rpo(&crate::presets::reference());
        let eb = r
            .stores
            .iter()
            .find(|s| s.kind == StoreKind::Eventbridge)
            .unwrap();
        assert_eq!(eb.bound_seconds, None);
        assert!(
            eb.basis.contains("stay in the failed primary"),
            "{}",
            eb.basis
        );
    }

    #[test]
    fn backup_rpo_counts_job_copy_and_windows() {
        let t = crate::presets::backup_restore();
        let r = rpo(&t);
        let a = named(&r, "Aurora `trading`");
        // 4 h interval + 60 min job + 60 min copy.
        assert_eq!(a.typical_seconds, Some(4.0 * 3600.0 + 3600.0 + 3600.0));
        // 4 h + 8 h start window + 7 days completion window + 60 min copy.
        assert_eq!(
            a.bound_seconds,
            Some(4.0 * 3600.0 + 8.0 * 3600.0 + 7.0 * 86_400.0 + 3600.0)
        );
        let mut t2 = t.clone();
        t2.workload.backup_copy_minutes = crate::model::NonNegative::saturating(180.0);
        let a2 = rpo(&t2);
        assert_eq!(
            named(&a2, "Aurora `trading`").typical_seconds,
            Some(4.0 * 3600.0 + 3600.0 + 3.0 * 3600.0)
        );
    }
}
