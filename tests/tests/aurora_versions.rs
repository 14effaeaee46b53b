//! Every Aurora PostgreSQL version Tandem offers synthesizes clusters cfn-lint accepts (E3690
//! lists the versions CloudFormation takes for a new cluster); a version it does not offer is
//! reported, so the check can fail.
#![cfg(all(not(target_arch = "wasm32"), unix))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::process::Command;

use tandem_engine::catalog::aurora_postgres_supported;
use tandem_engine::presets::reference;
use tandem_engine::synth::{synthesize, to_pretty_json};

/// cfn-lint as `scripts/setup.sh` installs it (`$CFN_LINT` overrides).
fn cfn_lint() -> Option<PathBuf> {
    let path = std::env::var_os("CFN_LINT")
        .map(PathBuf::from)
        .or_else(|| {
            let tools = std::env::var_os("TANDEM_TOOLS")
                .map(PathBuf::from)
                .or_else(|| {
                    std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/tandem-tools"))
                })?;
            Some(tools.join("venv/bin/cfn-lint"))
        })?;
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "cfn-lint is not installed at {} (scripts/setup.sh installs it)",
        path.display()
    );
    eprintln!("skipped: cfn-lint is not installed at {}", path.display());
    None
}

/// Writes the primary stack for `version` (the secondary cluster has the same version, which
/// this checks, so linting one stack per version is enough), returning its path.
fn write_version(dir: &Path, version: &str) -> Vec<PathBuf> {
    let mut t = reference();
    t.database.as_mut().unwrap().engine_version = version.into();
    let s = synthesize(&t);
    let stack = |id: &str| &s.stacks.iter().find(|x| x.id == id).unwrap().template;
    let cluster_version =
        |id: &str| stack(id)["Resources"]["DatabaseCluster"]["Properties"]["EngineVersion"].clone();
    assert_eq!(cluster_version("primary"), version);
    assert_eq!(cluster_version("secondary-app"), version);
    let path = dir.join(format!("{version}-primary.template.json"));
    std::fs::write(&path, to_pretty_json(stack("primary"))).unwrap();
    vec![path]
}

fn lint(cfn_lint: &Path, files: &[PathBuf]) -> String {
    let out = Command::new(cfn_lint)
        .args(["--format", "parseable", "--"])
        .args(files)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn every_offered_aurora_version_passes_cfn_lint() {
    let Some(cfn_lint) = cfn_lint() else { return };
    let dir = std::env::temp_dir().join(format!("tandem-aurora-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();

    let offered = aurora_postgres_supported();
    assert!(!offered.is_empty());
    let files: Vec<PathBuf> = offered
        .iter()
        .flat_map(|v| write_version(&dir, v))
        .collect();
    let found = lint(&cfn_lint, &files);
    assert!(
        found.is_empty(),
        "cfn-lint on the offered versions:\n{found}"
    );

    // The same check reports a minor CloudFormation does not list.
    let rejected = write_version(&dir, "17.8");
    let found = lint(&cfn_lint, &rejected);
    assert!(
        found.contains(":E3690:"),
        "17.8 should be rejected:\n{found}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
