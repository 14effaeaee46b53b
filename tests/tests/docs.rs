//! Generated documentation stays in step with the code.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

#[test]
fn rules_doc_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules.md");
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = tandem_engine::report::rules_markdown();
    assert!(
        on_disk == generated,
        "docs/rules.md is stale: run `cargo run -p tandem-cli -- rules --format markdown > docs/rules.md`"
    );
}

#[test]
fn readme_reference_numbers_are_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = "<!-- reference-analysis:start -->\n";
    let block = readme
        .split(start)
        .nth(1)
        .and_then(|r| r.split("<!-- reference-analysis:end -->").next());
    let t = tandem_engine::presets::reference();
    let a = tandem_engine::analyze(&t, tandem_engine::PriceTable::builtin());
    let generated = tandem_engine::report::analysis_markdown(&t, &a);
    assert_eq!(
        block,
        Some(generated.as_str()),
        "README's reference numbers are stale: paste `tandem init | tandem analyze - --format markdown`"
    );
}

#[test]
fn readme_reference_front_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let block = readme
        .split("<!-- reference-front:start -->\n")
        .nth(1)
        .and_then(|r| r.split("<!-- reference-front:end -->").next());
    let t = tandem_engine::presets::reference();
    let r = tandem_engine::optimize(
        &t,
        tandem_engine::PriceTable::builtin(),
        &tandem_engine::Limits::default(),
    );
    let generated = tandem_engine::optimize::optimize_markdown(&t, &r);
    assert_eq!(
        block,
        Some(generated.as_str()),
        "README's reference front is stale: paste `tandem init | tandem optimize - --format markdown`"
    );
}
