//! A WebDriver session against the built console: a static server for `dist/` on loopback,
//! the system chromedriver, and headless Chromium.
// Test harness: a failure to set up is a test failure, so it may unwrap and panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, ClientBuilder};

/// WebDriver's codes for keys that are not characters.
pub const CTRL: char = '\u{e009}';
pub const SHIFT: char = '\u{e008}';
pub const ENTER: char = '\u{e007}';
pub const TAB: char = '\u{e004}';
pub const ESCAPE: char = '\u{e00c}';
pub const HOME: char = '\u{e011}';
pub const END: char = '\u{e010}';
pub const LEFT: char = '\u{e012}';
pub const RIGHT: char = '\u{e014}';
/// Releases the modifiers held so far in a `send_keys` sequence.
pub const NULL: char = '\u{e000}';

pub struct Session {
    pub client: Client,
    pub base: String,
    pub downloads: PathBuf,
    driver: Child,
}

impl Session {
    pub async fn start() -> Session {
        let dist = PathBuf::from(
            std::env::var("TANDEM_DIST").expect("TANDEM_DIST: the trunk dist folder"),
        );
        assert!(
            dist.join("index.html").exists(),
            "no index.html in {}",
            dist.display()
        );
        let base = serve(dist);
        let port = free_port();
        let driver_bin =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let driver = Command::new(driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let downloads = std::env::temp_dir().join(format!("tandem-e2e-downloads-{port}"));
        let _ = std::fs::remove_dir_all(&downloads);
        std::fs::create_dir_all(&downloads).unwrap();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-quic", "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--window-size=1280,900"],
                "prefs": {
                    "download.default_directory": downloads.display().to_string(),
                    "download.prompt_for_download": false,
                }
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut client = None;
        for _ in 0..100 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => {
                    client = Some(c);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        let client = client.expect("connect to chromedriver");
        client.goto(&base).await.expect("open the console");
        let session = Session {
            client,
            base,
            downloads,
            driver,
        };
        session.wait_for("#card-findings").await;
        session
    }

    /// The bytes of the download `name`, once Chrome has finished writing it. Chrome first
    /// creates an empty file under the final name, writes into `<name>.crdownload` and then
    /// renames it over, so a file that merely exists may still be empty: wait until the
    /// partial file is gone and the size has stopped changing.
    pub async fn download(&self, name: &str) -> Vec<u8> {
        let file = self.downloads.join(name);
        let partial = self.downloads.join(format!("{name}.crdownload"));
        let mut last = None;
        for _ in 0..400 {
            let size = std::fs::metadata(&file).map(|m| m.len()).ok();
            if size.is_some_and(|n| n > 0) && !partial.exists() {
                if last == size {
                    return std::fs::read(&file).unwrap();
                }
                last = size;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the download {name} did not finish in 20 s (last size {last:?})");
    }

    /// Waits until `css` matches an element.
    pub async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        match self
            .client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(fantoccini::Locator::Css(css))
            .await
        {
            Ok(e) => e,
            Err(e) => panic!(
                "waiting for {css}: {e}; page errors: {:#?}",
                self.console_errors().await
            ),
        }
    }

    /// Waits until `css` matches nothing.
    pub async fn wait_gone(&self, css: &str) {
        for _ in 0..300 {
            if self
                .client
                .find_all(fantoccini::Locator::Css(css))
                .await
                .unwrap()
                .is_empty()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("{css} is still there");
    }

    /// Waits until `script` (a JavaScript expression) is true in the page.
    pub async fn eventually(&self, script: &str) {
        for _ in 0..500 {
            let v = self
                .client
                .execute(&format!("return !!({script});"), vec![])
                .await
                .unwrap();
            if v == serde_json::Value::Bool(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!(
            "never true: {script}; page errors: {:#?}",
            self.console_errors().await
        );
    }

    /// Waits until the text of `css` (as WebDriver renders it, line breaks included) is `want`.
    pub async fn wait_text(&self, css: &str, want: &str) {
        let mut last = String::new();
        for _ in 0..500 {
            last = self.text(css).await;
            if last == want {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("{css} reads {last:?}, never {want:?}");
    }

    pub async fn text(&self, css: &str) -> String {
        self.wait_for(css).await.text().await.unwrap()
    }

    pub async fn click(&self, css: &str) {
        self.wait_for(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Types into the field with this id (a field path) as a user would: value and `input`.
    pub async fn set_field(&self, id: &str, value: &str) {
        self.wait_for(&format!("[id='{id}']")).await;
        self.client
            .execute(
                "const el = document.getElementById(arguments[0]); el.value = arguments[1]; \
                 el.dispatchEvent(new Event('input', { bubbles: true })); \
                 el.dispatchEvent(new Event('change', { bubbles: true }));",
                vec![serde_json::json!(id), serde_json::json!(value)],
            )
            .await
            .unwrap();
    }

    /// Presses a key with modifiers held, as a user would, wherever the focus is.
    pub async fn press(&self, modifiers: &[char], key: char) {
        let mut k = KeyActions::new("keyboard".into());
        for m in modifiers {
            k = k.then(KeyAction::Down { value: *m });
        }
        k = k
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        for m in modifiers.iter().rev() {
            k = k.then(KeyAction::Up { value: *m });
        }
        self.client.perform_actions(k).await.unwrap();
        self.client.release_actions().await.unwrap();
    }

    /// Sends keys to the element with this id (a field path), focusing it first.
    pub async fn keys(&self, id: &str, keys: &str) {
        self.wait_for(&format!("[id='{id}']"))
            .await
            .send_keys(keys)
            .await
            .unwrap_or_else(|e| panic!("typing into {id}: {e}"));
    }

    /// Replaces the text of the field with this id key by key, then presses Enter.
    pub async fn type_and_enter(&self, id: &str, text: &str) {
        self.keys(id, &format!("{CTRL}a{NULL}{text}{ENTER}")).await;
    }

    /// The value shown in the field with this id.
    pub async fn value(&self, id: &str) -> String {
        self.wait_for(&format!("[id='{id}']")).await;
        let v = self
            .client
            .execute(
                "return document.getElementById(arguments[0]).value;",
                vec![serde_json::json!(id)],
            )
            .await
            .unwrap();
        v.as_str().unwrap_or_default().to_string()
    }

    /// The topology the console holds (its autosave), read at a dotted path of the JSON. The
    /// console saves in a task after each render: the read waits behind it.
    pub async fn saved(&self, path: &str) -> serde_json::Value {
        self.client
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 setTimeout(() => { \
                   const t = JSON.parse(localStorage.getItem('tandem.autosave.current')).topology; \
                   done(arguments[0].split('.').reduce((v, k) => v == null ? v : v[k], t)); \
                 }, 0);",
                vec![serde_json::json!(path)],
            )
            .await
            .unwrap()
    }

    /// Milliseconds the page's script measures for `script` (which must return a number).
    pub async fn js_number(&self, script: &str) -> f64 {
        self.client
            .execute(script, vec![])
            .await
            .unwrap()
            .as_f64()
            .unwrap_or(f64::NAN)
    }

    /// Saves a screenshot as a test artifact (`tests/artifacts/NAME.png`).
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("artifacts");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }

    /// Errors the page reported (index.html records `error` events and `console.error`).
    pub async fn console_errors(&self) -> Vec<String> {
        let v = self
            .client
            .execute("return window.__tandemErrors || [];", vec![])
            .await
            .unwrap();
        serde_json::from_value(v).unwrap_or_default()
    }

    /// No error and no Content-Security-Policy violation was reported (static/errors.js
    /// records both), and every resource the page loaded came from its own origin.
    pub async fn assert_no_console_errors(&self) {
        let errors = self.console_errors().await;
        assert!(errors.is_empty(), "console errors: {errors:#?}");
        let foreign = self
            .client
            .execute(
                "return performance.getEntriesByType('resource').map(e => e.name).filter(u => !u.startsWith(location.origin + '/') && !u.startsWith('blob:' + location.origin) && !u.startsWith('data:'));",
                vec![],
            )
            .await
            .unwrap();
        let foreign: Vec<String> = serde_json::from_value(foreign).unwrap_or_default();
        assert!(
            foreign.is_empty(),
            "requests left the page's origin: {foreign:#?}"
        );
    }

    pub async fn stop(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Serves `root` over HTTP/1.1 on loopback, GET only, in a background thread.
fn serve(root: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || respond(stream, &root));
        }
    });
    base
}

fn respond(mut stream: TcpStream, root: &Path) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).map_or(true, |n| n == 0) || header == "\r\n" {
            break;
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/");
    let path = path
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .trim_start_matches('/');
    let file = if path.is_empty() || path.contains("..") {
        root.join("index.html")
    } else {
        root.join(path)
    };
    let (status, body, kind) = match std::fs::read(&file) {
        Ok(body) => ("200 OK", body, content_type(&file)),
        Err(_) => ("404 Not Found", b"not found".to_vec(), "text/plain"),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nContent-Security-Policy: frame-ancestors 'none'\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream
        .write_all(head.as_bytes())
        .and_then(|_| stream.write_all(&body));
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// A test that fails mid-way still stops its chromedriver (and so its browser).
impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
