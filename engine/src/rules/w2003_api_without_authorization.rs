use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::model::Authorization;

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "W2003",
        title: "An API without authorization",
        description: "API methods other than the health check should require IAM or Cognito authorization (CKV_AWS_59); the health path stays open so Route 53 can probe it.",
        source: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if let Some(api) = &ctx.t.api {
        if api.authorization == Authorization::None {
            out.push(
                Finding::new(
                    &RULE.meta,
                    "api.authorization",
                    "the API's methods accept unauthenticated calls",
                    "require IAM (SigV4) or a Cognito user pool; only the health path needs to be open",
                )
                .with_fix(Fix::set("Require IAM authorization", "api.authorization", json!("iam"))),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Authorization;
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_without_authorization() {
        let mut t = crate::presets::reference();
        t.api.as_mut().unwrap().authorization = Authorization::None;
        check_rule("W2003", &t, "api.authorization");
    }
}
