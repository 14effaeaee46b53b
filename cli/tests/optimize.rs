//! `tandem optimize`: the front in every format, the limits, `--apply`, and the JS package's
//! answer being the same document.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::process::{Command, Output};

use serde_json::Value;

fn tandem(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

/// The reference topology in a temporary folder.
fn reference(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("topology.json");
    std::fs::write(&path, stdout(&tandem(&["init"]))).unwrap();
    path
}

fn front(args: &[&str]) -> Value {
    let o = tandem(args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap()
}

#[test]
fn help_has_examples() {
    let o = tandem(&["optimize", "--help"]);
    assert_eq!(code(&o), 0);
    let help = stdout(&o);
    assert!(help.contains("Examples"), "{help}");
    assert!(help.contains("--max-rto <SECONDS>"), "{help}");
    assert!(help.contains("--apply <N>"), "{help}");
}

#[test]
fn json_points_have_their_numbers_and_edits_and_limits_filter_them() {
    let dir = tempfile::tempdir().unwrap();
    let file = reference(dir.path());
    let f = file.to_str().unwrap();
    let all = front(&["optimize", f, "--format", "json"]);
    assert_eq!(all["schema"], "tandem-optimize/1");
    let points = all["points"].as_array().unwrap();
    assert!(points.len() >= 3);
    for p in points {
        for key in ["cost", "rtoSeconds"] {
            assert!(p[key].is_number(), "{key}: {p}");
        }
        for key in ["rpoTypicalSeconds", "rpoBoundSeconds"] {
            assert!(p[key].is_number() || p[key].is_null(), "{key}: {p}");
        }
        assert!(p["edits"].is_array());
    }
    // Cheapest first.
    let costs: Vec<f64> = points.iter().map(|p| p["cost"].as_f64().unwrap()).collect();
    assert!(costs.windows(2).all(|w| w[0] <= w[1]), "{costs:?}");
    // A limit between the cheapest and the dearest keeps exactly the points within it.
    let middle = (costs[0] + costs[costs.len() - 1]) / 2.0;
    let rto_limit = 900.0;
    let limited = front(&[
        "optimize",
        f,
        "--format",
        "json",
        "--max-cost",
        &middle.to_string(),
        "--max-rto",
        &rto_limit.to_string(),
    ]);
    let expected: Vec<&Value> = points
        .iter()
        .filter(|p| {
            p["cost"].as_f64().unwrap() <= middle && p["rtoSeconds"].as_f64().unwrap() <= rto_limit
        })
        .collect();
    let got: Vec<&Value> = limited["points"].as_array().unwrap().iter().collect();
    assert_eq!(got, expected);
    assert_eq!(limited["limits"]["maxCost"], middle);
    // An RPO limit keeps only bounded typical RPOs within it.
    let tight = front(&["optimize", f, "--format", "json", "--max-rpo", "1"]);
    for p in tight["points"].as_array().unwrap() {
        assert!(p["rpoTypicalSeconds"].as_f64().unwrap() <= 1.0, "{p}");
    }
}

#[test]
fn text_and_markdown_list_the_same_points() {
    let dir = tempfile::tempdir().unwrap();
    let file = reference(dir.path());
    let f = file.to_str().unwrap();
    let n = front(&["optimize", f, "--format", "json"])["points"]
        .as_array()
        .unwrap()
        .len();
    let text = stdout(&tandem(&["optimize", f]));
    assert!(
        text.starts_with(&format!("{n} designs on the front for `trading`")),
        "{text}"
    );
    assert!(text.contains("current: "), "{text}");
    let md = stdout(&tandem(&["optimize", f, "--format", "markdown"]));
    assert_eq!(
        md.lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| #"))
            .count(),
        n
    );
    // Standard input works as for the other commands.
    let o = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(["optimize", "-"])
        .stdin(std::fs::File::open(&file).unwrap())
        .output()
        .unwrap();
    assert_eq!(stdout(&o), text);
}

#[test]
fn apply_writes_the_chosen_design_whose_analysis_is_the_point() {
    let dir = tempfile::tempdir().unwrap();
    let file = reference(dir.path());
    let f = file.to_str().unwrap();
    let points = front(&["optimize", f, "--format", "json"])["points"]
        .as_array()
        .unwrap()
        .clone();
    let last = points.len();
    for n in [1, last] {
        let out = dir.path().join(format!("point-{n}.json"));
        let o = tandem(&[
            "optimize",
            f,
            "--apply",
            &n.to_string(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert!(stderr(&o).contains(&format!("wrote point {n}")));
        let analysis = front(&["analyze", out.to_str().unwrap(), "--format", "json"]);
        let p = &points[n - 1];
        assert_eq!(analysis["cost"]["total"], p["cost"]);
        assert_eq!(analysis["rto"]["totalSeconds"], p["rtoSeconds"]);
        assert_eq!(analysis["rpo"]["typicalSeconds"], p["rpoTypicalSeconds"]);
        assert_eq!(analysis["rpo"]["boundSeconds"], p["rpoBoundSeconds"]);
        // The written design has no error finding but, at most, the objective ones.
        // (`check` exits 1 when an objective is missed.)
        let o = tandem(&["check", out.to_str().unwrap(), "--format", "json"]);
        assert!([0, 1].contains(&code(&o)), "{}", stderr(&o));
        let check: Value = serde_json::from_str(&stdout(&o)).unwrap();
        for finding in check["findings"].as_array().unwrap() {
            if finding["severity"] == "error" {
                let rule = finding["rule"].as_str().unwrap();
                assert!(["E4001", "E4002", "E5001"].contains(&rule), "{finding}");
            }
        }
    }
    let o = tandem(&["optimize", f, "--apply", "0", "--out", "x.json"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no point `0`"), "{}", stderr(&o));
    let o = tandem(&["optimize", f, "--apply", "1"]);
    assert_eq!(code(&o), 2, "--apply needs --out");
}

#[test]
fn an_input_with_an_error_finding_is_exit_1_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut v: Value = serde_json::from_str(&stdout(&tandem(&["init"]))).unwrap();
    v["secondary"]["vpc"]["cidr"] = "10.0.0.0/16".into();
    let path = dir.path().join("bad.json");
    std::fs::write(&path, v.to_string()).unwrap();
    let o = tandem(&["optimize", path.to_str().unwrap()]);
    assert_eq!(code(&o), 1);
    let text = stdout(&o);
    assert!(text.contains("1 error finding"), "{text}");
    assert!(text.contains("fix the input's first"), "{text}");
}

#[test]
fn unreadable_input_is_exit_2() {
    let o = tandem(&["optimize", "/nonexistent/topology.json"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("cannot read"));
}

#[test]
fn the_js_package_answers_the_same_document() {
    let dir = tempfile::tempdir().unwrap();
    let file = reference(dir.path());
    let f = file.to_str().unwrap();
    let cli = front(&["optimize", f, "--format", "json", "--max-rto", "1800"]);
    let text = std::fs::read_to_string(&file).unwrap();
    let mut js: Value = serde_json::from_str(&tandem_engine::ffi::optimize_json(
        &text,
        Some(r#"{"maxRtoSeconds": 1800}"#),
        None,
    ))
    .unwrap();
    assert_eq!(js["type"], "success");
    js.as_object_mut().unwrap().remove("type");
    assert_eq!(cli, js);
}
