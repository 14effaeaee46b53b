//! Hand-worked scenarios: small stacks in the agreed failover design, with every expected
//! time worked out by hand beside it (`tests/fixtures/simulation/worked/*/expected.json`).
// Helpers of these tests are test code too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};

use serde_json::Value;
use tandem_engine::simulate::{simulate, Durations, Input, Objectives, Scenario};

fn worked() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/simulation/worked")
}

fn check(dir: &Path) {
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let o = &expected["objectives"];
    let objectives = Objectives {
        rto_seconds: o["rtoSeconds"].as_u64(),
        rpo_seconds: o["rpoSeconds"].as_u64(),
        approval_seconds: o["approvalSeconds"].as_u64().unwrap(),
    };
    let input =
        Input::from_folder(|n| std::fs::read_to_string(dir.join(n)).ok(), objectives).unwrap();
    let scenario = Scenario::parse(expected["scenario"].as_str().unwrap()).unwrap();
    let s = simulate(&input, scenario, &Durations::builtin().unwrap());
    let name = dir.file_name().unwrap().to_string_lossy().to_string();
    assert_eq!(
        s.rto_seconds,
        expected["rtoSeconds"]["value"].as_u64(),
        "{name}: RTO ({})",
        expected["rtoSeconds"]["why"]
    );
    for e in expected["events"].as_array().unwrap() {
        let (t, event) = (e["t"].as_u64().unwrap(), e["event"].as_str().unwrap());
        let found: Vec<u64> = s
            .timeline
            .iter()
            .filter(|x| x.event == event)
            .map(|x| x.t)
            .collect();
        assert!(
            found.contains(&t),
            "{name}: `{event}` expected at {t} s ({}), found at {found:?}",
            e["why"]
        );
    }
    let dns: Vec<(u64, String)> = s.dns.iter().map(|c| (c.t, c.value.clone())).collect();
    let want: Vec<(u64, String)> = serde_json::from_value(expected["dns"].clone()).unwrap();
    assert_eq!(dns, want, "{name}: DNS change points");
    let ids: Vec<&str> = s.violations.iter().map(|v| v.id.as_str()).collect();
    let want: Vec<String> = serde_json::from_value(expected["violations"].clone()).unwrap();
    assert_eq!(ids, want, "{name}: violations {:?}", s.violations);
}

#[test]
fn manual_region_outage() {
    check(&worked().join("manual-region-outage"));
}

#[test]
fn automatic_region_outage() {
    check(&worked().join("automatic-region-outage"));
}

#[test]
fn automatic_partition() {
    check(&worked().join("automatic-partition"));
}

/// The verdicts can fail: the manual stacks with the switch check replaced by the endpoint
/// check move DNS at 30 s, long before the promotion, and a 60 s RTO objective flags it.
#[test]
fn moving_dns_before_promotion_is_reported() {
    let dir = worked().join("manual-region-outage");
    let objectives = Objectives {
        rto_seconds: Some(60),
        rpo_seconds: Some(60),
        approval_seconds: 600,
    };
    let mut input =
        Input::from_folder(|n| std::fs::read_to_string(dir.join(n)).ok(), objectives).unwrap();
    let primary = &mut input
        .stacks
        .iter_mut()
        .find(|s| s.id == "primary")
        .unwrap()
        .template;
    primary["Resources"]["PrimaryRecord"]["Properties"]["HealthCheckId"] =
        serde_json::json!({"Ref": "EndpointCheck"});
    let s = simulate(
        &input,
        Scenario::RegionOutage,
        &Durations::builtin().unwrap(),
    );
    let v = s.violations.iter().find(|v| v.id == "E6002").unwrap();
    assert_eq!((v.resource.as_str(), v.t), ("primary/PrimaryRecord", 30));
}
