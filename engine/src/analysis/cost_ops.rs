//! Cost lines for what runs beside the application: public IPv4 addresses, CloudWatch Logs,
//! X-Ray traces, AWS Backup storage and cross-region copies, S3 RTC metrics, SQS polling, and
//! the failover mechanism (switch and primary-down alarms, their metrics, the probe, the
//! Route 53 health checks and the traffic they send to each endpoint).
//!
//! Usage-driven quantities come from the workload's fields (`flowLogGbPerMonth`,
//! `appLogGbPerMonth`, `traceSampleRate`, `backupChangedGbPerDay`, `healthCheckers`), whose
//! defaults `tandem init` writes out where a user sees and changes them.

use super::cost::{Coster, HOURS_PER_MONTH, SECONDS_PER_MONTH};
use crate::model::{Decision, Side, Strategy, Trigger};

/// CloudWatch Logs groups keep 365 days (the synthesized `RetentionInDays`): after a year the
/// stored volume is twelve months of ingestion.
const LOG_RETENTION_MONTHS: f64 = 12.0;
/// Minutes in a month: the probe and the pollers work every minute.
const MINUTES_PER_MONTH: f64 = HOURS_PER_MONTH * 60.0;
/// A Lambda event source mapping on a standard queue starts with 5 pollers, each a long poll
/// of up to 20 s (Lambda Developer Guide, "Using Lambda with Amazon SQS"): 15 receives a minute.
const SQS_POLLS_PER_MINUTE: f64 = 5.0 * 3.0;
/// S3 replication metrics per rule with RTC: bytes pending, operations pending, latency and
/// operations failed, billed as custom metrics (S3 User Guide, "Replication metrics").
const S3_RTC_METRICS: f64 = 4.0;
/// The probe: 128 MB (synthesized `MemorySize`), an HTTPS GET taking about 500 ms (assumed).
const PROBE_MB: f64 = 128.0;
const PROBE_MS: f64 = 500.0;
/// What one probe run logs: the start, end and report lines Lambda writes, about 1 KB.
const PROBE_LOG_KB: f64 = 1.0;
/// Publishes per failover run: started, approval or result, done.
const PUBLISHES_PER_RUN: f64 = 3.0;
/// Days in a month, for archive retention given in days.
const DAYS_PER_MONTH: f64 = 30.0;
/// An archive kept indefinitely (`archiveRetentionDays: 0`) is costed at one year of events;
/// its storage keeps growing after that.
const INDEFINITE_ARCHIVE_DAYS: f64 = 365.0;

pub(super) fn public_ipv4(c: &mut Coster<'_>, side: Side, gateways: f64) {
    if gateways > 0.0 {
        c.add(
            side,
            "VPC",
            "Public IPv4 addresses (NAT gateway EIPs)",
            "vpc.publicIpv4Hour",
            gateways * HOURS_PER_MONTH,
            "address-hours",
            format!("{gateways} addresses x {HOURS_PER_MONTH} h"),
        );
    }
}

/// Flow logs (`TrafficType: ALL`) in each deployed region; application logs where traffic
/// is served; storage at twelve months of retention.
pub(super) fn logs(c: &mut Coster<'_>, side: Side, share: f64, share_note: String) {
    let w = &c.t.workload;
    let flow = w.flow_log_gb_per_month.get();
    // Application logs come from the API, the functions and the database; a topology with
    // none of them logs only its flows (and the rare failover run).
    let t = c.t;
    let has_app = t.api.is_some() || !t.functions.is_empty() || t.database.is_some();
    let app = if has_app {
        w.app_log_gb_per_month.get() * share
    } else {
        0.0
    };
    c.add(
        side,
        "CloudWatch Logs",
        "Flow log ingestion",
        "logs.ingestGb",
        flow,
        "GB",
        format!("{flow} GB/month (workload flowLogGbPerMonth)"),
    );
    if app > 0.0 {
        c.add(
            side,
            "CloudWatch Logs",
            "Application log ingestion",
            "logs.ingestGb",
            app,
            "GB",
            format!(
                "{} GB/month of API, Lambda, Step Functions and Aurora logs{share_note}",
                w.app_log_gb_per_month.get()
            ),
        );
    }
    let stored = (flow + app) * LOG_RETENTION_MONTHS;
    c.add(
        side,
        "CloudWatch Logs",
        "Log storage (365-day retention)",
        "logs.storageGbMonth",
        stored,
        "GB-months",
        format!("({flow} + {app}) GB/month x {LOG_RETENTION_MONTHS} months kept"),
    );
}

pub(super) fn traces(c: &mut Coster<'_>, side: Side, share: f64, share_note: String) {
    let t = c.t;
    if !t.api.as_ref().is_some_and(|a| a.tracing) || share == 0.0 {
        return;
    }
    let w = &t.workload;
    let traces = w.api_requests_per_month.get() * share * w.trace_sample_rate.get();
    c.add(
        side,
        "X-Ray",
        "Traces recorded",
        "xray.tracesMillion",
        traces / 1e6,
        "million traces",
        format!(
            "{} calls/month x {} sampled (workload traceSampleRate){share_note}",
            w.api_requests_per_month.get(),
            w.trace_sample_rate.get()
        ),
    );
}

/// AWS Backup: the first recovery point is full, later ones store the day's changes for the
/// retention period; copies to the secondary store the same and move the changes across.
pub(super) fn backup(c: &mut Coster<'_>) {
    let t = c.t;
    let Some(b) = &t.backup else {
        return;
    };
    let w = &t.workload;
    let mut stores: Vec<(&str, &str, f64)> = Vec::new();
    if t.database.is_some() {
        stores.push(("Aurora", "backup.auroraGbMonth", w.aurora_storage_gb.get()));
    }
    if !t.tables.is_empty() {
        stores.push((
            "DynamoDB",
            "backup.dynamodbGbMonth",
            w.table_storage_gb.get(),
        ));
    }
    if !t.buckets.is_empty() {
        stores.push(("S3", "backup.s3GbMonth", w.bucket_storage_gb.get()));
    }
    let total: f64 = stores.iter().map(|s| s.2).sum();
    if total <= 0.0 {
        return;
    }
    let changed = w.backup_changed_gb_per_day.get();
    let days = f64::from(b.retention_days);
    let sides: &[Side] = if b.copy_to_secondary {
        &Side::BOTH
    } else {
        &[Side::Primary]
    };
    for &side in sides {
        for &(what, item, gb) in &stores {
            let part = gb / total;
            let stored = gb + changed * part * days;
            c.add(
                side,
                "AWS Backup",
                &format!(
                    "{what} {}",
                    if side == Side::Primary {
                        "recovery points"
                    } else {
                        "copies"
                    }
                ),
                item,
                stored,
                "GB-months",
                format!(
                    "{gb} GB full + {changed} GB/day x {part:.4} of the data x {days} days kept"
                ),
            );
        }
    }
    if b.copy_to_secondary {
        let gb = changed * SECONDS_PER_MONTH / 86_400.0;
        c.transfer(
            "AWS Backup",
            "Cross-region copies",
            gb,
            format!("{changed} GB/day x {} days", SECONDS_PER_MONTH / 86_400.0),
        );
    }
}

/// Replication metrics that RTC turns on, per replicated bucket (source region).
pub(super) fn rtc_metrics(c: &mut Coster<'_>) {
    let rtc =
        c.t.buckets
            .iter()
            .filter(|b| b.replication.as_ref().is_some_and(|r| r.rtc))
            .count() as f64;
    if rtc > 0.0 {
        c.add(
            Side::Primary,
            "CloudWatch",
            "S3 replication metrics (RTC)",
            "cloudwatch.metricMonth",
            rtc * S3_RTC_METRICS,
            "metrics",
            format!("{rtc} rules x {S3_RTC_METRICS} metrics"),
        );
    }
}

/// What keeps the forwarded events in the secondary region (`synth::alerting::events_secondary`):
/// the archive's processing of each event and the storage it holds over its retention, and the
/// queue the consumer rule sends each event to (one send each; reading them back is part of a
/// replay). Events are 1 KB, as for the forwarding transfer.
pub(super) fn forwarded_events_kept(c: &mut Coster<'_>, events: f64) {
    let Some(fwd) = c.t.events.as_ref().and_then(|e| e.forwarding.as_ref()) else {
        return;
    };
    let gb = events / 1e6;
    c.add(
        Side::Secondary,
        "EventBridge",
        "Archive (events archived)",
        "events.archiveGb",
        gb,
        "GB",
        format!("{events} events x 1 KB"),
    );
    let (days, note) = match fwd.archive_retention_days {
        0 => (
            INDEFINITE_ARCHIVE_DAYS,
            " (kept indefinitely: one year shown)",
        ),
        d => (f64::from(d), ""),
    };
    c.add(
        Side::Secondary,
        "EventBridge",
        "Archive storage",
        "events.archiveStorageGbMonth",
        gb * days / DAYS_PER_MONTH,
        "GB-month",
        format!("{gb} GB/month x {days} days retention / {DAYS_PER_MONTH}{note}"),
    );
    c.add(
        Side::Secondary,
        "SQS",
        "Forwarded events queue (sends)",
        "sqs.requestsMillion",
        events / 1e6,
        "million requests",
        format!("{events} events x 1 send"),
    );
}

/// Lambda's pollers on each queue-triggered function, wherever the function is deployed:
/// they receive whether or not messages arrive.
pub(super) fn sqs_polling(c: &mut Coster<'_>, side: Side) {
    let consumers =
        c.t.functions
            .iter()
            .filter(|f| matches!(f.trigger, Trigger::Queue(_)))
            .count() as f64;
    if consumers > 0.0 {
        let requests = consumers * SQS_POLLS_PER_MINUTE * MINUTES_PER_MONTH;
        c.add(
            side,
            "SQS",
            "Lambda polling (empty receives)",
            "sqs.requestsMillion",
            requests / 1e6,
            "million requests",
            format!(
                "{consumers} consumers x 5 pollers x 3 long polls/min x {MINUTES_PER_MONTH} min"
            ),
        );
    }
}

/// The failover mechanism in the secondary region (see `mechanism.md`): the switch alarm and
/// the primary-down alarm, their two custom metrics, the probe every minute, and failover
/// notifications; Route 53's checks and the requests they send to each endpoint.
pub(super) fn failover_mechanism(c: &mut Coster<'_>, secondary_deployed: bool) {
    let t = c.t;
    let w = &t.workload;
    let automatic = matches!(t.failover.decision, Decision::Automatic);
    // The probe, its alarms and paging stand in the secondary in every preset; under backup &
    // restore they live in `secondary-base` with their own dead-letter queue and log group, since
    // no application stack stands there to share (the paging topic's publishes are the
    // failover notifications below).
    {
        let s = Side::Secondary;
        if !secondary_deployed {
            c.add(
                s,
                "CloudWatch",
                "Probe logs",
                "logs.ingestGb",
                MINUTES_PER_MONTH * PROBE_LOG_KB / 1e6,
                "GB",
                format!("{MINUTES_PER_MONTH} runs x {PROBE_LOG_KB} KB of log (assumed)"),
            );
            c.add(
                s,
                "SQS",
                "Probe dead-letter queue",
                "sqs.requestsMillion",
                0.0,
                "million requests",
                "idle until a probe run fails to deliver: no requests while healthy".into(),
            );
        }
        c.add(
            s,
            "CloudWatch",
            "Failover alarms (switch, primary-down)",
            "cloudwatch.alarmMonth",
            2.0,
            "alarms",
            "failover-switch and primary-down alarms".into(),
        );
        c.add(
            s,
            "CloudWatch",
            "Failover metrics (FailoverSwitch, PrimaryHealthy)",
            "cloudwatch.metricMonth",
            2.0,
            "metrics",
            "2 custom metrics in the Tandem namespace".into(),
        );
        c.add(
            s,
            "CloudWatch",
            "Probe PutMetricData requests",
            "cloudwatch.requestsThousand",
            MINUTES_PER_MONTH / 1000.0,
            "thousand requests",
            format!("1 a minute x {MINUTES_PER_MONTH} min"),
        );
        c.add(
            s,
            "Lambda",
            "Probe requests",
            "lambda.requestsMillion",
            MINUTES_PER_MONTH / 1e6,
            "million requests",
            format!("1 a minute x {MINUTES_PER_MONTH} min"),
        );
        let gb_s = MINUTES_PER_MONTH * PROBE_MS / 1000.0 * PROBE_MB / 1024.0;
        c.add(
            s,
            "Lambda",
            "Probe compute",
            "lambda.gbSecond",
            gb_s,
            "GB-seconds",
            format!("{MINUTES_PER_MONTH} runs x {PROBE_MS} ms (assumed) x {PROBE_MB} MB"),
        );
        let publishes = w.failover_drills_per_month.get() * PUBLISHES_PER_RUN;
        if !t.topics.is_empty() {
            c.add(
                s,
                "SNS",
                "Failover notifications",
                "sns.publishMillion",
                publishes / 1e6,
                "million publishes",
                format!(
                    "{} drills x {PUBLISHES_PER_RUN} publishes",
                    w.failover_drills_per_month.get()
                ),
            );
        }
    }
    if t.dns.records.is_empty() {
        return;
    }
    // Endpoint checks: the secondary record's always; the primary's only with automatic
    // decision (inside the CALCULATED check). The switch check follows the alarm.
    let hc = &t.dns.health_check;
    let endpoint_sides: Vec<Side> = if automatic {
        vec![Side::Primary, Side::Secondary]
    } else {
        vec![Side::Secondary]
    };
    let endpoint_checks = endpoint_sides.len() as f64;
    let other_checks = if automatic { 2.0 } else { 1.0 };
    c.add(
        Side::Primary,
        "Route 53",
        "Health checks",
        "route53.healthCheckMonth",
        endpoint_checks + other_checks,
        "health checks",
        format!(
            "{endpoint_checks} HTTPS endpoint checks + {}",
            if automatic {
                "the CLOUDWATCH_METRIC switch check + the CALCULATED check"
            } else {
                "the CLOUDWATCH_METRIC switch check"
            }
        ),
    );
    let mut options = vec!["HTTPS"];
    if hc.string_match {
        options.push("string matching");
    }
    if hc.interval_seconds == 10 {
        options.push("fast interval");
    }
    c.add(
        Side::Primary,
        "Route 53",
        "Health check options",
        "route53.healthCheckOptionMonth",
        endpoint_checks * options.len() as f64,
        "options",
        format!("{endpoint_checks} endpoint checks x {}", options.join(", ")),
    );
    if t.api.is_none() {
        return;
    }
    let interval = f64::from(hc.interval_seconds.max(1));
    let checkers = w.health_checkers.get();
    for side in endpoint_sides {
        if side == Side::Secondary && t.strategy == Strategy::BackupRestore {
            continue;
        }
        let requests = checkers * SECONDS_PER_MONTH / interval;
        c.add(
            side,
            "API Gateway",
            "Health-check requests",
            "apigateway.restMillion",
            requests / 1e6,
            "million calls",
            format!(
                "{checkers} checkers (workload healthCheckers) x {SECONDS_PER_MONTH} s / {interval} s"
            ),
        );
        // Each request runs the health function. In the primary (and under active/active in
        // both regions) its `invocationsPerMonth` already counts them; a standby serves no
        // traffic, so these invocations are all it runs there.
        let standby = side == Side::Secondary && t.strategy != Strategy::ActiveActive;
        let health = t.api.as_ref().and_then(|a| t.function(&a.health_function));
        if let (true, Some(f)) = (standby, health) {
            c.add(
                side,
                "Lambda",
                &format!("`{}` health-check requests", f.id),
                "lambda.requestsMillion",
                requests / 1e6,
                "million requests",
                format!("{requests} health-check requests"),
            );
            let gb_s =
                requests * f64::from(f.avg_duration_ms) / 1000.0 * f64::from(f.memory_mb) / 1024.0;
            c.add(
                side,
                "Lambda",
                &format!("`{}` health-check compute", f.id),
                "lambda.gbSecond",
                gb_s,
                "GB-seconds",
                format!(
                    "{requests} invocations x {} ms x {} MB",
                    f.avg_duration_ms, f.memory_mb
                ),
            );
        }
    }
}
