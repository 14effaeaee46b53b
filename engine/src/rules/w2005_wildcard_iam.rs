use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "W2005",
        title: "Generated IAM with a `*` action or resource",
        description: "Roles get the concrete actions and ARNs their calls need (CKV_AWS_111); `*` is used only where AWS accepts nothing narrower, and the template's Metadata says so.",
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for (i, f) in ctx.t.functions.iter().enumerate() {
        if f.wildcard_permissions {
            let path = format!("functions[{i}].wildcardPermissions");
            out.push(
                Finding::new(
                    &RULE.meta,
                    &path,
                    format!(
                        "`{}`'s role grants `*` where narrower actions and ARNs exist",
                        f.id
                    ),
                    "let Tandem generate least-privilege statements from the function's calls",
                )
                .with_fix(Fix::set("Use least privilege", path, json!(false))),
            );
        }
    }
    if ctx.t.failover.wildcard_permissions {
        out.push(
            Finding::new(
                &RULE.meta,
                "failover.wildcardPermissions",
                "the failover state machine's role grants `*`, including `rds:FailoverGlobalCluster` on every cluster",
                "scope it to the global cluster, the secondary cluster, the hosted zone and the topic",
            )
            .with_fix(Fix::set(
                "Use least privilege",
                "failover.wildcardPermissions",
                json!(false),
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_functions_and_the_orchestrator() {
        let mut t = crate::presets::reference();
        t.functions[2].wildcard_permissions = true;
        t.failover.wildcard_permissions = true;
        check_rule("W2005", &t, "functions[2].wildcardPermissions");
        check_rule("W2005", &t, "failover.wildcardPermissions");
    }
}
