use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "W2006",
        title: "API stage without access logging or tracing",
        description: "Without access logs and X-Ray tracing a failover cannot be reconstructed afterwards (CKV_AWS_76, CKV_AWS_73).",
        source: "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(api) = &ctx.t.api else { return };
    for (field, on, what) in [
        ("accessLogging", api.access_logging, "access logging"),
        ("tracing", api.tracing, "X-Ray tracing"),
    ] {
        if !on {
            let path = format!("api.{field}");
            out.push(
                Finding::new(
                    &RULE.meta,
                    &path,
                    format!("the `{}` stage has no {what}", api.stage),
                    "turn it on in both regions",
                )
                .with_fix(Fix::set(format!("Turn on {what}"), path, json!(true))),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_each_setting() {
        let mut t = crate::presets::reference();
        t.api.as_mut().unwrap().access_logging = false;
        t.api.as_mut().unwrap().tracing = false;
        check_rule("W2006", &t, "api.accessLogging");
        check_rule("W2006", &t, "api.tracing");
    }
}
