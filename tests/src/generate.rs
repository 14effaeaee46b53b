//! Generated variations of the presets, shared by the property tests (synthesis soundness and
//! simulated failover): each knob is one choice a team can make in a topology.

use tandem_engine::model::{
    Authorization, Consistency, Decision, NatMode, Orchestrator, Step, Strategy, Topology,
};
use tandem_engine::presets::PRESETS;

/// The knobs a generated topology turns; indexes are taken modulo their list's length.
#[derive(Debug, Clone, Copy, Default)]
pub struct Knobs {
    pub preset: usize,
    pub strategy: usize,
    pub global: bool,
    pub replicated: bool,
    pub strong: bool,
    pub rtc: bool,
    pub nat: usize,
    pub azs: u8,
    pub automatic: bool,
    pub orchestrator: usize,
    pub auth: usize,
    pub no_db: bool,
    pub no_events: bool,
    pub isolated: bool,
    pub python: bool,
    pub instances: u8,
}

fn pick<T: Copy>(list: &[T], i: usize, fallback: T) -> T {
    list.get(i % list.len().max(1)).copied().unwrap_or(fallback)
}

/// The preset `knobs.preset` with every knob applied.
pub fn topology(k: &Knobs) -> Option<Topology> {
    let mut t = PRESETS.get(k.preset % PRESETS.len())?.topology();
    t.strategy = pick(&Strategy::ALL, k.strategy, t.strategy);
    if let Some(db) = t.database.as_mut() {
        db.global = k.global;
        db.secondary_instances = k.instances;
    }
    if k.no_db {
        t.database = None;
    }
    for table in &mut t.tables {
        table.replicated = k.replicated;
        table.consistency = if k.strong {
            Consistency::Strong
        } else {
            Consistency::Eventual
        };
        table.witness_region = Some("us-west-2".into());
    }
    for b in &mut t.buckets {
        if let Some(r) = b.replication.as_mut() {
            r.rtc = k.rtc;
        }
    }
    for side in [&mut t.primary, &mut t.secondary] {
        side.vpc.nat = pick(
            &[NatMode::None, NatMode::Shared, NatMode::PerAz],
            k.nat,
            side.vpc.nat,
        );
        side.vpc.az_count = k.azs.max(1);
        if !k.isolated {
            side.vpc.tiers.isolated = None;
        }
    }
    if k.python {
        for f in &mut t.functions {
            f.runtime = "python3.13".into();
        }
    }
    t.failover.decision = if k.automatic {
        Decision::Automatic
    } else {
        Decision::Manual {
            approval_minutes: 5,
        }
    };
    t.failover.steps = Step::canonical(t.failover.decision);
    t.failover.orchestrator = pick(
        &[
            Orchestrator::PrimaryOnly,
            Orchestrator::SecondaryOnly,
            Orchestrator::Both,
        ],
        k.orchestrator,
        t.failover.orchestrator,
    );
    if let Some(api) = t.api.as_mut() {
        api.authorization = pick(
            &[
                Authorization::None,
                Authorization::Iam,
                Authorization::Cognito,
            ],
            k.auth,
            api.authorization,
        );
    }
    if k.no_events {
        t.events = None;
    }
    Some(t)
}
