//! Helpers shared by the cross-crate tests: the fixture runner, used natively
//! (`tests/fixtures.rs`) and in headless Chromium (`tests/fixtures_wasm.rs`).

use serde::Deserialize;
use tandem_engine::rules::{apply_fix, check, Edit, Fix, Severity};
use tandem_engine::{load, presets, to_json, Topology};

/// Every fixture file, embedded at build time.
pub mod files {
    include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    rule: String,
    path: String,
}

/// A bad topology: a preset, edits that break it, and the findings they must cause.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BadFixture {
    #[allow(dead_code)]
    description: String,
    base: String,
    edits: Vec<Edit>,
    expect: Vec<Expected>,
}

/// An input the loader must reject with exactly this message.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InvalidFixture {
    #[allow(dead_code)]
    description: String,
    #[serde(default)]
    raw: Option<String>,
    #[serde(default)]
    base: Option<String>,
    #[serde(default)]
    edits: Vec<Edit>,
    error: String,
}

fn build(base: &str, edits: &[Edit]) -> Result<serde_json::Value, String> {
    let preset = presets::preset(base).ok_or_else(|| format!("no preset `{base}`"))?;
    let mut value = serde_json::to_value(preset.topology()).map_err(|e| e.to_string())?;
    for edit in edits {
        tandem_engine::rules::apply_edit(&mut value, edit).map_err(|e| e.to_string())?;
    }
    Ok(value)
}

fn key(rule: &str, path: &str) -> String {
    format!("{rule} at {path}")
}

/// Checks one bad fixture: the expected findings appear, no other error does, and every fix
/// offered removes its finding without adding an error.
pub fn run_bad(name: &str, text: &str) -> Result<(), String> {
    let fx: BadFixture = serde_json::from_str(text).map_err(|e| format!("{name}: {e}"))?;
    let value = build(&fx.base, &fx.edits).map_err(|e| format!("{name}: {e}"))?;
    let topology: Topology = tandem_engine::model::load_value(value)
        .map_err(|e| format!("{name}: does not load: {e}"))?;
    let report = check(&topology);
    let found: Vec<String> = report
        .findings
        .iter()
        .map(|f| key(&f.rule, &f.path))
        .collect();
    for e in &fx.expect {
        if !found.contains(&key(&e.rule, &e.path)) {
            return Err(format!(
                "{name}: expected {} ; found {found:#?}",
                key(&e.rule, &e.path)
            ));
        }
    }
    let expected: Vec<String> = fx.expect.iter().map(|e| key(&e.rule, &e.path)).collect();
    let errors = |findings: &[tandem_engine::Finding]| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| key(&f.rule, &f.path))
            .collect()
    };
    let before = errors(&report.findings);
    if let Some(extra) = before.iter().find(|k| !expected.contains(k)) {
        return Err(format!("{name}: unexpected error finding {extra}"));
    }
    for finding in &report.findings {
        let Some(fix) = &finding.fix else { continue };
        let fixed = apply_fix(&topology, fix)
            .map_err(|e| format!("{name}: fix `{}` gives an invalid topology: {e}", fix.title))?;
        let after = check(&fixed);
        let this = (
            finding.rule.as_str(),
            finding.path.as_str(),
            finding.message.as_str(),
        );
        if after
            .findings
            .iter()
            .any(|f| (f.rule.as_str(), f.path.as_str(), f.message.as_str()) == this)
        {
            return Err(format!(
                "{name}: fix `{}` left {}",
                fix.title,
                key(&finding.rule, &finding.path)
            ));
        }
        if let Some(new) = errors(&after.findings).iter().find(|k| !before.contains(k)) {
            return Err(format!("{name}: fix `{}` adds the error {new}", fix.title));
        }
    }
    Ok(())
}

/// Checks one invalid input: the loader rejects it with exactly the expected message.
pub fn run_invalid(name: &str, text: &str) -> Result<(), String> {
    let fx: InvalidFixture = serde_json::from_str(text).map_err(|e| format!("{name}: {e}"))?;
    let input = match (&fx.raw, &fx.base) {
        (Some(raw), _) => raw.clone(),
        (None, Some(base)) => build(base, &fx.edits)
            .map_err(|e| format!("{name}: {e}"))?
            .to_string(),
        (None, None) => return Err(format!("{name}: needs `raw` or `base`")),
    };
    match load(&input) {
        Ok(_) => Err(format!(
            "{name}: loaded, but should fail with `{}`",
            fx.error
        )),
        Err(e) if e.to_string() == fx.error => Ok(()),
        Err(e) => Err(format!("{name}: error `{e}`, expected `{}`", fx.error)),
    }
}

/// A fix as the console and the CLI receive it (JSON), applied.
pub fn apply_json_fix(topology: &Topology, fix_json: &str) -> Result<Topology, String> {
    let fix: Fix = serde_json::from_str(fix_json).map_err(|e| e.to_string())?;
    apply_fix(topology, &fix).map_err(|e| e.to_string())
}

/// JSON -> model -> JSON is lossless for every preset.
pub fn round_trips() -> Result<(), String> {
    for p in presets::PRESETS {
        let t = p.topology();
        let json = to_json(&t);
        let again = load(&json).map_err(|e| format!("{}: {e}", p.id))?;
        if to_json(&again) != json || again != t {
            return Err(format!("{}: round trip changed the topology", p.id));
        }
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AnalysisExpect {
    rpo_seconds: Option<f64>,
    rpo_store: Option<String>,
    /// The worst bound (`null`: unbounded) and its store.
    rpo_bound_seconds: Option<f64>,
    rpo_bound_store: Option<String>,
    /// Items the total lacks (missing prices and "not priced" entries).
    #[serde(default)]
    unpriced: usize,
    phases: std::collections::BTreeMap<String, f64>,
    /// `null`: nothing to measure (no API behind a public name).
    rto_seconds: Option<f64>,
    primary_usd: f64,
    secondary_usd: f64,
    total_usd: f64,
}

/// A topology whose RPO, RTO phases and cost were worked out by hand (`arithmetic`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnalysisFixture {
    #[allow(dead_code)]
    description: String,
    base: String,
    edits: Vec<Edit>,
    #[allow(dead_code)]
    arithmetic: Vec<String>,
    expect: AnalysisExpect,
}

/// Checks a hand-worked analysis: to the second and to the cent.
pub fn run_analysis(name: &str, text: &str) -> Result<(), String> {
    let fx: AnalysisFixture = serde_json::from_str(text).map_err(|e| format!("{name}: {e}"))?;
    let value = build(&fx.base, &fx.edits).map_err(|e| format!("{name}: {e}"))?;
    let t = tandem_engine::model::load_value(value).map_err(|e| format!("{name}: {e}"))?;
    let a = tandem_engine::analyze(&t, tandem_engine::PriceTable::builtin());
    let e = &fx.expect;
    let mut problems = Vec::new();
    if a.rpo.typical_seconds != e.rpo_seconds {
        problems.push(format!(
            "RPO {:?}, expected {:?}",
            a.rpo.typical_seconds, e.rpo_seconds
        ));
    }
    let store = a.rpo.worst_store().map(|s| s.store.clone());
    if store != e.rpo_store {
        problems.push(format!("RPO store {store:?}, expected {:?}", e.rpo_store));
    }
    if a.rpo.bound_seconds != e.rpo_bound_seconds {
        problems.push(format!(
            "RPO bound {:?}, expected {:?}",
            a.rpo.bound_seconds, e.rpo_bound_seconds
        ));
    }
    let bound_store = a.rpo.worst_bound_store().map(|s| s.store.clone());
    if bound_store != e.rpo_bound_store {
        problems.push(format!(
            "RPO bound store {bound_store:?}, expected {:?}",
            e.rpo_bound_store
        ));
    }
    if a.cost.unpriced_count() != e.unpriced {
        problems.push(format!(
            "{} unpriced items, expected {}",
            a.cost.unpriced_count(),
            e.unpriced
        ));
    }
    let phases: std::collections::BTreeMap<String, f64> = a
        .rto
        .phases
        .iter()
        .map(|p| (p.id.clone(), p.seconds))
        .collect();
    if phases != e.phases {
        problems.push(format!("phases {phases:?}, expected {:?}", e.phases));
    }
    if a.rto.total_seconds != e.rto_seconds {
        problems.push(format!(
            "RTO {:?}, expected {:?}",
            a.rto.total_seconds, e.rto_seconds
        ));
    }
    let cents = |x: f64| (x * 100.0).round() as i64;
    for (what, got, want) in [
        ("primary", a.cost.primary_total, e.primary_usd),
        ("secondary", a.cost.secondary_total, e.secondary_usd),
        ("total", a.cost.total, e.total_usd),
    ] {
        if cents(got) != cents(want) {
            problems.push(format!("{what} cost {got:.6}, expected {want:.2}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{name}: {}", problems.join("; ")))
    }
}
pub mod billing;
pub mod emulator;
pub mod failover;
pub mod generate;
pub mod hostile;
pub mod names;
pub mod structure;

/// Runs `check` over every fixture of a folder, reporting every failure, not just the first.
/// Plays one hand-worked simulation scenario (a folder of `fixtures/simulation/worked`) and
/// compares the RTO, every expected event time, the DNS change points and the violations.
pub fn run_worked(name: &str, files: &[(&str, &str)]) -> Result<(), String> {
    use serde_json::Value;
    use tandem_engine::simulate::{simulate, Durations, Input, Objectives, Scenario};
    let file = |n: &str| {
        files
            .iter()
            .find(|(f, _)| *f == n)
            .map(|(_, t)| t.to_string())
    };
    let expected: Value =
        serde_json::from_str(&file("expected.json").ok_or(format!("{name}: no expected.json"))?)
            .map_err(|e| format!("{name}: {e}"))?;
    let field = |v: &Value, k: &str| v.get(k).cloned().unwrap_or(Value::Null);
    let o = field(&expected, "objectives");
    let objectives = Objectives {
        rto_seconds: field(&o, "rtoSeconds").as_u64(),
        rpo_seconds: field(&o, "rpoSeconds").as_u64(),
        approval_seconds: field(&o, "approvalSeconds").as_u64().unwrap_or(0),
    };
    let input = Input::from_folder(file, objectives).map_err(|e| format!("{name}: {e}"))?;
    let scenario = field(&expected, "scenario");
    let scenario = scenario
        .as_str()
        .and_then(Scenario::parse)
        .ok_or(format!("{name}: unknown scenario {scenario}"))?;
    let durations = Durations::builtin().ok_or("the duration table is malformed")?;
    let s = simulate(&input, scenario, &durations);
    let rto = field(&expected, "rtoSeconds");
    if s.rto_seconds != field(&rto, "value").as_u64() {
        return Err(format!(
            "{name}: RTO {:?}, expected {} ({})",
            s.rto_seconds,
            field(&rto, "value"),
            field(&rto, "why")
        ));
    }
    for e in field(&expected, "events").as_array().into_iter().flatten() {
        let (t, event) = (field(e, "t").as_u64(), field(e, "event"));
        let found: Vec<u64> = s
            .timeline
            .iter()
            .filter(|x| Some(x.event.as_str()) == event.as_str())
            .map(|x| x.t)
            .collect();
        if !t.is_some_and(|t| found.contains(&t)) {
            return Err(format!(
                "{name}: {event} expected at {t:?} s ({}), found at {found:?}",
                field(e, "why")
            ));
        }
    }
    let dns: Vec<(u64, String)> = s.dns.iter().map(|c| (c.t, c.value.clone())).collect();
    let want: Vec<(u64, String)> =
        serde_json::from_value(field(&expected, "dns")).map_err(|e| format!("{name}: {e}"))?;
    if dns != want {
        return Err(format!(
            "{name}: DNS change points {dns:?}, expected {want:?}"
        ));
    }
    let ids: Vec<String> = s.violations.iter().map(|v| v.id.clone()).collect();
    let want: Vec<String> = serde_json::from_value(field(&expected, "violations"))
        .map_err(|e| format!("{name}: {e}"))?;
    if ids != want {
        return Err(format!(
            "{name}: violations {:?}, expected {want:?}",
            s.violations
        ));
    }
    Ok(())
}

/// Runs `run_worked` on every embedded worked scenario, listing every failure.
pub fn all_worked() -> Result<(), String> {
    let failures: Vec<String> = files::WORKED
        .iter()
        .filter_map(|(name, files)| run_worked(name, files).err())
        .collect();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

pub fn all(
    files: &[(&str, &str)],
    check: fn(&str, &str) -> Result<(), String>,
) -> Result<(), String> {
    let failures: Vec<String> = files
        .iter()
        .filter_map(|(name, text)| check(name, text).err())
        .collect();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}
