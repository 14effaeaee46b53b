use super::{Ctx, Finding, Rule, RuleMeta};
use crate::model::Trigger;

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "W3022",
        title: "A queue nothing consumes",
        description: "A queue whose messages no function is triggered by fills up until messages expire; the design document's consumer had no event source mapping.",
        source: "https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html",
        defects: &[13],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for (i, q) in ctx.t.queues.iter().enumerate() {
        let consumed = ctx
            .t
            .functions
            .iter()
            .any(|f| f.trigger == Trigger::Queue(q.id.clone()));
        if !consumed {
            out.push(Finding::new(
                &RULE.meta,
                format!("queues[{i}]"),
                format!("no function is triggered by queue `{}`", q.id),
                "set a function's trigger to this queue, or remove the queue",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Trigger;
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_without_a_consumer() {
        let mut t = crate::presets::reference();
        t.functions[0].trigger = Trigger::None;
        check_rule("W3022", &t, "queues[0]");
    }
}
