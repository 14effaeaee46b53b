//! Version data the rules and the synthesizer share: which Aurora PostgreSQL versions and Lambda
//! runtimes can be used to create new resources. Kept as tables, not scattered literals, so a
//! change of AWS's support calendar is a one-line edit here.
//!
//! Sources: Aurora PostgreSQL release calendar and cfn-lint 1.58's `engine_version_deprecated`
//! data (W3690); Lambda runtime deprecation calendar and cfn-lint's `LmbdRuntimeLifecycle` (W2531).

/// Aurora PostgreSQL versions that accept new clusters (global database and Serverless v2).
pub const AURORA_POSTGRES_SUPPORTED: &[&str] = &[
    "15.13", "15.14", "15.15", "15.16", "15.17", "15.18", "15.19", "16.9", "16.10", "16.11",
    "16.12", "16.13", "16.14", "16.15", "17.5", "17.6", "17.7", "17.8", "17.9", "17.10", "17.11",
];

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

/// Regions that may host a DynamoDB multi-region strongly consistent table or its witness.
pub const MRSC_REGIONS: &[&str] = &["us-east-1", "us-east-2", "us-west-2"];

/// Regions Tandem knows (they have API Gateway and Route 53 alias zone ids, and prices).
pub const KNOWN_REGIONS: &[&str] = &["us-east-1", "us-east-2", "us-west-1", "us-west-2"];

pub fn aurora_version_supported(version: &str) -> bool {
    AURORA_POSTGRES_SUPPORTED.contains(&version)
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
