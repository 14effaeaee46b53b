//! Choosing a strategy, as the console's field edit does (`apply_fix` with one `Set` of
//! `strategy`), changes the numbers and the templates: the knobs that define it come with it.
#![cfg(not(target_arch = "wasm32"))]
// Helpers of these tests are test code too.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use serde_json::json;
use tandem_engine::rules::{apply_fix, check, Edit, Fix};
use tandem_engine::synth::synthesize;
use tandem_engine::{analyze, PriceTable, Topology};

fn choose(t: &Topology, strategy: &str) -> Topology {
    let edit = Fix {
        title: String::new(),
        edits: vec![Edit::Set {
            path: "strategy".into(),
            value: json!(strategy),
        }],
    };
    apply_fix(t, &edit).unwrap()
}

fn instances(t: &Topology) -> usize {
    synthesize(t)
        .stacks
        .iter()
        .filter(|s| s.id != "primary")
        .flat_map(|s| {
            s.template["Resources"]
                .as_object()
                .unwrap()
                .values()
                .cloned()
                .collect::<Vec<_>>()
        })
        .filter(|r| r["Type"] == "AWS::RDS::DBInstance")
        .count()
}

fn total(t: &Topology) -> f64 {
    analyze(t, PriceTable::builtin())
        .cost
        .lines
        .iter()
        .map(|l| l.amount)
        .sum()
}

#[test]
fn choosing_pilot_light_removes_the_standing_secondary_instance() {
    let warm = tandem_engine::presets::reference();
    let pilot = choose(&warm, "pilotLight");
    assert!(instances(&warm) > instances(&pilot));
    assert!(total(&pilot) < total(&warm));
    assert!(check(&pilot).findings.iter().all(|f| f.rule != "W3025"));
}

#[test]
fn choosing_backup_and_restore_stops_replication() {
    let warm = tandem_engine::presets::reference();
    let br = choose(&warm, "backupRestore");
    let text = synthesize(&br)
        .stacks
        .iter()
        .map(|s| s.template.to_string())
        .collect::<String>();
    assert!(!text.contains("AWS::RDS::GlobalCluster"));
    assert!(total(&br) < total(&warm));
    assert!(check(&br).findings.iter().all(|f| f.rule != "W3025"));
}
