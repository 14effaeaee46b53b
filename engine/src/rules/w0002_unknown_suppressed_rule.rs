use super::{Ctx, Finding, Rule, RuleMeta};
use crate::rules::Edit;

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "W0002",
        title: "Suppression of an unknown rule",
        description: "A suppression names a rule id Tandem does not have, so it has no effect; it is often a typo.",
        source: "https://docs.aws.amazon.com/wellarchitected/latest/framework/rel-planning-for-recovery.html",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for (i, s) in ctx.t.suppressions.iter().enumerate() {
        if super::rule(&s.rule).is_none() {
            let path = format!("suppressions[{i}]");
            out.push(
                Finding::new(
                    &RULE.meta,
                    format!("{path}.rule"),
                    format!("`{}` is not a Tandem rule id", s.rule),
                    "rule ids look like `W1005`; `tandem rules` lists them all",
                )
                .with_fix(super::Fix {
                    title: "Remove the suppression".into(),
                    edits: vec![Edit::Remove { path }],
                }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Suppression;
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_a_typo() {
        let mut t = crate::presets::reference();
        t.suppressions.push(Suppression {
            rule: "W9999".into(),
            reason: "x".into(),
            path: None,
        });
        check_rule("W0002", &t, "suppressions[0].rule");
    }
}
