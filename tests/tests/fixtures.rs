//! The fixture folders, natively: every bad topology gives its findings and its fixes work;
//! every invalid input is rejected with its exact message.

use tandem_tests::files::{ANALYSIS, BAD, INVALID};

#[test]
fn bad_topologies_give_their_findings_and_fixes_work() {
    assert!(BAD.len() >= 45, "only {} fixtures", BAD.len());
    let failures: Vec<String> = BAD
        .iter()
        .filter_map(|(n, t)| tandem_tests::run_bad(n, t).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn invalid_inputs_are_rejected_with_their_field() {
    let failures: Vec<String> = INVALID
        .iter()
        .filter_map(|(n, t)| tandem_tests::run_invalid(n, t).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_has_a_fixture() {
    let all: String = BAD.iter().map(|(_, t)| *t).collect();
    for rule in tandem_engine::rules::all_rules() {
        assert!(
            all.contains(&format!("\"rule\": \"{}\"", rule.id)),
            "no fixture for {}",
            rule.id
        );
    }
}

#[test]
fn presets_round_trip() {
    tandem_tests::round_trips().unwrap();
}

#[test]
fn hand_checked_analyses_match_to_the_second_and_the_cent() {
    assert!(ANALYSIS.len() >= 5);
    let failures: Vec<String> = ANALYSIS
        .iter()
        .filter_map(|(n, t)| tandem_tests::run_analysis(n, t).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
