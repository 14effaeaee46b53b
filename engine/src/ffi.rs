//! The JavaScript boundary (feature `ffi`): JSON in, JSON out, a tagged answer. A thin shell
//! over the engine, as cedar-wasm is; nothing else in the engine knows it runs in a browser.
//!
//! Every function answers `{"type":"success", ...}` or `{"type":"failure","error":{...}}`.
//! The `*_json` functions are plain Rust (the CLI's tests compare them with its output); the
//! `#[wasm_bindgen]` functions return the same document as a JavaScript object.

use serde_json::{json, Value};

use crate::model::LoadError;
use crate::synth::{synthesize, TemplateFormat};
use crate::{analyze, load, rules, PriceTable};

fn failure(e: &LoadError, input: &str) -> Value {
    json!({ "type": "failure", "error": { "input": input, "path": e.path(), "message": e.to_string() } })
}

fn prices(json: Option<&str>) -> Result<PriceTable, Value> {
    match json {
        None => Ok(PriceTable::builtin().clone()),
        Some(text) => PriceTable::from_json(text).map_err(|e| failure(&e, "prices")),
    }
}

fn answer(v: Result<Value, Value>) -> String {
    serde_json::to_string(&v.unwrap_or_else(|e| e)).unwrap_or_default()
}

/// Findings, as `tandem check --format json` reports them (without the file name).
pub fn check_json(topology: &str, price_table: Option<&str>) -> String {
    answer((|| {
        let t = load(topology).map_err(|e| failure(&e, "topology"))?;
        let p = prices(price_table)?;
        let report = rules::check_with(&t, &p);
        let errors = report.count(rules::Severity::Error);
        Ok(
            json!({ "type": "success", "errors": errors, "findings": report.findings, "suppressed": report.suppressed }),
        )
    })())
}

/// RPO, RTO and cost, as `tandem analyze --format json` reports them.
pub fn analyze_json(topology: &str, price_table: Option<&str>) -> String {
    answer((|| {
        let t = load(topology).map_err(|e| failure(&e, "topology"))?;
        let p = prices(price_table)?;
        let a = analyze(&t, &p);
        Ok(json!({ "type": "success", "rpo": a.rpo, "rto": a.rto, "cost": a.cost }))
    })())
}

/// Every file `tandem synth` writes, by name.
pub fn synth_json(topology: &str, yaml: bool) -> String {
    answer((|| {
        let t = load(topology).map_err(|e| failure(&e, "topology"))?;
        let format = if yaml {
            TemplateFormat::Yaml
        } else {
            TemplateFormat::Json
        };
        let files: serde_json::Map<String, Value> = synthesize(&t)
            .files(format)
            .into_iter()
            .map(|f| (f.name, Value::String(f.contents)))
            .collect();
        Ok(json!({ "type": "success", "files": files }))
    })())
}

/// Outage simulations of the synthesized stacks, as `tandem simulate --format json` writes
/// them: one document for a scenario name, an array for `all`.
pub fn simulate_json(topology: &str, scenario: &str) -> String {
    use crate::simulate::{simulate_topology, Scenario};
    answer((|| {
        let t = load(topology).map_err(|e| failure(&e, "topology"))?;
        let simulation = if scenario == "all" {
            let all: Vec<_> = Scenario::ALL
                .iter()
                .map(|s| simulate_topology(&t, *s))
                .collect();
            serde_json::to_value(all).unwrap_or(Value::Null)
        } else {
            let s = Scenario::parse(scenario).ok_or_else(|| {
                json!({ "type": "failure", "error": { "input": "scenario", "path": null, "message": format!("no scenario `{scenario}`") } })
            })?;
            serde_json::to_value(simulate_topology(&t, s)).unwrap_or(Value::Null)
        };
        Ok(json!({ "type": "success", "simulation": simulation }))
    })())
}

/// The Pareto front of designs, as `tandem optimize --format json` writes it. `limits` is
/// JSON text (`{"maxCost": 2500, "maxRtoSeconds": 900, "maxRpoSeconds": 60}`, each optional).
pub fn optimize_json(topology: &str, limits: Option<&str>, price_table: Option<&str>) -> String {
    answer((|| {
        let t = load(topology).map_err(|e| failure(&e, "topology"))?;
        let limits: crate::Limits = match limits {
            None => crate::Limits::default(),
            Some(text) => serde_json::from_str(text).map_err(|e| {
                json!({ "type": "failure", "error": { "input": "limits", "path": null, "message": e.to_string() } })
            })?,
        };
        let p = prices(price_table)?;
        let report = crate::optimize(&t, &p, &limits);
        let mut v = serde_json::to_value(report).unwrap_or(Value::Null);
        if let Some(map) = v.as_object_mut() {
            map.insert("type".into(), json!("success"));
        }
        Ok(v)
    })())
}

#[cfg(target_arch = "wasm32")]
pub mod js {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(typescript_custom_section)]
    const TYPES: &'static str = r#"
export interface Failure { type: "failure"; error: { input: "topology" | "prices"; path: string | null; message: string } }
export interface Edit { op: "set" | "remove" | "push"; path: string; value?: unknown }
export interface Finding { rule: string; severity: "error" | "warning" | "info"; area: string; path: string; message: string; help: string; fix?: { title: string; edits: Edit[] } }
export type CheckAnswer = { type: "success"; errors: number; findings: Finding[]; suppressed: Finding[] } | Failure;
export interface Phase { id: string; title: string; startSeconds: number; seconds: number; formula: string; source: string; path: string; events?: TimelineEvent[] }
export interface StoreRpo { store: string; kind: string; path: string; durable: boolean; typicalSeconds: number | null; boundSeconds: number | null; boundPercentile: number | null; basis: string; source: string }
export interface CostLine { side: "primary" | "secondary"; region: string; service: string; item: string; quantity: number; unit: string; unitPrice: number; freeQuantity?: number; amount: number; formula: string; priceItem: string; priceSource: string; priceAsOf: string }
export type AnalyzeAnswer = { type: "success"; rpo: { stores: StoreRpo[]; worst: number | null; typicalSeconds: number | null; worstBound: number | null; boundSeconds: number | null }; rto: { scenario: "region-outage"; phases: Phase[]; totalSeconds: number | null; unmeasured?: string }; cost: { lines: CostLine[]; primaryTotal: number; secondaryTotal: number; total: number; byService: [string, number][]; missing: { side: "primary" | "secondary"; region: string; item: string }[]; currency: string } } | Failure;
export type SynthAnswer = { type: "success"; files: Record<string, string> } | Failure;
export interface Violation { id: string; message: string; resource: string; t: number }
export interface TimelineEvent { t: number; region: string; component: string; event: string; resource: string }
export interface Simulation { schema: "tandem-simulation/1"; scenario: string; rtoSeconds: number | null; dataLoss: { store: string; kind: string; seconds: number | null }[]; violations: Violation[]; dns: { t: number; value: string }[]; writer: { t: number; value: string }[]; requests: { served: number; rejected: number; errors: number }; timeline: TimelineEvent[]; notes: string[] }
export interface OptimizeLimits { maxCost?: number | null; maxRtoSeconds?: number | null; maxRpoSeconds?: number | null }
export interface OptimizeNumbers { cost: number; costComplete: boolean; rtoSeconds: number; rpoTypicalSeconds: number | null; rpoBoundSeconds: number | null }
export interface OptimizePoint extends OptimizeNumbers { changes: string[]; edits: Edit[]; warnings: string[] }
export type OptimizeAnswer = { type: "success"; schema: "tandem-optimize/1"; limits: OptimizeLimits; current: OptimizeNumbers; currentErrors: number; currentPoint: number | null; points: OptimizePoint[]; dominated: OptimizeNumbers[]; search: { groups: { name: string; choices: number; kept: number }[]; evaluated: number; rejected: number; unloadable: number; front: number } } | { type: "failure"; error: { input: "topology" | "prices" | "limits"; path: string | null; message: string } };
export type SimulateAnswer = { type: "success"; simulation: Simulation | Simulation[] } | { type: "failure"; error: { input: "topology" | "scenario"; path: string | null; message: string } };
"#;

    fn parse(json: &str) -> JsValue {
        js_sys::JSON::parse(json).unwrap_or(JsValue::NULL)
    }

    /// Every finding of a topology (JSON text), priced with `prices` (JSON text) if given.
    #[wasm_bindgen(unchecked_return_type = "CheckAnswer")]
    pub fn check(topology: &str, prices: Option<String>) -> JsValue {
        parse(&super::check_json(topology, prices.as_deref()))
    }

    /// RPO per store, RTO phases and cost lines.
    #[wasm_bindgen(unchecked_return_type = "AnalyzeAnswer")]
    pub fn analyze(topology: &str, prices: Option<String>) -> JsValue {
        parse(&super::analyze_json(topology, prices.as_deref()))
    }

    /// Templates, parameter files, deploy plan, deploy.sh and RUNBOOK.md, by file name.
    #[wasm_bindgen(unchecked_return_type = "SynthAnswer")]
    pub fn synth(topology: &str, yaml: Option<bool>) -> JsValue {
        parse(&super::synth_json(topology, yaml.unwrap_or(false)))
    }

    /// Plays an outage scenario (`region-outage`, ..., or `all`) against the synthesized stacks.
    #[wasm_bindgen(unchecked_return_type = "SimulateAnswer")]
    pub fn simulate(topology: &str, scenario: &str) -> JsValue {
        parse(&super::simulate_json(topology, scenario))
    }

    /// The Pareto front of designs over cost, RTO and RPO, each with the edits from the input;
    /// `limits` (`{ maxCost, maxRtoSeconds, maxRpoSeconds }`, each optional) filter it.
    #[wasm_bindgen(unchecked_return_type = "OptimizeAnswer")]
    pub fn optimize(
        topology: &str,
        #[wasm_bindgen(unchecked_param_type = "OptimizeLimits | null | undefined")] limits: JsValue,
        prices: Option<String>,
    ) -> JsValue {
        let limits = if limits.is_undefined() || limits.is_null() {
            None
        } else {
            js_sys::JSON::stringify(&limits)
                .ok()
                .and_then(|s| s.as_string())
        };
        parse(&super::optimize_json(
            topology,
            limits.as_deref(),
            prices.as_deref(),
        ))
    }

    /// The reference topology, as JSON text (a starting point).
    #[wasm_bindgen(js_name = referenceTopology)]
    pub fn reference_topology() -> String {
        crate::to_json(&crate::presets::reference())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn answers_are_tagged() {
        let t = crate::to_json(&crate::presets::reference());
        let v: serde_json::Value = serde_json::from_str(&super::check_json(&t, None)).unwrap();
        assert_eq!(v["type"], "success");
        let v: serde_json::Value = serde_json::from_str(&super::check_json("{", None)).unwrap();
        assert_eq!(v["type"], "failure");
        let v: serde_json::Value =
            serde_json::from_str(&super::analyze_json(&t, Some("[]"))).unwrap();
        assert_eq!(v["error"]["input"], "prices");
        let v: serde_json::Value = serde_json::from_str(&super::synth_json(&t, true)).unwrap();
        assert!(v["files"]["primary.template.yaml"].is_string());
        let v: serde_json::Value =
            serde_json::from_str(&super::simulate_json(&t, "region-outage")).unwrap();
        assert_eq!(v["simulation"]["schema"], "tandem-simulation/1");
        let v: serde_json::Value = serde_json::from_str(&super::simulate_json(&t, "nope")).unwrap();
        assert_eq!(v["error"]["input"], "scenario");
        let v: serde_json::Value =
            serde_json::from_str(&super::optimize_json(&t, Some(r#"{"maxCost": 1e9}"#), None))
                .unwrap();
        assert_eq!(v["type"], "success");
        assert_eq!(v["schema"], "tandem-optimize/1");
        assert!(v["points"].as_array().is_some_and(|p| !p.is_empty()));
        let v: serde_json::Value =
            serde_json::from_str(&super::optimize_json(&t, Some(r#"{"maxCents": 1}"#), None))
                .unwrap();
        assert_eq!(v["error"]["input"], "limits");
    }
}
