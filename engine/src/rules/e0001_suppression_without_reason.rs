use super::{Ctx, Finding, Rule, RuleMeta};

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E0001",
        title: "Suppression without a reason",
        description: "A suppression must say why the team accepts the finding; one without a reason suppresses nothing.",
        source: "https://docs.aws.amazon.com/wellarchitected/latest/framework/rel-planning-for-recovery.html",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for (i, s) in ctx.t.suppressions.iter().enumerate() {
        if s.reason.trim().is_empty() {
            out.push(Finding::new(
                &RULE.meta,
                format!("suppressions[{i}].reason"),
                format!("the suppression of `{}` has no reason", s.rule),
                "write why the team accepts this finding; until then it is not suppressed",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Suppression;
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_an_empty_reason() {
        let mut t = crate::presets::reference();
        t.suppressions.push(Suppression {
            rule: "W1005".into(),
            reason: " ".into(),
            path: None,
        });
        check_rule("E0001", &t, "suppressions[0].reason");
    }
}
