//! Hand-worked fronts (`tests/fixtures/optimize/*.json`): a small topology, the arithmetic of
//! every design on its front beside it, and the front the optimizer must find, point for point,
//! to the second and the cent.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

use serde::Deserialize;
use tandem_engine::optimize::{optimize, Limits};
use tandem_engine::rules::{apply_edit, Edit};
use tandem_engine::{presets, PriceTable};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ExpectedPoint {
    changes: Vec<String>,
    cost: f64,
    /// `null`: no RTO (nothing to measure, or never recovered).
    rto_seconds: Option<f64>,
    rpo_typical_seconds: Option<f64>,
    rpo_bound_seconds: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Fixture {
    #[allow(dead_code)]
    description: String,
    base: String,
    edits: Vec<Edit>,
    #[serde(default)]
    limits: Limits,
    #[allow(dead_code)]
    arithmetic: Vec<String>,
    current: ExpectedPoint,
    points: Vec<ExpectedPoint>,
}

fn run(name: &str, text: &str) -> Result<(), String> {
    let fx: Fixture = serde_json::from_str(text).map_err(|e| format!("{name}: {e}"))?;
    let preset = presets::preset(&fx.base).ok_or(format!("{name}: no preset"))?;
    let mut value = serde_json::to_value(preset.topology()).map_err(|e| e.to_string())?;
    for edit in &fx.edits {
        apply_edit(&mut value, edit).map_err(|e| format!("{name}: {e}"))?;
    }
    let t = tandem_engine::model::load_value(value).map_err(|e| format!("{name}: {e}"))?;
    let r = optimize(&t, PriceTable::builtin(), &fx.limits);
    let cents = |x: f64| (x * 100.0).round() as i64;
    let same =
        |got: &tandem_engine::optimize::Numbers, changes: &[String], want: &ExpectedPoint| {
            cents(got.cost) == cents(want.cost)
                && got.rto_seconds == want.rto_seconds
                && got.rpo_typical_seconds == want.rpo_typical_seconds
                && got.rpo_bound_seconds == want.rpo_bound_seconds
                && changes == want.changes.as_slice()
        };
    let mut problems = Vec::new();
    if !same(&r.current, &[], &fx.current) {
        problems.push(format!(
            "current {:?}, expected {:?}",
            r.current, fx.current
        ));
    }
    if r.points.len() != fx.points.len() {
        problems.push(format!(
            "{} points, expected {}",
            r.points.len(),
            fx.points.len()
        ));
    }
    for (i, (got, want)) in r.points.iter().zip(&fx.points).enumerate() {
        if !same(&got.numbers, &got.changes, want) {
            problems.push(format!(
                "point {}: {:?} {:?}, expected {want:?}",
                i + 1,
                got.numbers,
                got.changes
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{name}: {}", problems.join("\n  ")))
    }
}

#[test]
fn hand_worked_fronts_match_point_for_point() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/optimize");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixture in {}", dir.display());
    let failures: Vec<String> = files
        .iter()
        .filter_map(|p| {
            let name = p.file_stem()?.to_string_lossy().to_string();
            run(&name, &std::fs::read_to_string(p).ok()?).err()
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
