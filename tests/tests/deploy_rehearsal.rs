//! Deploy rehearsal: every preset's generated `deploy.sh` runs, unmodified, with the real AWS
//! CLI (awscli from PyPI) against a local AWS emulator (moto's server), for the standing stacks
//! and then for `--failover`; the failover path runs again with every call to the failed
//! (primary) region refused by a loopback proxy, so "failover never touches the failed region"
//! is tested, not asserted. Resource types moto lacks are stripped from a copy of the templates
//! by the test (`tandem_tests::emulator`), each with a note in the output. See docs/deploy.md,
//! "Rehearsal".
//!
//! Needs the venv `scripts/setup.sh` installs (`$TANDEM_AWS_VENV`); skipped with a reason when
//! it is missing, unless `CI=true`. Run: `cargo test -p tandem-tests --test deploy_rehearsal
//! -- --nocapture` to see the notes, the requests per region and the wall time.
#![cfg(not(target_arch = "wasm32"))]
// Test code: failing to find what the test expects is the test failing.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod rehearsal_support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;
use tandem_engine::presets::{Preset, PRESETS};
use tandem_engine::synth::{synthesize, ParameterSource, Synthesis, TemplateFormat};
use tandem_tests::emulator::{adapt, Why, PLACEHOLDER, STRIPPED};

use rehearsal_support::proxy::{per_region, Proxy, RecoveryPoint, Seen};
use rehearsal_support::{run_script, venv, Moto, Run};

struct Rig {
    moto: Moto,
    proxy: Proxy,
    venv: PathBuf,
    supported: Vec<String>,
    root: PathBuf,
}

/// The Aurora recovery points the proxy lists for the backup & restore failover: the newest
/// completed Aurora one must be chosen, not a newer one still being created, nor a newer
/// DynamoDB one.
fn recovery_points() -> Vec<RecoveryPoint> {
    let point = |job: &str, kind: &str, status: &str, created: u64| RecoveryPoint {
        arn: format!("arn:aws:rds:us-east-2:123456789012:cluster-snapshot:awsbackup:{job}"),
        resource_type: kind.into(),
        status: status.into(),
        created,
    };
    vec![
        point("job-old", "Aurora", "COMPLETED", 1_764_300_000),
        point("job-newest-completed", "Aurora", "COMPLETED", 1_764_386_400),
        point("job-running", "Aurora", "CREATING", 1_764_390_000),
        point("job-table", "DynamoDB", "COMPLETED", 1_764_399_000),
    ]
}
const NEWEST_COMPLETED_AURORA: &str =
    "arn:aws:rds:us-east-2:123456789012:cluster-snapshot:awsbackup:job-newest-completed";

fn show(seen: &[Seen]) -> String {
    if seen.is_empty() {
        return "none".into();
    }
    per_region(seen)
        .iter()
        .map(|(region, (n, refused))| format!("{region}: {n} ({refused} refused)"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Rig {
    fn run(
        &self,
        dir: &Path,
        primary: &str,
        script: &str,
        args: &[&str],
        env: &[(&str, String)],
    ) -> Run {
        run_script(dir, &self.venv, self.proxy.port, primary, script, args, env)
    }

    fn fail(&self, what: &str, run: &Run) -> ! {
        panic!(
            "{what} failed (files kept in {})\n--- stdout\n{}\n--- stderr\n{}\n--- moto log (tail)\n{}",
            self.root.display(),
            run.stdout,
            run.stderr,
            self.moto.log_tail()
        );
    }

    /// Every stack in a region, by name, as moto describes it.
    fn stacks(&self, dir: &Path, region: &str) -> Vec<Value> {
        let v = self.moto.aws(
            dir,
            &["cloudformation", "describe-stacks", "--region", region],
        );
        v["Stacks"].as_array().cloned().unwrap_or_default()
    }

    fn stack(&self, dir: &Path, region: &str, name: &str) -> Option<Value> {
        self.stacks(dir, region)
            .into_iter()
            .find(|s| s["StackName"] == name)
    }

    /// Every stack in the plan's regions (one `describe-stacks` per region).
    fn snapshot(&self, dir: &Path, synthesis: &Synthesis) -> Vec<Value> {
        let mut regions: Vec<&str> = synthesis
            .plan
            .stages
            .iter()
            .map(|s| s.region.as_str())
            .collect();
        regions.sort_unstable();
        regions.dedup();
        regions.iter().flat_map(|r| self.stacks(dir, r)).collect()
    }
}

fn find<'a>(stacks: &'a [Value], name: &str) -> Option<&'a Value> {
    stacks.iter().find(|s| s["StackName"] == name)
}

fn entry<'a>(list: &'a Value, key: &str, name: &str, value: &str) -> Option<&'a str> {
    list.as_array()?
        .iter()
        .find(|e| e[key] == name)
        .and_then(|e| e[value].as_str())
}

/// Writes the files the CLI's `tandem synth` writes, from templates adapted for moto; checks
/// that `deploy.sh` (and the plan) are byte for byte the product's.
fn write_adapted(
    rig: &Rig,
    synthesis: &Synthesis,
    format: TemplateFormat,
    dir: &Path,
    used: &mut BTreeSet<String>,
) {
    let mut adapted = synthesis.clone();
    for stack in &mut adapted.stacks {
        let a = adapt(&stack.id, &stack.template, &rig.supported).unwrap_or_else(|e| panic!("{e}"));
        for note in &a.notes {
            eprintln!("  note: {note}");
        }
        used.extend(a.stripped_types);
        stack.template = a.template;
    }
    let original = synthesis.files(format);
    let files = adapted.files(format);
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    for f in &files {
        if !f.name.contains(".template.") {
            let product = original.iter().find(|o| o.name == f.name).unwrap();
            assert_eq!(
                f.contents, product.contents,
                "{} must be the product's",
                f.name
            );
        }
        std::fs::write(dir.join(&f.name), &f.contents).unwrap();
    }
    assert!(files.iter().any(|f| f.name == "deploy.sh"));
}

/// The standing stacks: every `always` stage exists, and every value a stage reads from an
/// earlier one arrived non-empty (parameters from outputs, SSM parameters stored by deploy.sh).
fn check_standing(rig: &Rig, synthesis: &Synthesis, dir: &Path) {
    let plan = &synthesis.plan;
    let stacks = rig.snapshot(dir, synthesis);
    for stage in plan.stages.iter().filter(|s| s.when == "always") {
        let stack = find(&stacks, &stage.stack_name)
            .unwrap_or_else(|| panic!("stack {} not in {}", stage.stack_name, stage.region));
        assert_eq!(
            stack["StackStatus"], "CREATE_COMPLETE",
            "{}",
            stage.stack_name
        );
        check_inputs(rig, synthesis, dir, stage.order, stack, &stacks);
    }
}

fn check_inputs(
    rig: &Rig,
    synthesis: &Synthesis,
    dir: &Path,
    order: u32,
    stack: &Value,
    stacks: &[Value],
) {
    let stage = synthesis
        .plan
        .stages
        .iter()
        .find(|s| s.order == order)
        .unwrap();
    for p in &stage.parameters {
        let given = entry(
            &stack["Parameters"],
            "ParameterKey",
            &p.name,
            "ParameterValue",
        );
        let (from, output) = match &p.source {
            ParameterSource::Output { stack, output } => (stack, output),
            ParameterSource::Stored {
                parameter,
                stack,
                output,
            } => {
                let stored = rig.moto.aws(
                    dir,
                    &[
                        "ssm",
                        "get-parameter",
                        "--region",
                        &stage.region,
                        "--name",
                        parameter,
                    ],
                );
                let stored = stored["Parameter"]["Value"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                let earlier = synthesis
                    .plan
                    .stages
                    .iter()
                    .find(|s| &s.stack == stack)
                    .unwrap();
                let source = find(stacks, &earlier.stack_name).unwrap();
                let value = entry(&source["Outputs"], "OutputKey", output, "OutputValue").unwrap();
                assert_eq!(
                    stored, value,
                    "SSM parameter {parameter} in {}",
                    stage.region
                );
                assert_eq!(given, Some(value), "{}: {}", stage.stack_name, p.name);
                eprintln!(
                    "  {}.{} -> SSM {parameter} in {} -> {}.{} = {value}",
                    stack, output, stage.region, stage.stack, p.name
                );
                continue;
            }
            ParameterSource::Input { variable, .. } => {
                assert!(
                    given.is_some_and(|g| !g.is_empty()),
                    "{}: {variable}",
                    p.name
                );
                continue;
            }
            ParameterSource::RecoveryPoint { .. } => continue,
        };
        let earlier = synthesis
            .plan
            .stages
            .iter()
            .find(|s| &s.stack == from)
            .unwrap();
        let source = find(stacks, &earlier.stack_name).unwrap();
        let value = entry(&source["Outputs"], "OutputKey", output, "OutputValue")
            .unwrap_or_else(|| panic!("{} has no output {output}", earlier.stack_name));
        assert!(
            !value.is_empty() && value != "None",
            "{}.{output}",
            earlier.stack_name
        );
        let given =
            given.unwrap_or_else(|| panic!("{}: no parameter {}", stage.stack_name, p.name));
        // moto shows a `List<...>` parameter as a Python list; every item must be there.
        assert!(
            value.split(',').all(|item| given.contains(item)),
            "{}: {} = {given}, output {from}.{output} = {value}",
            stage.stack_name,
            p.name
        );
        let note = if value.starts_with(PLACEHOLDER) {
            " (a placeholder: its resource is stripped)"
        } else {
            ""
        };
        eprintln!(
            "  {from}.{output} -> {}.{} = {value}{note}",
            stage.stack, p.name
        );
    }
}

/// The failover stages exist, read only the secondary region, and restored the newest completed
/// Aurora recovery point.
fn check_failover(rig: &Rig, synthesis: &Synthesis, dir: &Path, secondary: &str, seen: &[Seen]) {
    let failover: Vec<_> = synthesis
        .plan
        .stages
        .iter()
        .filter(|s| s.when == "failover")
        .collect();
    assert!(seen.iter().all(|s| s.region == secondary), "{}", show(seen));
    if failover.is_empty() {
        assert!(seen.is_empty(), "nothing to deploy, yet: {}", show(seen));
        return;
    }
    assert!(!seen.is_empty());
    let stacks = rig.snapshot(dir, synthesis);
    for stage in failover {
        let stack = find(&stacks, &stage.stack_name).unwrap();
        assert_eq!(
            stack["StackStatus"], "CREATE_COMPLETE",
            "{}",
            stage.stack_name
        );
        check_inputs(rig, synthesis, dir, stage.order, stack, &stacks);
        for p in &stage.parameters {
            if let ParameterSource::RecoveryPoint { .. } = p.source {
                let given = entry(
                    &stack["Parameters"],
                    "ParameterKey",
                    &p.name,
                    "ParameterValue",
                );
                assert_eq!(given, Some(NEWEST_COMPLETED_AURORA), "{}", p.name);
            }
        }
    }
}

/// From an empty account: a hosted zone for `HOSTED_ZONE_ID` (as an operator has one), then
/// `deploy.sh` for the standing stacks through the proxy. Returns the requests it made.
fn deploy_standing(rig: &Rig, preset: &Preset, synthesis: &Synthesis, dir: &Path) -> Vec<Seen> {
    let topology = preset.topology();
    rig.moto.reset();
    let zone = rig.moto.aws(
        dir,
        &[
            "route53",
            "create-hosted-zone",
            "--name",
            &topology.dns.zone_name,
            "--caller-reference",
            preset.id,
        ],
    );
    let zone_id = zone["HostedZone"]["Id"]
        .as_str()
        .unwrap()
        .trim_start_matches("/hostedzone/")
        .to_string();
    let mut inputs: Vec<(&str, String)> = Vec::new();
    for p in synthesis
        .plan
        .stages
        .iter()
        .filter(|s| s.when == "always")
        .flat_map(|s| &s.parameters)
    {
        if let ParameterSource::Input { variable, .. } = &p.source {
            assert_eq!(
                variable, "HOSTED_ZONE_ID",
                "the rehearsal has no value for input `{variable}`: give it one"
            );
            inputs.push(("HOSTED_ZONE_ID", zone_id.clone()));
        }
    }
    rig.proxy.refuse(None);
    rig.proxy.take_seen();
    let run = rig.run(dir, &topology.primary.region, "deploy.sh", &[], &inputs);
    if !run.ok {
        rig.fail(&format!("{} deploy.sh (standing)", preset.id), &run);
    }
    let seen = rig.proxy.take_seen();
    eprintln!(
        "  deploy.sh: {:.1} s, requests per region: {}",
        run.seconds,
        show(&seen)
    );
    seen
}

/// The standing stacks, then `--failover`, then (from fresh standing stacks) `--failover` with
/// the primary region refused. Without `both_failovers`, only the refused failover runs.
fn rehearse(
    rig: &Rig,
    preset: &Preset,
    format: TemplateFormat,
    both_failovers: bool,
    used: &mut BTreeSet<String>,
) {
    let t0 = Instant::now();
    let topology = preset.topology();
    let (primary, secondary) = (
        topology.primary.region.clone(),
        topology.secondary.region.clone(),
    );
    let synthesis = synthesize(&topology);
    let dir = rig.root.join(format!("{}-{format:?}", preset.id));
    eprintln!("== {} ({format:?})", preset.id);
    write_adapted(rig, &synthesis, format, &dir, used);

    deploy_standing(rig, preset, &synthesis, &dir);
    check_standing(rig, &synthesis, &dir);

    rig.proxy.set_recovery_points(recovery_points());
    let has_failover_stages = synthesis.plan.stages.iter().any(|s| s.when == "failover");
    if both_failovers {
        let run = rig.run(&dir, &primary, "deploy.sh", &["--failover"], &[]);
        if !run.ok {
            rig.fail(&format!("{} deploy.sh --failover", preset.id), &run);
        }
        let seen = rig.proxy.take_seen();
        eprintln!(
            "  deploy.sh --failover: {:.1} s, requests per region: {}",
            run.seconds,
            show(&seen)
        );
        check_failover(rig, &synthesis, &dir, &secondary, &seen);
        // moto cannot update a stack whose parameters come from SSM: start again.
        if has_failover_stages {
            deploy_standing(rig, preset, &synthesis, &dir);
        }
    }
    // With the primary region refusing every call.
    rig.proxy.refuse(Some(&primary));
    let run = rig.run(&dir, &primary, "deploy.sh", &["--failover"], &[]);
    rig.proxy.refuse(None);
    if !run.ok {
        rig.fail(
            &format!("{} deploy.sh --failover with {primary} refused", preset.id),
            &run,
        );
    }
    let seen = rig.proxy.take_seen();
    eprintln!(
        "  deploy.sh --failover with {primary} refused: {:.1} s, requests per region: {}",
        run.seconds,
        show(&seen)
    );
    check_failover(rig, &synthesis, &dir, &secondary, &seen);
    if has_failover_stages {
        assert!(seen.iter().any(|s| s.region == secondary));
    } else {
        assert!(
            run.stderr.contains("nothing is deployed at failover"),
            "{}",
            run.stderr
        );
    }
    eprintln!(
        "  {} ({format:?}): {:.1} s",
        preset.id,
        t0.elapsed().as_secs_f64()
    );
}

/// The proxy can fail a run: a copy of deploy.sh in which the failover stage's deploy targets
/// the primary region is refused, and the run stops before that stack exists. Runs on the
/// standing stacks backup & restore's (YAML) rehearsal left.
fn refused_call_fails_the_run(rig: &Rig) {
    let preset = PRESETS.iter().find(|p| p.id == "backup-restore").unwrap();
    let topology = preset.topology();
    let (primary, secondary) = (
        topology.primary.region.clone(),
        topology.secondary.region.clone(),
    );
    let synthesis = synthesize(&topology);
    let stage = synthesis
        .plan
        .stages
        .iter()
        .find(|s| s.when == "failover")
        .unwrap();
    let dir = rig.root.join(format!("{}-Yaml", preset.id));
    let script = std::fs::read_to_string(dir.join("deploy.sh")).unwrap();
    let line = format!("--stack-name {} --region {secondary} \\", stage.stack_name);
    assert_eq!(script.matches(&line).count(), 1, "{line}");
    let broken = script.replace(
        &line,
        &format!("--stack-name {} --region {primary} \\", stage.stack_name),
    );
    std::fs::write(dir.join("deploy-broken.sh"), broken).unwrap();

    rig.proxy.set_recovery_points(recovery_points());
    rig.proxy.take_seen();
    rig.proxy.refuse(Some(&primary));
    let run = rig.run(&dir, &primary, "deploy-broken.sh", &["--failover"], &[]);
    rig.proxy.refuse(None);
    let seen = rig.proxy.take_seen();
    eprintln!(
        "== proof: one failover command sent to {primary}: requests per region: {}",
        show(&seen)
    );
    for s in seen.iter().filter(|s| s.refused) {
        eprintln!(
            "  refused: {} {} {} ({})",
            s.service, s.method, s.target, s.region
        );
    }
    eprintln!("  deploy-broken.sh stderr: {}", run.stderr.trim());
    assert!(!run.ok, "a refused call must fail the run");
    assert!(
        seen.iter().any(|s| s.region == primary && s.refused),
        "{}",
        show(&seen)
    );
    assert!(rig.stack(&dir, &primary, &stage.stack_name).is_none());
    assert!(
        run.stderr
            .contains(&format!("refuses every call to `{primary}`")),
        "{}",
        run.stderr
    );
}

#[test]
fn every_preset_deploys_and_fails_over_in_the_emulator() {
    let venv = venv();
    if !venv.join("bin/aws").exists() || !venv.join("bin/moto_server").exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "awscli and moto are not installed in {} (scripts/setup.sh installs them)",
            venv.display()
        );
        eprintln!(
            "skipped: no awscli and moto in {} (run scripts/setup.sh)",
            venv.display()
        );
        return;
    }
    let started = Instant::now();
    let root = std::env::temp_dir().join(format!("tandem-rehearsal-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let moto = Moto::start(&venv, &root);
    let supported = moto.supported_types();
    let proxy = Proxy::start(moto.port);
    let rig = Rig {
        moto,
        proxy,
        venv,
        supported,
        root: root.clone(),
    };

    // The strip list stays minimal: a type moto learns is dropped from it.
    for (kind, why) in STRIPPED {
        if *why == Why::NoModel {
            assert!(
                !rig.supported.iter().any(|t| t == kind),
                "moto now supports `{kind}`: stop stripping it"
            );
        }
    }
    let mut used = BTreeSet::new();
    for preset in PRESETS {
        rehearse(&rig, preset, TemplateFormat::Json, true, &mut used);
    }
    let yaml = PRESETS.iter().find(|p| p.id == "backup-restore").unwrap();
    rehearse(&rig, yaml, TemplateFormat::Yaml, false, &mut used);
    refused_call_fails_the_run(&rig);
    for (kind, _) in STRIPPED {
        assert!(
            used.contains(*kind),
            "`{kind}` is stripped but no preset uses it: remove it from the list"
        );
    }
    drop(rig);
    let _ = std::fs::remove_dir_all(&root);
    eprintln!(
        "rehearsal wall time: {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
