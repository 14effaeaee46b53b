//! The same fixture folders in headless Chromium (`wasm-pack test --headless --chrome tests`).
#![cfg(target_arch = "wasm32")]

use tandem_tests::files::{ANALYSIS, BAD, INVALID};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn bad_topologies_give_their_findings_and_fixes_work() {
    let failures: Vec<String> = BAD
        .iter()
        .filter_map(|(n, t)| tandem_tests::run_bad(n, t).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[wasm_bindgen_test]
fn invalid_inputs_are_rejected_with_their_field() {
    let failures: Vec<String> = INVALID
        .iter()
        .filter_map(|(n, t)| tandem_tests::run_invalid(n, t).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[wasm_bindgen_test]
fn presets_round_trip() {
    assert_eq!(tandem_tests::round_trips(), Ok(()));
}

#[wasm_bindgen_test]
fn hand_checked_analyses_match_to_the_second_and_the_cent() {
    assert!(ANALYSIS.len() >= 5);
    let failures: Vec<String> = ANALYSIS
        .iter()
        .filter_map(|(n, t)| tandem_tests::run_analysis(n, t).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
