use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::model::{FailoverRole, Side};

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E3009",
        title: "Inconsistent failover record pair",
        description: "Route 53 failover needs two records of the same name: PRIMARY pointing at the primary region with a health check, SECONDARY pointing at the secondary region, with distinct set identifiers.",
        source: "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-types.html",
        defects: &[7],
    },
    check,
};

fn problems(ctx: &Ctx<'_>) -> Vec<String> {
    let records = &ctx.t.dns.records;
    let mut problems = Vec::new();
    let primaries: Vec<_> = records
        .iter()
        .filter(|r| r.failover == FailoverRole::Primary)
        .collect();
    let secondaries: Vec<_> = records
        .iter()
        .filter(|r| r.failover == FailoverRole::Secondary)
        .collect();
    if records.len() != 2 || primaries.len() != 1 || secondaries.len() != 1 {
        problems.push(format!(
            "{} records with {} PRIMARY and {} SECONDARY; failover needs exactly one of each",
            records.len(),
            primaries.len(),
            secondaries.len()
        ));
    }
    for r in &primaries {
        if r.target != Side::Primary {
            problems.push(format!(
                "the PRIMARY record `{}` points at the secondary region",
                r.set_identifier
            ));
        }
        if !r.health_check {
            problems.push(format!(
                "the PRIMARY record `{}` has no health check, so it never fails over",
                r.set_identifier
            ));
        }
    }
    for r in &secondaries {
        if r.target != Side::Secondary {
            problems.push(format!(
                "the SECONDARY record `{}` points at the primary region",
                r.set_identifier
            ));
        }
    }
    let mut ids: Vec<&str> = records.iter().map(|r| r.set_identifier.as_str()).collect();
    if ids.iter().any(|id| id.trim().is_empty()) {
        problems.push("a record has an empty set identifier".into());
    }
    ids.sort_unstable();
    if ids.windows(2).any(|w| w.first() == w.get(1)) {
        problems.push("two records share a set identifier".into());
    }
    problems
}

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for problem in problems(ctx) {
        out.push(
            Finding::new(&RULE.meta, "dns.records", problem, "use one PRIMARY record for the primary region with the health check and one SECONDARY record for the secondary region")
                .with_fix(Fix::set(
                    "Use a correct PRIMARY/SECONDARY pair",
                    "dns.records",
                    json!([
                        {"setIdentifier": "primary", "failover": "PRIMARY", "target": "primary", "healthCheck": true},
                        {"setIdentifier": "secondary", "failover": "SECONDARY", "target": "secondary", "healthCheck": false}
                    ]),
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{FailoverRole, Side};
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_the_design_documents_record() {
        let mut t = crate::presets::reference();
        // SetIdentifier "secondary" with Failover PRIMARY, pointing at us-east-2, no pair.
        t.dns.records.truncate(1);
        t.dns.records[0].set_identifier = "secondary".into();
        t.dns.records[0].target = Side::Secondary;
        t.dns.records[0].health_check = false;
        assert_eq!(t.dns.records[0].failover, FailoverRole::Primary);
        check_rule("E3009", &t, "dns.records");
    }
}
