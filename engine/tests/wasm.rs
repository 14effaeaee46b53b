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

#[wasm_bindgen_test]
fn analysis_matches_native_numbers() {
    let a = analyze(&presets::reference(), PriceTable::builtin());
    assert!(a.cost.total > 0.0);
    assert_eq!(a.rto.phases[0].seconds, 90.0);
}
