//! Hostile inputs, one table, run natively (`tests/hostile.rs`) and in headless Chromium
//! (`tests/fixtures_wasm.rs`). Each case either loads and synthesizes templates whose every
//! physical name is legal and whose YAML reads back equal to the JSON, or is refused with
//! exactly the message given (which names the field).

use serde_json::{json, Value};
use tandem_engine::model::{load, load_bytes};
use tandem_engine::rules::{apply_edit, Edit};
use tandem_engine::synth::{synthesize, TemplateFormat};
use tandem_engine::{presets, to_json};

/// How a case builds its input.
enum Input {
    /// The reference topology with these fields set (dotted paths, `[i]` for list items).
    Edits(Vec<(&'static str, Value)>),
    /// Text as given.
    Text(String),
    /// Bytes as given (a file that may not be UTF-8).
    Bytes(Vec<u8>),
}

enum Expect {
    /// Refused with exactly this message.
    Error(&'static str),
    /// Loads; the templates are then checked.
    Loads,
}

struct Case {
    name: &'static str,
    input: Input,
    expect: Expect,
}

fn edit(path: &'static str, value: Value) -> Input {
    Input::Edits(vec![(path, value)])
}

fn reference_json() -> String {
    to_json(&presets::reference())
}

fn cases() -> Vec<Case> {
    use Expect::{Error, Loads};
    let long = "a".repeat(5000);
    let mut deep = "[".repeat(100_000);
    deep.push_str(&"]".repeat(100_000));
    let dup = reference_json().replacen('{', "{\n  \"name\": \"other\",", 1);
    vec![
        Case { name: "command substitution in the prefix", input: edit("naming.prefix", json!("t$(touch /tmp/x)")), expect: Error("naming.prefix: `t$(touch /tmp/x)` is not a valid name prefix: use lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen") },
        Case { name: "backticks in the environment", input: edit("environment", json!("`touch x`")), expect: Error("environment: `\\u{60}touch x\\u{60}` is not a valid environment name: use lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen") },
        Case { name: "path traversal in the prefix", input: edit("naming.prefix", json!("../../evil")), expect: Error("naming.prefix: `../../evil` is not a valid name prefix: use lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen") },
        Case { name: "empty prefix", input: edit("naming.prefix", json!("")), expect: Error("naming.prefix: is empty: name prefix needs 1 to 24 characters") },
        Case { name: "5,000-character prefix", input: Input::Edits(vec![("naming.prefix", json!(long))]), expect: Error("naming.prefix: `aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…` is 5000 characters long: name prefix allows at most 24") },
        Case { name: "uppercase prefix", input: edit("naming.prefix", json!("Trading")), expect: Error("naming.prefix: `Trading` is not a valid name prefix: use lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen") },
        Case { name: "HTML in the prefix", input: edit("naming.prefix", json!("<script>")), expect: Error("naming.prefix: `<script>` is not a valid name prefix: use lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen") },
        Case { name: "CloudFormation substitution in the prefix", input: edit("naming.prefix", json!("${AWS::Region}")), expect: Error("naming.prefix: `${AWS::Region}` is not a valid name prefix: use lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen") },
        Case { name: "YAML tag in the prefix", input: edit("naming.prefix", json!("!Ref x")), expect: Error("naming.prefix: `!Ref x` is not a valid name prefix: use lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen") },
        Case { name: "non-ASCII letter in the prefix", input: edit("naming.prefix", json!("tradïng")), expect: Error("naming.prefix: `tradïng` is not a valid name prefix: use lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen") },
        Case { name: "prefix starting with a hyphen", input: edit("naming.prefix", json!("-trading")), expect: Error("naming.prefix: `-trading` is not a valid name prefix: use lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen") },
        Case { name: "double hyphen in the prefix", input: edit("naming.prefix", json!("trading--x")), expect: Error("naming.prefix: `trading--x` is not a valid name prefix: use lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen") },
        Case { name: "right-to-left override in the name", input: edit("name", json!("trad\u{202e}ing")), expect: Error("name: `trad\\u{202e}ing` is not a valid topology name: use lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen") },
        Case { name: "control character in a purpose", input: edit("buckets[0].purpose", json!("config\u{7}")), expect: Error("buckets[0].purpose: `config\\u{7}` contains the invisible character \\u{7}: use printable text") },
        Case { name: "zero-width space in a suppression reason", input: edit("suppressions", json!([{ "rule": "W1005", "reason": "ok\u{200b}" }])), expect: Error("suppressions[0].reason: `ok\\u{200b}` contains the invisible character \\u{200b}: use printable text") },
        Case { name: "YAML specials in a purpose", input: edit("buckets[0].purpose", json!("key: value # not a comment & *alias --- !Ref x")), expect: Loads },
        Case { name: "HTML in a purpose", input: edit("functions[0].purpose", json!("<script>alert(1)</script> & \"quotes\" 'too'")), expect: Loads },
        Case { name: "unicode and emoji in a purpose", input: edit("queues[0].purpose", json!("Ordres de négoce 📈 注文")), expect: Loads },
        Case { name: "substitution syntax in a purpose", input: edit("topics[0].purpose", json!("${AWS::AccountId} !Sub ${x}")), expect: Loads },
        Case { name: "shell in an email", input: edit("topics[0].emails[0]", json!("a@b.com; rm -rf /")), expect: Error("topics[0].emails[0]: `a@b.com; rm -rf /` is not an email address such as `oncall@example.com`") },
        Case { name: "shell in the record name", input: edit("dns.recordName", json!("api.example.com;ls")), expect: Error("dns.recordName: `api.example.com;ls` is not a DNS name such as `api.example.com`: lowercase labels of letters, digits and hyphens, separated by dots, no trailing dot") },
        Case { name: "uppercase zone", input: edit("dns.zoneName", json!("Example.COM")), expect: Error("dns.zoneName: `Example.COM` is not a DNS name such as `api.example.com`: lowercase labels of letters, digits and hyphens, separated by dots, no trailing dot") },
        Case { name: "command in the API stage", input: edit("api.stage", json!("prod$(id)")), expect: Error("api.stage: `prod$(id)` is not valid: use letters, digits and `_` (API Gateway stage names)") },
        Case { name: "query and backticks in the health path", input: edit("api.healthPath", json!("/health?x=`id`")), expect: Error("api.healthPath: `/health?x=\\u{60}id\\u{60}` is not a URL path such as `/health`: start with `/`, then letters, digits, `/`, `-`, `_` or `.` (at most 255)") },
        Case { name: "health-check path without a slash", input: edit("dns.healthCheck.path", json!("health")), expect: Error("dns.healthCheck.path: `health` is not a URL path such as `/health`: start with `/`, then letters, digits, `/`, `-`, `_` or `.` (at most 255)") },
        Case { name: "space in an event source", input: edit("events.forwarding.sources[0]", json!("trading platform")), expect: Error("events.forwarding.sources[0]: `trading platform` is not valid: use letters, digits, `.`, `-`, `_` and `/` (an event source such as `trading.platform`)") },
        Case { name: "line break in a detail type", input: edit("events.forwarding.detailTypes[0]", json!("Order\nProcessed")), expect: Error("events.forwarding.detailTypes[0]: `Order\\u{a}Processed` contains the invisible character \\u{a}: use printable text") },
        Case { name: "substitution in a key name", input: edit("tables[0].partitionKey.name", json!("id${x}")), expect: Error("tables[0].partitionKey.name: `id${x}` is not valid: use letters, digits, `_`, `-` and `.`") },
        Case { name: "command in a region", input: edit("primary.region", json!("us-east-1;id")), expect: Error("primary.region: `us-east-1;id` is not an AWS region code such as `us-east-1`: letters, digits and hyphens, at most 20") },
        Case { name: "short account id", input: edit("naming.accountId", json!("12345")), expect: Error("naming.accountId: `12345` is not an AWS account id: expected 12 digits") },
        Case { name: "bucket id that makes the bucket name too long", input: edit("buckets[0].id", json!("configuration-snapshots-archive")), expect: Error("buckets[0].id: makes the S3 bucket `trading-prod-configuration-snapshots-archive-us-east-1-` 67 characters long (with the 12-digit account id); AWS allows 63: shorten it, `naming.prefix` or `environment`") },
        Case { name: "function id that makes the function name too long", input: Input::Edits(vec![("naming.prefix", json!("trading-platform-east-x")), ("functions[0].id", json!("trade-processor-with-a-much-longer-name"))]), expect: Error("functions[0].id: makes the Lambda function name `trading-platform-east-x-prod-trade-processor-with-a-much-longer-name` 68 characters long; AWS allows 64: shorten it, `naming.prefix` or `environment`") },
        Case { name: "number out of range", input: edit("primary.vpc.azCount", json!(300)), expect: Error("primary.vpc.azCount: invalid value: integer `300`, expected u8") },
        Case { name: "NaN as a string", input: edit("objectives.rtoSeconds", json!("NaN")), expect: Error("objectives.rtoSeconds: invalid type: string \"NaN\", expected u32") },
        Case { name: "number too large for JSON", input: Input::Text(reference_json().replacen("\"schemaVersion\": 2", "\"schemaVersion\": 1e400", 1)), expect: Error("line 2, column 24: number out of range") },
        Case { name: "duplicate key", input: Input::Text(dup), expect: Error("line 4, column 8: duplicate key `name`: each key may appear once in an object") },
        Case { name: "byte-order mark", input: Input::Text(format!("\u{feff}{}", reference_json())), expect: Loads },
        Case { name: "invalid UTF-8", input: Input::Bytes(b"{\"schemaVersion\": 2, \"name\": \"\xff\"}".to_vec()), expect: Error("(file): not UTF-8 text: invalid byte at offset 30; save the topology as UTF-8 JSON") },
        Case { name: "JSON nested 100,000 deep", input: Input::Text(deep), expect: Error("line 1, column 128: recursion limit exceeded") },
        Case { name: "a 10 MB file", input: Input::Bytes(vec![b' '; 10 * 1024 * 1024]), expect: Error("(file): 10485760 bytes is too large for a topology: at most 4194304 bytes are read") },
    ]
}

/// The templates of a topology that loaded: every physical name legal, YAML equal to JSON,
/// the structural checks clean.
fn check_outputs(t: &tandem_engine::Topology) -> Result<(), String> {
    let s = synthesize(t);
    let mut problems = crate::names::problems(&s);
    problems.extend(crate::structure::check(&s));
    let json_files = s.files(TemplateFormat::Json);
    let yaml_files = s.files(TemplateFormat::Yaml);
    for (j, y) in json_files.iter().zip(yaml_files.iter()) {
        if !j.name.ends_with(".template.json") {
            continue;
        }
        let from_json: Value =
            serde_json::from_str(&j.contents).map_err(|e| format!("{}: {e}", j.name))?;
        let from_yaml: Value =
            serde_saphyr::from_str(&y.contents).map_err(|e| format!("{}: {e}", y.name))?;
        if from_json != from_yaml {
            problems.push(format!("{} and {} differ", j.name, y.name));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

fn run(case: &Case) -> Result<(), String> {
    let result = match &case.input {
        Input::Edits(edits) => {
            let mut v: Value =
                serde_json::from_str(&reference_json()).map_err(|e| e.to_string())?;
            for (path, value) in edits {
                let edit = Edit::Set {
                    path: (*path).into(),
                    value: value.clone(),
                };
                apply_edit(&mut v, &edit).map_err(|e| e.to_string())?;
            }
            load(&v.to_string())
        }
        Input::Text(text) => load(text),
        Input::Bytes(bytes) => load_bytes(bytes),
    };
    match (&case.expect, result) {
        (Expect::Error(want), Err(e)) if e.to_string() == *want => Ok(()),
        (Expect::Error(want), Err(e)) => Err(format!("error `{e}`, expected `{want}`")),
        (Expect::Error(want), Ok(_)) => Err(format!("loaded, expected `{want}`")),
        (Expect::Loads, Ok(t)) => check_outputs(&t),
        (Expect::Loads, Err(e)) => Err(format!("refused with `{e}`, expected to load")),
    }
}

/// Runs every case; the error lists every failing one.
pub fn run_all() -> Result<usize, String> {
    let cases = cases();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| run(c).err().map(|e| format!("{}: {e}", c.name)))
        .collect();
    if failures.is_empty() {
        Ok(cases.len())
    } else {
        Err(failures.join("\n"))
    }
}
