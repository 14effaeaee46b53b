//! Every command and exit code of `tandem`, run as a user would run it.
// Helpers of these tests are test code too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};
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

/// Writes the reference topology, edited, to a temporary file.
fn topology(dir: &Path, name: &str, edit: impl FnOnce(&mut Value)) -> PathBuf {
    let mut v: Value = serde_json::from_str(&stdout(&tandem(&["init"]))).unwrap();
    edit(&mut v);
    let path = dir.join(name);
    std::fs::write(&path, v.to_string()).unwrap();
    path
}

#[test]
fn help_and_version() {
    let o = tandem(&["--version"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).starts_with("tandem "));
    for cmd in [
        "init", "check", "analyze", "synth", "simulate", "rules", "explain", "prices",
    ] {
        let o = tandem(&[cmd, "--help"]);
        assert_eq!(code(&o), 0, "{cmd}");
        assert!(
            stdout(&o).contains("Example"),
            "{cmd} --help has an example"
        );
    }
    assert_eq!(code(&tandem(&[])), 2, "no command is a usage error");
}

#[test]
fn init_prints_each_preset_and_rejects_unknown_ones() {
    for preset in [
        "reference",
        "backup-restore",
        "pilot-light",
        "warm-standby",
        "hot-standby",
        "active-active",
    ] {
        let o = tandem(&["init", "--preset", preset]);
        assert_eq!(code(&o), 0);
        tandem_engine::load(&stdout(&o)).unwrap();
    }
    let o = tandem(&["init", "--preset", "active-active"]);
    assert!(stderr(&o).contains("`active-active` is now `hot-standby`"));
    assert_eq!(
        stdout(&o),
        stdout(&tandem(&["init", "--preset", "hot-standby"]))
    );
    let o = tandem(&["init", "--preset", "nope"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no preset `nope`"));
}

#[test]
fn check_exit_codes_and_formats() {
    let dir = tempfile::tempdir().unwrap();
    let good = topology(dir.path(), "good.json", |_| {});
    let o = tandem(&["check", good.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("0 errors"));

    let bad = topology(dir.path(), "bad.json", |v| {
        v["secondary"]["vpc"]["cidr"] = "10.0.0.0/16".into()
    });
    let o = tandem(&["check", bad.to_str().unwrap()]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("error[E1002] secondary.vpc.cidr"),
        "{}",
        stdout(&o)
    );

    let o = tandem(&["check", bad.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code(&o), 1);
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["schema"], "tandem-check/1");
    assert_eq!(doc["summary"]["errors"], 1);
    assert_eq!(doc["findings"][0]["rule"], "E1002");
    assert_eq!(
        doc["findings"][0]["fix"]["edits"][0]["path"],
        "secondary.vpc.cidr"
    );

    let malformed = dir.path().join("malformed.json");
    std::fs::write(&malformed, "{\"schemaVersion\": 2, \"secondary\": ").unwrap();
    let o = tandem(&["check", malformed.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("line 1"), "{}", stderr(&o));

    let invalid = topology(dir.path(), "invalid.json", |v| {
        v["secondary"]["vpc"]["cidr"] = "10.0.0.0/33".into()
    });
    let o = tandem(&["check", invalid.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("secondary.vpc.cidr: `10.0.0.0/33` is not an IPv4 CIDR"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty(), "errors go to stderr only");

    let o = tandem(&["check", dir.path().join("missing.json").to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("cannot read"));
}

#[test]
fn check_reads_stdin_and_a_replacement_price_table() {
    let dir = tempfile::tempdir().unwrap();
    let good = topology(dir.path(), "good.json", |_| {});
    // A table that prices only us-east-1: the secondary's lines are reported, not zeroed.
    let builtin: Value = serde_json::to_value(tandem_engine::PriceTable::builtin()).unwrap();
    let mut only_east1 = builtin.clone();
    only_east1["prices"] = Value::Array(
        builtin["prices"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["region"] == "us-east-1")
            .cloned()
            .collect(),
    );
    let prices = dir.path().join("prices.json");
    std::fs::write(&prices, only_east1.to_string()).unwrap();
    let o = tandem(&[
        "check",
        good.to_str().unwrap(),
        "--prices",
        prices.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("W5002"), "{}", stdout(&o));
    std::fs::write(
        &prices,
        "{\"version\": 1, \"currency\": \"USD\", \"prices\": [{\"region\": \"us-east-1\"}]}",
    )
    .unwrap();
    let o = tandem(&[
        "check",
        good.to_str().unwrap(),
        "--prices",
        prices.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("prices[0]"), "{}", stderr(&o));

    let mut child = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(["check", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(
        child.stdin.as_mut().unwrap(),
        std::fs::read(&good).unwrap().as_slice(),
    )
    .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), 0);
}

#[test]
fn analyze_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let good = topology(dir.path(), "good.json", |_| {});
    let o = tandem(&["analyze", good.to_str().unwrap()]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("RTO 21 min 30 s"), "{}", stdout(&o));
    let o = tandem(&["analyze", good.to_str().unwrap(), "--format", "json"]);
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["schema"], "tandem-analysis/1");
    assert_eq!(doc["rto"]["totalSeconds"], 1290.0);
    let o = tandem(&["analyze", good.to_str().unwrap(), "--format", "markdown"]);
    assert!(stdout(&o).contains("| Detection | 0 s | 4 min |"));
    let o = tandem(&["analyze", dir.path().join("nope.json").to_str().unwrap()]);
    assert_eq!(code(&o), 2);
}

#[test]
fn a_total_without_every_price_is_a_lower_bound_and_a_made_up_region_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let good = topology(dir.path(), "good.json", |_| {});
    let o = tandem(&["analyze", good.to_str().unwrap(), "--format", "markdown"]);
    assert!(!stdout(&o).contains("at least"), "{}", stdout(&o));
    // A real region the table does not price: the total is "at least", with the count.
    let ireland = topology(dir.path(), "ireland.json", |t| {
        t["secondary"]["region"] = Value::from("eu-west-1");
    });
    for format in ["text", "markdown"] {
        let o = tandem(&["analyze", ireland.to_str().unwrap(), "--format", format]);
        let out = stdout(&o);
        assert!(out.contains("at least $"), "{out}");
        assert!(out.contains(" items not priced"), "{out}");
        assert!(out.contains("no price"), "{out}");
    }
    let o = tandem(&["check", ireland.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("W5002"));
    // A region AWS does not have is an error at the field.
    let typo = topology(dir.path(), "typo.json", |t| {
        t["secondary"]["region"] = Value::from("us-east-9");
    });
    let o = tandem(&["check", typo.to_str().unwrap()]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("E3020"), "{}", stdout(&o));
    assert!(stdout(&o).contains("secondary.region"), "{}", stdout(&o));
}

#[test]
fn synth_writes_every_file_and_refuses_error_findings() {
    let dir = tempfile::tempdir().unwrap();
    let good = topology(dir.path(), "good.json", |_| {});
    let out = dir.path().join("out");
    let o = tandem(&[
        "synth",
        good.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for f in [
        "primary.template.json",
        "secondary-base.template.json",
        "secondary-app.template.json",
        "primary.parameters.json",
        "deploy-plan.json",
        "deploy.sh",
        "RUNBOOK.md",
    ] {
        assert!(out.join(f).exists(), "{f}");
    }
    let yaml = dir.path().join("yaml");
    let o = tandem(&[
        "synth",
        good.to_str().unwrap(),
        "--out",
        yaml.to_str().unwrap(),
        "--format",
        "yaml",
    ]);
    assert_eq!(code(&o), 0);
    assert!(yaml.join("primary.template.yaml").exists());

    let bad = topology(dir.path(), "bad.json", |v| {
        v["database"]["masterCredentials"] = "bothClusters".into()
    });
    let refused = dir.path().join("refused");
    let o = tandem(&[
        "synth",
        bad.to_str().unwrap(),
        "--out",
        refused.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 1);
    assert!(!refused.exists(), "nothing is written");
    assert!(stderr(&o).contains("E3001"));
    let o = tandem(&[
        "synth",
        bad.to_str().unwrap(),
        "--out",
        refused.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(code(&o), 0);
    assert!(refused.join("primary.template.json").exists());
}

#[test]
fn rules_and_explain() {
    let o = tandem(&["rules"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).lines().count() >= 45);
    let o = tandem(&["rules", "--format", "json"]);
    let rules: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(rules.as_array().unwrap().iter().any(|r| r["id"] == "E1002"));
    let o = tandem(&["explain", "e1002"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("known defect(s) 12"));
    assert_eq!(code(&tandem(&["explain", "X9999"])), 2);
}

#[test]
#[ignore = "needs the SARIF schema that scripts/setup.sh installs ($TANDEM_SARIF_SCHEMA)"]
fn sarif_is_valid_sarif_2_1_0() {
    let path = std::env::var("TANDEM_SARIF_SCHEMA").expect("TANDEM_SARIF_SCHEMA");
    // The official schema's `language` pattern has an unescaped `]`, valid in ECMAScript
    // regexes but not in Rust's; escaping it keeps the pattern's meaning.
    let text = std::fs::read_to_string(path)
        .unwrap()
        .replace("[a-zA-Z]{2}]?$", "[a-zA-Z]{2}\\\\]?$");
    let schema: Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::draft7::new(&schema).unwrap();
    // The validator does reject what is not SARIF.
    assert!(
        !validator.is_valid(&serde_json::json!({ "version": "2.1.0" })),
        "runs are required"
    );
    let dir = tempfile::tempdir().unwrap();
    let bad = topology(dir.path(), "bad.json", |v| {
        v["secondary"]["vpc"]["cidr"] = "10.0.0.0/16".into();
        v["suppressions"] = serde_json::json!([{ "rule": "I4003", "reason": "accepted" }]);
    });
    let o = tandem(&["check", bad.to_str().unwrap(), "--format", "sarif"]);
    assert_eq!(code(&o), 1);
    let sarif: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let run = &sarif["runs"][0];
    assert!(run["tool"]["driver"]["rules"].as_array().unwrap().len() >= 45);
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "E1002")
        .unwrap();
    assert_eq!(result["level"], "error");
    assert_eq!(
        result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "secondary.vpc.cidr"
    );
    assert!(run["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r.get("suppressions").is_some()));
}

#[test]
#[ignore = "needs cfn-lint, which scripts/setup.sh installs ($CFN_LINT)"]
fn synth_of_init_passes_cfn_lint() {
    let cfn_lint = std::env::var("CFN_LINT").expect("CFN_LINT");
    let dir = tempfile::tempdir().unwrap();
    let good = topology(dir.path(), "good.json", |_| {});
    let out = dir.path().join("out");
    assert_eq!(
        code(&tandem(&[
            "synth",
            good.to_str().unwrap(),
            "--out",
            out.to_str().unwrap()
        ])),
        0
    );
    let templates: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.path().display().to_string())
        .filter(|p| p.ends_with(".template.json"))
        .collect();
    assert_eq!(templates.len(), 3);
    let o = Command::new(cfn_lint)
        .arg("--")
        .args(&templates)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
}

/// The JS package (the `ffi` functions) and the CLI give the same results on the same input.
#[test]
fn the_js_package_agrees_with_the_cli() {
    use tandem_engine::ffi;
    let dir = tempfile::tempdir().unwrap();
    let bad = topology(dir.path(), "bad.json", |v| {
        v["secondary"]["vpc"]["cidr"] = "10.0.0.0/16".into();
        v["functions"][0]["runtime"] = "nodejs18.x".into();
    });
    let text = std::fs::read_to_string(&bad).unwrap();
    let cli: Value = serde_json::from_str(&stdout(&tandem(&[
        "check",
        bad.to_str().unwrap(),
        "--format",
        "json",
    ])))
    .unwrap();
    let js: Value = serde_json::from_str(&ffi::check_json(&text, None)).unwrap();
    assert_eq!(cli["findings"], js["findings"]);
    assert_eq!(cli["summary"]["errors"], js["errors"]);

    let cli: Value = serde_json::from_str(&stdout(&tandem(&[
        "analyze",
        bad.to_str().unwrap(),
        "--format",
        "json",
    ])))
    .unwrap();
    let js: Value = serde_json::from_str(&ffi::analyze_json(&text, None)).unwrap();
    for key in ["rpo", "rto", "cost"] {
        assert_eq!(cli[key], js[key], "{key}");
    }

    let good = topology(dir.path(), "good.json", |_| {});
    let out = dir.path().join("out");
    assert_eq!(
        code(&tandem(&[
            "synth",
            good.to_str().unwrap(),
            "--out",
            out.to_str().unwrap()
        ])),
        0
    );
    let js: Value = serde_json::from_str(&ffi::synth_json(
        &std::fs::read_to_string(&good).unwrap(),
        false,
    ))
    .unwrap();
    let files = js["files"].as_object().unwrap();
    assert_eq!(files.len(), std::fs::read_dir(&out).unwrap().count());
    for (name, contents) in files {
        assert_eq!(
            &std::fs::read_to_string(out.join(name)).unwrap(),
            contents.as_str().unwrap(),
            "{name}"
        );
    }
    let js: Value = serde_json::from_str(&ffi::check_json("{ nope", None)).unwrap();
    assert_eq!(js["type"], "failure");
    assert_eq!(code(&tandem(&["check", "/dev/null"])), 2);
}

#[test]
fn prices_import_reads_offer_files_into_a_table_analyze_accepts() {
    let offers = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/offers");
    let mut args = vec!["prices".to_string(), "import".to_string()];
    let mut files: Vec<String> = std::fs::read_dir(&offers)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    files.sort();
    args.extend(files);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = tandem(&args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("not in these files"), "{}", stderr(&o));
    let dir = tempfile::tempdir().unwrap();
    let prices = dir.path().join("prices.json");
    std::fs::write(&prices, stdout(&o)).unwrap();
    let good = topology(dir.path(), "good.json", |_| {});
    let o = tandem(&[
        "analyze",
        good.to_str().unwrap(),
        "--prices",
        prices.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("at least $"), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("AmazonEC2-us-east-1.json (AmazonEC2 offer"),
        "{}",
        stdout(&o)
    );
    // Not an offer file: exit 2, naming the file.
    let o = tandem(&["prices", "import", good.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("good.json"), "{}", stderr(&o));
}

#[test]
fn simulate_reports_violations_and_exit_codes() {
    let dir = std::env::temp_dir().join(format!("tandem-sim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = topology(&dir, "t.json", |_| {});
    // The reference survives a region outage: no violation, exit 0.
    let o = tandem(&[
        "simulate",
        file.to_str().unwrap(),
        "--scenario",
        "region-outage",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["schema"], "tandem-simulation/1");
    assert_eq!(v["scenario"], "region-outage");
    assert!(v["rtoSeconds"].is_u64());
    assert!(v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["t"].is_u64() && e["resource"].is_string()));
    // The known-broken reference (the synthesis before the failover fixes) pages nobody:
    // violations, exit 1.
    let broken = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/simulation/broken/reference");
    let o = tandem(&[
        "simulate",
        broken.to_str().unwrap(),
        "--scenario",
        "region-outage",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v["violations"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["id"] == "E6005"));
    // All scenarios: an array, one document each; the same from a synth output folder.
    let o = tandem(&["simulate", file.to_str().unwrap(), "--format", "json"]);
    let all: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 7);
    let out = dir.join("synth");
    assert_eq!(
        code(&tandem(&[
            "synth",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap()
        ])),
        0
    );
    let o = tandem(&[
        "simulate",
        out.to_str().unwrap(),
        "--scenario",
        "partition",
        "--format",
        "json",
    ]);
    let folder: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(folder["scenario"], "partition");
    // The partition keeps users on the primary; the manual reference does nothing: exit 0.
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let o = tandem(&[
        "simulate",
        out.to_str().unwrap(),
        "--scenario",
        "partition",
        "--format",
        "markdown",
    ]);
    assert!(stdout(&o).starts_with("## Scenario `partition`"));
    let o = tandem(&["simulate", out.to_str().unwrap(), "--scenario", "partition"]);
    assert!(stdout(&o).starts_with("scenario partition: RTO 0 s, 0 violation(s)"));
    // Unreadable input and unknown scenarios: exit 2 with a message.
    let o = tandem(&["simulate", dir.join("missing.json").to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    let o = tandem(&["simulate", dir.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("deploy-plan.json"), "{}", stderr(&o));
    let o = tandem(&["simulate", file.to_str().unwrap(), "--scenario", "meteor"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no scenario `meteor`"));
    std::fs::remove_dir_all(&dir).unwrap();
}
