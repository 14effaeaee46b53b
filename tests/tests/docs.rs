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
