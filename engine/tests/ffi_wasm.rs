//! The JavaScript package's functions, called through wasm-bindgen in headless Chromium
//! (`wasm-pack test --headless --chrome engine -- --features ffi`).
#![cfg(all(target_arch = "wasm32", feature = "ffi"))]
// clippy does not see `#[wasm_bindgen_test]` functions as tests; these are tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use tandem_engine::ffi::{self, js};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn as_json(v: wasm_bindgen::JsValue) -> serde_json::Value {
    let text: String = js_sys::JSON::stringify(&v).unwrap().into();
    serde_json::from_str(&text).unwrap()
}

#[wasm_bindgen_test]
fn check_analyze_and_synth_answer_as_the_rust_functions_do() {
    let t = js::reference_topology();
    let bad = t.replace("\"10.1.0.0/16\"", "\"10.0.0.0/16\"");
    let checked = as_json(js::check(&bad, None));
    assert_eq!(
        checked,
        serde_json::from_str::<serde_json::Value>(&ffi::check_json(&bad, None)).unwrap()
    );
    assert_eq!(checked["errors"], 1);
    assert_eq!(checked["findings"][0]["rule"], "E1002");
    let analysed = as_json(js::analyze(&t, None));
    assert_eq!(analysed["rto"]["totalSeconds"], 1290.0);
    let synth = as_json(js::synth(&t, Some(true)));
    assert!(synth["files"]["primary.template.yaml"]
        .as_str()
        .unwrap()
        .contains("AWS::RDS::GlobalCluster"));
}

#[wasm_bindgen_test]
fn bad_input_is_a_failure_naming_the_field() {
    let t = js::reference_topology().replace("\"10.1.0.0/16\"", "\"10.1.0.0/33\"");
    let answer = as_json(js::check(&t, None));
    assert_eq!(answer["type"], "failure");
    assert_eq!(answer["error"]["path"], "secondary.vpc.cidr");
}

#[wasm_bindgen_test]
fn optimize_answers_the_front_as_the_rust_function_does() {
    let t = js::reference_topology();
    let limits = js_sys::JSON::parse(r#"{"maxRtoSeconds": 1800}"#).unwrap();
    let answer = floats(as_json(js::optimize(&t, limits, None)));
    assert_eq!(
        answer,
        floats(
            serde_json::from_str::<serde_json::Value>(&ffi::optimize_json(
                &t,
                Some(r#"{"maxRtoSeconds":1800}"#),
                None
            ))
            .unwrap()
        )
    );
    assert_eq!(answer["schema"], "tandem-optimize/1");
    let points = answer["points"].as_array().unwrap();
    assert!(!points.is_empty());
    assert!(points
        .iter()
        .all(|p| p["rtoSeconds"].as_f64().unwrap() <= 1800.0));
    let none = as_json(js::optimize(&t, wasm_bindgen::JsValue::UNDEFINED, None));
    assert!(none["points"].as_array().unwrap().len() >= points.len());
}

/// Every number as a float: JavaScript has one number type, so `1800` and `1800.0` are equal.
fn floats(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Number(n) => n.as_f64().map_or(Value::Null, |f| serde_json::json!(f)),
        Value::Array(a) => Value::Array(a.into_iter().map(floats).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, floats(v))).collect()),
        other => other,
    }
}
