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
