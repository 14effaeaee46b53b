//! Events forwarded to the secondary region are kept there: the receiving bus has an archive
//! (retention from `events.forwarding.archiveRetentionDays`) and a consumer rule sending them
//! to a KMS-encrypted queue with a dead-letter queue; both are priced, and the simulator counts
//! forwarded events as reaching the secondary only when its bus keeps them.
#![cfg(not(target_arch = "wasm32"))]
// Helpers of these tests are test code too.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use serde_json::Value;
use tandem_engine::model::Topology;
use tandem_engine::presets::PRESETS;
use tandem_engine::simulate::{simulate, Durations, Input, Scenario};
use tandem_engine::synth::{synthesize, Synthesis};
use tandem_engine::{analyze, PriceTable};

fn reference() -> Topology {
    PRESETS
        .iter()
        .find(|p| p.id == "reference")
        .unwrap()
        .topology()
}

fn stack<'a>(s: &'a Synthesis, id: &str) -> &'a Value {
    &s.stacks.iter().find(|x| x.id == id).unwrap().template
}

#[test]
fn the_secondary_bus_archives_and_queues_what_the_primary_forwards() {
    for p in PRESETS {
        let t = p.topology();
        let Some(fwd) = t.events.as_ref().and_then(|e| e.forwarding.as_ref()) else {
            continue;
        };
        let s = synthesize(&t);
        let primary = &stack(&s, "primary")["Resources"];
        let base = &stack(&s, "secondary-base")["Resources"];
        let forwarded = &primary["EventForwardingRule"]["Properties"]["EventPattern"];

        let archive = &base["EventArchive"];
        assert_eq!(archive["Type"], "AWS::Events::Archive", "{}", p.id);
        let a = &archive["Properties"];
        assert_eq!(a["SourceArn"]["Fn::GetAtt"][0], "EventBus", "{}", p.id);
        assert_eq!(a["RetentionDays"], fwd.archive_retention_days, "{}", p.id);
        assert_eq!(&a["EventPattern"], forwarded, "{}", p.id);

        let rule = &base["ForwardedEventsRule"]["Properties"];
        assert_eq!(rule["EventBusName"]["Ref"], "EventBus", "{}", p.id);
        assert_eq!(&rule["EventPattern"], forwarded, "{}", p.id);
        let target = &rule["Targets"][0];
        assert_eq!(
            target["Arn"]["Fn::GetAtt"][0], "ForwardedEventsQueue",
            "{}",
            p.id
        );
        assert_eq!(
            target["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0], "ForwardedEventsDeadLetterQueue",
            "{}",
            p.id
        );
        for queue in ["ForwardedEventsQueue", "ForwardedEventsDeadLetterQueue"] {
            let q = &base[queue]["Properties"];
            assert_eq!(q["KmsMasterKeyId"]["Fn::GetAtt"][0], "Key", "{queue}");
            let policy = &base[format!("{queue}Policy")]["Properties"];
            assert_eq!(policy["Queues"][0]["Ref"], queue);
            let st = &policy["PolicyDocument"]["Statement"][0];
            assert_eq!(st["Principal"]["Service"], "events.amazonaws.com");
            assert_eq!(st["Action"], "sqs:SendMessage");
            assert_eq!(
                st["Condition"]["ArnEquals"]["aws:SourceArn"]["Fn::GetAtt"][0],
                "ForwardedEventsRule"
            );
        }
    }
}

#[test]
fn archive_retention_is_the_topology_field_and_is_priced() {
    let mut t = reference();
    let cost_of = |t: &Topology, item: &str| -> f64 {
        analyze(t, PriceTable::builtin())
            .cost
            .lines
            .iter()
            .filter(|l| l.price_item == item)
            .map(|l| l.amount)
            .sum()
    };
    let stored = cost_of(&t, "events.archiveStorageGbMonth");
    assert!(stored > 0.0);
    assert!(cost_of(&t, "events.archiveGb") > 0.0);
    if let Some(f) = t.events.as_mut().and_then(|e| e.forwarding.as_mut()) {
        f.archive_retention_days *= 2;
    }
    let doubled = cost_of(&t, "events.archiveStorageGbMonth");
    assert!(
        (doubled - 2.0 * stored).abs() < 1e-9,
        "{doubled} vs {stored}"
    );
    let s = synthesize(&t);
    let days = t
        .events
        .as_ref()
        .unwrap()
        .forwarding
        .as_ref()
        .unwrap()
        .archive_retention_days;
    assert_eq!(
        stack(&s, "secondary-base")["Resources"]["EventArchive"]["Properties"]["RetentionDays"],
        days
    );
}

#[test]
fn a_topology_without_the_field_loads_with_the_default() {
    let t = reference();
    let mut v: Value = serde_json::from_str(&tandem_engine::to_json(&t)).unwrap();
    let fwd = v.pointer_mut("/events/forwarding").unwrap();
    assert!(
        fwd.get("archiveRetentionDays").is_some(),
        "the field is written out"
    );
    fwd.as_object_mut().unwrap().remove("archiveRetentionDays");
    let loaded = tandem_engine::load(&v.to_string()).unwrap();
    let days = loaded
        .events
        .unwrap()
        .forwarding
        .unwrap()
        .archive_retention_days;
    assert_eq!(days, tandem_engine::model::DEFAULT_ARCHIVE_RETENTION_DAYS);
}

/// The simulator's forwarded-events loss: bounded by the delivery delay while the secondary's
/// bus keeps the events; unbounded, with a note, once the archive and the consumer are removed.
#[test]
fn forwarded_events_count_as_kept_only_where_the_secondary_bus_keeps_them() {
    let t = reference();
    let s = synthesize(&t);
    let durations = Durations::builtin().unwrap();
    let loss = |input: &Input| {
        let sim = simulate(input, Scenario::RegionOutage, &durations);
        let l = sim
            .data_loss
            .iter()
            .find(|l| l.kind == "eventbridge")
            .cloned()
            .unwrap();
        (l.seconds, sim.notes)
    };
    let mut input = Input::from_synthesis(&s, &t);
    let (kept, notes) = loss(&input);
    assert!(kept.is_some(), "{kept:?}");
    assert!(!notes.iter().any(|n| n.contains("are dropped there")));

    let base = input
        .stacks
        .iter_mut()
        .find(|x| x.id == "secondary-base")
        .unwrap();
    let resources = base.template["Resources"].as_object_mut().unwrap();
    resources.remove("EventArchive");
    resources.remove("ForwardedEventsRule");
    let (dropped, notes) = loss(&input);
    assert_eq!(dropped, None);
    assert!(
        notes.iter().any(|n| n.contains("are dropped there")),
        "{notes:?}"
    );
}
