//! The policy engine: rules with stable ids, each in its own file, producing plain-data findings.
//!
//! A rule id is a severity letter (E, W, I) and four digits whose first gives the area:
//! 0 the topology file itself, 1 network, 2 security, 3 cross-region correctness, 4 recovery
//! objectives, 5 cost, 6 simulation (violations found by playing outages against the
//! synthesized stacks; their metadata lives in `simulate::violations`). Ids are never reused. Every rule runs on every check; findings are
//! collected, suppressed where the topology says so (with a reason), and sorted.

mod e0001_suppression_without_reason;
mod e1001_invalid_vpc_cidr;
mod e1002_vpc_cidr_overlap;
mod e1003_subnets_do_not_fit;
mod e1004_private_function_no_route;
mod e1008_function_outside_vpc_reaches_database;
mod e1010_missing_tier;
mod e2001_data_unencrypted;
mod e2002_bucket_public;
mod e2004_deletion_protection_off;
mod e3001_secondary_cluster_credentials;
mod e3002_replication_without_versioning;
mod e3003_rtc_not_15_minutes;
mod e3004_global_table_in_both_stacks;
mod e3005_strong_consistency_without_witness;
mod e3006_auto_pause_on_global_primary;
mod e3007_deprecated_engine_version;
mod e3008_deprecated_runtime;
mod e3009_inconsistent_failover_records;
mod e3010_orchestrator_in_primary;
mod e3011_secret_not_replicated;
mod e3012_bucket_names_not_unique;
mod e3013_same_region;
mod e3016_dangling_reference;
mod e3017_health_check_settings;
mod e3020_unknown_region;
mod e3023_automatic_failover_headless_secondary;
mod e4001_rpo_exceeded;
mod e4002_rto_exceeded;
mod e5001_budget_exceeded;
mod i4003_unbounded_store;
mod w0002_unknown_suppressed_rule;
mod w1005_single_nat;
mod w1006_unused_interface_endpoint;
mod w1007_unused_tier;
mod w1009_single_az;
mod w2003_api_without_authorization;
mod w2005_wildcard_iam;
mod w2006_api_stage_not_logged;
mod w3014_switchover_for_outage;
mod w3015_fixed_promotion_wait;
mod w3018_failover_steps;
mod w3019_forwarding_without_dlq;
mod w3021_failover_ttl;
mod w3022_queue_without_consumer;
mod w3024_reserved_concurrency_quota;
mod w3025_strategy_contradicted;
mod w3026_active_active_is_a_failover_pair;
mod w5002_region_without_prices;

pub use crate::edit::{apply_edit, apply_fix, Edit, Fix};

use serde::{Deserialize, Serialize};

use crate::analysis::{self, Analysis};
use crate::model::Topology;
use crate::prices::PriceTable;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    fn from_letter(letter: char) -> Option<Severity> {
        match letter {
            'E' => Some(Severity::Error),
            'W' => Some(Severity::Warning),
            'I' => Some(Severity::Info),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Area {
    Topology,
    Network,
    Security,
    CrossRegion,
    Objectives,
    Cost,
    Simulation,
}

impl Area {
    fn from_digit(digit: char) -> Option<Area> {
        match digit {
            '0' => Some(Area::Topology),
            '1' => Some(Area::Network),
            '2' => Some(Area::Security),
            '3' => Some(Area::CrossRegion),
            '4' => Some(Area::Objectives),
            '5' => Some(Area::Cost),
            '6' => Some(Area::Simulation),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Area::Topology => "topology",
            Area::Network => "network",
            Area::Security => "security",
            Area::CrossRegion => "cross-region",
            Area::Objectives => "recovery objectives",
            Area::Cost => "cost",
            Area::Simulation => "simulation",
        }
    }
}

/// What a rule is, independent of any topology.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleMeta {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub source: &'static str,
    /// Numbers of the `known-defects.md` entries this rule catches.
    pub defects: &'static [u8],
}

impl RuleMeta {
    pub fn severity(&self) -> Severity {
        self.id
            .chars()
            .next()
            .and_then(Severity::from_letter)
            .unwrap_or(Severity::Error)
    }

    pub fn area(&self) -> Area {
        self.id
            .chars()
            .nth(1)
            .and_then(Area::from_digit)
            .unwrap_or(Area::Topology)
    }
}

/// One problem in one place, with how to fix it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub area: Area,
    /// The field to edit (`secondary.vpc.cidr`, `functions[0].runtime`).
    pub path: String,
    pub message: String,
    pub help: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
}

impl Finding {
    pub(crate) fn new(
        meta: &RuleMeta,
        path: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Finding {
        Finding {
            rule: meta.id.to_string(),
            severity: meta.severity(),
            area: meta.area(),
            path: path.into(),
            message: message.into(),
            help: help.into(),
            fix: None,
        }
    }

    pub(crate) fn with_fix(mut self, fix: Fix) -> Finding {
        self.fix = Some(fix);
        self
    }
}

/// Everything a check reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckReport {
    pub findings: Vec<Finding>,
    /// Findings a suppression in the topology silenced, with the same data.
    pub suppressed: Vec<Finding>,
}

impl CheckReport {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }
}

/// What a rule sees: the topology and its analysis (the objective rules need the numbers).
#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    pub t: &'a Topology,
    pub analysis: &'a Analysis,
    pub prices: &'a PriceTable,
}

impl Ctx<'_> {
    /// A monthly amount priced from the table in use (` (+$0.40/month)`), or nothing when the
    /// table lacks the price: a message never quotes a price from anywhere else.
    pub fn monthly(
        &self,
        region: &str,
        item: &str,
        quantity: f64,
        form: impl Fn(String) -> String,
    ) -> String {
        self.prices
            .get(region, item)
            .map(|p| form(crate::analysis::usd(p.usd * quantity)))
            .unwrap_or_default()
    }
}

pub(crate) struct Rule {
    pub meta: RuleMeta,
    pub check: fn(&Ctx<'_>, &mut Vec<Finding>),
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.meta.id)
    }
}

/// The registry: every rule, in id order.
pub(crate) const RULES: &[Rule] = &[
    e0001_suppression_without_reason::RULE,
    w0002_unknown_suppressed_rule::RULE,
    e1001_invalid_vpc_cidr::RULE,
    e1002_vpc_cidr_overlap::RULE,
    e1003_subnets_do_not_fit::RULE,
    e1004_private_function_no_route::RULE,
    w1005_single_nat::RULE,
    w1006_unused_interface_endpoint::RULE,
    w1007_unused_tier::RULE,
    e1008_function_outside_vpc_reaches_database::RULE,
    w1009_single_az::RULE,
    e1010_missing_tier::RULE,
    e2001_data_unencrypted::RULE,
    e2002_bucket_public::RULE,
    w2003_api_without_authorization::RULE,
    e2004_deletion_protection_off::RULE,
    w2005_wildcard_iam::RULE,
    w2006_api_stage_not_logged::RULE,
    e3001_secondary_cluster_credentials::RULE,
    e3002_replication_without_versioning::RULE,
    e3003_rtc_not_15_minutes::RULE,
    e3004_global_table_in_both_stacks::RULE,
    e3005_strong_consistency_without_witness::RULE,
    e3006_auto_pause_on_global_primary::RULE,
    e3007_deprecated_engine_version::RULE,
    e3008_deprecated_runtime::RULE,
    e3009_inconsistent_failover_records::RULE,
    e3010_orchestrator_in_primary::RULE,
    e3011_secret_not_replicated::RULE,
    e3012_bucket_names_not_unique::RULE,
    e3013_same_region::RULE,
    w3014_switchover_for_outage::RULE,
    w3015_fixed_promotion_wait::RULE,
    e3016_dangling_reference::RULE,
    e3017_health_check_settings::RULE,
    w3018_failover_steps::RULE,
    w3019_forwarding_without_dlq::RULE,
    e3020_unknown_region::RULE,
    w3021_failover_ttl::RULE,
    w3022_queue_without_consumer::RULE,
    e3023_automatic_failover_headless_secondary::RULE,
    w3024_reserved_concurrency_quota::RULE,
    w3025_strategy_contradicted::RULE,
    w3026_active_active_is_a_failover_pair::RULE,
    e4001_rpo_exceeded::RULE,
    e4002_rto_exceeded::RULE,
    i4003_unbounded_store::RULE,
    e5001_budget_exceeded::RULE,
    w5002_region_without_prices::RULE,
];

/// The metadata of every rule, in id order.
pub fn all_rules() -> impl Iterator<Item = &'static RuleMeta> {
    RULES
        .iter()
        .map(|r| &r.meta)
        .chain(crate::simulate::VIOLATIONS.iter())
}

pub fn rule(id: &str) -> Option<&'static RuleMeta> {
    all_rules().find(|m| m.id.eq_ignore_ascii_case(id))
}

/// Runs every rule with the built-in price table.
pub fn check(topology: &Topology) -> CheckReport {
    check_with(topology, PriceTable::builtin())
}

/// Runs every rule, pricing with `prices`.
pub fn check_with(topology: &Topology, prices: &PriceTable) -> CheckReport {
    let analysis = analysis::analyze(topology, prices);
    check_analyzed(topology, &analysis, prices)
}

/// Runs every rule over a topology already analysed with `prices`.
pub fn check_analyzed(
    topology: &Topology,
    analysis: &Analysis,
    prices: &PriceTable,
) -> CheckReport {
    run_rules(topology, analysis, prices, |_| true)
}

/// The rules that hold a topology to its own objectives (RPO, RTO, budget).
pub(crate) const OBJECTIVE_RULES: [&str; 3] = ["E4001", "E4002", "E5001"];

/// Runs every rule except the objective ones, for designs judged against other limits (the
/// optimizer): a design above its objectives is still a design, and those rules' suggestions
/// would each analyse several more candidates.
pub(crate) fn check_design(
    topology: &Topology,
    analysis: &Analysis,
    prices: &PriceTable,
) -> CheckReport {
    run_rules(topology, analysis, prices, |meta| {
        !OBJECTIVE_RULES.contains(&meta.id)
    })
}

fn run_rules(
    topology: &Topology,
    analysis: &Analysis,
    prices: &PriceTable,
    keep: impl Fn(&RuleMeta) -> bool,
) -> CheckReport {
    let ctx = Ctx {
        t: topology,
        analysis,
        prices,
    };
    let mut all = Vec::new();
    for rule in RULES.iter().filter(|r| keep(&r.meta)) {
        (rule.check)(&ctx, &mut all);
    }
    all.sort_by(|a, b| {
        (a.severity, &a.rule, &a.path, &a.message).cmp(&(b.severity, &b.rule, &b.path, &b.message))
    });
    let (suppressed, findings) = all.into_iter().partition(|f| is_suppressed(topology, f));
    CheckReport {
        findings,
        suppressed,
    }
}

fn is_suppressed(topology: &Topology, finding: &Finding) -> bool {
    // A suppression without a reason suppresses nothing (E0001 says so), and the
    // suppression rules themselves cannot be silenced.
    if finding.area == Area::Topology {
        return false;
    }
    topology.suppressions.iter().any(|s| {
        s.rule.eq_ignore_ascii_case(&finding.rule)
            && !s.reason.trim().is_empty()
            && s.path.as_deref().is_none_or(|p| p == finding.path)
    })
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use crate::model::Topology;

    /// Findings of one rule on a topology.
    pub fn findings_of(id: &str, topology: &Topology) -> Vec<Finding> {
        let prices = PriceTable::builtin();
        let analysis = analysis::analyze(topology, prices);
        let ctx = Ctx {
            t: topology,
            analysis: &analysis,
            prices,
        };
        let rule = RULES.iter().find(|r| r.meta.id == id).unwrap();
        let mut out = Vec::new();
        (rule.check)(&ctx, &mut out);
        out
    }

    /// Asserts the rule fires on `bad` at `path`, its fix (when offered) removes it, and it is
    /// silent on the reference topology.
    pub fn check_rule(id: &str, bad: &Topology, path: &str) {
        let found = findings_of(id, bad);
        assert!(
            found.iter().any(|f| f.path == path),
            "{id} should fire at {path}; got {found:#?}"
        );
        for finding in &found {
            assert!(
                !finding.message.ends_with('.'),
                "{id}: message ends with a period"
            );
            assert!(
                finding
                    .message
                    .chars()
                    .next()
                    .is_some_and(|c| !c.is_uppercase()),
                "{id}: message starts uppercase: {}",
                finding.message
            );
            if let Some(fix) = &finding.fix {
                let fixed = apply_fix(bad, fix).unwrap();
                let after = findings_of(id, &fixed);
                assert!(
                    !after
                        .iter()
                        .any(|f| f.path == finding.path && f.message == finding.message),
                    "{id}: fix `{}` did not remove the finding at {}",
                    fix.title,
                    finding.path
                );
            }
        }
        let reference = crate::presets::reference();
        assert!(
            findings_of(id, &reference).is_empty(),
            "{id} fires on the reference"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_well_formed_and_sorted() {
        let ids: Vec<&str> = all_rules().map(|m| m.id).collect();
        for id in &ids {
            assert_eq!(id.len(), 5, "{id}");
            let mut chars = id.chars();
            assert!(matches!(chars.next(), Some('E' | 'W' | 'I')), "{id}");
            assert!(chars.all(|c| c.is_ascii_digit()), "{id}");
            assert!(
                Area::from_digit(id.chars().nth(1).unwrap()).is_some(),
                "{id}"
            );
        }
        let numbers: Vec<&str> = ids.iter().map(|id| &id[1..]).collect();
        let mut sorted = numbers.clone();
        sorted.sort_unstable();
        assert_eq!(numbers, sorted, "registry is in number order");
        sorted.dedup();
        assert_eq!(sorted.len(), numbers.len(), "a rule number is used twice");
    }

    #[test]
    fn every_rule_has_metadata() {
        for meta in all_rules() {
            assert!(
                !meta.title.is_empty() && !meta.description.is_empty(),
                "{}",
                meta.id
            );
            assert!(meta.source.starts_with("https://"), "{}", meta.id);
        }
    }

    #[test]
    fn presets_have_no_error_findings() {
        for preset in crate::presets::PRESETS {
            let report = check(&preset.topology());
            let errors: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .collect();
            assert!(errors.is_empty(), "{}: {errors:#?}", preset.id);
        }
    }

    #[test]
    fn suppression_needs_a_reason_and_can_target_a_path() {
        let mut t = crate::presets::reference();
        t.primary.vpc.nat = crate::model::NatMode::Shared;
        t.secondary.vpc.nat = crate::model::NatMode::Shared;
        assert_eq!(
            check(&t)
                .findings
                .iter()
                .filter(|f| f.rule == "W1005")
                .count(),
            2
        );
        t.suppressions.push(crate::model::Suppression {
            rule: "W1005".into(),
            reason: "dev only".into(),
            path: Some("primary.vpc.nat".into()),
        });
        let report = check(&t);
        assert_eq!(
            report.findings.iter().filter(|f| f.rule == "W1005").count(),
            1
        );
        assert_eq!(report.suppressed.len(), 1);
        t.suppressions[0].reason = "  ".into();
        let report = check(&t);
        assert_eq!(
            report.findings.iter().filter(|f| f.rule == "W1005").count(),
            2
        );
        assert!(report.findings.iter().any(|f| f.rule == "E0001"));
    }
}
