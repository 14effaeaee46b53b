//! Hand-worked scenarios: small stacks in the agreed failover design, with every expected
//! time worked out by hand beside it (`tests/fixtures/simulation/worked/*/expected.json`).
// Helpers of these tests are test code too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;

use tandem_engine::simulate::{simulate, Durations, Input, Objectives, Scenario};

fn worked() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/simulation/worked")
}

#[test]
fn hand_worked_simulations_match_to_the_second() {
    assert!(tandem_tests::files::WORKED.len() >= 3);
    if let Err(failures) = tandem_tests::all_worked() {
        panic!("{failures}");
    }
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

/// The same stacks naming things the other ways CloudFormation allows: the probe by function
/// name, the target cluster by a literal ARN, the trigger's alarm by a literal ARN. Same RTO.
#[test]
fn names_arns_and_refs_resolve_alike() {
    let dir = worked().join("automatic-region-outage");
    let objectives = Objectives {
        rto_seconds: Some(1800),
        rpo_seconds: Some(60),
        approval_seconds: 600,
    };
    let mut input =
        Input::from_folder(|n| std::fs::read_to_string(dir.join(n)).ok(), objectives).unwrap();
    let secondary = &mut input
        .stacks
        .iter_mut()
        .find(|s| s.id == "secondary")
        .unwrap()
        .template;
    let r = &mut secondary["Resources"];
    r["ProbeFunction"]["Properties"]["FunctionName"] = serde_json::json!("shop-probe");
    let subs = &mut r["FailoverStateMachine"]["Properties"]["DefinitionSubstitutions"];
    subs["Probe"] = serde_json::json!("arn:aws:lambda:us-east-2:123456789012:function:shop-probe");
    subs["Target"] =
        serde_json::json!("arn:aws:rds:us-east-2:123456789012:cluster:shop-db-us-east-2");
    r["FailoverTrigger"]["Properties"]["EventPattern"]["resources"] =
        serde_json::json!(["arn:aws:cloudwatch:us-east-2:123456789012:alarm:shop-primary-down"]);
    let s = simulate(
        &input,
        Scenario::RegionOutage,
        &Durations::builtin().unwrap(),
    );
    assert_eq!(s.rto_seconds, Some(251), "{:#?}", s.timeline);
    assert!(s.violations.is_empty(), "{:?}", s.violations);
}
