//! Synthesis: CloudFormation for both regions, the deploy plan and the failover runbook.
//!
//! Three stacks, deployed in an order with no cycle:
//!
//! 1. `secondary-base` (secondary region): VPC, KMS key, replica buckets, event bus, backup vault;
//! 2. `primary` (primary region): VPC, key, the global cluster and primary cluster, the secret
//!    (replicated), the global table with both replicas, source buckets with replication,
//!    functions, API, queues, topic, alarms, event forwarding, health check, PRIMARY record;
//! 3. `secondary-app` (secondary region): the secondary cluster joining the global cluster
//!    (no credentials, `SourceRegion`), functions, API, topic, alarms, the failover state machine
//!    and its trigger, SECONDARY record. Under backup & restore it is deployed at failover.
//!
//! No stack imports from another: values cross as Parameters the deploy plan fills from earlier
//! stacks' Outputs, or as deterministic names and ARNs. Output is deterministic.

mod alerting;
mod app;
mod compute;
mod database;
mod deploy_script;
pub(crate) mod dns;
mod failover;
mod network;
mod plan;
mod probe;
pub mod quote;
mod runbook;
mod standing;
mod storage;
pub(crate) mod template;

pub use plan::{DeployPlan, ParameterSource, PlanParameter, Stage};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{Side, Strategy, Topology};

/// One stack's template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stack {
    /// `secondary-base`, `primary`, `secondary-app`.
    pub id: String,
    /// The CloudFormation stack name.
    pub name: String,
    pub side: Side,
    pub region: String,
    pub template: Value,
}

/// Everything synthesis produces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Synthesis {
    pub stacks: Vec<Stack>,
    pub plan: DeployPlan,
    pub runbook: String,
}

/// A file to write or download.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutputFile {
    pub name: String,
    pub contents: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TemplateFormat {
    Json,
    Yaml,
}

/// Physical names, all derived from the topology: the same input always names the same things.
#[derive(Debug, Clone)]
pub(crate) struct Names {
    base: String,
    account: String,
}

impl Names {
    pub fn new(t: &Topology) -> Names {
        Names {
            base: format!("{}-{}", t.naming.prefix, t.environment),
            account: t
                .naming
                .account_id
                .clone()
                .unwrap_or_else(|| "${AWS::AccountId}".into()),
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// `prefix-env-suffix`.
    pub fn of(&self, suffix: &str) -> String {
        format!("{}-{suffix}", self.base)
    }

    /// An `Fn::Sub` string for a globally unique bucket name.
    pub fn bucket(&self, t: &Topology, id: &str, region: &str) -> String {
        if t.naming.account_unique_buckets {
            format!("{}-{id}-{region}-{}", self.base, self.account)
        } else {
            format!("{}-{id}-{region}", self.base)
        }
    }

    pub fn account(&self) -> &str {
        &self.account
    }

    /// The account id as a template value.
    pub fn account_value(&self) -> Value {
        template::sub(&self.account)
    }

    pub fn global_cluster(&self) -> String {
        self.of("global")
    }

    pub fn cluster(&self, region: &str) -> String {
        self.of(&format!("db-{region}"))
    }

    pub fn secret(&self) -> String {
        format!("{}/database", self.base)
    }

    pub fn bus(&self) -> String {
        self.of("events")
    }

    /// The SSM parameter (in the secondary region) holding the primary's health URL.
    pub fn primary_health_url_parameter(&self) -> String {
        format!("/{}/primary-health-url", self.base)
    }

    pub fn vault(&self) -> String {
        self.of("vault")
    }

    pub fn stack(&self, id: &str) -> String {
        self.of(id)
    }
}

/// Synthesizes every template, the deploy plan and the runbook.
pub fn synthesize(t: &Topology) -> Synthesis {
    let names = Names::new(t);
    let mut base = app::secondary_base(t, &names);
    let primary = app::primary(t, &names);
    let mut secondary = app::secondary_app(t, &names);
    if !secondary_app_standing(t) {
        standing::hoist(&mut base, &mut secondary);
    }
    let stacks = vec![
        stack(t, &names, "secondary-base", Side::Secondary, base),
        stack(t, &names, "primary", Side::Primary, primary),
        stack(t, &names, "secondary-app", Side::Secondary, secondary),
    ];
    let plan = plan::plan(t, &names, &stacks);
    let runbook = runbook::runbook(t, &names, &plan);
    Synthesis {
        stacks,
        plan,
        runbook,
    }
}

/// `t` with every field synthesis does not read set to one fixed value: the objectives, the
/// suppressions, and the workload's cost figures (the Lambda quota stays: the probe's reserved
/// concurrency reads it). Topologies with the same synthesis input synthesize to the same
/// stacks, so an editor need not synthesize again when only those fields change; the property
/// test `synthesis_reads_nothing_its_input_sets_aside` holds synthesis to it.
pub fn synthesis_input(t: &Topology) -> Topology {
    static FIXED: std::sync::OnceLock<(crate::model::Objectives, crate::model::Workload)> =
        std::sync::OnceLock::new();
    let (objectives, workload) = FIXED.get_or_init(|| {
        let r = crate::presets::reference();
        (r.objectives, r.workload)
    });
    Topology {
        objectives: objectives.clone(),
        workload: crate::model::Workload {
            lambda_concurrency_limit: t.workload.lambda_concurrency_limit,
            ..workload.clone()
        },
        suppressions: Vec::new(),
        ..t.clone()
    }
}

fn stack(t: &Topology, names: &Names, id: &str, side: Side, template: Value) -> Stack {
    Stack {
        id: id.into(),
        name: names.stack(id),
        side,
        region: t.region(side).region.clone(),
        template,
    }
}

/// Whether the application stack runs in the secondary before a failover.
pub(crate) fn secondary_app_standing(t: &Topology) -> bool {
    t.strategy != Strategy::BackupRestore
}

impl Synthesis {
    /// The files `tandem synth` writes and the console downloads.
    pub fn files(&self, format: TemplateFormat) -> Vec<OutputFile> {
        let mut files = Vec::new();
        for s in &self.stacks {
            let (ext, contents) = match format {
                TemplateFormat::Json => ("json", to_pretty_json(&s.template)),
                TemplateFormat::Yaml => ("yaml", to_yaml(&s.template)),
            };
            files.push(OutputFile {
                name: format!("{}.template.{ext}", s.id),
                contents,
            });
        }
        for stage in &self.plan.stages {
            files.push(OutputFile {
                name: format!("{}.parameters.json", stage.stack),
                contents: to_pretty_json(&stage.parameter_file()),
            });
        }
        files.push(OutputFile {
            name: "deploy-plan.json".into(),
            contents: to_pretty_json(&serde_json::to_value(&self.plan).unwrap_or(Value::Null)),
        });
        files.push(OutputFile {
            name: "deploy.sh".into(),
            contents: self.plan.deploy_script(format),
        });
        files.push(OutputFile {
            name: "RUNBOOK.md".into(),
            contents: self.runbook.clone(),
        });
        files
    }
}

pub fn to_pretty_json(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// YAML with long-form intrinsics (`Fn::Sub:`), which CloudFormation reads as it reads JSON.
pub fn to_yaml(v: &Value) -> String {
    serde_saphyr::to_string(v).unwrap_or_default()
}
