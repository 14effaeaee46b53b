use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::model::Orchestrator;

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E3010",
        title: "Failover runs only in the region that fails",
        description: "The failover state machine, its alert topic and the alarm that starts it must run in the secondary region: during a primary outage nothing in the primary region can be relied on.",
        source: "https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html",
        defects: &[9],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if ctx.t.failover.orchestrator == Orchestrator::PrimaryOnly {
        out.push(
            Finding::new(
                &RULE.meta,
                "failover.orchestrator",
                format!(
                    "the failover state machine runs only in `{}`, the region it must fail away from",
                    ctx.t.primary.region
                ),
                "run it in the secondary region",
            )
            .with_fix(Fix::set(
                "Run it in the secondary region",
                "failover.orchestrator",
                json!("secondaryOnly"),
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Orchestrator;
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_primary_only() {
        let mut t = crate::presets::reference();
        t.failover.orchestrator = Orchestrator::PrimaryOnly;
        check_rule("E3010", &t, "failover.orchestrator");
    }
}
