use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "W3019",
        title: "Cross-region event forwarding without a dead-letter queue",
        description: "Events that exhaust their retries are dropped unless the rule's target has a DeadLetterConfig.",
        source: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(fwd) = ctx.t.events.as_ref().and_then(|e| e.forwarding.as_ref()) else {
        return;
    };
    if !fwd.dead_letter_queue {
        out.push(
            Finding::new(
                &RULE.meta,
                "events.forwarding.deadLetterQueue",
                format!(
                    "events that fail {} retries or {} s are dropped",
                    fwd.max_retry_attempts, fwd.max_event_age_seconds
                ),
                "give the forwarding target a dead-letter queue",
            )
            .with_fix(Fix::set(
                "Add a dead-letter queue",
                "events.forwarding.deadLetterQueue",
                json!(true),
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_without_dlq() {
        let mut t = crate::presets::reference();
        t.events
            .as_mut()
            .unwrap()
            .forwarding
            .as_mut()
            .unwrap()
            .dead_letter_queue = false;
        check_rule("W3019", &t, "events.forwarding.deadLetterQueue");
    }
}
