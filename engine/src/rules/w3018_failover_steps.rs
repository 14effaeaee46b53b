use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::model::Step;

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "W3018",
        title: "Failover steps incomplete or out of order",
        description: "The runbook checks health, asks approval when manual, promotes the database, waits for promotion, switches DNS, validates and notifies, in that order; a missing or misplaced step breaks the failover.",
        source: "https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html",
        defects: &[8, 9],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let canonical = Step::canonical(ctx.t.failover.decision);
    if ctx.t.failover.steps == canonical {
        return;
    }
    let missing: Vec<String> = canonical
        .iter()
        .filter(|s| !ctx.t.failover.steps.contains(s))
        .map(|s| format!("`{}`", step_key(*s)))
        .collect();
    let message = if missing.is_empty() {
        "the failover steps are out of order or include a step this decision mode does not use"
            .to_string()
    } else {
        format!("the failover steps lack {}", missing.join(", "))
    };
    out.push(
        Finding::new(
            &RULE.meta,
            "failover.steps",
            message,
            "use the canonical order for the decision mode",
        )
        .with_fix(Fix::set(
            "Use the canonical steps",
            "failover.steps",
            json!(canonical.iter().map(|s| step_key(*s)).collect::<Vec<_>>()),
        )),
    );
}

pub(crate) fn step_key(step: Step) -> &'static str {
    match step {
        Step::CheckHealth => "checkHealth",
        Step::Approval => "approval",
        Step::PromoteDatabase => "promoteDatabase",
        Step::WaitForPromotion => "waitForPromotion",
        Step::SwitchDns => "switchDns",
        Step::Validate => "validate",
        Step::Notify => "notify",
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Step;
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_without_a_wait() {
        let mut t = crate::presets::reference();
        t.failover.steps.retain(|s| *s != Step::WaitForPromotion);
        check_rule("W3018", &t, "failover.steps");
    }

    #[test]
    fn step_keys_match_serde() {
        for step in crate::model::Step::canonical(crate::model::Decision::Manual {
            approval_minutes: 1,
        }) {
            assert_eq!(serde_json::to_value(step).unwrap(), super::step_key(step));
        }
    }
}
