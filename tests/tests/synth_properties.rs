//! Every valid topology synthesizes sound templates: many generated variations of the presets.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use tandem_engine::model::{Authorization, Consistency, Decision, NatMode, Orchestrator, Step};
use tandem_engine::synth::synthesize;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn generated_topologies_synthesize_soundly(
        preset in 0usize..5,
        strategy in 0usize..4,
        global in any::<bool>(),
        replicated in any::<bool>(),
        strong in any::<bool>(),
        rtc in any::<bool>(),
        nat in 0usize..3,
        azs in 1u8..=3,
        automatic in any::<bool>(),
        orchestrator in 0usize..3,
        auth in 0usize..3,
        no_db in any::<bool>(),
        no_events in any::<bool>(),
        isolated in any::<bool>(),
        python in any::<bool>(),
        instances in 0u8..3,
    ) {
        let mut t = tandem_engine::presets::PRESETS[preset].topology();
        t.strategy = tandem_engine::model::Strategy::ALL[strategy];
        if let Some(db) = t.database.as_mut() {
            db.global = global;
            db.secondary_instances = instances;
        }
        if no_db {
            t.database = None;
        }
        for table in &mut t.tables {
            table.replicated = replicated;
            table.consistency = if strong { Consistency::Strong } else { Consistency::Eventual };
            table.witness_region = Some("us-west-2".into());
        }
        for b in &mut t.buckets {
            if let Some(r) = b.replication.as_mut() {
                r.rtc = rtc;
            }
        }
        for side in [&mut t.primary, &mut t.secondary] {
            side.vpc.nat = [NatMode::None, NatMode::Shared, NatMode::PerAz][nat];
            side.vpc.az_count = azs;
            if !isolated {
                side.vpc.tiers.isolated = None;
            }
        }
        if python {
            for f in &mut t.functions {
                f.runtime = "python3.13".into();
            }
        }
        t.failover.decision = if automatic { Decision::Automatic } else { Decision::Manual { approval_minutes: 5 } };
        t.failover.steps = Step::canonical(t.failover.decision);
        t.failover.orchestrator = [Orchestrator::PrimaryOnly, Orchestrator::SecondaryOnly, Orchestrator::Both][orchestrator];
        if let Some(api) = t.api.as_mut() {
            api.authorization = [Authorization::None, Authorization::Iam, Authorization::Cognito][auth];
        }
        if no_events {
            t.events = None;
        }
        let s = synthesize(&t);
        let problems = tandem_tests::structure::check(&s);
        prop_assert!(problems.is_empty(), "{}", problems.join("\n"));
        let failover = tandem_tests::failover::check(&s);
        prop_assert!(failover.is_empty(), "{}", failover.join("\n"));
    }
}
