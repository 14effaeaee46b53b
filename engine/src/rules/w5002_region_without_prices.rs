use super::{Ctx, Finding, Rule, RuleMeta};
use crate::model::Side;

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "W5002",
        title: "Prices missing for a region",
        description: "The cost model prices what the price table lists; lines the table cannot price are left out and reported here, never counted as zero.",
        source: "https://aws.amazon.com/pricing/",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for side in Side::BOTH {
        let missing: Vec<&str> = ctx
            .analysis
            .cost
            .missing
            .iter()
            .filter(|m| m.side == side)
            .map(|m| m.item.as_str())
            .collect();
        if missing.is_empty() {
            continue;
        }
        let region = &ctx.t.region(side).region;
        let what = if ctx.prices.covers(region) {
            format!(
                "{} prices are missing for `{region}`: {}",
                missing.len(),
                missing.join(", ")
            )
        } else {
            format!(
                "the price table has no prices for `{region}`; {} items are not costed",
                missing.len()
            )
        };
        out.push(Finding::new(
            &RULE.meta,
            format!("{}.region", side.key()),
            what,
            "add the region to the price table (same format as the built-in one), or pick a priced region",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_for_an_unpriced_region() {
        let mut t = crate::presets::reference();
        t.secondary.region = "eu-west-1".into();
        check_rule("W5002", &t, "secondary.region");
    }
}
