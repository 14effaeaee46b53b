//! Monthly cost as line items: quantity x unit price = amount, each price from the table.
//!
//! Conventions: a month is 730 hours (2,628,000 s); per-second workload rates are multiplied
//! by that. Workload traffic is split between the regions as the generated DNS records route
//! it (`synth::dns::traffic_share`: the failover records send it all to the primary, for
//! active/active too). Under backup & restore the secondary runs only its key and backups until a
//! failover deploys the rest. The free tiers are not applied. Lines for what runs beside the
//! application (logs, traces, backups, public IPv4, the failover mechanism) are in `cost_ops`.

use serde::{Deserialize, Serialize};

use super::cost_ops;
use crate::model::{AuroraStorage, Side, Strategy, Topology};
use crate::prices::PriceTable;

pub const HOURS_PER_MONTH: f64 = 730.0;
pub const SECONDS_PER_MONTH: f64 = HOURS_PER_MONTH * 3600.0;

/// One priced line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CostLine {
    pub side: Side,
    pub region: String,
    pub service: String,
    pub item: String,
    pub quantity: f64,
    pub unit: String,
    pub unit_price: f64,
    /// The part of `quantity` an always-free tier covers (0 unless `workload.freeTiers`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub free_quantity: f64,
    /// (quantity - free quantity) x unit price.
    pub amount: f64,
    pub formula: String,
    pub price_item: String,
    pub price_source: String,
    pub price_as_of: String,
}

/// A price the table lacks: the line it would have priced is left out and reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MissingPrice {
    pub side: Side,
    pub region: String,
    pub item: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CostReport {
    pub lines: Vec<CostLine>,
    pub primary_total: f64,
    pub secondary_total: f64,
    pub total: f64,
    /// Totals per service, largest first.
    pub by_service: Vec<(String, f64)>,
    pub missing: Vec<MissingPrice>,
    pub currency: String,
}

impl CostReport {
    pub fn region_total(&self, side: Side) -> f64 {
        match side {
            Side::Primary => self.primary_total,
            Side::Secondary => self.secondary_total,
        }
    }

    /// How many billed items the total lacks: prices the table does not have, and items
    /// Tandem does not price (each with its reason). A total with any is a lower bound.
    pub fn unpriced_count(&self) -> usize {
        self.missing.len()
    }

    /// Whether the total counts every billed item.
    pub fn complete(&self) -> bool {
        self.unpriced_count() == 0
    }

    /// The most expensive line.
    pub fn dominant(&self) -> Option<&CostLine> {
        self.lines
            .iter()
            .fold(None, |best: Option<&CostLine>, l| match best {
                Some(b) if b.amount >= l.amount => Some(b),
                _ => Some(l),
            })
    }
}

pub(super) struct Coster<'a> {
    pub(super) t: &'a Topology,
    prices: &'a PriceTable,
    lines: Vec<CostLine>,
    missing: Vec<MissingPrice>,
}

impl Coster<'_> {
    #[expect(
        clippy::too_many_arguments,
        reason = "a priced line's fields, in reading order"
    )]
    pub(super) fn add(
        &mut self,
        side: Side,
        service: &str,
        item: &str,
        price_item: &str,
        quantity: f64,
        unit: &str,
        formula: String,
    ) {
        let region = &self.t.region(side).region;
        match self.prices.get(region, price_item) {
            Some(p) => self.lines.push(CostLine {
                side,
                region: region.clone(),
                service: service.into(),
                item: item.into(),
                quantity,
                unit: unit.into(),
                unit_price: p.usd,
                free_quantity: 0.0,
                amount: quantity * p.usd,
                formula,
                price_item: price_item.into(),
                price_source: p.source.clone(),
                price_as_of: p.as_of.clone(),
            }),
            None => {
                let m = MissingPrice {
                    side,
                    region: region.clone(),
                    item: price_item.into(),
                };
                if !self.missing.contains(&m) {
                    self.missing.push(m);
                }
            }
        }
    }

    pub(super) fn transfer(&mut self, service: &str, item: &str, gb: f64, formula: String) {
        let (from, to) = (&self.t.primary.region, &self.t.secondary.region);
        match self.prices.transfer(from, to) {
            Some(p) => self.lines.push(CostLine {
                side: Side::Primary,
                region: from.clone(),
                service: service.into(),
                item: item.into(),
                quantity: gb,
                unit: "GB".into(),
                unit_price: p.usd,
                free_quantity: 0.0,
                amount: gb * p.usd,
                formula,
                price_item: format!("transfer.{from}.{to}"),
                price_source: p.source.clone(),
                price_as_of: p.as_of.clone(),
            }),
            None => {
                let m = MissingPrice {
                    side: Side::Primary,
                    region: from.clone(),
                    item: format!("transfer to {to}"),
                };
                if !self.missing.contains(&m) {
                    self.missing.push(m);
                }
            }
        }
    }
}

pub(crate) fn cost(t: &Topology, prices: &PriceTable) -> CostReport {
    let mut c = Coster {
        t,
        prices,
        lines: Vec::new(),
        missing: Vec::new(),
    };
    let w = &t.workload;
    let share = crate::synth::dns::traffic_share;
    let app_deployed = |side: Side| side == Side::Primary || t.strategy != Strategy::BackupRestore;
    let per_month = |rate: f64| rate * SECONDS_PER_MONTH;

    for side in Side::BOTH {
        let s = share(side);
        let vpc = &t.region(side).vpc;
        if app_deployed(side) {
            let gateways = f64::from(vpc.nat.gateways(vpc.az_count));
            if gateways > 0.0 {
                c.add(
                    side,
                    "NAT gateway",
                    "NAT gateway hours",
                    "nat.hour",
                    gateways * HOURS_PER_MONTH,
                    "hours",
                    format!("{gateways} gateways x {HOURS_PER_MONTH} h"),
                );
                cost_ops::public_ipv4(&mut c, side, gateways);
                if s > 0.0 {
                    c.add(
                        side,
                        "NAT gateway",
                        "Data processed",
                        "nat.gb",
                        w.nat_gb_per_month.get() * s,
                        "GB",
                        format!("{} GB/month{}", w.nat_gb_per_month.get(), share_note(s)),
                    );
                }
            }
            let endpoints = vpc.interface_endpoints.len() as f64;
            if endpoints > 0.0 {
                let az = f64::from(vpc.az_count);
                c.add(
                    side,
                    "VPC endpoints",
                    "Interface endpoint AZ-hours",
                    "endpoint.azHour",
                    endpoints * az * HOURS_PER_MONTH,
                    "AZ-hours",
                    format!("{endpoints} endpoints x {az} AZs x {HOURS_PER_MONTH} h"),
                );
                if s > 0.0 {
                    c.add(
                        side,
                        "VPC endpoints",
                        "Data processed",
                        "endpoint.gb",
                        w.endpoint_gb_per_month.get() * s,
                        "GB",
                        format!(
                            "{} GB/month{}",
                            w.endpoint_gb_per_month.get(),
                            share_note(s)
                        ),
                    );
                }
            }
        }
        if app_deployed(side) {
            cost_ops::logs(&mut c, side, s, share_note(s));
            cost_ops::traces(&mut c, side, s, share_note(s));
            cost_ops::sqs_polling(&mut c, side);
        }
        // One customer-managed key per region encrypts everything there.
        c.add(
            side,
            "KMS",
            "Customer-managed key",
            "kms.keyMonth",
            1.0,
            "keys",
            "one key per region".into(),
        );
        if s > 0.0 {
            c.add(
                side,
                "KMS",
                "Requests",
                "kms.requestsTenThousand",
                w.kms_requests_per_month.get() * s / 10_000.0,
                "10K requests",
                format!(
                    "{} requests/month{}",
                    w.kms_requests_per_month.get(),
                    share_note(s)
                ),
            );
        }
    }

    if let Some(db) = &t.database {
        let (acu_item, storage_item) = match db.storage {
            AuroraStorage::Standard => ("aurora.acuHour", "aurora.storageGbMonth"),
            AuroraStorage::IoOptimized => (
                "aurora.acuHourIoOptimized",
                "aurora.storageGbMonthIoOptimized",
            ),
        };
        let min = db.min_acu.get();
        let n = f64::from(db.primary_instances);
        c.add(
            Side::Primary,
            "Aurora",
            "ACU-hours at minimum capacity",
            acu_item,
            n * min * HOURS_PER_MONTH,
            "ACU-hours",
            format!("{n} instances x {min} ACU x {HOURS_PER_MONTH} h"),
        );
        let above = (w.average_acu.get() - min).max(0.0);
        if above > 0.0 && db.primary_instances > 0 {
            c.add(
                Side::Primary,
                "Aurora",
                "ACU-hours at the workload",
                acu_item,
                above * HOURS_PER_MONTH,
                "ACU-hours",
                format!(
                    "writer averages {} ACU: {above} ACU above minimum x {HOURS_PER_MONTH} h",
                    w.average_acu.get()
                ),
            );
        }
        c.add(
            Side::Primary,
            "Aurora",
            "Storage",
            storage_item,
            w.aurora_storage_gb.get(),
            "GB-months",
            format!("{} GB", w.aurora_storage_gb.get()),
        );
        if db.storage == AuroraStorage::Standard {
            let io = per_month(w.db_io_per_second.get()) / 1e6;
            c.add(
                Side::Primary,
                "Aurora",
                "I/O requests",
                "aurora.ioMillion",
                io,
                "million I/Os",
                format!(
                    "{} I/O per s x {SECONDS_PER_MONTH} s",
                    w.db_io_per_second.get()
                ),
            );
        }
        if db.global {
            let m = f64::from(db.secondary_instances);
            if m > 0.0 {
                c.add(
                    Side::Secondary,
                    "Aurora",
                    "ACU-hours at minimum capacity",
                    acu_item,
                    m * min * HOURS_PER_MONTH,
                    "ACU-hours",
                    format!("{m} instances x {min} ACU x {HOURS_PER_MONTH} h"),
                );
            }
            c.add(
                Side::Secondary,
                "Aurora",
                "Storage",
                storage_item,
                w.aurora_storage_gb.get(),
                "GB-months",
                format!("{} GB replica", w.aurora_storage_gb.get()),
            );
            let writes = per_month(w.db_writes_per_second.get()) / 1e6;
            c.add(
                Side::Secondary,
                "Aurora",
                "Replicated write I/Os",
                "aurora.replicatedIoMillion",
                writes,
                "million I/Os",
                format!(
                    "{} writes per s x {SECONDS_PER_MONTH} s",
                    w.db_writes_per_second.get()
                ),
            );
        }
        c.add(
            Side::Primary,
            "Secrets Manager",
            "Database secret",
            "secrets.secretMonth",
            1.0,
            "secrets",
            "one secret".into(),
        );
        if db.secret_replicated {
            c.add(
                Side::Secondary,
                "Secrets Manager",
                "Secret replica",
                "secrets.secretMonth",
                1.0,
                "secrets",
                "one replica".into(),
            );
        }
    }

    let tables = t.tables.len() as f64;
    for table in &t.tables {
        let part = if tables > 1.0 {
            format!(" x 1/{tables} of the workload")
        } else {
            String::new()
        };
        let writes = per_month(w.table_writes_per_second.get()) / tables / 1e6;
        let reads = per_month(w.table_reads_per_second.get()) / tables / 1e6;
        let sides: &[Side] = if table.replicated {
            &Side::BOTH
        } else {
            &[Side::Primary]
        };
        for &side in sides {
            let label = if side == Side::Primary || share(side) > 0.0 {
                "Write request units"
            } else {
                "Replicated write request units"
            };
            c.add(
                side,
                "DynamoDB",
                &format!("`{}` {}", table.id, label.to_lowercase()),
                "dynamodb.writeMillion",
                writes,
                "million WRUs",
                format!(
                    "{} writes per s x {SECONDS_PER_MONTH} s{part}",
                    w.table_writes_per_second.get()
                ),
            );
            let s = share(side);
            if s > 0.0 {
                c.add(
                    side,
                    "DynamoDB",
                    &format!("`{}` read request units", table.id),
                    "dynamodb.readMillion",
                    reads * s,
                    "million RRUs",
                    format!(
                        "{} reads per s x {SECONDS_PER_MONTH} s{part}{}",
                        w.table_reads_per_second.get(),
                        share_note(s)
                    ),
                );
            }
            let gb = w.table_storage_gb.get() / tables;
            c.add(
                side,
                "DynamoDB",
                &format!("`{}` storage", table.id),
                "dynamodb.storageGbMonth",
                gb,
                "GB-months",
                format!("{gb} GB"),
            );
            if table.pitr {
                c.add(
                    side,
                    "DynamoDB",
                    &format!("`{}` point-in-time recovery", table.id),
                    "dynamodb.pitrGbMonth",
                    gb,
                    "GB-months",
                    format!("{gb} GB"),
                );
            }
        }
        if table.replicated {
            // Millions of 1 KB writes are that many GB.
            let gb = writes;
            c.transfer(
                "DynamoDB",
                &format!("`{}` replication transfer", table.id),
                gb,
                format!("{writes} million writes x 1 KB"),
            );
        }
    }

    let buckets = t.buckets.len() as f64;
    for b in &t.buckets {
        let gb = w.bucket_storage_gb.get() / buckets;
        let puts = w.bucket_puts_per_month.get() / buckets / 1000.0;
        let gets = w.bucket_gets_per_month.get() / buckets / 1000.0;
        let part = if buckets > 1.0 {
            format!(" x 1/{buckets} of the workload")
        } else {
            String::new()
        };
        c.add(
            Side::Primary,
            "S3",
            &format!("`{}` storage", b.id),
            "s3.storageGbMonth",
            gb,
            "GB-months",
            format!("{gb} GB"),
        );
        c.add(
            Side::Primary,
            "S3",
            &format!("`{}` PUT requests", b.id),
            "s3.putThousand",
            puts,
            "thousand requests",
            format!("{} PUTs/month{part}", w.bucket_puts_per_month.get()),
        );
        c.add(
            Side::Primary,
            "S3",
            &format!("`{}` GET requests", b.id),
            "s3.getThousand",
            gets,
            "thousand requests",
            format!("{} GETs/month{part}", w.bucket_gets_per_month.get()),
        );
        if let Some(r) = &b.replication {
            let replicated = w.replicated_gb_per_month.get() / buckets;
            c.add(
                Side::Secondary,
                "S3",
                &format!("`{}` replica storage", b.id),
                "s3.storageGbMonth",
                gb,
                "GB-months",
                format!("{gb} GB"),
            );
            c.add(
                Side::Secondary,
                "S3",
                &format!("`{}` replication PUTs", b.id),
                "s3.putThousand",
                puts,
                "thousand requests",
                format!("{} PUTs/month{part}", w.bucket_puts_per_month.get()),
            );
            c.transfer(
                "S3",
                &format!("`{}` replication transfer", b.id),
                replicated,
                format!("{} GB/month{part}", w.replicated_gb_per_month.get()),
            );
            if r.rtc {
                c.add(
                    Side::Primary,
                    "S3",
                    &format!("`{}` Replication Time Control", b.id),
                    "s3.rtcGb",
                    replicated,
                    "GB",
                    format!("{} GB/month{part}", w.replicated_gb_per_month.get()),
                );
            }
        }
    }

    for side in Side::BOTH {
        let s = share(side);
        if s == 0.0 || !app_deployed(side) {
            continue;
        }
        for f in &t.functions {
            let n = f.invocations_per_month.get() * s;
            c.add(
                side,
                "Lambda",
                &format!("`{}` requests", f.id),
                "lambda.requestsMillion",
                n / 1e6,
                "million requests",
                format!(
                    "{} invocations{}",
                    f.invocations_per_month.get(),
                    share_note(s)
                ),
            );
            let gb_s = n * f64::from(f.avg_duration_ms) / 1000.0 * f64::from(f.memory_mb) / 1024.0;
            c.add(
                side,
                "Lambda",
                &format!("`{}` compute", f.id),
                "lambda.gbSecond",
                gb_s,
                "GB-seconds",
                format!(
                    "{n} invocations x {} ms x {} MB",
                    f.avg_duration_ms, f.memory_mb
                ),
            );
        }
        if t.api.is_some() {
            c.add(
                side,
                "API Gateway",
                "REST API calls",
                "apigateway.restMillion",
                w.api_requests_per_month.get() * s / 1e6,
                "million calls",
                format!(
                    "{} calls/month{}",
                    w.api_requests_per_month.get(),
                    share_note(s)
                ),
            );
        }
        if !t.queues.is_empty() {
            c.add(
                side,
                "SQS",
                "Requests",
                "sqs.requestsMillion",
                w.messages_per_month.get() * s * 3.0 / 1e6,
                "million requests",
                format!(
                    "{} messages x 3 (send, receive, delete){}",
                    w.messages_per_month.get(),
                    share_note(s)
                ),
            );
        }
        if !t.topics.is_empty() {
            c.add(
                side,
                "SNS",
                "Publishes",
                "sns.publishMillion",
                w.notifications_per_month.get() * s / 1e6,
                "million publishes",
                format!(
                    "{} notifications/month{}",
                    w.notifications_per_month.get(),
                    share_note(s)
                ),
            );
        }
        if t.events.is_some() {
            c.add(
                side,
                "EventBridge",
                "Custom events",
                "events.customMillion",
                w.events_per_month.get() * s / 1e6,
                "million events",
                format!("{} events/month{}", w.events_per_month.get(), share_note(s)),
            );
        }
    }
    if t.events.as_ref().is_some_and(|e| e.forwarding.is_some()) {
        let events = w.events_per_month.get() * share(Side::Primary);
        c.add(
            Side::Secondary,
            "EventBridge",
            "Forwarded events on the receiving bus",
            "events.customMillion",
            events / 1e6,
            "million events",
            format!("{events} events forwarded from {}", t.primary.region),
        );
        c.transfer(
            "EventBridge",
            "Forwarding transfer",
            events / 1e6,
            format!("{events} events x 1 KB"),
        );
        cost_ops::forwarded_events_kept(&mut c, events);
    }

    // CloudWatch alarms run where their resources run.
    for side in Side::BOTH {
        if !app_deployed(side) {
            continue;
        }
        let alarms = t
            .alarms
            .iter()
            .filter(|a| a.metric.sides().contains(&side))
            .count() as f64;
        if alarms > 0.0 {
            c.add(
                side,
                "CloudWatch",
                "Alarms",
                "cloudwatch.alarmMonth",
                alarms,
                "alarms",
                format!("{alarms} standard-resolution alarms"),
            );
        }
    }

    // Route 53 is global; its lines are shown with the primary region.
    c.add(
        Side::Primary,
        "Route 53",
        "Hosted zone",
        "route53.zoneMonth",
        1.0,
        "zones",
        "one zone".into(),
    );
    c.add(
        Side::Primary,
        "Route 53",
        "Queries",
        "route53.queriesMillion",
        w.dns_queries_per_month.get() / 1e6,
        "million queries",
        format!("{} queries/month", w.dns_queries_per_month.get()),
    );
    cost_ops::failover_mechanism(&mut c, app_deployed(Side::Secondary));
    cost_ops::rtc_metrics(&mut c);
    cost_ops::backup(&mut c);
    let orchestrators: &[Side] = match t.failover.orchestrator {
        crate::model::Orchestrator::PrimaryOnly => &[Side::Primary],
        crate::model::Orchestrator::SecondaryOnly => &[Side::Secondary],
        crate::model::Orchestrator::Both => &Side::BOTH,
    };
    for &side in orchestrators {
        let transitions =
            w.failover_drills_per_month.get() * (t.failover.steps.len() as f64 + 10.0);
        c.add(
            side,
            "Step Functions",
            "State transitions",
            "states.transitionsThousand",
            transitions / 1000.0,
            "thousand transitions",
            format!(
                "{} drills x ({} steps + 10 polls)",
                w.failover_drills_per_month.get(),
                t.failover.steps.len()
            ),
        );
    }

    if t.workload.free_tiers {
        super::free_tiers::apply(&mut c.lines, prices);
    }
    let primary_total = c
        .lines
        .iter()
        .filter(|l| l.side == Side::Primary)
        .map(|l| l.amount)
        .sum();
    let secondary_total = c
        .lines
        .iter()
        .filter(|l| l.side == Side::Secondary)
        .map(|l| l.amount)
        .sum();
    let mut by_service: Vec<(String, f64)> = Vec::new();
    for line in &c.lines {
        match by_service.iter_mut().find(|(s, _)| *s == line.service) {
            Some((_, total)) => *total += line.amount,
            None => by_service.push((line.service.clone(), line.amount)),
        }
    }
    by_service.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    CostReport {
        lines: c.lines,
        primary_total,
        secondary_total,
        total: primary_total + secondary_total,
        by_service,
        missing: c.missing,
        currency: prices.currency.clone(),
    }
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}
/// Says a quantity is a region's part of the traffic, when it is a part.
fn share_note(share: f64) -> String {
    if share > 0.0 && share < 1.0 {
        format!(" x {share} (this region's share of traffic)")
    } else {
        String::new()
    }
}
