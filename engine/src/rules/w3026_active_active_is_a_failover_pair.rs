use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::model::Strategy;

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "W3026",
        title: "Active/active strategy with failover routing",
        description: "The generated Route 53 records are a failover pair: the primary serves all traffic and the secondary takes over only when the primary's check fails. Both regions at full capacity with automatic failover is a hot standby (a warm standby at full capacity), not active/active, which would route to both regions (latency or weighted records, each with a health check) and write through one region.",
        source: "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-failover.html",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if ctx.t.strategy != Strategy::ActiveActive {
        return;
    }
    out.push(
        Finding::new(
            &RULE.meta,
            "strategy",
            "the strategy is `activeActive` but the templates route all traffic to the primary and fail over to the secondary: this is a hot standby",
            "choose `warmStandby` (both regions keep their capacity: a hot standby), so the label, the cost split and the simulation describe what is deployed",
        )
        .with_fix(Fix::set(
            "Call it a hot standby (`warmStandby` at full capacity)",
            "strategy",
            json!("warmStandby"),
        )),
    );
}

#[cfg(test)]
mod tests {
    use crate::model::Strategy;
    use crate::rules::apply_fix;
    use crate::rules::test_support::{check_rule, findings_of};

    #[test]
    fn active_active_is_labelled_honestly() {
        let mut t = crate::presets::hot_standby();
        t.strategy = Strategy::ActiveActive;
        check_rule("W3026", &t, "strategy");
        let fix = findings_of("W3026", &t)[0].fix.clone().unwrap();
        let fixed = apply_fix(&t, &fix).unwrap();
        assert_eq!(fixed.strategy, Strategy::WarmStandby);
        // The capacity stays: a hot standby keeps both regions at full capacity.
        assert_eq!(fixed.database, t.database);
        assert!(findings_of("W3026", &fixed).is_empty());
    }

    #[test]
    fn presets_are_not_active_active() {
        for p in crate::presets::PRESETS {
            assert!(findings_of("W3026", &p.topology()).is_empty(), "{}", p.id);
        }
    }
}
