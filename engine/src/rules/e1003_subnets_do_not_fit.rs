use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::model::{Side, Tier};
use crate::network::{fitting_mask, plan_subnets, PlanError};

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E1003",
        title: "Subnet tiers do not fit the VPC",
        description: "One subnet per tier and AZ is carved from the VPC block; the AZ count must be 1 to 3, each tier mask must lie between the VPC's prefix and /28, and all subnets together must fit.",
        source: "https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for side in Side::BOTH {
        let vpc = &ctx.t.region(side).vpc;
        let key = side.key();
        let tiers = Tier::ALL
            .iter()
            .filter(|t| vpc.tiers.get(**t).is_some())
            .count();
        let subnets = u32::try_from(tiers).unwrap_or(3) * u32::from(vpc.az_count.clamp(1, 3));
        let fix_masks = || {
            let mask = fitting_mask(vpc.cidr.prefix_len(), subnets)?;
            let mut fix: Option<Fix> = None;
            for tier in Tier::ALL.iter().filter(|t| vpc.tiers.get(**t).is_some()) {
                let path = format!("{key}.vpc.tiers.{}", tier.key());
                fix = Some(match fix {
                    None => Fix::set(format!("Use /{mask} subnets"), path, json!(mask)),
                    Some(f) => f.and_set(path, json!(mask)),
                });
            }
            fix
        };
        match plan_subnets(vpc) {
            Ok(_) => {}
            Err(PlanError::AzCount(n)) => out.push(
                Finding::new(
                    &RULE.meta,
                    format!("{key}.vpc.azCount"),
                    format!("`{n}` availability zones: a VPC here spans 1 to 3"),
                    "use 3 AZs in production, 2 at the least",
                )
                .with_fix(Fix::set(
                    "Use 3 AZs",
                    format!("{key}.vpc.azCount"),
                    json!(3),
                )),
            ),
            Err(PlanError::MaskOutOfRange { tier, mask }) => {
                let mut f = Finding::new(
                    &RULE.meta,
                    format!("{key}.vpc.tiers.{}", tier.key()),
                    format!(
                        "the {} tier's /{mask} subnets do not fit a /{} VPC (subnets are /{} to /28)",
                        tier.key(),
                        vpc.cidr.prefix_len(),
                        vpc.cidr.prefix_len()
                    ),
                    "pick a subnet mask at least as long as the VPC's prefix",
                );
                if let Some(fix) = fix_masks() {
                    f = f.with_fix(fix);
                }
                out.push(f);
            }
            Err(PlanError::TooLarge { needed, available }) => {
                let mut f = Finding::new(
                    &RULE.meta,
                    format!("{key}.vpc.tiers"),
                    format!(
                        "{subnets} subnets need {needed} addresses; the VPC `{}` has {available}",
                        vpc.cidr
                    ),
                    "use longer subnet masks, fewer tiers or AZs, or a larger VPC block",
                );
                if let Some(fix) = fix_masks() {
                    f = f.with_fix(fix);
                }
                out.push(f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_when_tiers_overflow_the_block() {
        let mut t = crate::presets::reference();
        t.primary.vpc.cidr = "10.0.0.0/22".parse().unwrap();
        check_rule("E1003", &t, "primary.vpc.tiers");
    }

    #[test]
    fn fires_on_a_mask_shorter_than_the_vpc() {
        let mut t = crate::presets::reference();
        t.secondary.vpc.tiers.public = Some(12);
        check_rule("E1003", &t, "secondary.vpc.tiers.public");
    }

    #[test]
    fn fires_on_four_azs() {
        let mut t = crate::presets::reference();
        t.secondary.vpc.az_count = 4;
        check_rule("E1003", &t, "secondary.vpc.azCount");
    }
}
