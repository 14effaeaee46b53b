use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E3011",
        title: "Database secret not replicated",
        description: "After failover the secondary region's functions need the database credentials; without a Secrets Manager replica there they are in the region that failed.",
        source: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/create-manage-multi-region-secrets.html",
        defects: &[10],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(db) = &ctx.t.database else { return };
    if !db.secret_replicated {
        out.push(
            Finding::new(
                &RULE.meta,
                "database.secretReplicated",
                format!(
                    "the `{}` database secret exists only in `{}`",
                    db.id, ctx.t.primary.region
                ),
                format!(
                    "replicate it to `{}`{}",
                    ctx.t.secondary.region,
                    ctx.monthly(
                        &ctx.t.secondary.region,
                        "secrets.secretMonth",
                        1.0,
                        |m| format!(" (+{m}/month)")
                    )
                ),
            )
            .with_fix(Fix::set(
                "Replicate the secret",
                "database.secretReplicated",
                json!(true),
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_without_a_replica() {
        let mut t = crate::presets::reference();
        t.database.as_mut().unwrap().secret_replicated = false;
        check_rule("E3011", &t, "database.secretReplicated");
    }
}
