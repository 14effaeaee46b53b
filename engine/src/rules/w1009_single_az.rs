use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::model::Side;

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "W1009",
        title: "A VPC in a single AZ",
        description: "With one AZ, an AZ outage takes the whole region's stack down and forces a regional failover for a local fault.",
        source: "https://docs.aws.amazon.com/whitepapers/latest/real-time-communication-on-aws/high-availability-and-scalability-on-aws.html",
        defects: &[11],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for side in Side::BOTH {
        if ctx.t.region(side).vpc.az_count == 1 {
            let path = format!("{}.vpc.azCount", side.key());
            out.push(
                Finding::new(
                    &RULE.meta,
                    &path,
                    format!("the {} VPC spans one AZ", ctx.t.region(side).region),
                    "span at least 2 AZs, 3 in production",
                )
                .with_fix(Fix::set("Use 3 AZs", path, json!(3))),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_one_az() {
        let mut t = crate::presets::reference();
        t.secondary.vpc.az_count = 1;
        check_rule("W1009", &t, "secondary.vpc.azCount");
    }
}
