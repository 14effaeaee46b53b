use super::{Ctx, Edit, Finding, Fix, Rule, RuleMeta};
use crate::catalog::LAMBDA_UNRESERVED_MINIMUM as UNRESERVED_MINIMUM;

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "W3024",
        title: "Reserved Lambda concurrency leaves under 100 unreserved",
        description: "Lambda keeps at least 100 of the account's concurrency quota unreserved in each region and refuses a reservation that would go below it, so the stack fails to deploy; the default quota is 1,000 but many new accounts have far less.",
        source: "https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let t = ctx.t;
    let limit = t.workload.lambda_concurrency_limit;
    let reserved = t.reserved_concurrency();
    if reserved == 0 || limit.saturating_sub(reserved) >= UNRESERVED_MINIMUM {
        return;
    }
    let edits = t
        .functions
        .iter()
        .enumerate()
        .filter(|(_, f)| f.reserved_concurrency.is_some())
        .map(|(i, _)| Edit::Remove {
            path: format!("functions[{i}].reservedConcurrency"),
        })
        .collect();
    out.push(
        Finding::new(
            &RULE.meta,
            "workload.lambdaConcurrencyLimit",
            format!(
                "functions reserve `{reserved}` concurrent executions in `{}` and in `{}`, leaving `{}` of the account's `{limit}` unreserved where Lambda requires `{UNRESERVED_MINIMUM}`: the stacks fail to deploy",
                t.primary.region,
                t.secondary.region,
                limit.saturating_sub(reserved)
            ),
            format!(
                "check the quota in Service Quotas (`L-B99A9384`) in both regions and set it here; reserve at most `{}` in total, remove the reservations, or ask AWS to raise the quota",
                limit.saturating_sub(UNRESERVED_MINIMUM)
            ),
        )
        .with_fix(Fix {
            title: "Remove the functions' reserved concurrency".into(),
            edits,
        }),
    );
}

#[cfg(test)]
mod tests {
    use crate::catalog::LAMBDA_UNRESERVED_MINIMUM as UNRESERVED_MINIMUM;
    use crate::rules::test_support::{check_rule, findings_of};

    #[test]
    fn fires_when_a_new_account_quota_is_too_small() {
        let mut t = crate::presets::reference();
        t.workload.lambda_concurrency_limit = 50;
        check_rule("W3024", &t, "workload.lambdaConcurrencyLimit");
    }

    #[test]
    fn the_boundary_is_one_hundred_unreserved() {
        let mut t = crate::presets::reference();
        let reserved = t.reserved_concurrency();
        assert!(reserved > 0);
        t.workload.lambda_concurrency_limit = reserved + UNRESERVED_MINIMUM;
        assert!(findings_of("W3024", &t).is_empty());
        t.workload.lambda_concurrency_limit = reserved + UNRESERVED_MINIMUM - 1;
        assert_eq!(findings_of("W3024", &t).len(), 1);
    }

    #[test]
    fn every_preset_passes_the_default_quota() {
        for p in crate::presets::PRESETS {
            let t = p.topology();
            assert_eq!(t.workload.lambda_concurrency_limit, 1000, "{}", p.id);
            assert!(findings_of("W3024", &t).is_empty(), "{}", p.id);
        }
    }
}
