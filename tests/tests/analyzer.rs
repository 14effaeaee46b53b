//! The console's analyzer reuses the stacks it read while an edit leaves the synthesis input
//! alone (objectives, budget, the workload's cost figures, suppressions): synthesis must read
//! none of those fields, and the analyzer must say exactly what a fresh analysis says.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use proptest::prelude::*;
use serde_json::Value;
use tandem_engine::analysis::{analyze_simulated, Analyzer};
use tandem_engine::model::Topology;
use tandem_engine::presets::PRESETS;
use tandem_engine::simulate::{simulate_topology, Scenario};
use tandem_engine::synth::{synthesis_input, synthesize};
use tandem_engine::PriceTable;
use tandem_tests::generate::{self, Knobs};

/// `t` with every field the synthesis input sets aside changed: the objectives, the budget,
/// every workload figure but the Lambda quota (each scaled differently), and a suppression.
fn set_aside_changed(t: &Topology, scale: f64, rto: u32, rpo: u32) -> Topology {
    let mut v = serde_json::to_value(t).unwrap();
    v["objectives"]["rtoSeconds"] = rto.into();
    v["objectives"]["rpoSeconds"] = rpo.into();
    v["objectives"]["monthlyBudgetUsd"] = (scale * 7.0).into();
    if let Some(w) = v["workload"].as_object_mut() {
        for (i, (key, value)) in w.iter_mut().enumerate() {
            match value {
                Value::Number(_) if key != "lambdaConcurrencyLimit" => {
                    *value = (scale * (i as f64 + 1.0) / 3.0).into()
                }
                Value::Bool(b) => *b = !*b,
                _ => {}
            }
        }
    }
    v["suppressions"] = serde_json::json!([{ "rule": "W3001", "reason": "generated" }]);
    serde_json::from_value(v).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn synthesis_reads_nothing_its_input_sets_aside(
        preset in 0usize..5,
        strategy in 0usize..4,
        global in any::<bool>(),
        replicated in any::<bool>(),
        automatic in any::<bool>(),
        orchestrator in 0usize..3,
        no_db in any::<bool>(),
        no_events in any::<bool>(),
        python in any::<bool>(),
        scale in 0.0f64..5000.0,
        rto in 60u32..86_400,
        rpo in 0u32..86_400,
    ) {
        let knobs = Knobs { preset, strategy, global, replicated, strong: false, rtc: true, nat: 1, azs: 3, automatic, orchestrator, auth: 0, no_db, no_events, isolated: false, python, instances: 1 };
        let before = generate::topology(&knobs).unwrap();
        let t = set_aside_changed(&before, scale, rto, rpo);
        prop_assert!(synthesize(&synthesis_input(&t)) == synthesize(&t));
        // The analyzer, warm from the topology before, plays the outage on the stacks it read.
        let prices = PriceTable::builtin();
        let mut analyzer = Analyzer::new();
        analyzer.analyze_simulated(&before, prices);
        let warm = analyzer.analyze_simulated(&t, prices);
        prop_assert_eq!(analyzer.syntheses(), 1);
        prop_assert!(warm == analyze_simulated(&t, prices));
    }
}

#[test]
fn the_analyzer_says_what_a_fresh_analysis_says_and_synthesizes_only_when_it_must() {
    let prices = PriceTable::builtin();
    let mut analyzer = Analyzer::new();
    let mut expected = 0;
    for p in PRESETS {
        let t = p.topology();
        assert_eq!(
            analyzer.analyze_simulated(&t, prices),
            analyze_simulated(&t, prices)
        );
        expected += 1;
        assert_eq!(analyzer.syntheses(), expected, "{}", p.id);
        // An objective: the same stacks, new verdicts.
        let mut tight = t.clone();
        tight.objectives.rto_seconds = 60;
        tight.objectives.rpo_seconds = 0;
        let got = analyzer.analyze_simulated(&tight, prices);
        assert_eq!(got, analyze_simulated(&tight, prices), "{}", p.id);
        assert_eq!(analyzer.syntheses(), expected, "{}", p.id);
        for scenario in Scenario::ALL {
            assert_eq!(
                analyzer.simulate(&tight, scenario),
                simulate_topology(&tight, scenario),
                "{} {}",
                p.id,
                scenario.name()
            );
        }
        assert_eq!(analyzer.syntheses(), expected, "{}", p.id);
        // A function's memory changes the templates: synthesized again.
        let mut bigger = tight.clone();
        if let Some(f) = bigger.functions.first_mut() {
            f.memory_mb += 512;
            let got = analyzer.analyze_simulated(&bigger, prices);
            assert_eq!(got, analyze_simulated(&bigger, prices), "{}", p.id);
            expected += 1;
            assert_eq!(analyzer.syntheses(), expected, "{}", p.id);
        }
    }
}
