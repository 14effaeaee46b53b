//! `tandem prices import`: AWS Price List offer-file excerpts (`tests/fixtures/offers/`) in,
//! a Tandem price table out, which the loader accepts and which prices the reference like the
//! built-in table wherever both have the price.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::path::Path;

use tandem_engine::offers::import;
use tandem_engine::{analyze, PriceTable};

fn fixtures() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/offers");
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn the_import_round_trips_through_the_price_table_loader() {
    let first = import(&fixtures()).unwrap();
    let json = serde_json::to_string_pretty(&first.table).unwrap();
    let loaded = PriceTable::from_json(&json).unwrap();
    assert_eq!(loaded, first.table);
    assert_eq!(import(&fixtures()).unwrap(), first);
    // Each price names its offer file, publication date and SKU.
    for p in &first.table.prices {
        assert!(p.source.contains(".json ("), "{}", p.source);
        assert!(p.source.contains("published 2026-03-01"), "{}", p.source);
        assert!(p.source.contains("SKU "), "{}", p.source);
        assert_eq!(p.as_of, "2026-03-01");
    }
    let price = |region: &str, item: &str| loaded.get(region, item).map(|p| p.usd);
    // The PostgreSQL SKU, not the MySQL decoy; the lowest charging tier, not a $0 free tier.
    assert_eq!(price("us-east-2", "aurora.acuHour"), Some(0.12));
    assert_eq!(price("us-east-1", "sqs.requestsMillion"), Some(0.4));
    assert_eq!(price("us-east-1", "s3.storageGbMonth"), Some(0.023));
    assert_eq!(price("us-east-1", "lambda.requestsMillion"), Some(0.2));
    assert_eq!(price("us-east-2", "nat.hour"), Some(0.045));
    assert_eq!(
        loaded.transfer("us-east-1", "us-east-2").map(|p| p.usd),
        Some(0.01)
    );
    // What the files do not hold is listed, not invented.
    assert!(price("us-east-1", "route53.zoneMonth").is_none());
    assert!(first
        .not_found
        .contains(&("us-east-1".to_string(), "route53.zoneMonth".to_string())));
}

#[test]
fn the_imported_table_prices_the_reference_like_the_builtin_one() {
    let imported = import(&fixtures()).unwrap().table;
    let t = tandem_engine::presets::reference();
    let ours = analyze(&t, &imported).cost;
    let builtin = analyze(&t, PriceTable::builtin()).cost;
    let mut shared = 0;
    for line in &ours.lines {
        let same = builtin
            .lines
            .iter()
            .find(|l| l.side == line.side && l.item == line.item && l.price_item == line.price_item)
            .unwrap();
        assert!(
            (same.amount - line.amount).abs() < 1e-9,
            "{} {}: {} vs {}",
            line.region,
            line.item,
            line.amount,
            same.amount
        );
        shared += 1;
    }
    assert!(shared >= 30, "only {shared} shared lines");
    // Everything the imported table lacks is reported, so the total is a lower bound.
    assert!(!ours.complete());
    for line in &builtin.lines {
        let priced = ours
            .lines
            .iter()
            .any(|l| l.side == line.side && l.item == line.item);
        let reported = ours.missing.iter().any(|m| {
            m.side == line.side && (m.item == line.price_item || m.item.starts_with("transfer to"))
        });
        assert!(priced || reported, "{} {} vanished", line.region, line.item);
    }
}

#[test]
fn a_broken_offer_file_is_an_error_naming_it() {
    let err = import(&[(
        "AmazonEC2-us-east-1.json".into(),
        r#"{"offerCode": "AmazonEC2", "publicationDate": "2026-03-01T00:00:00Z", "products": {"X": {}}, "terms": {}}"#.into(),
    )])
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("AmazonEC2-us-east-1.json: products.X"),
        "{err}"
    );
}
