//! Every billable resource type in every golden template has a cost line or a visible
//! "not priced" entry; a type Tandem does not classify fails the test.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::path::Path;

use serde_json::{json, Value};
use tandem_engine::model::{Side, Strategy};
use tandem_engine::presets::PRESETS;
use tandem_engine::{analyze, PriceTable};
use tandem_tests::billing::unpriced;

#[test]
fn every_billable_resource_in_every_golden_template_is_priced() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for p in PRESETS {
        let t = p.topology();
        let cost = analyze(&t, PriceTable::builtin()).cost;
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("golden")
            .join(p.id);
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if !name.ends_with(".template.json") {
                continue;
            }
            // Backup & restore deploys the secondary's application stack only at failover:
            // nothing in it is billed while on standby.
            if t.strategy == Strategy::BackupRestore && name.starts_with("secondary-app") {
                continue;
            }
            let side = if name.starts_with("primary") {
                Side::Primary
            } else {
                Side::Secondary
            };
            let template: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            checked += 1;
            for problem in unpriced(&template, side, &cost) {
                problems.push(format!("{}/{name}: {problem}", p.id));
            }
        }
    }
    assert!(checked >= 10, "only {checked} templates found");
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_check_fails_on_an_unknown_type_and_on_a_billable_type_without_a_line() {
    let t = tandem_engine::presets::reference();
    let cost = analyze(&t, PriceTable::builtin()).cost;
    let template = json!({ "Resources": {
        "Box": { "Type": "AWS::EC2::Instance" },
        "Nat": { "Type": "AWS::EC2::NatGateway" },
    }});
    let problems = unpriced(&template, Side::Primary, &cost);
    assert!(
        problems.iter().any(|p| p.contains("AWS::EC2::Instance")),
        "{problems:?}"
    );
    assert!(
        !problems.iter().any(|p| p.contains("NatGateway")),
        "{problems:?}"
    );
    // Without NAT gateways there is no NAT line, so a template with one is flagged.
    let mut no_nat = t.clone();
    no_nat.primary.vpc.nat = tandem_engine::model::NatMode::None;
    let cost = analyze(&no_nat, PriceTable::builtin()).cost;
    let problems = unpriced(&template, Side::Primary, &cost);
    assert!(
        problems.iter().any(|p| p.contains("NatGateway")),
        "{problems:?}"
    );
    // A price the table lacks is a visible "not priced" entry, which the check accepts.
    let mut ireland = t.clone();
    ireland.primary.region = "eu-west-1".into();
    let cost = analyze(&ireland, PriceTable::builtin()).cost;
    let problems = unpriced(&template, Side::Primary, &cost);
    assert!(
        !problems.iter().any(|p| p.contains("NatGateway")),
        "{problems:?}"
    );
}
