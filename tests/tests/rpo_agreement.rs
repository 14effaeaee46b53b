//! `analyze` and `simulate` agree: the data the `region-outage` simulation loses per durable
//! store is the analysis's typical RPO for that store, and the analysis's RTO is the
//! simulation's measured one.
#![cfg(not(target_arch = "wasm32"))]

use tandem_engine::presets::PRESETS;
use tandem_engine::simulate::{simulate_topology, Scenario};
use tandem_engine::{analyze, PriceTable};

/// The simulator's store kinds, as the analysis names them.
fn kind(sim_kind: &str) -> &str {
    match sim_kind {
        "s3-rtc" => "s3",
        "dynamodb-strong" => "dynamodb",
        other => other,
    }
}

#[test]
fn analysis_and_simulation_agree_on_every_preset() {
    for preset in PRESETS {
        let t = preset.topology();
        let a = analyze(&t, PriceTable::builtin());
        let s = simulate_topology(&t, Scenario::RegionOutage);
        assert_eq!(
            a.rto.total_seconds,
            s.rto_seconds.map(|x| x as f64),
            "{}: RTO",
            preset.id
        );
        let mut simulated: Vec<(String, Option<u64>)> = s
            .data_loss
            .iter()
            .filter(|l| l.durable)
            .map(|l| (kind(&l.kind).to_string(), l.seconds))
            .collect();
        simulated.sort();
        // Every durable store the simulator plays (the replicated ones in the templates) has its
        // analysed typical value; stores only restored from backups are the analysis's alone.
        let mut analysed: Vec<(String, Option<u64>)> = a
            .rpo
            .stores
            .iter()
            .filter(|x| x.durable)
            .map(|x| {
                (
                    serde_json::to_value(x.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    x.typical_seconds.map(|v| v as u64),
                )
            })
            .filter(|x| simulated.iter().any(|(k, _)| *k == x.0))
            .collect();
        analysed.sort();
        assert!(!simulated.is_empty(), "{}: no durable store", preset.id);
        assert_eq!(analysed, simulated, "{}: data lost per store", preset.id);
    }
}
