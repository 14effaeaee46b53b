use super::{Ctx, Finding, Rule, RuleMeta};
use crate::model::Side;

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E3020",
        title: "Not an AWS region code",
        description: "Regions are written as AWS region codes such as `us-east-1`; anything else cannot be deployed to.",
        source: "https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html",
        defects: &[],
    },
    check,
};

/// `us-east-1`, `ap-southeast-2`, `us-gov-west-1`.
pub(crate) fn is_region_code(code: &str) -> bool {
    let parts: Vec<&str> = code.split('-').collect();
    let lower = |s: &&str| !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase());
    match parts.as_slice() {
        [geo, dir, n] | [geo, _, dir, n] => {
            geo.len() == 2
                && lower(geo)
                && lower(dir)
                && !n.is_empty()
                && n.chars().all(|c| c.is_ascii_digit())
        }
        _ => false,
    }
}

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for side in Side::BOTH {
        let code = &ctx.t.region(side).region;
        if !is_region_code(code) {
            out.push(Finding::new(
                &RULE.meta,
                format!("{}.region", side.key()),
                format!("`{code}` is not an AWS region code"),
                "write the region code, e.g. `us-east-1`",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_a_name() {
        let mut t = crate::presets::reference();
        t.secondary.region = "Ohio".into();
        check_rule("E3020", &t, "secondary.region");
        assert!(super::is_region_code("us-gov-west-1"));
        assert!(!super::is_region_code("us-east"));
    }
}
