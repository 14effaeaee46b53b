use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::model::PromotionWait;

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "W3015",
        title: "A fixed wait instead of checking promotion",
        description: "A fixed wait never checks that the secondary became the writer; if promotion takes longer, DNS moves traffic to a read-only database.",
        source: "https://docs.aws.amazon.com/step-functions/latest/dg/sample-project-job-poller.html",
        defects: &[8],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if ctx.t.global_database().is_none() {
        return;
    }
    if let PromotionWait::Fixed { seconds } = ctx.t.failover.promotion_wait {
        out.push(
            Finding::new(
                &RULE.meta,
                "failover.promotionWait",
                format!("the state machine waits a fixed {seconds} s and never checks promotion finished"),
                "poll DescribeGlobalClusters until the secondary cluster is the writer",
            )
            .with_fix(Fix::set(
                "Poll every 15 s",
                "failover.promotionWait",
                json!({"poll": {"intervalSeconds": 15}}),
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::model::PromotionWait;
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_a_fixed_wait() {
        let mut t = crate::presets::reference();
        t.failover.promotion_wait = PromotionWait::Fixed { seconds: 60 };
        check_rule("W3015", &t, "failover.promotionWait");
    }
}
