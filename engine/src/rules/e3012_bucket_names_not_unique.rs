use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E3012",
        title: "Bucket names without an account-unique part",
        description: "S3 bucket names are global across all accounts; `trading-config-us-east-2-dev` collides with anyone else's deployment of the same design.",
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
        defects: &[6],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if !ctx.t.naming.account_unique_buckets && !ctx.t.buckets.is_empty() {
        out.push(
            Finding::new(
                &RULE.meta,
                "naming.accountUniqueBuckets",
                format!(
                    "{} bucket names do not include the account id",
                    ctx.t.buckets.len()
                ),
                "include the account id in bucket names",
            )
            .with_fix(Fix::set(
                "Include the account id",
                "naming.accountUniqueBuckets",
                json!(true),
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_without_account_id() {
        let mut t = crate::presets::reference();
        t.naming.account_unique_buckets = false;
        check_rule("E3012", &t, "naming.accountUniqueBuckets");
    }
}
