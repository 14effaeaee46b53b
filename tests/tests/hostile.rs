//! Hostile input, natively: the shared table (`tandem_tests::hostile`), and the generated
//! `deploy.sh` and `RUNBOOK.md` commands run on hostile names with a stub `aws` on PATH, to
//! prove nothing a user typed is executed. Names are validated at load, so these topologies
//! are built as values, past the loader: quoting must hold on its own.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::process::Command;

use tandem_engine::presets;
use tandem_engine::synth::{synthesize, TemplateFormat};

#[test]
fn hostile_inputs_load_safely_or_are_refused_at_their_field() {
    match tandem_tests::hostile::run_all() {
        Ok(n) => assert!(n >= 30, "only {n} hostile cases"),
        Err(failures) => panic!("{failures}"),
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tandem-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("bin")).unwrap();
    dir
}

/// A stub `aws` (and `curl`, `dig`) that logs its arguments and answers every query with a
/// plausible value, so the script runs to its end.
fn stub_tools(dir: &Path) {
    for tool in ["aws", "curl", "dig"] {
        let path = dir.join("bin").join(tool);
        std::fs::write(
            &path,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"{tool} $*\" >> \"{}/calls.log\"\nfor a in \"$@\"; do case \"$a\" in get-caller-identity) echo 123456789012; exit 0;; esac; done\necho stub-value\n",
                dir.display()
            ),
        )
        .unwrap();
        Command::new("chmod").arg("+x").arg(&path).status().unwrap();
    }
}

/// The reference with hostile text in every name that reaches `deploy.sh` and the runbook.
/// Each payload would create `pwned-*` in the working directory if it ever ran.
fn hostile_topology() -> tandem_engine::Topology {
    let mut t = presets::reference();
    t.naming.prefix = "t$(touch pwned-prefix)".into();
    t.environment = "`touch pwned-env`".into();
    t.name = "n;touch pwned-name".into();
    t.dns.record_name = "api.example.com$(touch pwned-record)".into();
    if let Some(api) = t.api.as_mut() {
        api.stage = "p'$(touch pwned-stage)'".into();
    }
    t
}

fn pwned(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("pwned"))
        .collect()
}

#[test]
fn deploy_script_never_executes_names() {
    for preset in ["reference", "backup-restore"] {
        let mut t = hostile_topology();
        if preset == "backup-restore" {
            let br = presets::preset("backup-restore").unwrap().topology();
            t.strategy = br.strategy;
            t.database = br.database;
        }
        for format in [TemplateFormat::Json, TemplateFormat::Yaml] {
            let dir = scratch(&format!("deploy-{preset}-{format:?}"));
            stub_tools(&dir);
            for f in synthesize(&t).files(format) {
                std::fs::write(dir.join(&f.name), f.contents).unwrap();
            }
            let path = format!(
                "{}:{}",
                dir.join("bin").display(),
                std::env::var("PATH").unwrap()
            );
            for args in [&[][..], &["--failover"][..]] {
                let out = Command::new("bash")
                    .arg("deploy.sh")
                    .args(args)
                    .current_dir(&dir)
                    .env("PATH", &path)
                    .env("HOSTED_ZONE_ID", "Z1")
                    .env(
                        "SNAPSHOT_ARN",
                        "arn:aws:rds:us-east-2:123456789012:cluster-snapshot:x",
                    )
                    .env("CODE_BUCKET", "code")
                    .env("COGNITO_USER_POOL_ARN", "arn:x")
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "{preset} {format:?} {args:?}: deploy.sh failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                assert_eq!(
                    pwned(&dir),
                    Vec::<String>::new(),
                    "{preset} {format:?} {args:?}: a name was executed"
                );
                let calls = std::fs::read_to_string(dir.join("calls.log")).unwrap();
                assert!(
                    calls.contains("--stack-name t$(touch pwned-prefix)-`touch pwned-env`-"),
                    "{preset}: the stack name did not reach aws as one literal word:\n{calls}"
                );
            }
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}

/// Each inline code span of RUNBOOK.md that is a command (`aws ...`, `curl ...`, `dig ...`,
/// `export ...`, `psql ...`),
/// run by bash with the stub tools: whatever the names, nothing else runs.
#[test]
fn runbook_commands_never_execute_names() {
    // The reference, the same with backup & restore (restores from the vault, with `ROLE=` and
    // `KEY=` read from the base stack), and with a managed RPO (the secondary-outage section).
    let mut restore = hostile_topology();
    let br = presets::preset("backup-restore").unwrap().topology();
    restore.strategy = br.strategy;
    restore.database = br.database;
    restore.backup = br.backup;
    restore.failover = br.failover;
    let mut managed = hostile_topology();
    if let Some(db) = managed.database.as_mut() {
        db.global_db_rpo_seconds = Some(20);
    }
    for (t, must) in [
        (hostile_topology(), "aws stepfunctions"),
        (restore, "start-restore-job"),
        (managed, "reset-db-cluster-parameter-group"),
    ] {
        runbook_commands_run_no_name(&t, must);
    }
}

fn runbook_commands_run_no_name(t: &tandem_engine::Topology, must: &str) {
    let dir = scratch("runbook");
    stub_tools(&dir);
    let runbook = synthesize(t).runbook;
    let commands: Vec<String> = code_spans(&runbook)
        .into_iter()
        .filter(|c| {
            ["aws ", "curl ", "dig ", "export ", "psql ", "ROLE=", "KEY="]
                .iter()
                .any(|p| c.starts_with(p))
        })
        .collect();
    assert!(
        commands.len() >= 5 && commands.iter().any(|c| c.contains(must)),
        "expected the runbook's commands, {must} among them, found {commands:?}"
    );
    let path = format!(
        "{}:{}",
        dir.join("bin").display(),
        std::env::var("PATH").unwrap()
    );
    for c in &commands {
        // Placeholders such as `<arn printed above>` are for a person to fill in; bash may
        // refuse them, which is fine: what matters is that no name runs.
        let _ = Command::new("bash")
            .arg("-c")
            .arg(c)
            .current_dir(&dir)
            .env("PATH", &path)
            .env("ACCOUNT_ID", "123456789012")
            .output()
            .unwrap();
        assert_eq!(
            pwned(&dir),
            Vec::<String>::new(),
            "running `{c}` executed a name"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The inline code spans of Markdown text, as CommonMark reads them: a run of N backticks
/// opens a span that the next run of exactly N backticks closes; one space is stripped from
/// each end when both ends have one.
fn code_spans(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let run_at = |i: usize| chars[i..].iter().take_while(|c| **c == '`').count();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '`' {
            i += 1;
            continue;
        }
        let n = run_at(i);
        let start = i + n;
        let mut j = start;
        let mut closed = None;
        while j < chars.len() {
            if chars[j] == '`' {
                let m = run_at(j);
                if m == n {
                    closed = Some(j);
                    break;
                }
                j += m;
            } else {
                j += 1;
            }
        }
        match closed {
            Some(end) => {
                let mut content: String = chars[start..end].iter().collect();
                if content.len() >= 2 && content.starts_with(' ') && content.ends_with(' ') {
                    content = content[1..content.len() - 1].to_string();
                }
                spans.push(content);
                i = end + n;
            }
            None => i = start,
        }
    }
    spans
}
