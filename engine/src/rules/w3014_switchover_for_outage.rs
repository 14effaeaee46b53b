use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::model::DatabaseAction;

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "W3014",
        title: "The failover runbook only switches over",
        description: "A switchover (or FailoverGlobalCluster without AllowDataLoss) needs a healthy primary: it fails in the very regional outage the runbook is for. Use AllowDataLoss for an outage; keep switchover for planned moves.",
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html",
        defects: &[8],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if ctx.t.global_database().is_some()
        && ctx.t.failover.database_action == DatabaseAction::Switchover
    {
        out.push(
            Finding::new(
                &RULE.meta,
                "failover.databaseAction",
                "the state machine switches over, which needs the failed primary to be healthy",
                "fail over with AllowDataLoss; RPO is then the replication lag at the time of the outage",
            )
            .with_fix(Fix::set(
                "Fail over with AllowDataLoss",
                "failover.databaseAction",
                json!("failoverAllowDataLoss"),
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::model::DatabaseAction;
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_switchover() {
        let mut t = crate::presets::reference();
        t.failover.database_action = DatabaseAction::Switchover;
        check_rule("W3014", &t, "failover.databaseAction");
    }
}
