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
use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

async fn mount() -> web_sys::Element {
    // Each test starts from the reference: no autosave from an earlier test.
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
    root
}

async fn settle() {
    gloo::timers::future::sleep(Duration::from_millis(60)).await;
}

fn find(root: &web_sys::Element, selector: &str) -> web_sys::Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
}

fn text(root: &web_sys::Element, selector: &str) -> String {
    find(root, selector).text_content().unwrap_or_default()
}

async fn click(root: &web_sys::Element, selector: &str) {
    find(root, selector)
        .dyn_ref::<HtmlElement>()
        .unwrap()
        .click();
    settle().await;
}

/// Types into an input and presses Enter (`input`, then `change`) or picks an option (a
/// `change` event).
async fn set(root: &web_sys::Element, id: &str, value: &str) {
    let el = find(root, &format!("[id='{id}']"));
    let kinds: &[&str] = if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
        i.set_value(value);
        &["input", "change"]
    } else {
        el.dyn_ref::<HtmlSelectElement>().unwrap().set_value(value);
        &["change"]
    };
    for kind in kinds {
        let event = web_sys::Event::new_with_event_init_dict(kind, &{
            let init = web_sys::EventInit::new();
            init.set_bubbles(true);
            init
        })
        .unwrap();
        el.dispatch_event(&event).unwrap();
    }
    settle().await;
}

async fn editor_tab(root: &web_sys::Element, n: usize) {
    click(root, &format!(".edit-pane .tabs button:nth-child({n})")).await;
}

#[wasm_bindgen_test]
async fn opens_on_the_reference_without_errors() {
    let root = mount().await;
    assert!(text(&root, "#topology-name").contains("us-east-1"));
    assert!(text(&root, "#card-findings").contains("0 errors"));
    assert!(text(&root, "#card-cost").contains('$'));
    assert!(
        find(&root, "[id='secondary.vpc.cidr']")
            .dyn_ref::<HtmlInputElement>()
            .unwrap()
            .value()
            == "10.1.0.0/16"
    );
}

#[wasm_bindgen_test]
async fn a_bad_value_shows_the_engines_message_at_the_field_and_keeps_the_work() {
    let root = mount().await;
    editor_tab(&root, 6).await;
    set(&root, "objectives.rtoSeconds", "-5").await;
    let error = text(&root, ".field.invalid .error");
    assert!(error.starts_with("RTO must be a duration"), "{error}");
    // What the user typed stays in the field; the topology keeps its last good value.
    assert_eq!(
        find(&root, "[id='objectives.rtoSeconds']")
            .dyn_ref::<HtmlInputElement>()
            .unwrap()
            .value(),
        "-5"
    );
    assert!(
        text(&root, "#card-rto").contains("30 min"),
        "{}",
        text(&root, "#card-rto")
    );
    // A value the engine refuses: its reason, after the field's name.
    editor_tab(&root, 1).await;
    set(&root, "secondary.vpc.cidr", "10.0.0.0/33").await;
    let error = text(&root, ".field.invalid .error");
    assert_eq!(error, "CIDR: `10.0.0.0/33` is not an IPv4 CIDR");
    assert!(text(&root, "#card-findings").contains("0 errors"));
}

#[wasm_bindgen_test]
async fn typing_in_one_field_is_one_undo_step() {
    let root = mount().await;
    editor_tab(&root, 6).await;
    for v in ["3", "30", "300"] {
        set(&root, "objectives.rtoSeconds", v).await;
    }
    assert!(root.query_selector("#card-rto.bad").unwrap().is_some());
    assert!(text(&root, "#findings").contains("E4002"));
    click(&root, "#undo").await;
    assert!(
        root.query_selector("#card-rto.ok").unwrap().is_some(),
        "one undo restores 1800 s"
    );
    click(&root, "#redo").await;
    assert!(root.query_selector("#card-rto.bad").unwrap().is_some());
}

#[wasm_bindgen_test]
async fn a_fix_removes_its_finding_and_a_suppression_needs_a_reason() {
    let root = mount().await;
    set(&root, "primary.vpc.nat", "shared").await;
    assert!(root
        .query_selector("li.finding[data-rule='W1005']")
        .unwrap()
        .is_some());
    click(&root, "li.finding[data-rule='W1005'] button.suppress").await;
    let reason = find(&root, "li.finding[data-rule='W1005'] .suppress-form input");
    reason
        .dyn_ref::<HtmlInputElement>()
        .unwrap()
        .set_value("dev account, single NAT accepted");
    find(&root, "li.finding[data-rule='W1005'] .suppress-form")
        .dyn_ref::<web_sys::HtmlFormElement>()
        .unwrap()
        .request_submit()
        .unwrap();
    settle().await;
    assert!(root
        .query_selector("li.finding[data-rule='W1005']")
        .unwrap()
        .is_none());
    assert!(text(&root, "details.suppressed").contains("dev account"));
    click(&root, "details.suppressed button").await;
    click(&root, "li.finding[data-rule='W1005'] button.fix").await;
    assert!(root
        .query_selector("li.finding[data-rule='W1005']")
        .unwrap()
        .is_none());
    assert!(text(&root, "#banner").contains("Applied"));
}

#[wasm_bindgen_test]
async fn lists_grow_and_shrink() {
    let root = mount().await;
    editor_tab(&root, 3).await;
    let before = root
        .query_selector_all("fieldset.item[id^='functions[']")
        .unwrap()
        .length();
    click(&root, "fieldset[id='functions'] > button.add").await;
    assert_eq!(
        root.query_selector_all("fieldset.item[id^='functions[']")
            .unwrap()
            .length(),
        before + 1
    );
    assert!(root
        .query_selector("[id='functions[3].id']")
        .unwrap()
        .is_some());
    click(&root, "fieldset[id='functions[3]'] legend button.remove").await;
    assert_eq!(
        root.query_selector_all("fieldset.item[id^='functions[']")
            .unwrap()
            .length(),
        before
    );
    click(&root, "fieldset[id='functions[0]'] legend button.remove").await;
    // The queue lost its consumer: the engine says so.
    assert!(text(&root, "#findings").contains("W3022"));
}

#[wasm_bindgen_test]
async fn switching_presets_changes_the_numbers() {
    let root = mount().await;
    let before = text(&root, "#card-cost");
    set(&root, "preset", "backup-restore").await;
    assert_ne!(text(&root, "#card-cost"), before);
    assert!(text(&root, "#topology-name").contains("trading-br"));
}

#[wasm_bindgen_test]
async fn the_diagram_opens_the_editor_of_what_was_clicked() {
    let root = mount().await;
    click(&root, "#tab-diagram").await;
    let node = find(&root, "#diagram g.node[data-path='database']");
    let event = web_sys::MouseEvent::new("click").unwrap();
    node.dispatch_event(&event).unwrap();
    settle().await;
    assert!(find(&root, ".edit-pane .tabs button.active")
        .text_content()
        .unwrap()
        .contains("Data stores"));
    click(&root, "#tab-recovery").await;
    assert!(text(&root, "#recovery").contains("Detection"));
    click(&root, "#tab-templates").await;
    wait_text(&root, "#templates pre", "AWS::RDS::GlobalCluster").await;
    click(&root, "#format-yaml").await;
    wait_text(&root, "#templates pre", "Type: AWS::RDS::GlobalCluster").await;
}

#[wasm_bindgen_test]
async fn a_trade_off_applies_as_one_undo_step_with_the_numbers_it_promised() {
    let root = mount().await;
    let before = text(&root, "#card-cost");
    click(&root, "#tab-tradeoffs").await;
    let row = "#tradeoffs table.front tbody tr:first-child";
    // The search runs in a task after the render (up to 12 s in this unoptimized build).
    for _ in 0..200 {
        if root.query_selector(row).unwrap().is_some() {
            break;
        }
        settle().await;
    }
    let (cost, rto) = (
        text(&root, &format!("{row} td.cost")),
        text(&root, &format!("{row} td.rto")),
    );
    // The engine's front for the same topology, cheapest first.
    let r = tandem_engine::optimize(
        &tandem_engine::presets::reference(),
        tandem_engine::PriceTable::builtin(),
        &tandem_engine::Limits::default(),
    );
    assert_eq!(cost, tandem_engine::analysis::usd(r.points[0].numbers.cost));
    click(&root, row).await;
    click(&root, "#apply-tradeoff").await;
    assert!(text(&root, "#card-cost").contains(&cost), "{cost}");
    assert!(text(&root, "#card-rto").contains(&rto), "{rto}");
    click(&root, "#undo").await;
    assert_eq!(text(&root, "#card-cost"), before);
}

#[wasm_bindgen_test]
async fn a_corrupt_autosave_never_costs_the_last_good_one() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.clear().unwrap();
    // Two good saves, then the newest is damaged (a crash mid-write, a bad extension...).
    let mut t = tandem_engine::presets::reference();
    t.name = "first-good".into();
    tandem_web::services::storage::save(&t);
    t.name = "second-good".into();
    tandem_web::services::storage::save(&t);
    storage
        .set_item(
            "tandem.autosave.current",
            "{\"format\": 1, \"topology\": {\"schemaVersion\": 2, ",
        )
        .unwrap();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
    assert!(
        text(&root, "#topology-name").starts_with("first-good"),
        "{}",
        text(&root, "#topology-name")
    );
    assert!(text(&root, "#banner").contains("could not be read"));
    // The next save keeps the good one as `previous` and does not promote the damaged one.
    set(&root, "name", "third").await;
    let previous = storage
        .get_item("tandem.autosave.previous")
        .unwrap()
        .unwrap();
    assert!(previous.contains("first-good"), "{previous}");
}

/// Waits (up to two seconds) until `selector` matches: synthesis and simulation run after a
/// render.
async fn wait_for(root: &web_sys::Element, selector: &str) -> web_sys::Element {
    for _ in 0..40 {
        if let Some(el) = root.query_selector(selector).unwrap() {
            return el;
        }
        settle().await;
    }
    panic!("no {selector}")
}

/// Waits (up to two seconds) until the text of `selector` contains `needle`: synthesis runs
/// in a task after the render, and a debug build under load can take longer than `settle`.
async fn wait_text(root: &web_sys::Element, selector: &str, needle: &str) {
    for _ in 0..40 {
        let found = root
            .query_selector(selector)
            .unwrap()
            .and_then(|el| el.text_content())
            .is_some_and(|t| t.contains(needle));
        if found {
            return;
        }
        settle().await;
    }
    panic!(
        "{selector} never contains {needle}: {}",
        text(root, selector)
    )
}

#[wasm_bindgen_test]
async fn the_outage_view_shows_the_engines_simulation_and_a_violation_opens_its_resource() {
    use tandem_engine::simulate::{simulate_topology, Scenario};
    let root = mount().await;
    click(&root, "#tab-outage").await;
    let reference = tandem_engine::presets::reference();
    let native = simulate_topology(&reference, Scenario::RegionOutage);
    let rto = wait_for(&root, "#outage-rto").await;
    assert_eq!(
        rto.get_attribute("data-seconds"),
        native.rto_seconds.map(|s| s.to_string())
    );
    assert!(native.violations.is_empty());
    assert_eq!(root.query_selector_all("li.violation").unwrap().length(), 0);
    // Scrubbing: the public name's answer just before and at its last change.
    let change = native.dns.last().unwrap();
    let before = native.dns.iter().rev().nth(1).unwrap();
    set(&root, "outage-time", &(change.t - 1).to_string()).await;
    assert_eq!(text(&root, "#outage-dns"), before.value);
    set(&root, "outage-time", &change.t.to_string()).await;
    assert_eq!(text(&root, "#outage-dns"), change.value);
    assert_ne!(before.value, change.value);
    // Another scenario is simulated when chosen.
    set(&root, "outage-scenario", "database-outage").await;
    let native_db = simulate_topology(&reference, Scenario::DatabaseOutage);
    assert_eq!(
        find(&root, "#outage-rto").get_attribute("data-seconds"),
        native_db.rto_seconds.map(|s| s.to_string())
    );
    set(&root, "outage-scenario", "region-outage").await;
    // A one-minute RTO objective: the engine reports violations; each is listed.
    editor_tab(&root, 6).await;
    set(&root, "objectives.rtoSeconds", "1 min").await;
    let mut strict = reference.clone();
    strict.objectives.rto_seconds = 60;
    let violations = simulate_topology(&strict, Scenario::RegionOutage).violations;
    assert!(violations.iter().any(|v| v.id == "E6008"), "{violations:?}");
    let listed = root.query_selector_all("li.violation").unwrap();
    let listed: Vec<String> = (0..listed.length())
        .map(|i| {
            listed
                .item(i)
                .unwrap()
                .dyn_into::<web_sys::Element>()
                .unwrap()
                .get_attribute("data-rule")
                .unwrap()
        })
        .collect();
    let ids: Vec<String> = violations.iter().map(|v| v.id.clone()).collect();
    assert_eq!(listed, ids);
    // Its field link names the RTO objective; its template link opens the resource's stack
    // with the resource marked.
    let e6008 = violations.iter().find(|v| v.id == "E6008").unwrap();
    assert_eq!(
        find(&root, "li.violation[data-rule='E6008'] .field-link").get_attribute("data-path"),
        Some("objectives.rtoSeconds".to_string())
    );
    click(&root, "li.violation[data-rule='E6008'] .template-link").await;
    let (stack, rest) = e6008.resource.split_once('/').unwrap();
    let logical = rest.split(['#', '.']).next().unwrap();
    let mark = wait_for(&root, "#template-target").await;
    assert_eq!(mark.text_content().unwrap(), format!("\"{logical}\""));
    assert_eq!(
        find(&root, &format!("#stack-{stack}")).get_attribute("aria-selected"),
        Some("true".to_string())
    );
    assert_eq!(
        find(&root, "#tab-templates").get_attribute("aria-selected"),
        Some("true".to_string())
    );
    // The app stays mounted while later tests run: leave it on a light view.
    click(&root, "#tab-findings").await;
}
