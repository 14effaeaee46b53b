use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::model::{NatMode, Placement, Side, Tier, Topology};
use crate::rules::Edit;

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "W1007",
        title: "A subnet tier nothing uses",
        description: "Public subnets hold NAT gateways, private subnets hold functions, isolated subnets hold the database; a tier with nothing in it is address space and route tables to maintain for nothing.",
        source: "https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html",
        defects: &[13],
    },
    check,
};

/// Whether anything is placed in the tier (the database goes to isolated subnets when there are
/// any, else to private ones).
pub(crate) fn tier_used(t: &Topology, side: Side, tier: Tier) -> bool {
    let vpc = &t.region(side).vpc;
    let placed = |p: Placement| t.functions.iter().any(|f| f.placement == p);
    match tier {
        Tier::Public => vpc.nat != NatMode::None,
        Tier::Private => {
            placed(Placement::Private) || (t.database.is_some() && vpc.tiers.isolated.is_none())
        }
        Tier::Isolated => placed(Placement::Isolated) || t.database.is_some(),
    }
}

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for side in Side::BOTH {
        let vpc = &ctx.t.region(side).vpc;
        for tier in Tier::ALL {
            if vpc.tiers.get(tier).is_none() || tier_used(ctx.t, side, tier) {
                continue;
            }
            let path = format!("{}.vpc.tiers.{}", side.key(), tier.key());
            out.push(
                Finding::new(
                    &RULE.meta,
                    &path,
                    format!(
                        "nothing is placed in the {} tier of the {} VPC",
                        tier.key(),
                        ctx.t.region(side).region
                    ),
                    "remove the tier, or place what it was meant for in it",
                )
                .with_fix(Fix {
                    title: format!("Remove the {} tier", tier.key()),
                    edits: vec![Edit::Remove { path }],
                }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_an_isolated_tier_without_a_database() {
        let mut t = crate::presets::reference();
        t.database = None;
        check_rule("W1007", &t, "primary.vpc.tiers.isolated");
    }
}
