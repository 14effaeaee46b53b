//! Every valid topology synthesizes sound templates: many generated variations of the presets.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use tandem_engine::synth::synthesize;
use tandem_tests::generate::{self, Knobs};

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
        let knobs = Knobs { preset, strategy, global, replicated, strong, rtc, nat, azs, automatic, orchestrator, auth, no_db, no_events, isolated, python, instances };
        let t = generate::topology(&knobs).unwrap();
        let s = synthesize(&t);
        let problems = tandem_tests::structure::check(&s);
        prop_assert!(problems.is_empty(), "{}", problems.join("\n"));
        let failover = tandem_tests::failover::check(&s);
        prop_assert!(failover.is_empty(), "{}", failover.join("\n"));
    }
}
