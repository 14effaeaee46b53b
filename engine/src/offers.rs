//! Reading AWS Price List bulk offer files (the JSON a user downloads per service and region,
//! `https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<offer>/current/<region>/index.json`)
//! into Tandem's price table. Each product whose offer and usage type Tandem prices becomes a
//! price whose source names the offer file, its publication date and the SKU.
//!
//! The engine stays pure: the caller reads the files and passes their names and text.

use serde::Deserialize;
use std::collections::BTreeMap;

use crate::model::LoadError;
use crate::prices::{Price, PriceTable, TransferPrice};

/// Which offer product prices which Tandem item: the offer code, the usage type without its
/// region prefix (`USE2-NatGateway-Hours` -> `NatGateway-Hours`), and how many of the offer's
/// units make one of Tandem's (requests are priced per request in offers, per million here).
struct Mapping {
    offer: &'static str,
    usage_type: &'static str,
    item: &'static str,
    scale: f64,
}

const fn m(
    offer: &'static str,
    usage_type: &'static str,
    item: &'static str,
    scale: f64,
) -> Mapping {
    Mapping {
        offer,
        usage_type,
        item,
        scale,
    }
}

/// Usage types as AWS bills them (Cost and Usage Reports show the same names).
const MAPPINGS: &[Mapping] = &[
    m("AmazonEC2", "NatGateway-Hours", "nat.hour", 1.0),
    m("AmazonEC2", "NatGateway-Bytes", "nat.gb", 1.0),
    m("AmazonVPC", "VpcEndpoint-Hours", "endpoint.azHour", 1.0),
    m("AmazonVPC", "VpcEndpoint-Bytes", "endpoint.gb", 1.0),
    m(
        "AmazonVPC",
        "PublicIPv4:InUseAddress",
        "vpc.publicIpv4Hour",
        1.0,
    ),
    m(
        "AmazonRDS",
        "Aurora:ServerlessV2Usage",
        "aurora.acuHour",
        1.0,
    ),
    m(
        "AmazonRDS",
        "Aurora:ServerlessV2IOOptimizedUsage",
        "aurora.acuHourIoOptimized",
        1.0,
    ),
    m(
        "AmazonRDS",
        "Aurora:StorageUsage",
        "aurora.storageGbMonth",
        1.0,
    ),
    m(
        "AmazonRDS",
        "Aurora:IO-OptimizedStorageUsage",
        "aurora.storageGbMonthIoOptimized",
        1.0,
    ),
    m(
        "AmazonRDS",
        "Aurora:StorageIOUsage",
        "aurora.ioMillion",
        1e6,
    ),
    m(
        "AmazonDynamoDB",
        "WriteRequestUnits",
        "dynamodb.writeMillion",
        1e6,
    ),
    m(
        "AmazonDynamoDB",
        "ReadRequestUnits",
        "dynamodb.readMillion",
        1e6,
    ),
    m(
        "AmazonDynamoDB",
        "TimedStorage-ByteHrs",
        "dynamodb.storageGbMonth",
        1.0,
    ),
    m(
        "AmazonDynamoDB",
        "TimedPITRStorage-ByteHrs",
        "dynamodb.pitrGbMonth",
        1.0,
    ),
    m("AmazonS3", "TimedStorage-ByteHrs", "s3.storageGbMonth", 1.0),
    m("AmazonS3", "Requests-Tier1", "s3.putThousand", 1000.0),
    m("AmazonS3", "Requests-Tier2", "s3.getThousand", 1000.0),
    m("AWSLambda", "Request", "lambda.requestsMillion", 1e6),
    m("AWSLambda", "Lambda-GB-Second", "lambda.gbSecond", 1.0),
    m(
        "AmazonApiGateway",
        "ApiGatewayRequest",
        "apigateway.restMillion",
        1e6,
    ),
    m(
        "AWSQueueService",
        "Requests-RBP",
        "sqs.requestsMillion",
        1e6,
    ),
    m("AmazonSNS", "Requests-Tier1", "sns.publishMillion", 1e6),
    m("AWSEvents", "Event-64K-Chunks", "events.customMillion", 1e6),
    m(
        "AmazonStates",
        "StateTransition",
        "states.transitionsThousand",
        1000.0,
    ),
    m(
        "AWSSecretsManager",
        "AWSSecretsManager-Secrets",
        "secrets.secretMonth",
        1.0,
    ),
    m("awskms", "KMS-Keys", "kms.keyMonth", 1.0),
    m(
        "awskms",
        "KMS-Requests",
        "kms.requestsTenThousand",
        10_000.0,
    ),
    m(
        "AmazonCloudWatch",
        "CW:AlarmMonitorUsage",
        "cloudwatch.alarmMonth",
        1.0,
    ),
    m(
        "AmazonCloudWatch",
        "CW:MetricMonitorUsage",
        "cloudwatch.metricMonth",
        1.0,
    ),
    m(
        "AmazonCloudWatch",
        "CW:Requests",
        "cloudwatch.requestsThousand",
        1000.0,
    ),
    m(
        "AmazonCloudWatch",
        "DataProcessing-Bytes",
        "logs.ingestGb",
        1.0,
    ),
    m(
        "AmazonCloudWatch",
        "TimedStorage-ByteHrs",
        "logs.storageGbMonth",
        1.0,
    ),
    m("AWSXRay", "XRay-TracesStored", "xray.tracesMillion", 1e6),
];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Offer {
    offer_code: String,
    publication_date: String,
    products: BTreeMap<String, Product>,
    terms: Terms,
}

#[derive(Deserialize)]
struct Product {
    sku: String,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct Terms {
    #[serde(rename = "OnDemand", default)]
    on_demand: BTreeMap<String, BTreeMap<String, Term>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Term {
    price_dimensions: BTreeMap<String, Dimension>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Dimension {
    #[serde(default)]
    begin_range: String,
    price_per_unit: BTreeMap<String, String>,
}

/// What an import produced: the table, and the Tandem items no offer file priced (per region
/// found in the files), which the table therefore lacks.
#[derive(Debug, Clone, PartialEq)]
pub struct Import {
    pub table: PriceTable,
    pub not_found: Vec<(String, String)>,
}

/// `USE2-NatGateway-Hours` -> `NatGateway-Hours`; `NatGateway-Hours` stays. A region prefix
/// is upper-case letters and digits before the first `-`.
fn strip_region_prefix(usage_type: &str) -> &str {
    match usage_type.split_once('-') {
        Some((prefix, rest))
            if !prefix.is_empty()
                && prefix
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                && prefix.chars().any(|c| c.is_ascii_digit()) =>
        {
            rest
        }
        _ => usage_type,
    }
}

/// The USD price of the lowest tier that charges (a first tier at $0 is a free allowance).
fn on_demand_usd(offer: &Offer, sku: &str) -> Option<f64> {
    let terms = offer.terms.on_demand.get(sku)?;
    let mut tiers: Vec<(f64, f64)> = terms
        .values()
        .flat_map(|t| t.price_dimensions.values())
        .filter_map(|d| {
            let usd: f64 = d.price_per_unit.get("USD")?.parse().ok()?;
            let begin: f64 = d.begin_range.parse().unwrap_or(0.0);
            Some((begin, usd))
        })
        .filter(|(_, usd)| *usd > 0.0 && usd.is_finite())
        .collect();
    tiers.sort_by(|a, b| a.0.total_cmp(&b.0));
    tiers.first().map(|(_, usd)| *usd)
}

/// Reads offer files (`(file name, text)`) into a price table. Products Tandem does not price
/// are skipped; a file that is not an offer file is an error naming the file and field.
pub fn import(files: &[(String, String)]) -> Result<Import, LoadError> {
    let builtin = PriceTable::builtin();
    let mut prices: Vec<Price> = Vec::new();
    let mut transfer: Vec<TransferPrice> = Vec::new();
    let mut regions: Vec<String> = Vec::new();
    for (name, text) in files {
        let de = &mut serde_json::Deserializer::from_str(text);
        let offer: Offer = serde_path_to_error::deserialize(de).map_err(|e| LoadError::Field {
            path: format!("{name}: {}", e.path()),
            message: e.into_inner().to_string(),
        })?;
        let date = offer.publication_date.get(..10).unwrap_or("").to_string();
        let source = |sku: &str| {
            format!(
                "{name} ({} offer, published {}, SKU {sku})",
                offer.offer_code, offer.publication_date
            )
        };
        for product in offer.products.values() {
            let a = &product.attributes;
            let usage = strip_region_prefix(a.get("usagetype").map_or("", String::as_str));
            if offer.offer_code == "AWSDataTransfer"
                && a.get("transferType").map(String::as_str) == Some("InterRegion Outbound")
            {
                let (Some(from), Some(to)) = (a.get("fromRegionCode"), a.get("toRegionCode"))
                else {
                    continue;
                };
                if let Some(usd) = on_demand_usd(&offer, &product.sku) {
                    transfer.push(TransferPrice {
                        from: from.clone(),
                        to: to.clone(),
                        usd,
                        unit: "GB transferred between regions".into(),
                        source: source(&product.sku),
                        as_of: date.clone(),
                    });
                }
                continue;
            }
            let Some(region) = a.get("regionCode") else {
                continue;
            };
            let Some(mapping) = MAPPINGS
                .iter()
                .find(|m| m.offer == offer.offer_code && m.usage_type == usage)
            else {
                continue;
            };
            // Aurora prices one SKU per engine; Tandem runs PostgreSQL.
            if a.get("databaseEngine").is_some_and(|e| e.contains("MySQL")) {
                continue;
            }
            let Some(usd) = on_demand_usd(&offer, &product.sku) else {
                continue;
            };
            if prices
                .iter()
                .any(|p| &p.region == region && p.item == mapping.item)
            {
                continue;
            }
            if !regions.contains(region) {
                regions.push(region.clone());
            }
            let unit = builtin
                .prices
                .iter()
                .find(|p| p.item == mapping.item)
                .map_or_else(|| mapping.item.to_string(), |p| p.unit.clone());
            prices.push(Price {
                region: region.clone(),
                item: mapping.item.into(),
                // Offers quote per request; scaling to per million must not leave
                // 0.19999999999999998 where AWS wrote $0.20.
                usd: (usd * mapping.scale * 1e10).round() / 1e10,
                unit,
                source: source(&product.sku),
                as_of: date.clone(),
            });
        }
    }
    let mut not_found = Vec::new();
    for region in &regions {
        for item in crate::prices::ITEMS {
            if !prices
                .iter()
                .any(|p| &p.region == region && p.item == *item)
            {
                not_found.push((region.clone(), (*item).to_string()));
            }
        }
    }
    Ok(Import {
        table: PriceTable {
            version: 1,
            currency: "USD".into(),
            prices,
            transfer,
            free_tiers: Vec::new(),
        },
        not_found,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_prefixes_are_stripped() {
        assert_eq!(
            strip_region_prefix("USE2-NatGateway-Hours"),
            "NatGateway-Hours"
        );
        assert_eq!(strip_region_prefix("NatGateway-Hours"), "NatGateway-Hours");
        assert_eq!(
            strip_region_prefix("CAN1-Aurora:ServerlessV2Usage"),
            "Aurora:ServerlessV2Usage"
        );
        assert_eq!(strip_region_prefix("Requests-Tier1"), "Requests-Tier1");
        assert_eq!(strip_region_prefix("KMS-Requests"), "KMS-Requests");
    }

    #[test]
    fn a_file_that_is_not_an_offer_names_itself() {
        let err = import(&[("x.json".into(), "{\"products\": {}}".into())]).unwrap_err();
        assert!(err.to_string().starts_with("x.json"), "{err}");
    }
}
