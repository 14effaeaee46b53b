//! The console's components in headless Chromium: render, read the DOM, dispatch real events.
#![cfg(target_arch = "wasm32")]
// clippy does not see `#[wasm_bindgen_test]` functions as tests; these are tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::Duration;

use tandem_web::app::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlInputElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

async fn mount() -> web_sys::Element {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
    root
}

async fn settle() {
    gloo::timers::future::sleep(Duration::from_millis(50)).await;
}

fn text(root: &web_sys::Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap_or_default()
}

fn change(input: &web_sys::Element, value: &str) {
    if let Some(i) = input.dyn_ref::<HtmlInputElement>() {
        i.set_value(value);
    } else if let Some(s) = input.dyn_ref::<HtmlSelectElement>() {
        s.set_value(value);
    }
    let event = web_sys::Event::new("change").unwrap();
    input.dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
async fn opens_on_the_reference_without_errors() {
    let root = mount().await;
    assert!(text(&root, "#topology-name").contains("us-east-1"));
    assert!(text(&root, "#card-findings").contains("0 errors"));
    assert!(text(&root, "#card-cost").contains('$'));
}

#[wasm_bindgen_test]
async fn a_bad_value_shows_the_engines_message_at_the_field_and_keeps_the_work() {
    let root = mount().await;
    let input = root
        .query_selector("[id='objectives.rtoSeconds']")
        .unwrap()
        .unwrap();
    change(&input, "-5");
    settle().await;
    let error = text(&root, ".field.invalid .error");
    assert!(error.contains("objectives.rtoSeconds"), "{error}");
    // The topology kept its last good value: the RTO card still shows the 30 min objective.
    assert!(
        text(&root, "#card-rto").contains("30 min"),
        "{}",
        text(&root, "#card-rto")
    );
}

#[wasm_bindgen_test]
async fn a_tight_objective_turns_the_card_red_and_undo_restores_it() {
    let root = mount().await;
    let input = root
        .query_selector("[id='objectives.rtoSeconds']")
        .unwrap()
        .unwrap();
    change(&input, "300");
    settle().await;
    assert!(root.query_selector("#card-rto.bad").unwrap().is_some());
    assert!(text(&root, "#findings").contains("E4002"));
    let undo = root.query_selector("#undo").unwrap().unwrap();
    undo.dyn_ref::<web_sys::HtmlElement>().unwrap().click();
    settle().await;
    assert!(root.query_selector("#card-rto.ok").unwrap().is_some());
}

#[wasm_bindgen_test]
async fn switching_presets_changes_the_numbers() {
    let root = mount().await;
    let before = text(&root, "#card-cost");
    let select = root.query_selector("#preset").unwrap().unwrap();
    change(&select, "backup-restore");
    settle().await;
    assert_ne!(text(&root, "#card-cost"), before);
    assert!(text(&root, "#topology-name").contains("trading-br"));
}
