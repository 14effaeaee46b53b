//! The optimizer's front on generated topologies: no point dominated by another, every point
//! loads from its edits with no error finding (the objective rules aside: the front is the
//! trade-off against the objectives), and its numbers are the analysis of that topology.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use tandem_engine::optimize::{optimize, Limits, Numbers};
use tandem_engine::rules::Severity;
use tandem_engine::{analyze, apply_fix, check_with, Fix, PriceTable, Topology};
use tandem_tests::generate::{self, Knobs};

const OBJECTIVE_RULES: [&str; 3] = ["E4001", "E4002", "E5001"];

fn errors(t: &Topology, keep_objectives: bool) -> Vec<String> {
    check_with(t, PriceTable::builtin())
        .findings
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .filter(|f| keep_objectives || !OBJECTIVE_RULES.contains(&f.rule.as_str()))
        .map(|f| format!("{} at {}: {}", f.rule, f.path, f.message))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn every_point_is_undominated_valid_and_what_the_analysis_says(
        preset in 0usize..5,
        strategy in 0usize..4,
        global in any::<bool>(),
        replicated in any::<bool>(),
        rtc in any::<bool>(),
        nat in 0usize..3,
        automatic in any::<bool>(),
        no_db in any::<bool>(),
        no_events in any::<bool>(),
        instances in 0u8..3,
        at_objectives in any::<bool>(),
    ) {
        let knobs = Knobs { preset, strategy, global, replicated, rtc, nat, azs: 3, automatic, orchestrator: 1, auth: 1, no_db, no_events, instances, isolated: true, ..Knobs::default() };
        let t = generate::topology(&knobs).unwrap();
        let limits = if at_objectives {
            Limits {
                max_cost: Some(t.objectives.monthly_budget_usd.get()),
                max_rto_seconds: Some(f64::from(t.objectives.rto_seconds)),
                max_rpo_seconds: Some(f64::from(t.objectives.rpo_seconds)),
            }
        } else {
            Limits::default()
        };
        let r = optimize(&t, PriceTable::builtin(), &limits);
        if r.current_errors == 0 && !at_objectives {
            // A valid input is a candidate, so something is on the front.
            prop_assert!(!r.points.is_empty());
        }
        for (i, p) in r.points.iter().enumerate() {
            for (j, q) in r.points.iter().enumerate() {
                prop_assert!(!q.numbers.dominates(&p.numbers), "point {j} dominates point {i}");
                prop_assert!(i == j || !q.numbers.ties(&p.numbers), "points {i} and {j} tie");
            }
            prop_assert!(p.numbers.within(&limits));
            let applied = apply_fix(&t, &Fix { title: "point".into(), edits: p.edits.clone() });
            prop_assert!(applied.is_ok(), "point {i} does not load: {applied:?}");
            let applied = applied.unwrap();
            let e = errors(&applied, at_objectives);
            prop_assert!(e.is_empty(), "point {i} ({:?}): {e:?}", p.changes);
            prop_assert_eq!(&Numbers::of(&analyze(&applied, PriceTable::builtin())), &p.numbers);
        }
    }
}
