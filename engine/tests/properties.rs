//! Property tests: no input panics the loader, the rules or the analysis; safer settings never
//! make recovery worse; more usage never costs less.
#![cfg(not(target_arch = "wasm32"))]
// Helpers of the property tests are test code too.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use proptest::prelude::*;
use serde_json::Value;
use tandem_engine::model::{load_value, Consistency, Decision, Step};
use tandem_engine::{analyze, check, presets, PriceTable, Topology};

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "[a-z0-9./-]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{1,10}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every leaf path of a JSON value, as (pointer) strings.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                pointers(x, format!("{at}/{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                pointers(x, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

fn preset_value(i: usize) -> Value {
    let p = &presets::PRESETS[i % presets::PRESETS.len()];
    serde_json::to_value(p.topology()).unwrap()
}

fn run_everything(t: &Topology) {
    let prices = PriceTable::builtin();
    let report = check(t);
    let again = check(t);
    assert_eq!(report, again, "check is deterministic");
    let _ = analyze(t, prices);
    for f in report.findings.iter().filter_map(|f| f.fix.as_ref()) {
        let _ = tandem_engine::apply_fix(t, f);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_json_never_panics_the_loader(v in arb_json()) {
        let _ = load_value(v.clone());
        let _ = tandem_engine::load(&v.to_string());
    }

    #[test]
    fn arbitrary_text_never_panics_the_loader(s in ".{0,200}") {
        let _ = tandem_engine::load(&s);
    }

    #[test]
    fn mutated_topologies_never_panic(
        preset in 0usize..5,
        picks in prop::collection::vec((any::<prop::sample::Index>(), arb_json(), any::<bool>()), 1..6),
    ) {
        let mut v = preset_value(preset);
        for (index, replacement, remove) in picks {
            let mut all = Vec::new();
            pointers(&v, String::new(), &mut all);
            let target = index.get(&all).clone();
            if target.is_empty() {
                continue;
            }
            if remove {
                let (parent, key) = target.rsplit_once('/').unwrap();
                if let Some(Value::Object(m)) = v.pointer_mut(parent) {
                    m.remove(key);
                    continue;
                }
            }
            if let Some(slot) = v.pointer_mut(&target) {
                *slot = replacement;
            }
        }
        if let Ok(t) = load_value(v) {
            run_everything(&t);
        }
    }

    #[test]
    fn valid_numeric_edits_never_panic(
        preset in 0usize..5,
        cidr in (0u8..=255, 0u8..=255, 0u8..=32),
        az in 0u8..6,
        mask in 0u8..33,
        acu in (0u32..520, 0u32..520),
        ttl in 0u32..100_000,
    ) {
        let mut t = presets::PRESETS[preset].topology();
        t.secondary.vpc.cidr = format!("10.{}.{}.0/{}", cidr.0, cidr.1, cidr.2).parse().unwrap();
        t.secondary.vpc.az_count = az;
        t.primary.vpc.tiers.private = Some(mask);
        if let Some(db) = t.database.as_mut() {
            db.min_acu = tandem_engine::model::Acu::saturating(f64::from(acu.0) / 2.0);
            db.max_acu = tandem_engine::model::Acu::saturating(f64::from(acu.1) / 2.0);
        }
        t.dns.ttl_seconds = ttl;
        run_everything(&t);
    }

    /// Safer knobs never make RPO or RTO worse.
    #[test]
    fn safer_settings_never_worsen_recovery(
        preset in 0usize..5,
        interval in prop::sample::select(vec![10u32, 30]),
        threshold in 1u32..=10,
        ttl in 0u32..=300,
        approval in 0u32..=120,
        knob in 0usize..6,
    ) {
        let prices = PriceTable::builtin();
        let mut t = presets::PRESETS[preset].topology();
        t.dns.health_check.interval_seconds = interval;
        t.dns.health_check.failure_threshold = threshold;
        t.dns.ttl_seconds = ttl;
        t.failover.decision = Decision::Manual { approval_minutes: approval };
        t.failover.steps = Step::canonical(t.failover.decision);
        let mut safer = t.clone();
        match knob {
            0 => safer.dns.health_check.interval_seconds = 10,
            1 => safer.dns.health_check.failure_threshold = threshold.saturating_sub(1).max(1),
            2 => safer.dns.ttl_seconds = ttl / 2,
            3 => {
                safer.failover.decision = Decision::Automatic;
                safer.failover.steps = Step::canonical(Decision::Automatic);
            }
            4 => {
                for b in &mut safer.buckets {
                    if let Some(r) = b.replication.as_mut() {
                        r.rtc = true;
                        r.rtc_minutes = 15;
                    }
                }
            }
            _ => {
                for table in &mut safer.tables {
                    table.consistency = Consistency::Strong;
                    table.witness_region = Some("us-west-2".into());
                }
            }
        }
        let (a, b) = (analyze(&t, prices), analyze(&safer, prices));
        let longer = match (a.rto.total_seconds, b.rto.total_seconds) {
            (_, None) => a.rto.total_seconds.is_some(),
            (None, Some(_)) => false,
            (Some(x), Some(y)) => y > x,
        };
        prop_assert!(!longer, "RTO {:?} -> {:?}", a.rto.total_seconds, b.rto.total_seconds);
        let worse = match (a.rpo.typical_seconds, b.rpo.typical_seconds) {
            (_, None) => a.rpo.typical_seconds.is_some(),
            (None, Some(_)) => false,
            (Some(x), Some(y)) => y > x,
        };
        prop_assert!(!worse, "RPO {:?} -> {:?}", a.rpo.typical_seconds, b.rpo.typical_seconds);
    }

    /// Cost never falls when a usage quantity rises.
    #[test]
    fn more_usage_never_costs_less(preset in 0usize..5, field in 0usize..20, factor in 1.0f64..10.0) {
        let prices = PriceTable::builtin();
        let t = presets::PRESETS[preset].topology();
        let mut v = serde_json::to_value(&t).unwrap();
        let keys: Vec<String> = v["workload"].as_object().unwrap().keys().cloned().collect();
        let key = &keys[field % keys.len()];
        let old = v["workload"][key].as_f64().unwrap();
        v["workload"][key] = Value::from(old * factor + 1.0);
        let more = load_value(v).unwrap();
        let (a, b) = (analyze(&t, prices).cost.total, analyze(&more, prices).cost.total);
        prop_assert!(b + 1e-9 >= a, "{key}: {a} -> {b}");
    }
}
