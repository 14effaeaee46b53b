//! The world as plain data, read from the templates: regions, Route 53, CloudWatch alarms,
//! EventBridge, the probe, state machines and the data stores.

mod build;
pub(crate) mod dns;

pub(crate) use build::{api_region, build, READS, UNREAD};

use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::Value;

use super::asl::Machine;

/// Route 53's control plane (changes to records and health checks) runs in us-east-1.
pub(crate) const ROUTE53_CONTROL_REGION: &str = "us-east-1";
/// IAM's control plane (creating roles and policies, by CloudFormation or an SDK call) runs
/// in us-east-1 too; its data plane (signing, assuming existing roles) is in every region.
pub(crate) const IAM_CONTROL_REGION: &str = "us-east-1";

/// A stack the operator deploys at failover.
#[derive(Debug, Clone)]
pub(crate) struct FailoverStack {
    pub id: String,
    /// The parameters it reads.
    pub params: Vec<super::template_view::ParamOrigin>,
    /// Its IAM resources (logical ids), created through IAM's control plane.
    pub iam: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CheckKind {
    /// An HTTPS endpoint check on an API in `region`.
    Endpoint {
        region: String,
        interval: u64,
        threshold: u64,
    },
    /// Follows an alarm; `insufficient` is the status while the alarm has no data.
    Metric {
        region: String,
        name: String,
        insufficient: Option<bool>,
    },
    Calculated {
        children: Vec<String>,
        threshold: usize,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct HealthCheck {
    pub key: String,
    pub kind: CheckKind,
    pub inverted: bool,
    /// What Route 53's checkers currently believe, before `Inverted` (endpoint and metric).
    pub observed: bool,
    /// The conclusion the checkers are on their way to, if any: a change of anything else
    /// does not restart their count.
    pub pending: Option<bool>,
    pub generation: u64,
}

#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub key: String,
    pub stack: String,
    pub name: String,
    pub primary: bool,
    pub region: String,
    pub check: Option<String>,
    pub ttl: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AlarmState {
    Ok,
    Alarm,
    Insufficient,
}

impl AlarmState {
    pub fn label(self) -> &'static str {
        match self {
            AlarmState::Ok => "OK",
            AlarmState::Alarm => "ALARM",
            AlarmState::Insufficient => "INSUFFICIENT_DATA",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Alarm {
    pub key: String,
    pub stack: String,
    pub region: String,
    pub name: String,
    pub namespace: String,
    pub metric: String,
    pub statistic: String,
    pub period: u64,
    pub evaluation_periods: usize,
    pub datapoints_to_alarm: usize,
    pub threshold: f64,
    pub comparison: String,
    pub treat_missing: String,
    pub actions: Vec<String>,
    pub state: AlarmState,
    /// Per evaluated period: `Some(breaching)` or `None` (no data).
    pub history: Vec<Option<bool>>,
}

impl Alarm {
    /// Whether the simulator produces this alarm's metric (Tandem's own namespace).
    pub fn modelled(&self) -> bool {
        self.namespace == "Tandem"
    }
}

/// A schedule that invokes a function every `every` seconds with `input`.
#[derive(Debug, Clone)]
pub(crate) struct Schedule {
    pub stack: String,
    pub every: u64,
    pub function: String,
    pub input: Value,
}

/// An EventBridge rule that starts a state machine when an alarm enters ALARM.
#[derive(Debug, Clone)]
pub(crate) struct AlarmRule {
    pub key: String,
    pub stack: String,
    pub alarm: String,
    pub machine: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Probe {
    pub key: String,
    /// `FunctionName`, when set: a state machine may name the function by it.
    pub name: String,
    pub region: String,
    pub default_url: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct StateMachine {
    pub key: String,
    pub stack: String,
    pub region: String,
    pub machine: Machine,
    pub failback: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Cluster {
    pub key: String,
    pub stack: String,
    pub identifier: String,
    pub region: String,
    pub global: bool,
    pub instances: u32,
    /// Restored from a recovery point when its stack is deployed.
    pub restored: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Store {
    pub key: String,
    pub kind: &'static str,
    /// Seconds of writes not yet in the other region when the primary fails; `None`: unbounded.
    pub lag: Option<u64>,
    /// A system of record (judged against the RPO), or data in flight (reported only).
    pub durable: bool,
}

/// Everything read from the templates, plus the state that changes during a run.
#[derive(Debug, Clone, Default)]
pub(crate) struct World {
    pub primary_region: String,
    pub secondary_region: String,
    pub checks: Vec<HealthCheck>,
    pub records: Vec<Record>,
    pub alarms: Vec<Alarm>,
    pub schedules: Vec<Schedule>,
    pub rules: Vec<AlarmRule>,
    pub probes: Vec<Probe>,
    /// Shared: a running execution holds its machine while it changes the world.
    pub machines: Vec<Rc<StateMachine>>,
    pub clusters: Vec<Cluster>,
    pub stores: Vec<Store>,
    /// Stacks by id: (region, deployed).
    pub stacks: BTreeMap<String, (String, bool)>,
    /// Topics with an email subscription (a person reads them).
    pub paging_topics: Vec<String>,
    /// Stacks the operator deploys at failover, with the parameters they read.
    pub failover_stacks: Vec<FailoverStack>,
    /// Regions whose API health function answers healthy only when its database does.
    pub health_checks_db: Vec<String>,
    /// SSM parameters `deploy.sh` stores (name -> value, an earlier stage's output).
    pub ssm: serde_json::Map<String, serde_json::Value>,
    /// Stores an AWS Backup plan copies to a vault in the secondary region (restorable there).
    pub backed_up: Vec<String>,
    /// The age of the newest recovery point a restore can use (AWS Backup schedule).
    pub backup_interval: Option<u64>,
    /// Notes on what the simulator could not model.
    pub notes: Vec<String>,
    // Run state.
    pub down: BTreeMap<String, bool>,
    pub partitioned: bool,
    pub primary_db_down: bool,
    pub writer: Option<String>,
    pub promoting: Option<String>,
    /// Datapoints (t, value) per (region, metric name), in time order (each pushed at the clock's now).
    pub metrics: BTreeMap<(String, String), Vec<(u64, f64)>>,
}

impl Cluster {
    /// The cluster's ARN as `describeGlobalClusters` reports it.
    pub fn arn(&self) -> String {
        if self.identifier.is_empty() {
            // No physical name: the template view's symbolic `GetAtt` is all there is.
            return format!("{}.DBClusterArn", self.key);
        }
        format!(
            "arn:aws:rds:{}:123456789012:cluster:{}",
            self.region, self.identifier
        )
    }
}

impl World {
    pub fn up(&self, region: &str) -> bool {
        !self.down.get(region).copied().unwrap_or(false)
    }

    /// Whether code in `from` reaches a service in `to`.
    pub fn reaches(&self, from: &str, to: &str) -> bool {
        self.up(from) && self.up(to) && (from == to || !self.partitioned)
    }

    /// A probe named by key (`Ref`/`GetAtt`), function name or function ARN.
    pub fn probe_by_ref(&self, reference: &str) -> Option<&Probe> {
        let base = reference.split('.').next().unwrap_or(reference);
        self.probes.iter().find(|p| {
            p.key == base
                || (!p.name.is_empty()
                    && (p.name == reference
                        || reference.ends_with(&format!(":function:{}", p.name))))
        })
    }

    pub fn deployed(&self, stack: &str) -> bool {
        self.stacks.get(stack).is_some_and(|s| s.1)
    }

    pub fn cluster_by_ref(&self, reference: &str) -> Option<usize> {
        let base = reference.split('.').next().unwrap_or(reference);
        self.clusters.iter().position(|c| {
            c.key == base
                || c.arn() == reference
                || c.identifier == reference
                || reference.ends_with(&format!(":cluster:{}", c.identifier))
        })
    }

    /// The region whose API answers requests, when its stack is deployed.
    pub fn serves(&self, region: &str) -> bool {
        self.up(region)
            && self
                .records
                .iter()
                .any(|r| r.region == region && self.deployed(&r.stack))
    }

    /// Whether the region's API health endpoint answers healthy: the API serves and, when the
    /// health function checks the database, a deployed cluster there has an instance.
    pub fn api_healthy(&self, region: &str) -> bool {
        self.serves(region)
            && (!self.health_checks_db.iter().any(|r| r == region)
                || (!(region == self.primary_region && self.primary_db_down)
                    && self
                        .clusters
                        .iter()
                        .any(|c| c.region == region && c.instances > 0 && self.deployed(&c.stack))))
    }

    /// Whether a write in `region` is accepted by its database: the global database's writer
    /// (not while a promotion is under way), or a standalone cluster whose stack is deployed.
    pub fn writable(&self, region: &str) -> bool {
        if region == self.primary_region && self.primary_db_down {
            return false;
        }
        // Without a relational database, writes go to the region's own stores (tables,
        // buckets): a region that serves accepts them.
        if self.clusters.is_empty() {
            return self.serves(region);
        }
        let global = self.promoting.is_none() && self.writer.as_deref() == Some(region);
        global
            || self.clusters.iter().any(|c| {
                !c.global && c.region == region && c.instances > 0 && self.deployed(&c.stack)
            })
    }

    /// Whether any database exists in `region` (a write there is rejected rather than failing).
    pub fn has_database(&self, region: &str) -> bool {
        if region == self.primary_region && self.primary_db_down {
            return false;
        }
        self.clusters
            .iter()
            .any(|c| c.region == region && self.deployed(&c.stack))
    }
}
