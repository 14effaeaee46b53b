//! The fixture folders, natively: every bad topology gives its findings and its fixes work;
//! every invalid input is rejected with its exact message; hand-worked analyses match.

use tandem_tests::files::{ANALYSIS, BAD, INVALID};
use tandem_tests::{all, run_analysis, run_bad, run_invalid};

/// Fails the test with every failure listed (test code: panicking is how a test fails).
#[allow(clippy::panic)]
fn pass(result: Result<(), String>) {
    if let Err(failures) = result {
        panic!("{failures}");
    }
}

#[test]
fn bad_topologies_give_their_findings_and_fixes_work() {
    assert!(BAD.len() >= 45, "only {} fixtures", BAD.len());
    pass(all(BAD, run_bad));
}

#[test]
fn invalid_inputs_are_rejected_with_their_field() {
    pass(all(INVALID, run_invalid));
}

#[test]
fn hand_checked_analyses_match_to_the_second_and_the_cent() {
    assert!(ANALYSIS.len() >= 5);
    pass(all(ANALYSIS, run_analysis));
}

#[test]
fn every_rule_has_a_fixture() {
    let all: String = BAD.iter().map(|(_, t)| *t).collect();
    // Simulation rules (area 6) judge templates, not topologies: their fixtures are the stacks
    // under tests/fixtures/simulation.
    for rule in tandem_engine::rules::all_rules()
        .filter(|r| r.area() != tandem_engine::rules::Area::Simulation)
    {
        assert!(
            all.contains(&format!("\"rule\": \"{}\"", rule.id)),
            "no fixture for {}",
            rule.id
        );
    }
}

#[test]
fn presets_round_trip() {
    pass(tandem_tests::round_trips());
}
