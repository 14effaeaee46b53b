use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::editor::{contradictions, strategy_edits};

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "W3025",
        title: "The knobs contradict the strategy",
        description: "Each DR strategy is defined by what stands in the secondary region: backup & restore only backups copied there, pilot light replicated data with a headless database, warm standby a scaled-down copy that serves, active/active full capacity. A topology whose knobs say otherwise is costed, synthesized and simulated as its knobs, not as the strategy it names.",
        source: "https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let t = ctx.t;
    let found = contradictions(t, t.strategy);
    let Some(first) = found.first() else {
        return;
    };
    let strategy = serde_json::to_value(t.strategy)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default();
    let list = found
        .iter()
        .map(|c| {
            format!(
                "`{}` is `{}`, not `{}`",
                c.path,
                plain(&c.now),
                plain(&c.wanted)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    out.push(
        Finding::new(
            &RULE.meta,
            &first.path,
            format!("the strategy is `{strategy}` but {list}"),
            "apply the strategy's knobs, or pick the strategy the knobs describe".to_string(),
        )
        .with_fix(Fix {
            title: format!("Apply the knobs of `{strategy}`"),
            edits: strategy_edits(t, t.strategy),
        }),
    );
}

/// A JSON value as a user writes it in a field (`strong`, not `"strong"`).
fn plain(v: &serde_json::Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), String::from)
}

#[cfg(test)]
mod tests {
    use crate::rules::apply_fix;
    use crate::rules::test_support::{check_rule, findings_of};

    #[test]
    fn pilot_light_with_standing_secondary_instances() {
        let mut t = crate::presets::pilot_light();
        if let Some(db) = t.database.as_mut() {
            db.secondary_instances = 1;
        }
        check_rule("W3025", &t, "database.secondaryInstances");
        let fix = findings_of("W3025", &t)[0].fix.clone().unwrap();
        let fixed = apply_fix(&t, &fix).unwrap();
        assert!(findings_of("W3025", &fixed).is_empty());
        assert_eq!(fixed.database.unwrap().secondary_instances, 0);
    }

    #[test]
    fn backup_restore_with_replicated_tables() {
        let mut t = crate::presets::backup_restore();
        t.tables[0].replicated = true;
        check_rule("W3025", &t, "tables[0].replicated");
    }

    #[test]
    fn presets_agree_with_their_strategies() {
        for p in crate::presets::PRESETS {
            assert!(findings_of("W3025", &p.topology()).is_empty(), "{}", p.id);
        }
    }
}
