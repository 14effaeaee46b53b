use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E2004",
        title: "Deletion protection off in production",
        description: "In a production environment the Aurora clusters must have deletion protection; the design document turns it off 'for destroyability'.",
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_DeleteCluster.html#USER_DeletionProtection",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(db) = &ctx.t.database else { return };
    if ctx.t.is_production() && !db.deletion_protection {
        out.push(
            Finding::new(
                &RULE.meta,
                "database.deletionProtection",
                format!(
                    "the `{}` database can be deleted in `{}`",
                    db.id, ctx.t.environment
                ),
                "turn on deletion protection; turn it off deliberately before a planned teardown",
            )
            .with_fix(Fix::set(
                "Turn on deletion protection",
                "database.deletionProtection",
                json!(true),
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_in_prod_only() {
        let mut t = crate::presets::reference();
        t.database.as_mut().unwrap().deletion_protection = false;
        check_rule("E2004", &t, "database.deletionProtection");
        t.environment = "dev".into();
        assert!(crate::rules::test_support::findings_of("E2004", &t).is_empty());
    }
}
