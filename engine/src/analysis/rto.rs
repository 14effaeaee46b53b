//! Recovery time as a sum of phases, each with its value, formula and source.

use serde::{Deserialize, Serialize};

use crate::model::{Decision, PromotionWait, Step, Strategy, Topology};

/// One phase of a regional failover.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Phase {
    /// `detection`, `decision`, `provisioning`, `orchestration`, `database`, `dns`, `warmup`.
    pub id: String,
    pub title: String,
    pub seconds: f64,
    pub formula: String,
    pub source: String,
    /// The field a user would change to shorten the phase.
    pub path: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<PhaseStep>,
}

/// A step inside the orchestration phase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhaseStep {
    pub step: Step,
    pub seconds: f64,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RtoReport {
    pub phases: Vec<Phase>,
    pub total_seconds: f64,
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
}

/// Timings AWS documents or Tandem assumes, in one place.
pub(crate) mod timing {
    /// One CloudWatch alarm evaluation period on the health check.
    pub const ALARM_PERIOD: f64 = 60.0;
    /// Aurora Global Database: "a secondary is promoted in under 1 min".
    pub const PROMOTION: f64 = 60.0;
    /// Tandem estimate: adding a Serverless v2 instance to a headless cluster.
    pub const ADD_INSTANCE: f64 = 600.0;
    /// Tandem estimate: restoring an Aurora cluster from a copied snapshot.
    pub const RESTORE: f64 = 3600.0;
    /// Tandem estimate: deploying the application stacks in the secondary region.
    pub const PROVISION: f64 = 1800.0;
    /// Serverless v2 resume from auto-pause.
    pub const RESUME: f64 = 15.0;
    /// Lambda cold start: "under 100 ms to over 1 s".
    pub const COLD_START: f64 = 1.0;
    pub const CHECK_HEALTH: f64 = 5.0;
    pub const API_CALL: f64 = 2.0;
    pub const VALIDATE: f64 = 10.0;
    pub const NOTIFY: f64 = 1.0;
}

const R53: &str = "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html";
const CW: &str =
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html";
const AURORA: &str =
    "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.html";
const SFN: &str =
    "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-standard-vs-express.html";
const TTL: &str = "https://aws.amazon.com/route53/faqs/";
const LAMBDA: &str = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html";
const ESTIMATE: &str = "https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html";

pub(crate) fn rto(t: &Topology) -> RtoReport {
    use timing::*;
    let mut phases = Vec::new();
    let hc = &t.dns.health_check;
    phases.push(Phase {
        id: "detection".into(),
        title: "Detection".into(),
        seconds: f64::from(hc.interval_seconds) * f64::from(hc.failure_threshold),
        formula: format!(
            "health-check interval {} s x failure threshold {}",
            hc.interval_seconds, hc.failure_threshold
        ),
        source: R53.into(),
        path: "dns.healthCheck.intervalSeconds".into(),
        steps: Vec::new(),
    });
    let (decision, formula) = match t.failover.decision {
        Decision::Automatic => {
            (ALARM_PERIOD, format!("automatic: one {ALARM_PERIOD} s alarm period starts the state machine"))
        }
        Decision::Manual { approval_minutes } => (
            ALARM_PERIOD + f64::from(approval_minutes) * 60.0,
            format!("{ALARM_PERIOD} s alarm period pages the operator + {approval_minutes} min to approve"),
        ),
    };
    phases.push(Phase {
        id: "decision".into(),
        title: "Decision".into(),
        seconds: decision,
        formula,
        source: CW.into(),
        path: "failover.decision".into(),
        steps: Vec::new(),
    });
    if t.strategy == Strategy::BackupRestore {
        phases.push(Phase {
            id: "provisioning".into(),
            title: "Provisioning".into(),
            seconds: PROVISION,
            formula: format!(
                "deploy the application stacks in {} (Tandem estimate)",
                t.secondary.region
            ),
            source: ESTIMATE.into(),
            path: "strategy".into(),
            steps: Vec::new(),
        });
    }
    let promotion = match &t.database {
        Some(db) if db.global => PROMOTION,
        Some(_) => RESTORE,
        None => 0.0,
    };
    let mut steps = Vec::new();
    for step in &t.failover.steps {
        let (seconds, note) = match step {
            Step::CheckHealth => (CHECK_HEALTH, "confirm the primary is down".to_string()),
            Step::Approval => (0.0, "counted in the decision phase".into()),
            Step::PromoteDatabase => (API_CALL, "FailoverGlobalCluster call".into()),
            Step::WaitForPromotion => match t.failover.promotion_wait {
                PromotionWait::Poll { interval_seconds } => {
                    let i = f64::from(interval_seconds.max(1));
                    let observed = (promotion / i).ceil() * i;
                    (observed - promotion, format!("polling every {interval_seconds} s notices promotion after {observed} s"))
                }
                PromotionWait::Fixed { seconds } => {
                    let s = f64::from(seconds);
                    (
                        (s - promotion).max(0.0),
                        format!("a fixed {seconds} s wait"),
                    )
                }
            },
            Step::SwitchDns => (
                API_CALL,
                "mark the primary unhealthy so Route 53 answers with the secondary".into(),
            ),
            Step::Validate => (VALIDATE, "run the validator function".into()),
            Step::Notify => (NOTIFY, "publish to the alert topic".into()),
        };
        steps.push(PhaseStep {
            step: *step,
            seconds,
            note,
        });
    }
    phases.push(Phase {
        id: "orchestration".into(),
        title: "Orchestration".into(),
        seconds: steps.iter().map(|s| s.seconds).sum(),
        formula: format!(
            "{} state machine steps in {}",
            steps.len(),
            t.secondary.region
        ),
        source: SFN.into(),
        path: "failover.steps".into(),
        steps,
    });
    if let Some(db) = &t.database {
        let (seconds, formula, path) = if !db.global {
            (
                RESTORE,
                "restore the cluster from the copied snapshot (Tandem estimate)".to_string(),
                "database.global",
            )
        } else if db.secondary_instances == 0 {
            (
                PROMOTION + ADD_INSTANCE,
                format!("add an instance to the headless cluster ({ADD_INSTANCE} s, Tandem estimate) + promotion {PROMOTION} s"),
                "database.secondaryInstances",
            )
        } else {
            (
                PROMOTION,
                format!("promotion of the secondary cluster, under {PROMOTION} s"),
                "database.secondaryInstances",
            )
        };
        phases.push(Phase {
            id: "database".into(),
            title: "Database".into(),
            seconds,
            formula,
            source: AURORA.into(),
            path: path.into(),
            steps: Vec::new(),
        });
    }
    phases.push(Phase {
        id: "dns".into(),
        title: "DNS".into(),
        seconds: f64::from(t.dns.ttl_seconds),
        formula: format!(
            "clients keep the old answer for the TTL, {} s",
            t.dns.ttl_seconds
        ),
        source: TTL.into(),
        path: "dns.ttlSeconds".into(),
        steps: Vec::new(),
    });
    let paused = t
        .database
        .as_ref()
        .is_some_and(|db| db.min_acu.get() == 0.0);
    phases.push(Phase {
        id: "warmup".into(),
        title: "Warm-up".into(),
        seconds: COLD_START + if paused { RESUME } else { 0.0 },
        formula: if paused {
            format!("Lambda cold start {COLD_START} s + Aurora resume from pause {RESUME} s")
        } else {
            format!("Lambda cold start {COLD_START} s; Aurora already runs at its minimum capacity")
        },
        source: LAMBDA.into(),
        path: "database.minAcu".into(),
        steps: Vec::new(),
    });
    let total_seconds = phases.iter().map(|p| p.seconds).sum();
    RtoReport {
        phases,
        total_seconds,
    }
}
