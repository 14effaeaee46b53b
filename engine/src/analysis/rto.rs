//! Recovery time, measured: the `region-outage` simulation of the synthesized stacks sets the
//! RTO, and the phases explain it, each between two milestones of the simulated timeline.
//!
//! The milestones follow the failover's critical path in order: the primary-down alarm fires
//! (detection), an execution or `deploy.sh --failover` starts (decision), the execution starts
//! after the failover deploy (provisioning), the operator approves (approval), the database
//! action is accepted (orchestration), the secondary writes (database), the public name answers
//! the secondary (DNS) and the worst-placed client follows (client caches). A milestone reached
//! before the previous one ran in parallel (automatic failover moves DNS on the endpoint check
//! while the database is still promoted) and is off the critical path: the phase that covers it
//! says so. The last phase ends at the measured RTO, so the phases always add up to it.

use serde::{Deserialize, Serialize};

use crate::model::Topology;
use crate::simulate::{simulate_topology, Scenario, Simulation, TimelineEvent, HORIZON};

/// One phase of a regional failover, between two milestones of the simulated timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Phase {
    /// `detection`, `decision`, `provisioning`, `approval`, `orchestration`, `database`, `dns`,
    /// `clients`, `warmup`, `unrecovered`.
    pub id: String,
    pub title: String,
    /// Seconds after the outage began when the phase starts.
    pub start_seconds: f64,
    pub seconds: f64,
    /// What ends the phase, in the simulation's words, and what drives its length.
    pub formula: String,
    pub source: String,
    /// The field a user would change to shorten the phase.
    pub path: String,
    /// The simulated timeline events inside the phase (its end included).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<TimelineEvent>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RtoReport {
    /// The simulated scenario the RTO comes from: `region-outage`.
    pub scenario: String,
    pub phases: Vec<Phase>,
    /// Outage start to the first second writes through the public name succeed again;
    /// `None` when they never do within the simulated 6 h, or when there is nothing to measure.
    pub total_seconds: Option<f64>,
    /// Why there is nothing to measure: the topology has no API behind a public name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unmeasured: Option<String>,
}

impl RtoReport {
    /// The longest phase.
    pub fn dominant(&self) -> Option<&Phase> {
        self.phases
            .iter()
            .fold(None, |best: Option<&Phase>, p| match best {
                Some(b) if b.seconds >= p.seconds => Some(b),
                _ => Some(p),
            })
    }

    /// The RTO for people: `20 min 30 s`, or `not within 6 h`.
    pub fn total_text(&self) -> String {
        match (self.total_seconds, &self.unmeasured) {
            (Some(s), _) => super::human_seconds(s),
            (None, Some(_)) => "not measured".into(),
            (None, None) => format!("not within {}", super::human_seconds(HORIZON as f64)),
        }
    }

    /// Whether the RTO meets an objective in seconds (with nothing to measure, nothing misses).
    pub fn meets(&self, objective_seconds: f64) -> bool {
        self.unmeasured.is_some() || self.total_seconds.is_some_and(|s| s <= objective_seconds)
    }
}

const R53: &str = "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html";
const CW: &str =
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html";
const AURORA: &str = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html";
const SFN: &str =
    "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html";
const CFN: &str = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-cli-creating-stack.html";
const TTL: &str = "https://aws.amazon.com/route53/faqs/";
const SIM: &str = "docs/simulation.md";

/// Simulates a regional outage of `t`'s synthesized stacks and explains the measured RTO.
pub(crate) fn rto(t: &Topology) -> RtoReport {
    if !crate::synth::dns::has_api(t) {
        return unmeasured();
    }
    explain(t, simulate_topology(t, Scenario::RegionOutage))
}

/// The RTO, and the simulation it was measured on (`None` with nothing to measure).
pub(crate) fn rto_simulated(t: &Topology) -> (RtoReport, Option<Simulation>) {
    if !crate::synth::dns::has_api(t) {
        return (unmeasured(), None);
    }
    let sim = simulate_topology(t, Scenario::RegionOutage);
    (explain(t, sim.clone()), Some(sim))
}

/// The RTO played on stacks read beforehand (`analysis::Analyzer`), and its simulation.
pub(crate) fn rto_prepared(
    t: &Topology,
    prepared: &crate::simulate::Prepared,
) -> (RtoReport, Option<Simulation>) {
    if !crate::synth::dns::has_api(t) {
        return (unmeasured(), None);
    }
    let sim = prepared.play(
        Scenario::RegionOutage,
        &crate::simulate::durations_of(t),
        &crate::simulate::Objectives::of(t),
    );
    (explain(t, sim.clone()), Some(sim))
}

fn unmeasured() -> RtoReport {
    RtoReport {
        scenario: Scenario::RegionOutage.name().into(),
        phases: Vec::new(),
        total_seconds: None,
        unmeasured: Some(
            "no API with a health function: nothing serves users through a public name, so there is no recovery to time".into(),
        ),
    }
}

struct Milestone {
    id: &'static str,
    title: &'static str,
    at: Option<(u64, String)>,
    why: String,
    source: &'static str,
    path: &'static str,
}

/// The phases of a `region-outage` simulation of `t`.
pub(crate) fn explain(t: &Topology, mut sim: Simulation) -> RtoReport {
    let secondary = t.secondary.region.as_str();
    let first = |pred: &dyn Fn(&TimelineEvent) -> bool| -> Option<(u64, String)> {
        sim.timeline.iter().find(|e| pred(e)).map(|e| {
            let who = match e.component.as_str() {
                "client" | "operator" => format!("the {} ", e.component),
                _ => String::new(),
            };
            (e.t, format!("{who}{}", e.event))
        })
    };
    let detection = first(&|e| e.component == "cloudwatch" && e.event.ends_with("goes to ALARM"));
    let deploy = first(&|e| e.component == "operator" && e.event == "runs deploy.sh --failover");
    let started =
        first(&|e| e.component == "stepfunctions" && e.event.starts_with("execution started"));
    let (decision, provisioning) = match (deploy, started) {
        (Some(d), Some(s)) if s.0 < d.0 => (Some(s), None),
        (Some(d), s) => (Some(d), s),
        (None, s) => (s, None),
    };
    let approval = first(&|e| e.component == "operator" && e.event.starts_with("approves"));
    let action = first(&|e| {
        e.component == "aurora"
            && (e.event.ends_with(&format!("to `{secondary}` accepted"))
                || e.event.starts_with("an instance is requested"))
    });
    let writer = sim
        .writer
        .iter()
        .find(|c| c.t > 0 && c.value == secondary)
        .map(|c| (c.t, "the secondary cluster writes".to_string()));
    let dns = sim
        .dns
        .iter()
        .find(|c| c.t > 0 && c.value == secondary)
        .map(|c| {
            (
                c.t,
                "the public name answers the secondary region".to_string(),
            )
        });
    let clients = first(&|e| {
        e.component == "client" && e.event == format!("resolves the public name to `{secondary}`")
    });
    let hc = &t.dns.health_check;
    let decision_why = match t.failover.decision {
        crate::model::Decision::Automatic => {
            "automatic: an EventBridge rule on the alarm starts the state machine".to_string()
        }
        crate::model::Decision::Manual { .. } => {
            "the alarm's email reaches the operator, who starts the runbook".to_string()
        }
    };
    let marks = [
        Milestone {
            id: "detection",
            title: "Detection",
            at: detection,
            why: format!(
                "the probe in {secondary} checks the primary every minute; the alarm needs {} failed minutes",
                hc.failure_threshold.clamp(1, 10)
            ),
            source: CW,
            path: "dns.healthCheck.failureThreshold",
        },
        Milestone {
            id: "decision",
            title: "Decision",
            at: decision,
            why: decision_why,
            source: CW,
            path: "failover.decision",
        },
        Milestone {
            id: "provisioning",
            title: "Provisioning",
            at: provisioning,
            why: format!("`deploy.sh --failover` deploys the application stacks in {secondary}"),
            source: CFN,
            path: "strategy",
        },
        Milestone {
            id: "approval",
            title: "Approval",
            at: approval,
            why: "the state machine asks for approval by email and waits for the operator".into(),
            source: SFN,
            path: "failover.decision",
        },
        Milestone {
            id: "orchestration",
            title: "Orchestration",
            at: action,
            why: "the state machine's steps before the database action, with their retries".into(),
            source: SFN,
            path: "failover.steps",
        },
        Milestone {
            id: "database",
            title: "Database",
            at: writer,
            why: "the secondary cluster is promoted (and given a writer instance if it has none)"
                .into(),
            source: AURORA,
            path: "database.secondaryInstances",
        },
        Milestone {
            id: "dns",
            title: "DNS",
            at: dns,
            why: "the state machine sees the writer, publishes the switch metric; its alarm and Route 53's health check follow".into(),
            source: R53,
            path: "failover.promotionWait",
        },
        Milestone {
            id: "clients",
            title: "Client caches",
            at: clients,
            why: format!(
                "a client that resolved just before the change keeps the old answer for the {} s TTL",
                t.dns.ttl_seconds
            ),
            source: TTL,
            path: "dns.ttlSeconds",
        },
    ];
    let end = sim.rto_seconds;
    let limit = end.unwrap_or(HORIZON);
    // The phases are contiguous: each takes its events out of the timeline (no copies).
    let timeline = &mut sim.timeline;
    let mut phases: Vec<Phase> = Vec::new();
    let mut cursor = 0u64;
    let mut parallel: Vec<String> = Vec::new();
    for m in &marks {
        let Some((at, what)) = &m.at else { continue };
        let at = *at;
        if at > limit {
            continue;
        }
        if at < cursor {
            parallel.push(format!(
                "{} ({what}) already at {at} s",
                m.title.to_lowercase()
            ));
            continue;
        }
        if at == cursor && !phases.is_empty() {
            // Reached the same second as the previous milestone: no time of its own.
            continue;
        }
        let mut formula = format!("{what} at {at} s: {}", m.why);
        if !parallel.is_empty() {
            formula.push_str(&format!("; in parallel: {}", parallel.join(", ")));
            parallel.clear();
        }
        phases.push(phase(
            timeline, m.id, m.title, cursor, at, formula, m.source, m.path,
        ));
        cursor = at;
    }
    match end {
        Some(end) if end > cursor || phases.is_empty() => {
            let mut formula = format!("writes through the public name succeed at {end} s");
            if !parallel.is_empty() {
                formula.push_str(&format!("; in parallel: {}", parallel.join(", ")));
            }
            phases.push(phase(timeline, "warmup", "Until writes succeed", cursor, end, formula, SIM, "strategy"));
        }
        Some(_) => {
            if let (Some(last), false) = (phases.last_mut(), parallel.is_empty()) {
                last.formula
                    .push_str(&format!("; in parallel: {}", parallel.join(", ")));
            }
        }
        None => phases.push(phase(
            timeline,
            "unrecovered",
            "Not recovered",
            cursor,
            HORIZON,
            format!(
                "writes through the public name never succeed again within {} h (see `tandem simulate --scenario region-outage`)",
                HORIZON / 3600
            ),
            SIM,
            "failover.steps",
        )),
    }
    RtoReport {
        scenario: Scenario::RegionOutage.name().into(),
        phases,
        total_seconds: end.map(|s| s as f64),
        unmeasured: None,
    }
}

#[allow(clippy::too_many_arguments)]
fn phase(
    timeline: &mut Vec<TimelineEvent>,
    id: &str,
    title: &str,
    from: u64,
    to: u64,
    formula: String,
    source: &str,
    path: &str,
) -> Phase {
    let events = timeline
        .extract_if(.., |e| (e.t > from || (from == 0 && e.t == 0)) && e.t <= to)
        .collect();
    Phase {
        id: id.into(),
        title: title.into(),
        start_seconds: from as f64,
        seconds: to.saturating_sub(from) as f64,
        formula,
        source: source.into(),
        path: path.into(),
        events,
    }
}
