use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::analysis::HOURS_PER_MONTH;
use crate::model::{NatMode, Side};

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "W1005",
        title: "One NAT gateway serves several AZs",
        description: "A NAT gateway lives in one AZ; when that AZ fails, private subnets in every other AZ lose egress too.",
        source: "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html",
        defects: &[11],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for side in Side::BOTH {
        let vpc = &ctx.t.region(side).vpc;
        if vpc.nat == NatMode::Shared && vpc.az_count > 1 {
            let path = format!("{}.vpc.nat", side.key());
            out.push(
                Finding::new(
                    &RULE.meta,
                    &path,
                    format!(
                        "one NAT gateway serves {} AZs in {}: a single point of failure",
                        vpc.az_count,
                        ctx.t.region(side).region
                    ),
                    format!(
                        "put a NAT gateway in each AZ{}, or reach AWS through endpoints",
                        ctx.monthly(
                            &ctx.t.region(side).region,
                            "nat.hour",
                            HOURS_PER_MONTH,
                            |m| format!(" ({m}/month each)")
                        )
                    ),
                )
                .with_fix(Fix::set(
                    "Use a NAT gateway per AZ",
                    path,
                    json!("perAz"),
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::NatMode;
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_a_shared_nat() {
        let mut t = crate::presets::reference();
        t.primary.vpc.nat = NatMode::Shared;
        check_rule("W1005", &t, "primary.vpc.nat");
    }
}
