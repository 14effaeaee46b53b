//! Version data the rules and the synthesizer share: which Aurora PostgreSQL versions and Lambda
//! runtimes can be used to create new resources. Kept as tables, not scattered literals, so a
//! change of AWS's support calendar is a one-line edit here.
//!
//! Sources: cfn-lint 1.58's Aurora PostgreSQL `engine_version` (E3690) and
//! `engine_version_deprecated` (W3690) data, copied to `data/aurora-postgresql-versions.json`;
//! Lambda runtime deprecation calendar and cfn-lint's `LmbdRuntimeLifecycle` (W2531).

/// The Aurora PostgreSQL versions CloudFormation accepts for a new cluster, as cfn-lint knows
/// them (`data/aurora-postgresql-versions.json`, copied from cfn-lint with its source noted).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuroraVersions {
    pub source: String,
    pub as_of: String,
    pub note: String,
    /// The first minor Tandem offers in each major (`"17": "17.5"`).
    pub offered_from: std::collections::BTreeMap<String, String>,
    /// Every `EngineVersion` cfn-lint's E3690 accepts for `aurora-postgresql`.
    pub accepted: Vec<String>,
    /// Those cfn-lint's W3690 reports as deprecated.
    pub deprecated: Vec<String>,
}

static AURORA_VERSIONS: std::sync::LazyLock<(AuroraVersions, Vec<String>)> =
    std::sync::LazyLock::new(|| {
        // The shipped file is checked by a test; should it fail to parse, no version is offered
        // and E3007 reports every one, never silently accepting a version.
        let data: AuroraVersions =
            serde_json::from_str(include_str!("../data/aurora-postgresql-versions.json"))
                .unwrap_or(AuroraVersions {
                    source: String::new(),
                    as_of: String::new(),
                    note: String::new(),
                    offered_from: Default::default(),
                    accepted: Vec::new(),
                    deprecated: Vec::new(),
                });
        let mut offered: Vec<String> = data
            .accepted
            .iter()
            .filter(|v| !data.deprecated.contains(v))
            .filter(|v| {
                let Some((major, minor)) = minor_of(v) else {
                    return false;
                };
                data.offered_from
                    .get(major)
                    .and_then(|from| minor_of(from))
                    .is_some_and(|(_, first)| minor >= first)
            })
            .cloned()
            .collect();
        offered.sort_by_key(|v| {
            minor_of(v).map(|(major, minor)| (major.parse::<u32>().unwrap_or(0), minor))
        });
        (data, offered)
    });

/// `"17.10"` as (`"17"`, 10); `None` for anything else (`"17"`, `"16.9-limitless"`).
fn minor_of(version: &str) -> Option<(&str, u32)> {
    let (major, minor) = version.split_once('.')?;
    if major.is_empty() || !major.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((major, minor.parse().ok()?))
}

/// The cfn-lint data the offered versions come from.
pub fn aurora_versions() -> &'static AuroraVersions {
    &AURORA_VERSIONS.0
}

/// Aurora PostgreSQL versions Tandem offers for new clusters (global database and Serverless
/// v2), oldest first: accepted by CloudFormation, not deprecated, from the first supported minor.
pub fn aurora_postgres_supported() -> &'static [String] {
    &AURORA_VERSIONS.1
}

/// The version new topologies and fixes use.
pub const AURORA_POSTGRES_DEFAULT: &str = "17.7";

/// Lambda runtimes that accept new functions.
pub const LAMBDA_RUNTIMES_SUPPORTED: &[&str] = &[
    "nodejs22.x",
    "nodejs24.x",
    "python3.12",
    "python3.13",
    "python3.14",
    "java21",
    "provided.al2023",
];

/// The runtime new functions and fixes use.
pub const LAMBDA_RUNTIME_DEFAULT: &str = "nodejs24.x";

/// The part of a region's Lambda concurrency quota that reservations may never take: Lambda
/// refuses a reservation that leaves fewer unreserved
/// (<https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html>).
pub const LAMBDA_UNRESERVED_MINIMUM: u32 = 100;

/// Regions that may host a DynamoDB multi-region strongly consistent table or its witness.
pub const MRSC_REGIONS: &[&str] = &["us-east-1", "us-east-2", "us-west-2"];

/// Regions Tandem knows (they have API Gateway and Route 53 alias zone ids, and prices).
pub const KNOWN_REGIONS: &[&str] = &["us-east-1", "us-east-2", "us-west-1", "us-west-2"];

pub fn aurora_version_supported(version: &str) -> bool {
    aurora_postgres_supported().iter().any(|v| v == version)
}

pub fn runtime_supported(runtime: &str) -> bool {
    LAMBDA_RUNTIMES_SUPPORTED.contains(&runtime)
}

/// The default runtime of the same family (`nodejs18.x` -> `nodejs24.x`).
pub fn runtime_successor(runtime: &str) -> &'static str {
    if runtime.starts_with("python") {
        "python3.13"
    } else if runtime.starts_with("java") {
        "java21"
    } else if runtime.starts_with("provided") {
        "provided.al2023"
    } else {
        LAMBDA_RUNTIME_DEFAULT
    }
}

/// An AWS Region from `data/regions.json`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Region {
    pub code: String,
    pub name: String,
}

/// The AWS Regions that exist, as data with its source (`engine/data/regions.json`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegionList {
    pub source: String,
    pub as_of: String,
    pub note: String,
    pub regions: Vec<Region>,
}

static REGIONS: std::sync::LazyLock<RegionList> = std::sync::LazyLock::new(|| {
    // The shipped list is checked by a test; should it fail to parse, every region is
    // reported as unknown (E3020), never silently accepted.
    serde_json::from_str(include_str!("../data/regions.json")).unwrap_or(RegionList {
        source: String::new(),
        as_of: String::new(),
        note: String::new(),
        regions: Vec::new(),
    })
});

/// The AWS Regions list shipped with Tandem.
pub fn aws_regions() -> &'static RegionList {
    &REGIONS
}

/// Whether AWS has a region with this code.
pub fn is_aws_region(code: &str) -> bool {
    REGIONS.regions.iter().any(|r| r.code == code)
}

/// The region whose code is closest to `code` (at most two edits away), other than those in
/// `avoid` (the other side's region): the likely intent behind a typo such as `us-east-9`.
pub fn closest_region(code: &str, avoid: &[&str]) -> Option<&'static str> {
    REGIONS
        .regions
        .iter()
        .filter(|r| !avoid.contains(&r.code.as_str()))
        .map(|r| (edit_distance(&r.code, code), r.code.as_str()))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or(usize::MAX);
            let left = row.get(j).copied().unwrap_or(usize::MAX);
            let value = (prev + usize::from(ca != *cb))
                .min(above.saturating_add(1))
                .min(left.saturating_add(1));
            prev = above;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = value;
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_region_list_parses_and_names_its_source() {
        let list: RegionList = serde_json::from_str(include_str!("../data/regions.json")).unwrap();
        assert!(list.source.starts_with("https://docs.aws.amazon.com/"));
        assert_eq!(list.as_of.len(), 10);
        assert!(list.regions.len() > 30);
        for known in KNOWN_REGIONS.iter().chain(MRSC_REGIONS) {
            assert!(is_aws_region(known), "{known}");
        }
        assert!(is_aws_region("eu-west-1"));
        assert!(!is_aws_region("us-east-9"));
        assert!(!is_aws_region("Ohio"));
    }

    #[test]
    fn the_aurora_versions_come_from_cfn_lint_data() {
        let data: AuroraVersions =
            serde_json::from_str(include_str!("../data/aurora-postgresql-versions.json")).unwrap();
        assert!(data.source.starts_with("cfn-lint "));
        assert_eq!(data.as_of.len(), 10);
        let offered = aurora_postgres_supported();
        assert!(offered.len() >= 10, "{offered:?}");
        for v in offered {
            assert!(data.accepted.contains(v), "{v}");
            assert!(!data.deprecated.contains(v), "{v}");
        }
        // Versions cfn-lint's E3690 rejects are never offered.
        for rejected in ["17.8", "16.12", "15.16", "16.9-limitless", "17"] {
            assert!(!aurora_version_supported(rejected), "{rejected}");
        }
        assert!(aurora_version_supported(AURORA_POSTGRES_DEFAULT));
        assert!(!aurora_version_supported("15.4"));
        assert_eq!(minor_of("17.10"), Some(("17", 10)));
        assert_eq!(minor_of("17.9-limitless"), None);
    }

    #[test]
    fn a_typo_suggests_the_nearest_region() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(closest_region("eu-wset-1", &[]), Some("eu-west-1"));
        assert_eq!(
            closest_region("us-east-9", &["us-east-1"]),
            Some("us-east-2")
        );
        assert_eq!(
            closest_region("us-east-9", &["us-east-2"]),
            Some("us-east-1")
        );
        assert_eq!(closest_region("Ohio", &[]), None);
    }
}
