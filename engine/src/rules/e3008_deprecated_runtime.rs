use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::catalog::{runtime_successor, runtime_supported};

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E3008",
        title: "Lambda runtime deprecated",
        description: "Deprecated runtimes (nodejs18.x among them) cannot be relied on for new functions (cfn-lint W2531) and get no security patches.",
        source: "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html",
        defects: &[5],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for (i, f) in ctx.t.functions.iter().enumerate() {
        if runtime_supported(&f.runtime) {
            continue;
        }
        let next = runtime_successor(&f.runtime);
        let path = format!("functions[{i}].runtime");
        out.push(
            Finding::new(
                &RULE.meta,
                &path,
                format!(
                    "`{}` uses runtime `{}`, which is deprecated or unknown",
                    f.id, f.runtime
                ),
                format!("use `{next}`"),
            )
            .with_fix(Fix::set(format!("Use {next}"), path, json!(next))),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_nodejs18() {
        let mut t = crate::presets::reference();
        t.functions[0].runtime = "nodejs18.x".into();
        check_rule("E3008", &t, "functions[0].runtime");
    }
}
