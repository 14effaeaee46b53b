//! The typed model of a two-region disaster-recovery topology.
//!
//! Everything a team can change lives here, as plain serde data: the JSON a user imports is
//! exactly this shape (camelCase, unknown fields rejected). Values that have a domain the type
//! system cannot express (a CIDR, a capacity in half-ACU steps, a non-negative quantity) are
//! newtypes whose `Deserialize` rejects bad input, so a load error names the exact field.
//! Everything that is *well formed but wrong* (overlapping CIDRs, a deprecated runtime) is left
//! to the rules, which explain it and offer a fix.

mod load;
mod names;
mod values;

pub use load::{
    load, load_bytes, load_value, parse, to_json, LoadError, MAX_INPUT_BYTES, SCHEMA_VERSION,
};
pub use values::{Acu, Cidr, NonNegative};

use serde::{Deserialize, Serialize};

/// A complete two-region topology: the unit Tandem checks, analyses and synthesizes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Topology {
    /// The model's version; older files are migrated on load.
    pub schema_version: u32,
    /// A short, lowercase name used in resource names (`trading`).
    pub name: String,
    /// The deployment environment (`dev`, `staging`, `prod`).
    pub environment: String,
    /// The AWS DR strategy: what runs in the secondary region before a failover.
    pub strategy: Strategy,
    pub naming: Naming,
    pub primary: RegionConfig,
    pub secondary: RegionConfig,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<Database>,
    #[serde(default)]
    pub tables: Vec<Table>,
    #[serde(default)]
    pub buckets: Vec<Bucket>,
    #[serde(default)]
    pub functions: Vec<Function>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<Api>,
    #[serde(default)]
    pub queues: Vec<Queue>,
    #[serde(default)]
    pub topics: Vec<Topic>,
    #[serde(default)]
    pub alarms: Vec<Alarm>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Events>,
    /// AWS Backup plan for what is not replicated continuously.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<Backup>,
    pub dns: Dns,
    pub failover: Failover,
    pub objectives: Objectives,
    pub workload: Workload,
    #[serde(default)]
    pub suppressions: Vec<Suppression>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Strategy {
    /// Only backups reach the secondary; the application stack is deployed at failover.
    BackupRestore,
    /// Data replicates continuously; compute is deployed but the database is headless.
    PilotLight,
    /// A scaled-down but complete copy runs in the secondary.
    WarmStandby,
    /// Both regions serve traffic.
    ActiveActive,
}

impl Strategy {
    pub const ALL: [Strategy; 4] = [
        Strategy::BackupRestore,
        Strategy::PilotLight,
        Strategy::WarmStandby,
        Strategy::ActiveActive,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Strategy::BackupRestore => "backupRestore",
            Strategy::PilotLight => "pilotLight",
            Strategy::WarmStandby => "warmStandby",
            Strategy::ActiveActive => "activeActive",
        }
    }
}

/// How resources are named.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Naming {
    /// Prefix of every physical name (`trading`).
    pub prefix: String,
    /// Put the account id in globally unique names (S3 buckets).
    pub account_unique_buckets: bool,
    /// A 12-digit account id, or none to use `AWS::AccountId` at deploy time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
}

/// One of the two regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Side {
    Primary,
    Secondary,
}

impl Side {
    pub const BOTH: [Side; 2] = [Side::Primary, Side::Secondary];

    /// The topology field of this side (`primary`, `secondary`).
    pub fn key(self) -> &'static str {
        match self {
            Side::Primary => "primary",
            Side::Secondary => "secondary",
        }
    }

    pub fn other(self) -> Side {
        match self {
            Side::Primary => Side::Secondary,
            Side::Secondary => Side::Primary,
        }
    }
}

/// A region and its network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegionConfig {
    /// An AWS region code (`us-east-1`).
    pub region: String,
    pub vpc: Vpc,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Vpc {
    pub cidr: Cidr,
    /// Availability zones used, 1 to 3.
    pub az_count: u8,
    pub tiers: Tiers,
    pub nat: NatMode,
    #[serde(default)]
    pub gateway_endpoints: Vec<Service>,
    #[serde(default)]
    pub interface_endpoints: Vec<Service>,
}

/// Subnet tiers, each given by its subnet prefix length (one subnet per AZ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Tiers {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isolated: Option<u8>,
}

impl Tiers {
    pub fn get(&self, tier: Tier) -> Option<u8> {
        match tier {
            Tier::Public => self.public,
            Tier::Private => self.private,
            Tier::Isolated => self.isolated,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Tier {
    Public,
    Private,
    Isolated,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::Public, Tier::Private, Tier::Isolated];

    pub fn key(self) -> &'static str {
        match self {
            Tier::Public => "public",
            Tier::Private => "private",
            Tier::Isolated => "isolated",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum NatMode {
    /// No NAT gateway: private subnets reach AWS only through endpoints.
    None,
    /// One NAT gateway for the whole VPC (a single-AZ point of failure).
    Shared,
    /// One NAT gateway in each AZ.
    PerAz,
}

impl NatMode {
    pub fn gateways(self, az_count: u8) -> u32 {
        match self {
            NatMode::None => 0,
            NatMode::Shared => 1,
            NatMode::PerAz => u32::from(az_count),
        }
    }
}

/// An AWS service a function calls, or a VPC endpoint is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Service {
    S3,
    Dynamodb,
    Rds,
    SecretsManager,
    Sqs,
    Sns,
    Events,
    Logs,
    States,
    Kms,
    Monitoring,
    Lambda,
    Sts,
    Ssm,
    Route53,
}

impl Service {
    pub const ALL: [Service; 15] = [
        Service::S3,
        Service::Dynamodb,
        Service::Rds,
        Service::SecretsManager,
        Service::Sqs,
        Service::Sns,
        Service::Events,
        Service::Logs,
        Service::States,
        Service::Kms,
        Service::Monitoring,
        Service::Lambda,
        Service::Sts,
        Service::Ssm,
        Service::Route53,
    ];

    /// The JSON spelling (`secretsManager`).
    pub fn key(self) -> &'static str {
        match self {
            Service::S3 => "s3",
            Service::Dynamodb => "dynamodb",
            Service::Rds => "rds",
            Service::SecretsManager => "secretsManager",
            Service::Sqs => "sqs",
            Service::Sns => "sns",
            Service::Events => "events",
            Service::Logs => "logs",
            Service::States => "states",
            Service::Kms => "kms",
            Service::Monitoring => "monitoring",
            Service::Lambda => "lambda",
            Service::Sts => "sts",
            Service::Ssm => "ssm",
            Service::Route53 => "route53",
        }
    }

    /// The VPC endpoint service name suffix (`com.amazonaws.<region>.<this>`).
    pub fn endpoint_name(self) -> Option<&'static str> {
        Some(match self {
            Service::S3 => "s3",
            Service::Dynamodb => "dynamodb",
            Service::Rds => "rds",
            Service::SecretsManager => "secretsmanager",
            Service::Sqs => "sqs",
            Service::Sns => "sns",
            Service::Events => "events",
            Service::Logs => "logs",
            Service::States => "states",
            Service::Kms => "kms",
            Service::Monitoring => "monitoring",
            Service::Lambda => "lambda",
            Service::Sts => "sts",
            Service::Ssm => "ssm",
            // Route 53's API has no VPC endpoint: calls to it need a NAT gateway.
            Service::Route53 => return None,
        })
    }

    /// Whether a (free) gateway endpoint exists for the service.
    pub fn has_gateway_endpoint(self) -> bool {
        matches!(self, Service::S3 | Service::Dynamodb)
    }

    /// Whether an interface endpoint (PrivateLink) exists for the service.
    pub fn has_interface_endpoint(self) -> bool {
        self.endpoint_name().is_some()
    }
}

/// The Aurora PostgreSQL database and how it reaches the secondary region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Database {
    /// Short id used in names and logical ids (`trading`).
    pub id: String,
    /// Aurora PostgreSQL engine version (`16.6`).
    pub engine_version: String,
    /// An Aurora Global Database spanning both regions; otherwise the secondary region has
    /// only what the backup plan copies there.
    pub global: bool,
    /// Serverless v2 minimum capacity (0 enables auto-pause).
    pub min_acu: Acu,
    pub max_acu: Acu,
    /// Seconds idle before auto-pause; only meaningful with `minAcu` 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_pause_seconds: Option<u32>,
    /// Serverless v2 instances in the primary cluster.
    pub primary_instances: u8,
    /// Instances in the secondary cluster (0: a headless secondary, pilot light).
    pub secondary_instances: u8,
    pub storage_encrypted: bool,
    pub deletion_protection: bool,
    pub iam_auth: bool,
    /// `rds.global_db_rpo` in seconds: the primary blocks commits when lag exceeds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_db_rpo_seconds: Option<u32>,
    pub master_credentials: CredentialPlacement,
    /// Replicate the master secret to the secondary region.
    pub secret_replicated: bool,
    pub storage: AuroraStorage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CredentialPlacement {
    /// Only the primary cluster has master credentials (correct for a global database).
    PrimaryOnly,
    /// Both clusters declare master credentials (rejected by the RDS API).
    BothClusters,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AuroraStorage {
    Standard,
    IoOptimized,
}

/// A DynamoDB table, replicated as a global table or backed up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Table {
    pub id: String,
    pub partition_key: Key,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_key: Option<Key>,
    pub replicated: bool,
    pub consistency: Consistency,
    /// The witness region of a strongly consistent (MRSC) table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub witness_region: Option<String>,
    pub pitr: bool,
    pub stream: bool,
    pub customer_managed_key: bool,
    /// Which stacks declare the global table.
    pub declared_in: DeclaredIn,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Key {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: KeyType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyType {
    S,
    N,
    B,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Consistency {
    /// Multi-region eventual consistency (MREC): last writer wins, about 1 s lag.
    Eventual,
    /// Multi-region strong consistency (MRSC): RPO 0, needs a third region or a witness.
    Strong,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DeclaredIn {
    /// One stack owns the `AWS::DynamoDB::GlobalTable` with a replica per region.
    PrimaryStack,
    /// Both stacks declare it (the second deploy fails).
    BothStacks,
}

/// An S3 bucket in the primary region, optionally replicated to the secondary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Bucket {
    pub id: String,
    pub purpose: String,
    pub versioning: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replication: Option<Replication>,
    pub encryption: BucketEncryption,
    pub public_access_block: bool,
    pub access_logging: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Replication {
    /// Replication Time Control.
    pub rtc: bool,
    /// The RTC threshold in minutes (S3 accepts only 15).
    pub rtc_minutes: u32,
    pub delete_markers: bool,
    /// Versioning on the destination bucket.
    pub replica_versioning: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BucketEncryption {
    None,
    SseS3,
    SseKms,
}

/// A Lambda function, deployed in both regions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Function {
    pub id: String,
    pub purpose: String,
    /// Lambda runtime identifier (`nodejs22.x`).
    pub runtime: String,
    pub memory_mb: u32,
    pub timeout_seconds: u32,
    pub placement: Placement,
    /// The AWS services the function calls.
    #[serde(default)]
    pub calls: Vec<Service>,
    /// The services among `calls` the function writes to (puts items, sends, publishes,
    /// connects to the database as the writing user); it only reads the others. A topology
    /// written before this field loads with `writes` equal to `calls`.
    #[serde(default)]
    pub writes: Vec<Service>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserved_concurrency: Option<u32>,
    pub trigger: Trigger,
    pub invocations_per_month: NonNegative,
    pub avg_duration_ms: u32,
    /// The generated role grants `*` actions or resources.
    pub wildcard_permissions: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Placement {
    /// Not attached to the VPC.
    OutsideVpc,
    Private,
    Isolated,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Trigger {
    None,
    Api,
    Schedule,
    Queue(String),
}

/// The regional REST API in front of the functions, one per region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Api {
    pub stage: String,
    pub health_path: String,
    /// The function serving the health path.
    pub health_function: String,
    pub authorization: Authorization,
    pub access_logging: bool,
    pub tracing: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Authorization {
    None,
    Iam,
    Cognito,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Queue {
    pub id: String,
    pub purpose: String,
    pub encrypted: bool,
    pub dead_letter_queue: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Topic {
    pub id: String,
    pub purpose: String,
    pub encrypted: bool,
    #[serde(default)]
    pub emails: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Alarm {
    pub id: String,
    pub metric: AlarmMetric,
    pub threshold: NonNegative,
    pub evaluation_periods: u32,
    /// The topic notified.
    pub topic: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AlarmMetric {
    FunctionErrors(String),
    ApiLatency,
    AuroraCpu,
    AuroraReplicationLag,
    DynamodbReplicationLatency(String),
    S3ReplicationLatency(String),
}

impl AlarmMetric {
    /// The regions where the metric exists: Aurora's global replication lag is reported by
    /// the secondary cluster, S3 replication latency by the source bucket's region.
    pub fn sides(&self) -> &'static [Side] {
        match self {
            AlarmMetric::AuroraReplicationLag => &[Side::Secondary],
            AlarmMetric::S3ReplicationLatency(_) => &[Side::Primary],
            _ => &Side::BOTH,
        }
    }
}

/// EventBridge buses (one per region) and cross-region forwarding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Events {
    pub bus_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forwarding: Option<Forwarding>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Forwarding {
    pub sources: Vec<String>,
    #[serde(default)]
    pub detail_types: Vec<String>,
    pub dead_letter_queue: bool,
    pub max_retry_attempts: u32,
    pub max_event_age_seconds: u32,
    /// Days the secondary bus's archive keeps the events that reached it (0 keeps them
    /// indefinitely); they can be replayed into the bus after a failover.
    #[serde(default = "default_archive_retention_days")]
    pub archive_retention_days: u32,
}

/// The archive retention a topology without the field gets.
pub const DEFAULT_ARCHIVE_RETENTION_DAYS: u32 = 30;

fn default_archive_retention_days() -> u32 {
    DEFAULT_ARCHIVE_RETENTION_DAYS
}

/// An AWS Backup plan over the database, tables and buckets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Backup {
    /// Hours between recovery points.
    pub interval_hours: u32,
    /// Copy each recovery point to a vault in the secondary region.
    pub copy_to_secondary: bool,
    /// Days recovery points are kept.
    pub retention_days: u32,
}

/// Route 53: the health check and the failover record pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Dns {
    /// The hosted zone (`example.com`).
    pub zone_name: String,
    /// The record that fails over (`api.example.com`).
    pub record_name: String,
    pub ttl_seconds: u32,
    pub health_check: HealthCheck,
    pub records: Vec<FailoverRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HealthCheck {
    /// 10 or 30 seconds.
    pub interval_seconds: u32,
    /// 1 to 10 consecutive failures.
    pub failure_threshold: u32,
    pub path: String,
    pub string_match: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FailoverRecord {
    pub set_identifier: String,
    pub failover: FailoverRole,
    /// The region whose API the record points at.
    pub target: Side,
    pub health_check: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FailoverRole {
    Primary,
    Secondary,
}

/// How a regional failover is decided and carried out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Failover {
    pub decision: Decision,
    /// Where the failover state machine (and its alert topic) runs.
    pub orchestrator: Orchestrator,
    /// What the state machine does to Aurora.
    pub database_action: DatabaseAction,
    pub promotion_wait: PromotionWait,
    pub steps: Vec<Step>,
    /// The state machine's role grants `*` actions or resources.
    pub wildcard_permissions: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Decision {
    /// The health-check alarm starts the state machine.
    Automatic,
    /// An operator approves; the expected time to approve.
    Manual { approval_minutes: u32 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Orchestrator {
    PrimaryOnly,
    SecondaryOnly,
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DatabaseAction {
    /// `FailoverGlobalCluster` with `AllowDataLoss`: works when the primary region is down.
    FailoverAllowDataLoss,
    /// A planned switchover: no data loss, but needs a healthy primary.
    Switchover,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum PromotionWait {
    /// Poll `DescribeGlobalClusters` until the secondary is the writer.
    Poll { interval_seconds: u32 },
    /// Sleep a fixed time and hope promotion is done.
    Fixed { seconds: u32 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Step {
    CheckHealth,
    Approval,
    PromoteDatabase,
    WaitForPromotion,
    SwitchDns,
    Validate,
    Notify,
}

impl Step {
    /// The canonical order of steps for a decision mode.
    pub fn canonical(decision: Decision) -> Vec<Step> {
        let mut steps = vec![Step::CheckHealth];
        if matches!(decision, Decision::Manual { .. }) {
            steps.push(Step::Approval);
        }
        steps.extend([
            Step::PromoteDatabase,
            Step::WaitForPromotion,
            Step::SwitchDns,
            Step::Validate,
            Step::Notify,
        ]);
        steps
    }
}

/// What the team must meet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Objectives {
    pub rpo_seconds: u32,
    pub rto_seconds: u32,
    pub monthly_budget_usd: NonNegative,
}

/// Workload assumptions for the cost model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Workload {
    pub api_requests_per_month: NonNegative,
    /// Average Aurora capacity the primary runs at.
    pub average_acu: NonNegative,
    pub db_writes_per_second: NonNegative,
    pub db_io_per_second: NonNegative,
    pub table_reads_per_second: NonNegative,
    pub table_writes_per_second: NonNegative,
    pub aurora_storage_gb: NonNegative,
    pub table_storage_gb: NonNegative,
    pub bucket_storage_gb: NonNegative,
    /// New S3 data written (and replicated) per month.
    pub replicated_gb_per_month: NonNegative,
    pub nat_gb_per_month: NonNegative,
    pub endpoint_gb_per_month: NonNegative,
    pub events_per_month: NonNegative,
    pub messages_per_month: NonNegative,
    pub bucket_puts_per_month: NonNegative,
    pub bucket_gets_per_month: NonNegative,
    pub dns_queries_per_month: NonNegative,
    pub notifications_per_month: NonNegative,
    pub kms_requests_per_month: NonNegative,
    /// Failover drills (state machine runs) per month.
    pub failover_drills_per_month: NonNegative,
    /// Minutes a backup job typically takes from start to a completed recovery point.
    #[serde(default = "defaults::backup_job_minutes")]
    pub backup_job_minutes: NonNegative,
    /// Minutes a cross-region copy of a recovery point typically takes.
    #[serde(default = "defaults::backup_copy_minutes")]
    pub backup_copy_minutes: NonNegative,
    /// GB of protected data that changes per day (each recovery point stores and copies it).
    #[serde(default = "defaults::backup_changed_gb_per_day")]
    pub backup_changed_gb_per_day: NonNegative,
    /// GB of VPC flow logs per region per month (`TrafficType: ALL`).
    #[serde(default = "defaults::flow_log_gb_per_month")]
    pub flow_log_gb_per_month: NonNegative,
    /// GB of application logs per month where traffic is served (API execution and access
    /// logs, Lambda, Step Functions, the Aurora log export).
    #[serde(default = "defaults::app_log_gb_per_month")]
    pub app_log_gb_per_month: NonNegative,
    /// Share of API requests X-Ray records as traces (its default rule: 5% beyond 1 per second).
    #[serde(default = "defaults::trace_sample_rate")]
    pub trace_sample_rate: NonNegative,
    /// Route 53 health checkers that probe each endpoint per interval.
    #[serde(default = "defaults::health_checkers")]
    pub health_checkers: NonNegative,
    /// Apply AWS's always-free tiers (from the price table) to the cost; off by default, as
    /// other workloads in the account may use them up.
    #[serde(default)]
    pub free_tiers: bool,
    /// The account's Lambda concurrent executions quota in each region (Service Quotas code
    /// `L-B99A9384`). AWS's default is 1,000; many new accounts start far lower. Reserved
    /// concurrency must leave at least 100 of it unreserved (rule W3024).
    #[serde(default = "defaults::lambda_concurrency_limit")]
    pub lambda_concurrency_limit: u32,
}

/// Defaults of the workload fields added after schema version 2 was published, so older
/// files load; `tandem init` writes them out, where a user sees and changes them.
pub mod defaults {
    use super::NonNegative;

    pub fn backup_job_minutes() -> NonNegative {
        NonNegative::saturating(60.0)
    }
    pub fn backup_copy_minutes() -> NonNegative {
        NonNegative::saturating(60.0)
    }
    pub fn backup_changed_gb_per_day() -> NonNegative {
        NonNegative::saturating(2.0)
    }
    pub fn flow_log_gb_per_month() -> NonNegative {
        NonNegative::saturating(20.0)
    }
    pub fn app_log_gb_per_month() -> NonNegative {
        NonNegative::saturating(10.0)
    }
    pub fn trace_sample_rate() -> NonNegative {
        NonNegative::saturating(0.05)
    }
    pub fn health_checkers() -> NonNegative {
        NonNegative::saturating(15.0)
    }
    pub fn lambda_concurrency_limit() -> u32 {
        1000
    }
}

/// A rule switched off for this topology, with the reason the team accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Suppression {
    pub rule: String,
    pub reason: String,
    /// Only the finding at this field; all of the rule's findings when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl Topology {
    pub fn region(&self, side: Side) -> &RegionConfig {
        match side {
            Side::Primary => &self.primary,
            Side::Secondary => &self.secondary,
        }
    }

    pub fn is_production(&self) -> bool {
        matches!(self.environment.as_str(), "prod" | "production")
    }

    pub fn function(&self, id: &str) -> Option<&Function> {
        self.functions.iter().find(|f| f.id == id)
    }

    /// Concurrency the functions reserve in each region (every function runs in both).
    pub fn reserved_concurrency(&self) -> u32 {
        self.functions
            .iter()
            .filter_map(|f| f.reserved_concurrency)
            .fold(0, u32::saturating_add)
    }

    /// Whether Aurora is a global database.
    pub fn global_database(&self) -> Option<&Database> {
        self.database.as_ref().filter(|db| db.global)
    }
}
