//! The same fixture folders in headless Chromium (`wasm-pack test --headless --chrome tests`).
#![cfg(target_arch = "wasm32")]

use tandem_tests::files::{ANALYSIS, BAD, INVALID};
use tandem_tests::{all, run_analysis, run_bad, run_invalid};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Fails the test with every failure listed (test code: panicking is how a test fails).
#[allow(clippy::panic)]
fn pass(result: Result<(), String>) {
    if let Err(failures) = result {
        panic!("{failures}");
    }
}

#[wasm_bindgen_test]
fn bad_topologies_give_their_findings_and_fixes_work() {
    pass(all(BAD, run_bad));
}

#[wasm_bindgen_test]
fn invalid_inputs_are_rejected_with_their_field() {
    pass(all(INVALID, run_invalid));
}

#[wasm_bindgen_test]
fn hand_checked_analyses_match_to_the_second_and_the_cent() {
    pass(all(ANALYSIS, run_analysis));
}

#[wasm_bindgen_test]
fn hand_worked_simulations_match_to_the_second() {
    pass(tandem_tests::all_worked());
}

#[wasm_bindgen_test]
fn presets_round_trip() {
    pass(tandem_tests::round_trips());
}

#[wasm_bindgen_test]
fn hostile_inputs_load_safely_or_are_refused_at_their_field() {
    pass(tandem_tests::hostile::run_all().map(|_| ()));
}
