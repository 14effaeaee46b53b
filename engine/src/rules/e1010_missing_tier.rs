use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::model::{NatMode, Placement, Side, Tier};

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E1010",
        title: "Something is placed in a tier the VPC lacks",
        description: "NAT gateways need public subnets, private functions need private subnets, isolated functions need isolated subnets, and the database needs isolated or private subnets.",
        source: "https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let t = ctx.t;
    for side in Side::BOTH {
        let vpc = &t.region(side).vpc;
        let mut needs: Vec<(Tier, String)> = Vec::new();
        if vpc.nat != NatMode::None {
            needs.push((Tier::Public, "NAT gateways".into()));
        }
        for f in &t.functions {
            match f.placement {
                Placement::Private => needs.push((Tier::Private, format!("function `{}`", f.id))),
                Placement::Isolated => needs.push((Tier::Isolated, format!("function `{}`", f.id))),
                Placement::OutsideVpc => {}
            }
        }
        if t.database.is_some() && vpc.tiers.isolated.is_none() {
            needs.push((Tier::Private, "the database".into()));
        }
        let mut seen = Vec::new();
        for (tier, what) in needs {
            if vpc.tiers.get(tier).is_some() || seen.contains(&tier) {
                continue;
            }
            seen.push(tier);
            let mask = Tier::ALL
                .iter()
                .filter_map(|t| vpc.tiers.get(*t))
                .max()
                .unwrap_or(24);
            let path = format!("{}.vpc.tiers.{}", side.key(), tier.key());
            out.push(
                Finding::new(
                    &RULE.meta,
                    &path,
                    format!(
                        "{what} needs a {} tier, which the {} VPC lacks",
                        tier.key(),
                        t.region(side).region
                    ),
                    "add the tier",
                )
                .with_fix(Fix::set(
                    format!("Add a /{mask} {} tier", tier.key()),
                    path,
                    json!(mask),
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_without_a_private_tier() {
        let mut t = crate::presets::reference();
        t.secondary.vpc.tiers.private = None;
        check_rule("E1010", &t, "secondary.vpc.tiers.private");
    }
}
