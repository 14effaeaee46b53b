use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::catalog::KNOWN_REGIONS;

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E3013",
        title: "Primary and secondary are the same region",
        description: "A regional DR design needs two different regions; with one, a regional outage takes both copies.",
        source: "https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let region = &ctx.t.primary.region;
    if *region != ctx.t.secondary.region {
        return;
    }
    let mut finding = Finding::new(
        &RULE.meta,
        "secondary.region",
        format!("both regions are `{region}`"),
        "pick a secondary region close enough for replication lag, far enough for independence",
    );
    if let Some(other) = KNOWN_REGIONS.iter().find(|r| **r != region.as_str()) {
        finding = finding.with_fix(Fix::set(
            format!("Use {other}"),
            "secondary.region",
            json!(other),
        ));
    }
    out.push(finding);
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_one_region() {
        let mut t = crate::presets::reference();
        t.secondary.region = "us-east-1".into();
        check_rule("E3013", &t, "secondary.region");
    }
}
