//! The deploy rehearsal's machinery: the moto server (a guard that stops it), the AWS CLI from
//! the same venv, and the refusing proxy (`proxy.rs`).

pub mod proxy;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The venv `scripts/setup.sh` installs awscli and moto[server] into.
pub fn venv() -> PathBuf {
    std::env::var_os("TANDEM_AWS_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME").unwrap_or_default();
            Path::new(&home).join(".cache/tandem-tools/aws-venv")
        })
}

/// moto's server, run from the venv's Python with one patch (see [`MOTO_PATCH`]).
const MOTO_PATCH: &str = r#"# Started by tests/tests/deploy_rehearsal.rs: moto's server with one emulator fix.
# moto creates a stack for a CREATE change set with an empty template and never refreshes its
# outputs when the change set is executed, so a stack deployed with `aws cloudformation deploy`
# (which always uses change sets) has no outputs. AWS does have them; the fix copies the
# change set's template to the stack and re-reads its outputs.
import sys

from moto.cloudformation import models

_apply = models.ChangeSet.apply


def apply(self):
    _apply(self)
    self.stack.template = self.template
    self.stack.template_dict = self.template_dict
    self.stack.output_map = self.stack._create_output_map()


models.ChangeSet.apply = apply

from moto.server import main  # noqa: E402

sys.exit(main())
"#;

/// A running moto server; dropping it stops the server.
#[derive(Debug)]
pub struct Moto {
    pub port: u16,
    child: Child,
    venv: PathBuf,
    log: PathBuf,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A plain HTTP/1.1 request to a loopback port: the status code, or None when nothing answers.
pub fn http(port: u16, method: &str, path: &str) -> Option<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut answer = String::new();
    s.read_to_string(&mut answer).ok()?;
    answer.split_whitespace().nth(1)?.parse().ok()
}

impl Moto {
    /// Starts moto on a free loopback port and waits until it answers.
    pub fn start(venv: &Path, dir: &Path) -> Moto {
        let script = dir.join("moto_server_patched.py");
        std::fs::write(&script, MOTO_PATCH).unwrap();
        let log = dir.join("moto.log");
        let port = free_port();
        // One log for both streams: moto logs each request and each traceback on stderr.
        let file = std::fs::File::create(&log).unwrap();
        let child = Command::new(venv.join("bin/python"))
            .arg(&script)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .unwrap();
        let mut moto = Moto {
            port,
            child,
            venv: venv.to_path_buf(),
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while http(port, "GET", "/moto-api/") != Some(200) {
            if let Ok(Some(status)) = moto.child.try_wait() {
                panic!(
                    "moto exited ({status}) before answering:\n{}",
                    std::fs::read_to_string(&moto.log).unwrap_or_default()
                );
            }
            assert!(
                Instant::now() < deadline,
                "moto did not answer on port {port} within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        moto
    }

    /// Forgets every resource: each preset starts from an empty account.
    pub fn reset(&self) {
        assert_eq!(http(self.port, "POST", "/moto-api/reset"), Some(200));
    }

    /// The resource types moto's CloudFormation implements, asked from moto itself.
    pub fn supported_types(&self) -> Vec<String> {
        let out = Command::new(self.venv.join("bin/python"))
            .args([
                "-c",
                "from moto.cloudformation.parsing import get_model_map\nprint('\\n'.join(sorted(get_model_map())))",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let types: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        assert!(types.iter().any(|t| t == "AWS::S3::Bucket"), "{types:?}");
        types
    }

    /// The end of moto's log (a line per request, and any traceback), for a failure message.
    pub fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// The real AWS CLI against moto directly (not through the proxy), with fake credentials.
    pub fn aws(&self, dir: &Path, args: &[&str]) -> serde_json::Value {
        let out = aws_env(
            Command::new(self.venv.join("bin/aws")),
            dir,
            &self.venv,
            self.port,
            "us-east-1",
        )
        .args(args)
        .args(["--output", "json"])
        .output()
        .unwrap();
        assert!(
            out.status.success(),
            "aws {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

/// The environment of every AWS CLI call: the venv's `aws` first on PATH, the endpoint, fake
/// credentials, and no configuration from the machine's user. `localhost` (not 127.0.0.1): moto
/// finds a template uploaded to S3 only when its URL names `localhost`.
pub fn aws_env(
    mut c: Command,
    dir: &Path,
    venv: &Path,
    port: u16,
    default_region: &str,
) -> Command {
    let path = format!(
        "{}:{}",
        venv.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for v in [
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_REGION",
        "AWS_CA_BUNDLE",
        "SNAPSHOT_ARN",
        "HOSTED_ZONE_ID",
    ] {
        c.env_remove(v);
    }
    c.env("PATH", path)
        .env("AWS_ENDPOINT_URL", format!("http://localhost:{port}"))
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_DEFAULT_REGION", default_region)
        .env("AWS_CONFIG_FILE", dir.join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("no-aws-credentials"),
        )
        .env("AWS_RETRY_MODE", "standard")
        .env("AWS_MAX_ATTEMPTS", "2")
        .env("AWS_PAGER", "");
    c
}

/// One run of `deploy.sh`.
#[derive(Debug)]
pub struct Run {
    pub ok: bool,
    /// Wall time of the run.
    pub seconds: f64,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `bash script args` in `dir` with the real `aws` pointed at `port`; the CLI's default
/// region is the primary's, as an operator's often is, so a call without `--region` shows.
pub fn run_script(
    dir: &Path,
    venv: &Path,
    port: u16,
    default_region: &str,
    script: &str,
    args: &[&str],
    env: &[(&str, String)],
) -> Run {
    let mut c = aws_env(Command::new("bash"), dir, venv, port, default_region);
    c.arg(dir.join(script)).args(args).current_dir(dir);
    for (k, v) in env {
        c.env(k, v);
    }
    let started = Instant::now();
    let out: Output = c.output().unwrap();
    Run {
        ok: out.status.success(),
        seconds: started.elapsed().as_secs_f64(),
        stdout: String::from_utf8_lossy(&out.stdout).to_string(),
        stderr: String::from_utf8_lossy(&out.stderr).to_string(),
    }
}
