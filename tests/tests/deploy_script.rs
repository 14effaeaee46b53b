//! `deploy.sh` for every preset: shellcheck finds nothing, and run against a stub `aws` it
//! uploads through an artifact bucket, stops on a missing output, and with `--failover` calls
//! only the secondary region.
#![cfg(all(not(target_arch = "wasm32"), unix))]
// Helpers of these tests are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use tandem_engine::presets::PRESETS;
use tandem_engine::synth::{synthesize, TemplateFormat};

const SHELLCHECK: &str = "/usr/bin/shellcheck";

/// Writes a preset's files to a fresh directory.
fn write_files(dir: &Path, files: &[tandem_engine::synth::OutputFile]) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    for f in files {
        std::fs::write(dir.join(&f.name), &f.contents).unwrap();
    }
}

fn scratch(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("tandem-deploy-{}-{name}", std::process::id()))
}

#[test]
fn every_deploy_script_passes_shellcheck() {
    if !Path::new(SHELLCHECK).exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "shellcheck is not installed at {SHELLCHECK} (Debian package `shellcheck`)"
        );
        eprintln!("skipped: {SHELLCHECK} is not installed");
        return;
    }
    for p in PRESETS {
        for format in [TemplateFormat::Json, TemplateFormat::Yaml] {
            let dir = scratch(&format!("sc-{}", p.id));
            let files = synthesize(&p.topology()).files(format);
            write_files(&dir, &files);
            let out = Command::new(SHELLCHECK)
                .args(["--severity=style", "--shell=bash"])
                .arg(dir.join("deploy.sh"))
                .output()
                .unwrap();
            let _ = std::fs::remove_dir_all(&dir);
            assert!(
                out.status.success() && out.stdout.is_empty(),
                "{} ({format:?}): shellcheck:\n{}",
                p.id,
                String::from_utf8_lossy(&out.stdout)
            );
        }
    }
}

#[test]
fn shellcheck_can_fail() {
    if !Path::new(SHELLCHECK).exists() {
        return;
    }
    let dir = scratch("sc-broken");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("broken.sh"), "#!/usr/bin/env bash\necho $1\n").unwrap();
    let out = Command::new(SHELLCHECK)
        .arg(dir.join("broken.sh"))
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!out.status.success(), "an unquoted $1 must be reported");
}

/// A stub `aws`: logs each call's arguments, answers outputs as `stub-<Key>` unless the key is
/// listed in `STUB_MISSING`, and reports every bucket as missing.
const STUB: &str = r#"#!/usr/bin/env bash
printf '%s\n' "$*" >>"$AWS_LOG"
case "$1 $2" in
  "sts get-caller-identity") echo 123456789012 ;;
  "cloudformation describe-stacks")
    key="$(printf '%s' "$*" | sed -n "s/.*OutputKey=='\([A-Za-z0-9]*\)'.*/\1/p")"
    case " ${STUB_MISSING:-} " in
      *" $key "*) echo None ;;
      *) echo "stub-$key" ;;
    esac
    ;;
  "s3api head-bucket") exit 254 ;;
  "backup list-recovery-points-by-backup-vault") echo arn:aws:rds:us-east-2:123456789012:cluster-snapshot:awsbackup:job-1 ;;
esac
exit 0
"#;

struct Run {
    ok: bool,
    stderr: String,
    calls: Vec<String>,
}

fn run(preset: &str, dir: &Path, args: &[&str], missing: &str) -> Run {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let aws = bin.join("aws");
    std::fs::write(&aws, STUB).unwrap();
    std::fs::set_permissions(&aws, std::fs::Permissions::from_mode(0o755)).unwrap();
    let log = dir.join("aws.log");
    let _ = std::fs::remove_file(&log);
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .arg(dir.join("deploy.sh"))
        .args(args)
        .env("PATH", path)
        .env("AWS_LOG", &log)
        .env("STUB_MISSING", missing)
        .env("HOSTED_ZONE_ID", "Z123")
        .env(
            "COGNITO_USER_POOL_ARN",
            "arn:aws:cognito-idp:us-east-1:1:userpool/x",
        )
        .env("CODE_BUCKET", "code")
        .output()
        .unwrap();
    let calls = std::fs::read_to_string(&log)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    eprintln!("{preset} {args:?}: {stderr}");
    Run {
        ok: out.status.success(),
        stderr,
        calls,
    }
}

fn region_of(call: &str) -> Option<&str> {
    let mut words = call.split_whitespace();
    while let Some(w) = words.next() {
        if w == "--region" {
            return words.next();
        }
    }
    None
}

#[test]
fn deploy_script_runs_against_a_stub_aws() {
    for p in PRESETS {
        let topology = p.topology();
        let synthesis = synthesize(&topology);
        let dir = scratch(&format!("run-{}", p.id));
        write_files(&dir, &synthesis.files(TemplateFormat::Json));

        // Standing stacks: every always-stage deployed, each through its region's bucket.
        let standing = run(p.id, &dir, &[], "");
        assert!(standing.ok, "{}: {}", p.id, standing.stderr);
        let deploys: Vec<&String> = standing
            .calls
            .iter()
            .filter(|c| c.starts_with("cloudformation deploy"))
            .collect();
        let always: Vec<_> = synthesis
            .plan
            .stages
            .iter()
            .filter(|s| s.when == "always")
            .collect();
        assert_eq!(deploys.len(), always.len(), "{}", p.id);
        for (call, stage) in deploys.iter().zip(&always) {
            assert!(call.contains(&format!("--stack-name {}", stage.stack_name)));
            let bucket = format!(
                "--s3-bucket {}-{}-artifacts-{}-123456789012",
                topology.naming.prefix, topology.environment, stage.region
            );
            assert!(call.contains(&bucket), "{}: {call}", p.id);
            assert!(!call.contains("=None"), "{}: {call}", p.id);
        }
        assert!(standing
            .calls
            .iter()
            .any(|c| c.starts_with("s3api create-bucket")));

        // At failover, only the secondary region is called.
        let failover = run(p.id, &dir, &["--failover"], "");
        assert!(failover.ok, "{}: {}", p.id, failover.stderr);
        for call in &failover.calls {
            if let Some(region) = region_of(call) {
                assert_eq!(region, topology.secondary.region, "{}: {call}", p.id);
            }
        }
        let failover_stages = synthesis
            .plan
            .stages
            .iter()
            .filter(|s| s.when == "failover")
            .count();
        let failover_deploys = failover
            .calls
            .iter()
            .filter(|c| c.starts_with("cloudformation deploy"))
            .count();
        assert_eq!(failover_deploys, failover_stages, "{}", p.id);

        // A missing output stops the script with its name, before any later deploy.
        let broken = run(p.id, &dir, &[], "KmsKeyArn");
        assert!(!broken.ok, "{}", p.id);
        assert!(broken.stderr.contains("no output KmsKeyArn"), "{}", p.id);
        assert_eq!(
            broken
                .calls
                .iter()
                .filter(|c| c.starts_with("cloudformation deploy"))
                .count(),
            1,
            "{}: only the first stage is deployed",
            p.id
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn hostile_names_stay_data_in_deploy_sh() {
    let marker = scratch("pwned");
    let _ = std::fs::remove_file(&marker);
    let m = marker.display().to_string();
    for p in PRESETS {
        let mut t = p.topology();
        t.naming.prefix = format!("t$(touch {m})'`touch {m}`");
        t.environment = format!("e;touch {m}\ntouch {m}");
        t.name = format!("n\ntouch {m}");
        t.secondary.region = format!("us-east-2$(touch {m})");
        let synthesis = synthesize(&t);
        let dir = scratch(&format!("hostile-{}", p.id));
        write_files(&dir, &synthesis.files(TemplateFormat::Json));
        let out = Command::new("bash")
            .arg("-n")
            .arg(dir.join("deploy.sh"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            p.id,
            String::from_utf8_lossy(&out.stderr)
        );
        for args in [&[][..], &["--failover"][..]] {
            let run = run(p.id, &dir, args, "");
            assert!(run.ok, "{} {args:?}: {}", p.id, run.stderr);
            // The hostile region reaches the AWS CLI as one literal argument.
            assert!(
                run.calls.is_empty() || run.calls.iter().any(|c| c.contains(&t.secondary.region)),
                "{}: {:?}",
                p.id,
                run.calls
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
        assert!(!marker.exists(), "{}: a name ran as code", p.id);
    }
}
