//! The 10x topology the console's speed is measured on (`tests/fixtures/scale/10x.json`, the
//! reference with every list grown tenfold) is a valid design: it loads, has no error finding,
//! and fails over cleanly in every outage scenario.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use tandem_engine::simulate::{simulate_topology, Scenario};

#[test]
fn the_10x_fixture_is_ten_times_the_reference_and_sound() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scale/10x.json"),
    )
    .unwrap();
    let t = tandem_engine::load(&text).unwrap();
    assert_eq!(
        (
            t.functions.len(),
            t.tables.len(),
            t.buckets.len(),
            t.queues.len(),
            t.topics.len(),
            t.alarms.len()
        ),
        (30, 10, 20, 10, 10, 60)
    );
    let report = tandem_engine::check(&t);
    assert_eq!(
        report.count(tandem_engine::Severity::Error),
        0,
        "{:?}",
        report.findings
    );
    for scenario in Scenario::ALL {
        let s = simulate_topology(&t, scenario);
        assert!(s.violations.is_empty(), "{scenario:?}: {:?}", s.violations);
    }
}
