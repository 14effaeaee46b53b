//! The simulator on generated topologies: it never panics, the same input gives the same
//! answer byte for byte, and a topology that only shortens a duration never recovers later.
// Helpers of these tests are test code too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use tandem_engine::model::{Decision, Step, Topology};
use tandem_engine::simulate::{simulate_topology, Scenario};

fn topology(
    preset: usize,
    automatic: bool,
    approval: u32,
    interval: u32,
    threshold: u32,
    instances: u8,
    no_db: bool,
) -> Topology {
    let mut t = tandem_engine::presets::PRESETS[preset].topology();
    if let Some(db) = t.database.as_mut() {
        db.secondary_instances = instances;
    }
    if no_db {
        t.database = None;
    }
    t.failover.decision = if automatic {
        Decision::Automatic
    } else {
        Decision::Manual {
            approval_minutes: approval,
        }
    };
    t.failover.steps = Step::canonical(t.failover.decision);
    t.dns.health_check.interval_seconds = interval;
    t.dns.health_check.failure_threshold = threshold;
    t
}

/// `None` (never recovered) is longer than any time.
fn not_later(shorter: Option<u64>, longer: Option<u64>) -> bool {
    match (shorter, longer) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(a), Some(b)) => a <= b,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn never_panics_and_is_deterministic(
        preset in 0usize..5,
        automatic in any::<bool>(),
        approval in 1u32..60,
        fast in any::<bool>(),
        threshold in 1u32..6,
        instances in 0u8..3,
        no_db in any::<bool>(),
    ) {
        let t = topology(preset, automatic, approval, if fast { 10 } else { 30 }, threshold, instances, no_db);
        for scenario in Scenario::ALL {
            let a = simulate_topology(&t, scenario);
            let b = simulate_topology(&t, scenario);
            prop_assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
            prop_assert!(a.timeline.windows(2).all(|w| w[0].t <= w[1].t), "the timeline is in time order");
        }
    }

    #[test]
    fn shortening_a_duration_never_lengthens_the_rto(
        preset in 0usize..5,
        approval in 2u32..60,
        cut in 1u32..30,
        threshold in 2u32..6,
    ) {
        let long = topology(preset, false, approval, 30, threshold, 1, false);
        let short = topology(preset, false, approval.saturating_sub(cut).max(1), 10, threshold - 1, 1, false);
        for scenario in [Scenario::RegionOutage, Scenario::DatabaseOutage, Scenario::Flapping] {
            let (a, b) = (simulate_topology(&short, scenario), simulate_topology(&long, scenario));
            prop_assert!(not_later(a.rto_seconds, b.rto_seconds), "{}: {:?} > {:?}", scenario.name(), a.rto_seconds, b.rto_seconds);
        }
    }
}

fn worked(name: &str, approval: u64) -> tandem_engine::simulate::Input {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/simulation/worked")
        .join(name);
    let objectives = tandem_engine::simulate::Objectives {
        rto_seconds: Some(1800),
        rpo_seconds: Some(60),
        approval_seconds: approval,
    };
    tandem_engine::simulate::Input::from_folder(
        |n| std::fs::read_to_string(dir.join(n)).ok(),
        objectives,
    )
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// On stacks that do recover (the hand-worked design), a shorter approval, page, start or
    /// promotion never makes the recovery later. The surge throttle is a window of wall time,
    /// not a duration of the design, so it is off here.
    #[test]
    fn on_recovering_stacks_shorter_durations_never_recover_later(
        approval in 0u64..3600,
        cut in 0u64..600,
        email in 1u64..300,
        start in 1u64..600,
        promotion in 5u64..300,
        manual in any::<bool>(),
    ) {
        use tandem_engine::simulate::{simulate, Durations};
        let name = if manual { "manual-region-outage" } else { "automatic-region-outage" };
        let base = Durations::builtin().unwrap().with("scenario.throttleWindow", 0);
        let long = base.clone().with("email.delivery", email).with("operator.start", start).with("aurora.globalFailover", promotion);
        let short = base
            .with("email.delivery", email.saturating_sub(cut).max(1))
            .with("operator.start", start.saturating_sub(cut).max(1))
            .with("aurora.globalFailover", promotion.saturating_sub(cut).max(1));
        let a = simulate(&worked(name, approval.saturating_sub(cut)), Scenario::RegionOutage, &short);
        let b = simulate(&worked(name, approval), Scenario::RegionOutage, &long);
        prop_assert!(b.rto_seconds.is_some(), "the worked stacks recover");
        prop_assert!(not_later(a.rto_seconds, b.rto_seconds), "{:?} > {:?}", a.rto_seconds, b.rto_seconds);
    }
}
