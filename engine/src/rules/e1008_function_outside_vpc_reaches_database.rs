use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::model::{Placement, Service};

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E1008",
        title: "A function outside the VPC connects to the database",
        description: "Aurora is reachable only inside its VPC; a function not attached to the VPC cannot open a connection to it, whatever IAM grants it.",
        source: "https://docs.aws.amazon.com/lambda/latest/dg/services-rds.html",
        defects: &[13],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for (i, f) in ctx.t.functions.iter().enumerate() {
        if f.placement == Placement::OutsideVpc && f.calls.contains(&Service::Rds) {
            let path = format!("functions[{i}].placement");
            out.push(
                Finding::new(
                    &RULE.meta,
                    &path,
                    format!("`{}` connects to the database but is not in the VPC", f.id),
                    "place the function in the private tier",
                )
                .with_fix(Fix::set(
                    "Place it in private subnets",
                    path,
                    json!("private"),
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Placement;
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_the_design_documents_health_lambda() {
        let mut t = crate::presets::reference();
        t.functions[1].placement = Placement::OutsideVpc;
        check_rule("E1008", &t, "functions[1].placement");
    }
}
