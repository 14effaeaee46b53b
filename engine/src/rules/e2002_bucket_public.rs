use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E2002",
        title: "A bucket can be made public",
        description: "Without the public access block, one policy or ACL change exposes the bucket and its replica (CKV_AWS_53 to CKV_AWS_56).",
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for (i, b) in ctx.t.buckets.iter().enumerate() {
        if !b.public_access_block {
            let path = format!("buckets[{i}].publicAccessBlock");
            out.push(
                Finding::new(
                    &RULE.meta,
                    &path,
                    format!("bucket `{}` has no public access block", b.id),
                    "block all public access; serve public content through CloudFront instead",
                )
                .with_fix(Fix::set("Block public access", path, json!(true))),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_without_the_block() {
        let mut t = crate::presets::reference();
        t.buckets[0].public_access_block = false;
        check_rule("E2002", &t, "buckets[0].publicAccessBlock");
    }
}
