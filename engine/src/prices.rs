//! The price table: data, not constants. Every price carries its source and as-of date, and a
//! user can replace the whole table (same format) in the console or with `--prices`.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::model::LoadError;

/// One unit price in one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Price {
    pub region: String,
    /// The priced item (`nat.hour`); see [`ITEMS`].
    pub item: String,
    pub usd: f64,
    pub unit: String,
    pub source: String,
    pub as_of: String,
}

/// The price of moving a GB from one region to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TransferPrice {
    pub from: String,
    pub to: String,
    pub usd: f64,
    pub unit: String,
    pub source: String,
    pub as_of: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PriceTable {
    pub version: u32,
    pub currency: String,
    pub prices: Vec<Price>,
    #[serde(default)]
    pub transfer: Vec<TransferPrice>,
    /// AWS's always-free tiers, per account and month across regions; applied only when the
    /// topology's `workload.freeTiers` is on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub free_tiers: Vec<FreeTier>,
}

/// An always-free allowance, in the priced item's unit (`lambda.requestsMillion`: 1 = one
/// million requests a month).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FreeTier {
    pub item: String,
    pub quantity: f64,
    pub description: String,
    pub source: String,
    pub as_of: String,
}

/// Every item the cost model prices, per region.
pub const ITEMS: &[&str] = &[
    "nat.hour",
    "nat.gb",
    "endpoint.azHour",
    "endpoint.gb",
    "aurora.acuHour",
    "aurora.acuHourIoOptimized",
    "aurora.storageGbMonth",
    "aurora.storageGbMonthIoOptimized",
    "aurora.ioMillion",
    "aurora.replicatedIoMillion",
    "dynamodb.writeMillion",
    "dynamodb.readMillion",
    "dynamodb.storageGbMonth",
    "dynamodb.pitrGbMonth",
    "s3.storageGbMonth",
    "s3.putThousand",
    "s3.getThousand",
    "s3.rtcGb",
    "route53.zoneMonth",
    "route53.queriesMillion",
    "route53.healthCheckMonth",
    "route53.healthCheckOptionMonth",
    "states.transitionsThousand",
    "lambda.requestsMillion",
    "lambda.gbSecond",
    "apigateway.restMillion",
    "cloudwatch.alarmMonth",
    "sns.publishMillion",
    "sqs.requestsMillion",
    "events.customMillion",
    "events.archiveGb",
    "events.archiveStorageGbMonth",
    "secrets.secretMonth",
    "kms.keyMonth",
    "kms.requestsTenThousand",
    "vpc.publicIpv4Hour",
    "logs.ingestGb",
    "logs.storageGbMonth",
    "cloudwatch.metricMonth",
    "cloudwatch.requestsThousand",
    "xray.tracesMillion",
    "backup.auroraGbMonth",
    "backup.dynamodbGbMonth",
    "backup.s3GbMonth",
];

static BUILTIN: LazyLock<PriceTable> = LazyLock::new(|| {
    // The shipped table is checked by a test; should it ever fail to parse, pricing reports
    // every item as missing (a finding per region), never a silent zero.
    PriceTable::from_json(include_str!("../data/prices.json")).unwrap_or(PriceTable {
        version: 1,
        currency: "USD".into(),
        prices: Vec::new(),
        transfer: Vec::new(),
        free_tiers: Vec::new(),
    })
});

impl PriceTable {
    /// The table shipped with Tandem (`engine/data/prices.json`).
    pub fn builtin() -> &'static PriceTable {
        &BUILTIN
    }

    /// Reads a table, naming the field of any error.
    pub fn from_json(json: &str) -> Result<PriceTable, LoadError> {
        let de = &mut serde_json::Deserializer::from_str(json);
        let table: PriceTable = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            LoadError::Field {
                path,
                message: e.into_inner().to_string(),
            }
        })?;
        for (i, p) in table.prices.iter().enumerate() {
            if !p.usd.is_finite() || p.usd < 0.0 {
                return Err(LoadError::Field {
                    path: format!("prices[{i}].usd"),
                    message: format!("`{}` is not a price: expected 0 or more", p.usd),
                });
            }
            if !ITEMS.contains(&p.item.as_str()) {
                return Err(LoadError::Field {
                    path: format!("prices[{i}].item"),
                    message: format!("`{}` is not an item Tandem prices", p.item),
                });
            }
        }
        for (i, f) in table.free_tiers.iter().enumerate() {
            if !f.quantity.is_finite() || f.quantity < 0.0 {
                return Err(LoadError::Field {
                    path: format!("freeTiers[{i}].quantity"),
                    message: format!("`{}` is not a quantity: expected 0 or more", f.quantity),
                });
            }
            if !ITEMS.contains(&f.item.as_str()) {
                return Err(LoadError::Field {
                    path: format!("freeTiers[{i}].item"),
                    message: format!("`{}` is not an item Tandem prices", f.item),
                });
            }
        }
        Ok(table)
    }

    pub fn get(&self, region: &str, item: &str) -> Option<&Price> {
        self.prices
            .iter()
            .find(|p| p.region == region && p.item == item)
    }

    pub fn transfer(&self, from: &str, to: &str) -> Option<&TransferPrice> {
        self.transfer.iter().find(|p| p.from == from && p.to == to)
    }

    /// Whether the table prices anything in the region.
    pub fn covers(&self, region: &str) -> bool {
        self.prices.iter().any(|p| p.region == region)
    }

    /// Items the region lacks.
    pub fn missing_items(&self, region: &str) -> Vec<&'static str> {
        ITEMS
            .iter()
            .copied()
            .filter(|item| self.get(region, item).is_none())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_table_parses_and_covers_three_regions() {
        let table = PriceTable::from_json(include_str!("../data/prices.json")).unwrap();
        for region in ["us-east-1", "us-east-2", "us-west-2"] {
            assert!(table.missing_items(region).is_empty(), "{region}");
        }
        for p in &table.prices {
            assert!(p.source.starts_with("https://"), "{p:?}");
            assert_eq!(p.as_of.len(), 10, "{p:?}");
        }
        assert_eq!(table.transfer("us-east-1", "us-east-2").unwrap().usd, 0.01);
    }

    #[test]
    fn a_bad_price_names_its_field() {
        let err = PriceTable::from_json(
            r#"{"version":1,"currency":"USD","prices":[{"region":"us-east-1","item":"nat.hour","usd":-1,"unit":"h","source":"x","asOf":"2026-01-01"}]}"#,
        )
        .unwrap_err();
        assert_eq!(err.path(), Some("prices[0].usd"));
        let err =
            PriceTable::from_json(r#"{"version":1,"currency":"USD","prices":[{}]}"#).unwrap_err();
        assert!(err.to_string().starts_with("prices[0]"), "{err}");
    }
}
