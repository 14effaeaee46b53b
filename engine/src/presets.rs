//! Built-in topologies: the reference trading platform and the four AWS DR strategies.
//!
//! The reference follows `seed-design.md` with every defect of `known-defects.md` corrected:
//! distinct VPC CIDRs, a NAT gateway per AZ, supported engine and runtime versions, no
//! credentials on the secondary cluster, a replicated secret, a consistent failover record
//! pair, and a failover state machine that runs in the secondary region and fails over with
//! `AllowDataLoss`, polling until promotion completes.

use crate::catalog::{AURORA_POSTGRES_DEFAULT, LAMBDA_RUNTIME_DEFAULT};
use crate::model::*;

/// A built-in topology, by name.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    pub id: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    build: fn() -> Topology,
}

impl Preset {
    pub fn topology(&self) -> Topology {
        (self.build)()
    }
}

/// Every preset, the reference first.
pub const PRESETS: &[Preset] = &[
    Preset {
        id: "reference",
        title: "Reference: trading platform",
        summary: "The design document's trading platform, corrected: warm standby in us-east-2",
        build: reference,
    },
    Preset {
        id: "backup-restore",
        title: "Backup & restore",
        summary: "Backups copied to the secondary; the stack is deployed there at failover (RPO/RTO hours)",
        build: backup_restore,
    },
    Preset {
        id: "pilot-light",
        title: "Pilot light",
        summary: "Data replicates continuously; a headless secondary database gets instances at failover",
        build: pilot_light,
    },
    Preset {
        id: "warm-standby",
        title: "Warm standby",
        summary: "A scaled-down copy runs in the secondary; automatic failover in minutes",
        build: warm_standby,
    },
    Preset {
        id: "hot-standby",
        title: "Hot standby",
        summary: "Both regions at full capacity; the primary serves and the secondary takes over automatically; strongly consistent tables with a witness",
        build: hot_standby,
    },
];

/// Preset ids that were renamed, with their new id: `active-active` described templates that
/// route all traffic to the primary (a failover pair), which is a hot standby.
pub const RENAMED: &[(&str, &str)] = &[("active-active", "hot-standby")];

/// The preset with this id, or with the id it was renamed to ([`RENAMED`]).
pub fn preset(id: &str) -> Option<&'static Preset> {
    let id = renamed(id).unwrap_or(id);
    PRESETS.iter().find(|p| p.id == id)
}

/// The new id of a renamed preset.
pub fn renamed(id: &str) -> Option<&'static str> {
    RENAMED
        .iter()
        .find(|(old, _)| *old == id)
        .map(|(_, new)| *new)
}

fn cidr(a: u8, b: u8) -> Cidr {
    Cidr(ipnet::Ipv4Net::new_assert(
        std::net::Ipv4Addr::new(10, a, b, 0),
        16,
    ))
}

fn nn(value: f64) -> NonNegative {
    NonNegative::saturating(value)
}

fn acu(value: f64) -> Acu {
    Acu::saturating(value)
}

fn vpc(second_octet: u8) -> Vpc {
    Vpc {
        cidr: cidr(second_octet, 0),
        az_count: 3,
        tiers: Tiers {
            public: Some(24),
            private: Some(24),
            isolated: Some(24),
        },
        nat: NatMode::PerAz,
        gateway_endpoints: vec![Service::S3, Service::Dynamodb],
        interface_endpoints: vec![Service::SecretsManager, Service::Sqs],
    }
}

fn function(id: &str, purpose: &str, calls: Vec<Service>, trigger: Trigger) -> Function {
    Function {
        id: id.into(),
        purpose: purpose.into(),
        runtime: LAMBDA_RUNTIME_DEFAULT.into(),
        memory_mb: 512,
        timeout_seconds: 30,
        placement: Placement::Private,
        writes: calls.clone(),
        calls,
        reserved_concurrency: Some(10),
        trigger,
        invocations_per_month: nn(0.0),
        avg_duration_ms: 100,
        wildcard_permissions: false,
    }
}

/// The reference trading platform (us-east-1 primary, us-east-2 secondary).
pub fn reference() -> Topology {
    let mut trade = function(
        "trade-processor",
        "Processes trade orders from the queue",
        vec![
            Service::Rds,
            Service::Dynamodb,
            Service::SecretsManager,
            Service::Sqs,
        ],
        Trigger::Queue("orders".into()),
    );
    trade.memory_mb = 1024;
    // It consumes its queue (the trigger grants receive and delete) and writes orders to the
    // database and the table; it sends nothing.
    trade.writes = vec![Service::Rds, Service::Dynamodb];
    // Caps the database connections the queue consumer opens; the presets reserve 32 in all
    // per region, so a quota of 132 is enough (W3024).
    trade.reserved_concurrency = Some(20);
    trade.invocations_per_month = nn(5_000_000.0);
    trade.avg_duration_ms = 120;
    let mut health = function(
        "health-check",
        "Serves the health endpoint: checks the table, the queue and the database",
        vec![Service::Rds, Service::Dynamodb, Service::Sqs],
        Trigger::Api,
    );
    health.memory_mb = 256;
    // Unauthenticated callers reach it: it only reads.
    health.writes = Vec::new();
    health.timeout_seconds = 10;
    health.invocations_per_month = nn(1_300_000.0);
    health.avg_duration_ms = 50;
    let mut validator = function(
        "failover-validator",
        "Validates the secondary after a failover",
        vec![Service::Rds, Service::Dynamodb, Service::SecretsManager],
        Trigger::None,
    );
    validator.reserved_concurrency = Some(2);
    // It checks the secondary after a failover: it only reads.
    validator.writes = Vec::new();
    validator.invocations_per_month = nn(10.0);
    validator.avg_duration_ms = 2000;

    Topology {
        schema_version: SCHEMA_VERSION,
        name: "trading".into(),
        environment: "prod".into(),
        strategy: Strategy::WarmStandby,
        naming: Naming {
            prefix: "trading".into(),
            account_unique_buckets: true,
            account_id: None,
        },
        primary: RegionConfig {
            region: "us-east-1".into(),
            vpc: vpc(0),
        },
        secondary: RegionConfig {
            region: "us-east-2".into(),
            vpc: vpc(1),
        },
        database: Some(Database {
            id: "trading".into(),
            engine_version: AURORA_POSTGRES_DEFAULT.into(),
            global: true,
            min_acu: acu(0.5),
            max_acu: acu(16.0),
            auto_pause_seconds: None,
            primary_instances: 1,
            secondary_instances: 1,
            storage_encrypted: true,
            deletion_protection: true,
            iam_auth: true,
            global_db_rpo_seconds: None,
            master_credentials: CredentialPlacement::PrimaryOnly,
            secret_replicated: true,
            storage: AuroraStorage::Standard,
        }),
        tables: vec![Table {
            id: "sessions".into(),
            partition_key: Key {
                name: "sessionId".into(),
                kind: KeyType::S,
            },
            sort_key: None,
            replicated: true,
            consistency: Consistency::Eventual,
            witness_region: None,
            pitr: true,
            stream: true,
            customer_managed_key: true,
            declared_in: DeclaredIn::PrimaryStack,
        }],
        buckets: vec![
            Bucket {
                id: "config".into(),
                purpose: "Trading configuration".into(),
                versioning: true,
                replication: Some(Replication {
                    rtc: true,
                    rtc_minutes: 15,
                    delete_markers: true,
                    replica_versioning: true,
                }),
                encryption: BucketEncryption::SseKms,
                public_access_block: true,
                access_logging: true,
            },
            Bucket {
                id: "audit-logs".into(),
                purpose: "Audit logs".into(),
                versioning: true,
                replication: Some(Replication {
                    rtc: true,
                    rtc_minutes: 15,
                    delete_markers: true,
                    replica_versioning: true,
                }),
                encryption: BucketEncryption::SseKms,
                public_access_block: true,
                access_logging: true,
            },
        ],
        functions: vec![trade, health, validator],
        api: Some(Api {
            stage: "prod".into(),
            health_path: "/health".into(),
            health_function: "health-check".into(),
            authorization: Authorization::Iam,
            access_logging: true,
            tracing: true,
        }),
        queues: vec![Queue {
            id: "orders".into(),
            purpose: "Trade orders awaiting processing".into(),
            encrypted: true,
            dead_letter_queue: true,
        }],
        topics: vec![Topic {
            id: "alerts".into(),
            purpose: "Operational and failover alerts".into(),
            encrypted: true,
            emails: vec!["oncall@example.com".into()],
        }],
        alarms: vec![
            alarm(
                "trade-errors",
                AlarmMetric::FunctionErrors("trade-processor".into()),
                5.0,
                2,
            ),
            alarm("api-latency", AlarmMetric::ApiLatency, 1000.0, 3),
            alarm("aurora-cpu", AlarmMetric::AuroraCpu, 80.0, 2),
            alarm("aurora-lag", AlarmMetric::AuroraReplicationLag, 5000.0, 2),
            alarm(
                "sessions-replication",
                AlarmMetric::DynamodbReplicationLatency("sessions".into()),
                1000.0,
                2,
            ),
            alarm(
                "config-replication",
                AlarmMetric::S3ReplicationLatency("config".into()),
                900.0,
                1,
            ),
        ],
        events: Some(Events {
            bus_name: "trading-events".into(),
            forwarding: Some(Forwarding {
                sources: vec!["trading.platform".into()],
                detail_types: vec![
                    "Order Processed".into(),
                    "Session Created".into(),
                    "Critical Alert".into(),
                    "Failover Event".into(),
                ],
                dead_letter_queue: true,
                max_retry_attempts: 185,
                max_event_age_seconds: 86_400,
                archive_retention_days: crate::model::DEFAULT_ARCHIVE_RETENTION_DAYS,
            }),
        }),
        backup: Some(Backup {
            interval_hours: 24,
            copy_to_secondary: true,
            retention_days: 35,
        }),
        dns: Dns {
            zone_name: "example.com".into(),
            record_name: "api.example.com".into(),
            ttl_seconds: 60,
            health_check: HealthCheck {
                interval_seconds: 30,
                failure_threshold: 3,
                path: "/prod/health".into(),
                string_match: false,
            },
            records: vec![
                FailoverRecord {
                    set_identifier: "primary".into(),
                    failover: FailoverRole::Primary,
                    target: Side::Primary,
                    health_check: true,
                },
                FailoverRecord {
                    set_identifier: "secondary".into(),
                    failover: FailoverRole::Secondary,
                    target: Side::Secondary,
                    health_check: false,
                },
            ],
        },
        failover: Failover {
            decision: Decision::Manual {
                approval_minutes: 10,
            },
            orchestrator: Orchestrator::SecondaryOnly,
            database_action: DatabaseAction::FailoverAllowDataLoss,
            promotion_wait: PromotionWait::Poll {
                interval_seconds: 15,
            },
            steps: Step::canonical(Decision::Manual {
                approval_minutes: 10,
            }),
            wildcard_permissions: false,
        },
        objectives: Objectives {
            rpo_seconds: 900,
            rto_seconds: 1800,
            monthly_budget_usd: nn(2500.0),
        },
        workload: Workload {
            api_requests_per_month: nn(10_000_000.0),
            average_acu: nn(2.0),
            db_writes_per_second: nn(50.0),
            db_io_per_second: nn(100.0),
            table_reads_per_second: nn(100.0),
            table_writes_per_second: nn(20.0),
            aurora_storage_gb: nn(50.0),
            table_storage_gb: nn(10.0),
            bucket_storage_gb: nn(100.0),
            replicated_gb_per_month: nn(20.0),
            nat_gb_per_month: nn(50.0),
            endpoint_gb_per_month: nn(20.0),
            events_per_month: nn(5_000_000.0),
            messages_per_month: nn(5_000_000.0),
            bucket_puts_per_month: nn(1_000_000.0),
            bucket_gets_per_month: nn(10_000_000.0),
            dns_queries_per_month: nn(20_000_000.0),
            notifications_per_month: nn(10_000.0),
            kms_requests_per_month: nn(2_000_000.0),
            failover_drills_per_month: nn(1.0),
            backup_job_minutes: crate::model::defaults::backup_job_minutes(),
            backup_copy_minutes: crate::model::defaults::backup_copy_minutes(),
            backup_changed_gb_per_day: crate::model::defaults::backup_changed_gb_per_day(),
            flow_log_gb_per_month: crate::model::defaults::flow_log_gb_per_month(),
            app_log_gb_per_month: crate::model::defaults::app_log_gb_per_month(),
            trace_sample_rate: crate::model::defaults::trace_sample_rate(),
            health_checkers: crate::model::defaults::health_checkers(),
            free_tiers: false,
            lambda_concurrency_limit: crate::model::defaults::lambda_concurrency_limit(),
        },
        suppressions: Vec::new(),
    }
}

fn alarm(id: &str, metric: AlarmMetric, threshold: f64, periods: u32) -> Alarm {
    Alarm {
        id: id.into(),
        metric,
        threshold: nn(threshold),
        evaluation_periods: periods,
        topic: "alerts".into(),
    }
}

/// Backup & restore: nothing replicates continuously; daily backups are copied to the
/// secondary, where the stack is deployed and restored at failover.
pub fn backup_restore() -> Topology {
    let mut t = reference();
    t.name = "trading-br".into();
    t.naming.prefix = "trading-br".into();
    t.strategy = Strategy::BackupRestore;
    if let Some(db) = t.database.as_mut() {
        db.global = false;
        db.secondary_instances = 0;
        db.max_acu = acu(8.0);
    }
    for table in &mut t.tables {
        table.replicated = false;
    }
    for bucket in &mut t.buckets {
        bucket.replication = None;
    }
    t.alarms.retain(|a| {
        !matches!(
            a.metric,
            AlarmMetric::AuroraReplicationLag
                | AlarmMetric::DynamodbReplicationLatency(_)
                | AlarmMetric::S3ReplicationLatency(_)
        )
    });
    if let Some(events) = t.events.as_mut() {
        events.forwarding = None;
    }
    // One NAT gateway and no interface endpoints keep the standing cost down; the single
    // NAT is an accepted risk for this tier of service.
    for side in [&mut t.primary, &mut t.secondary] {
        side.vpc.az_count = 2;
        side.vpc.nat = NatMode::Shared;
        side.vpc.interface_endpoints.clear();
    }
    t.suppressions.push(Suppression {
        rule: "W1005".into(),
        reason: "backup & restore tier: a NAT outage is covered by the regional failover plan"
            .into(),
        path: None,
    });
    t.backup = Some(Backup {
        interval_hours: 4,
        copy_to_secondary: true,
        retention_days: 35,
    });
    t.failover.decision = Decision::Manual {
        approval_minutes: 30,
    };
    t.failover.steps = Step::canonical(t.failover.decision);
    t.objectives = Objectives {
        rpo_seconds: 6 * 3600,
        rto_seconds: 4 * 3600,
        monthly_budget_usd: nn(1500.0),
    };
    t
}

/// Pilot light: data replicates; the secondary Aurora cluster is headless until failover.
pub fn pilot_light() -> Topology {
    let mut t = reference();
    t.name = "trading-pl".into();
    t.naming.prefix = "trading-pl".into();
    t.strategy = Strategy::PilotLight;
    if let Some(db) = t.database.as_mut() {
        db.secondary_instances = 0;
    }
    t.failover.decision = Decision::Manual {
        approval_minutes: 15,
    };
    t.failover.steps = Step::canonical(t.failover.decision);
    t.objectives = Objectives {
        rpo_seconds: 900,
        rto_seconds: 3600,
        monthly_budget_usd: nn(2500.0),
    };
    t
}

/// Warm standby: the reference, with automatic failover and a 10 s health check.
pub fn warm_standby() -> Topology {
    let mut t = reference();
    t.name = "trading-ws".into();
    t.naming.prefix = "trading-ws".into();
    t.failover.decision = Decision::Automatic;
    t.failover.steps = Step::canonical(Decision::Automatic);
    t.dns.health_check.interval_seconds = 10;
    t.objectives = Objectives {
        rpo_seconds: 900,
        rto_seconds: 900,
        monthly_budget_usd: nn(2500.0),
    };
    t
}

/// Hot standby: both regions at full capacity, strongly consistent tables with a witness in
/// us-west-2, and a database that caps replication lag. The primary serves and the failover
/// records move traffic to the secondary automatically: the templates are a failover pair, so
/// this is a warm standby at full capacity, not active/active (rule W3026).
pub fn hot_standby() -> Topology {
    let mut t = warm_standby();
    t.name = "trading-hs".into();
    t.naming.prefix = "trading-hs".into();
    if let Some(db) = t.database.as_mut() {
        db.secondary_instances = 2;
        db.primary_instances = 2;
        db.min_acu = acu(2.0);
        db.global_db_rpo_seconds = Some(20);
    }
    for table in &mut t.tables {
        table.consistency = Consistency::Strong;
        table.witness_region = Some("us-west-2".into());
    }
    t.dns.health_check.failure_threshold = 2;
    t.dns.ttl_seconds = 30;
    t.objectives = Objectives {
        rpo_seconds: 900,
        rto_seconds: 300,
        monthly_budget_usd: nn(4000.0),
    };
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preset_ids_are_unique_and_reference_is_first() {
        let ids: Vec<_> = PRESETS.iter().map(|p| p.id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len());
        assert_eq!(ids[0], "reference");
    }

    #[test]
    fn presets_round_trip_through_json() {
        for preset in PRESETS {
            let topology = preset.topology();
            let json = to_json(&topology);
            assert_eq!(load(&json).unwrap(), topology, "{}", preset.id);
        }
    }
}
