//! Simulation: play outage scenarios against the synthesized stacks and deploy plan.
//!
//! A pure, deterministic discrete-event simulation with one-second resolution. It reads the
//! templates (through [`template_view`]), never the topology's intent: the topology supplies
//! only the objectives (RTO, RPO, approval time). Every duration comes from [`Durations`].

pub(crate) mod asl;
mod durations;
mod integrations;
mod people;
mod run;
mod scenarios;
pub mod template_view;
mod violations;
mod world;

pub use durations::{DurationEntry, Durations};
pub use scenarios::{Scenario, HORIZON};
pub use template_view::InputStack;
pub use violations::{Violation, VIOLATIONS};

use serde::{Deserialize, Serialize};

use crate::model::{Decision, Topology};
use crate::synth::{DeployPlan, Synthesis};

/// What the simulator judges against; `None` skips the objective checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Objectives {
    pub rto_seconds: Option<u64>,
    pub rpo_seconds: Option<u64>,
    /// How long the operator takes to approve once asked.
    pub approval_seconds: u64,
}

impl Objectives {
    pub fn of(t: &Topology) -> Objectives {
        Objectives {
            rto_seconds: Some(u64::from(t.objectives.rto_seconds)),
            rpo_seconds: Some(u64::from(t.objectives.rpo_seconds)),
            approval_seconds: match t.failover.decision {
                Decision::Manual { approval_minutes } => u64::from(approval_minutes) * 60,
                Decision::Automatic => 0,
            },
        }
    }
}

/// Everything the simulator reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub stacks: Vec<InputStack>,
    pub plan: DeployPlan,
    pub primary_region: String,
    pub secondary_region: String,
    pub objectives: Objectives,
}

impl Input {
    pub fn from_synthesis(s: &Synthesis, t: &Topology) -> Input {
        Input::from_owned_synthesis(s.clone(), t)
    }

    /// The same, taking the synthesis (its templates are moved, not copied).
    pub fn from_owned_synthesis(s: Synthesis, t: &Topology) -> Input {
        Input {
            stacks: s
                .stacks
                .into_iter()
                .map(|x| InputStack {
                    id: x.id,
                    region: x.region,
                    template: x.template,
                })
                .collect(),
            plan: s.plan,
            primary_region: t.primary.region.clone(),
            secondary_region: t.secondary.region.clone(),
            objectives: Objectives::of(t),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineEvent {
    pub t: u64,
    pub region: String,
    pub component: String,
    pub event: String,
    pub resource: String,
}

/// A value from time `t` on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangePoint {
    pub t: u64,
    pub value: String,
}

/// Seconds of client writes through the public name, by outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Requests {
    pub served: u64,
    pub rejected: u64,
    pub errors: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoreLoss {
    pub store: String,
    pub kind: String,
    /// Seconds of writes lost; `None`: unbounded (no time-bounded copy).
    pub seconds: Option<u64>,
    /// A system of record (judged against the RPO), or data in flight (reported only).
    pub durable: bool,
}

/// One scenario's result (`tandem-simulation/1`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Simulation {
    pub schema: String,
    pub scenario: String,
    pub rto_seconds: Option<u64>,
    pub data_loss: Vec<StoreLoss>,
    pub violations: Vec<Violation>,
    pub dns: Vec<ChangePoint>,
    pub writer: Vec<ChangePoint>,
    pub requests: Requests,
    pub timeline: Vec<TimelineEvent>,
    pub notes: Vec<String>,
}

/// Synthesizes `t` and plays `scenario` with the built-in durations.
pub fn simulate_topology(t: &Topology, scenario: Scenario) -> Simulation {
    let input = Input::from_owned_synthesis(crate::synth::synthesize(t), t);
    simulate(&input, scenario, &durations_of(t))
}

/// The built-in durations, with the topology's own estimates of how long a backup and its
/// copy take in place of the table's (the templates do not say): the analysis's backup RPO
/// counts the same figures.
pub fn durations_of(t: &Topology) -> Durations {
    let minutes = |m: f64| (m.max(0.0) * 60.0).round() as u64;
    Durations::builtin()
        .unwrap_or(Durations {
            version: 1,
            durations: Vec::new(),
        })
        .with("backup.job", minutes(t.workload.backup_job_minutes.get()))
        .with("backup.copy", minutes(t.workload.backup_copy_minutes.get()))
}

/// Plays one scenario against the stacks.
pub fn simulate(input: &Input, scenario: Scenario, durations: &Durations) -> Simulation {
    play(
        Prepared::world_of(input),
        scenario,
        durations,
        &input.objectives,
    )
}

/// The stacks read once, as every scenario starts from them: reading the templates is most
/// of a simulation's cost, playing a scenario a small part. `Prepared::play` plays any
/// scenario against any objectives without reading the templates again.
#[derive(Debug, Clone)]
pub struct Prepared {
    world: world::World,
}

impl Prepared {
    pub fn new(input: &Input) -> Prepared {
        Prepared {
            world: Prepared::world_of(input),
        }
    }

    fn world_of(input: &Input) -> world::World {
        let views = template_view::views(&input.stacks, &input.plan);
        let stored = template_view::stored_values(&views, &input.plan);
        world::build(
            &views,
            stored,
            &input.primary_region,
            &input.secondary_region,
        )
    }

    /// Plays `scenario`; the same as `simulate` on the input this was prepared from, with
    /// these objectives.
    pub fn play(
        &self,
        scenario: Scenario,
        durations: &Durations,
        objectives: &Objectives,
    ) -> Simulation {
        play(self.world.clone(), scenario, durations, objectives)
    }
}

fn play(
    world: world::World,
    scenario: Scenario,
    durations: &Durations,
    objectives: &Objectives,
) -> Simulation {
    let mut run = run::Run::new(world, durations, scenario, objectives);
    run.play();
    finish(run, scenario)
}

fn finish(mut run: run::Run<'_>, scenario: Scenario) -> Simulation {
    // The RTO is the longest interruption of writes through the public name, each measured
    // from its first failed second to the first served second after it ("the maximum
    // acceptable delay between the interruption of service and restoration of service",
    // https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/business-continuity-plan-bcp.html):
    // a primary that flaps is two interruptions, not one. `None` when one never ends.
    let rto = match run.interrupted {
        Some(_) => None,
        None => Some(
            run.interruptions
                .iter()
                .map(|(start, end)| end.saturating_sub(*start))
                .max()
                .unwrap_or(0),
        ),
    };
    let primary_lost = scenario
        .changes()
        .iter()
        .any(|(_, c)| matches!(c, scenarios::Change::RegionDown(true, true)));
    let mut losses = Vec::new();
    let lag = |id: &str| run.d.get(id);
    let copied = run
        .w
        .backup_interval
        .map(|i| i + lag("backup.job") + lag("backup.copy"));
    let restored = run
        .w
        .clusters
        .iter()
        .any(|c| c.restored && run.w.deployed(&c.stack));
    for c in run
        .w
        .clusters
        .iter()
        .filter(|c| c.region == run.w.primary_region)
    {
        let seconds = match run.lossy {
            Some((_, true)) => Some(lag("aurora.replicationLag")),
            Some((_, false)) => Some(run.split_brain_writes),
            // A restore starts from the newest recovery point copied to the secondary: one
            // backup interval, the job and the copy old.
            None if restored => copied,
            None => Some(0),
        };
        losses.push(StoreLoss {
            store: c.key.clone(),
            kind: "aurora".into(),
            seconds,
            durable: true,
        });
    }
    for s in &run.w.stores {
        let seconds = match (s.kind, primary_lost) {
            (_, false) => Some(0),
            ("dynamodb-strong", true) if s.lag.is_some() => Some(0),
            ("dynamodb" | "dynamodb-strong", true) => match s.lag {
                Some(_) => Some(lag("dynamodb.replicationLag")),
                // Not replicated: restored in the secondary from the newest copied backup.
                None if run.w.backed_up.contains(&s.key) => copied,
                None => None,
            },
            ("s3-rtc", true) => Some(lag("s3.rtc")),
            ("s3", true) => Some(lag("s3.replication")),
            ("eventbridge", true) => s.lag.map(|_| lag("eventbridge.delivery")),
            _ => None,
        };
        losses.push(StoreLoss {
            store: s.key.clone(),
            kind: s.kind.into(),
            seconds,
            durable: s.durable,
        });
    }
    run.now = scenarios::HORIZON;
    judge(&mut run, scenario, rto, &losses);
    let mut violations = std::mem::take(&mut run.violations);
    violations.sort_by(|a, b| (a.t, &a.id, &a.resource).cmp(&(b.t, &b.id, &b.resource)));
    let mut notes = run.w.notes.clone();
    notes.sort();
    notes.dedup();
    Simulation {
        schema: "tandem-simulation/1".into(),
        scenario: scenario.name().into(),
        rto_seconds: rto,
        data_loss: losses,
        violations,
        dns: run.dns,
        writer: run.writer,
        requests: run.requests,
        timeline: run.timeline,
        notes,
    }
}

fn judge(run: &mut run::Run<'_>, scenario: Scenario, rto: Option<u64>, losses: &[StoreLoss]) {
    let machine = run
        .w
        .machines
        .iter()
        .find(|m| !m.failback)
        .map(|m| m.key.clone());
    let anchor = machine
        .clone()
        .or_else(|| run.w.records.first().map(|r| r.key.clone()))
        .unwrap_or_default();
    let objective = run.objectives.rto_seconds;
    // Someone must be paged within the objective of the first interruption that outlasts it
    // (or never ends); one that heals within the objective needs nobody.
    let late = run
        .interruptions
        .iter()
        .map(|(start, end)| (*start, Some(*end)))
        .chain(run.interrupted.map(|start| (start, None)))
        .find(|(start, end)| match (objective, end) {
            (_, None) => true,
            (Some(o), Some(end)) => end.saturating_sub(*start) > o,
            (None, Some(_)) => false,
        });
    if let Some((start, _)) = late {
        let deadline = objective.map_or(scenarios::HORIZON, |o| start + o);
        if run.paged_at.is_none_or(|p| p > deadline) {
            let topic = run
                .w
                .paging_topics
                .iter()
                .find(|t| {
                    run.w
                        .stacks
                        .get(t.split('/').next().unwrap_or_default())
                        .is_some_and(|s| s.0 == run.w.secondary_region)
                })
                .cloned()
                .unwrap_or_else(|| anchor.clone());
            let m = format!("users lost writes from t={start} s and no alarm paged anyone in `{}` by t={deadline} s", run.w.secondary_region);
            let now = run.now;
            run.now = deadline.min(now);
            run.violate(&violations::NOBODY_PAGED, &topic, m);
            run.now = now;
        }
    }
    match (rto, objective) {
        (None, _) => {
            let m =
                "writes through the public name never succeed again in the 6 h the scenario runs"
                    .to_string();
            run.violate(&violations::NEVER_COMPLETES, &anchor, m);
        }
        (Some(r), Some(o)) if r > o && scenario.judges_rto() => {
            let m = format!(
                "writes through the public name succeed again after {r} s; the objective is {o} s"
            );
            let now = run.now;
            run.now = o;
            run.violate(&violations::RTO_EXCEEDED, &anchor, m);
            run.now = now;
        }
        _ => {}
    }
    if let Some(rpo) = run.objectives.rpo_seconds {
        for l in losses.iter().filter(|l| l.durable) {
            if l.seconds.is_none_or(|s| s > rpo) {
                let lost = l
                    .seconds
                    .map_or("an unbounded amount".to_string(), |s| format!("{s} s"));
                let m = format!(
                    "`{}` loses {lost} of writes; the objective is {rpo} s",
                    l.store
                );
                run.violate(&violations::RPO_EXCEEDED, &l.store, m);
            }
        }
    }
}

/// Why a synth output folder cannot be simulated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FolderError {
    #[error("no `deploy-plan.json` in the folder")]
    NoPlan,
    #[error("`{0}`: {1}")]
    Json(String, String),
    #[error("the plan names template `{0}`, which is not in the folder")]
    MissingTemplate(String),
}

impl Input {
    /// Reads a folder written by `tandem synth` (JSON templates); `read` returns a file's text.
    /// Objectives come from `objectives` (for instance a `topology.json` beside the files).
    pub fn from_folder(
        read: impl Fn(&str) -> Option<String>,
        objectives: Objectives,
    ) -> Result<Input, FolderError> {
        let plan_text = read("deploy-plan.json").ok_or(FolderError::NoPlan)?;
        let plan: DeployPlan = serde_json::from_str(&plan_text)
            .map_err(|e| FolderError::Json("deploy-plan.json".into(), e.to_string()))?;
        let mut stacks = Vec::new();
        for stage in &plan.stages {
            let text = read(&stage.template)
                .ok_or_else(|| FolderError::MissingTemplate(stage.template.clone()))?;
            let template = serde_json::from_str(&text)
                .map_err(|e| FolderError::Json(stage.template.clone(), e.to_string()))?;
            stacks.push(InputStack {
                id: stage.stack.clone(),
                region: stage.region.clone(),
                template,
            });
        }
        let primary = plan
            .stages
            .iter()
            .find(|s| s.stack == "primary")
            .map(|s| s.region.clone())
            .unwrap_or_default();
        let secondary = plan
            .stages
            .iter()
            .map(|s| s.region.clone())
            .find(|r| r != &primary)
            .unwrap_or_default();
        Ok(Input {
            stacks,
            plan,
            primary_region: primary,
            secondary_region: secondary,
            objectives,
        })
    }
}
