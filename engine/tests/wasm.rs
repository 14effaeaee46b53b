//! The engine's tests in a real browser: the same results under wasm32 as natively.
#![cfg(target_arch = "wasm32")]
// clippy does not see `#[wasm_bindgen_test]` functions as tests; these are tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use tandem_engine::{analyze, check, load, presets, to_json, PriceTable};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn reference_round_trips_and_has_no_errors() {
    let t = presets::reference();
    assert_eq!(load(&to_json(&t)).unwrap(), t);
    assert!(!check(&t).has_errors());
}

#[wasm_bindgen_test]
fn bad_cidr_names_its_field() {
    let mut v: serde_json::Value = serde_json::from_str(&to_json(&presets::reference())).unwrap();
    v["secondary"]["vpc"]["cidr"] = "10.0.0.0/33".into();
    let err = load(&v.to_string()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "secondary.vpc.cidr: `10.0.0.0/33` is not an IPv4 CIDR"
    );
}

/// The hand-worked reference fixture the native tests check (`tests/tests/fixtures.rs`):
/// the browser's analysis must give the same phases, RTO and cost.
#[wasm_bindgen_test]
fn analysis_matches_the_hand_worked_reference() {
    let fixture: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/fixtures/analysis/reference.json")).unwrap();
    let expect = &fixture["expect"];
    let a = analyze(&presets::reference(), PriceTable::builtin());
    let phases = expect["phases"].as_object().unwrap();
    assert_eq!(a.rto.phases.len(), phases.len());
    for p in &a.rto.phases {
        assert_eq!(
            Some(p.seconds),
            phases[p.id.as_str()].as_f64(),
            "phase {}",
            p.id
        );
    }
    assert_eq!(a.rto.total_seconds, expect["rtoSeconds"].as_f64());
    assert_eq!(
        (a.cost.total * 100.0).round() / 100.0,
        expect["totalUsd"].as_f64().unwrap()
    );
}
