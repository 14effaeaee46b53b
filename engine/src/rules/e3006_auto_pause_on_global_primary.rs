use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::rules::Edit;

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E3006",
        title: "Serverless v2 capacity not valid for the cluster",
        description: "Auto-pause (minimum 0 ACU) is not allowed on a global database; auto-pause needs 300 to 86,400 idle seconds; the maximum must be at least the minimum and above 0.",
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ServerlessV2ScalingConfiguration.html",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(db) = &ctx.t.database else { return };
    let (min, max) = (db.min_acu.get(), db.max_acu.get());
    if db.global && min == 0.0 {
        out.push(
            Finding::new(
                &RULE.meta,
                "database.minAcu",
                "a minimum of 0 ACU auto-pauses the cluster, which a global database does not allow",
                "use a minimum of 0.5 ACU; a paused primary would also add about 15 s to resume",
            )
            .with_fix(Fix {
                title: "Use a minimum of 0.5 ACU".into(),
                edits: vec![
                    Edit::Set { path: "database.minAcu".into(), value: json!(0.5) },
                    Edit::Remove { path: "database.autoPauseSeconds".into() },
                ],
            }),
        );
    } else if min == 0.0
        && !db
            .auto_pause_seconds
            .is_some_and(|s| (300..=86_400).contains(&s))
    {
        out.push(
            Finding::new(
                &RULE.meta,
                "database.autoPauseSeconds",
                "auto-pause (0 ACU) needs an idle time of 300 to 86,400 seconds",
                "set how long the cluster idles before it pauses",
            )
            .with_fix(Fix::set(
                "Pause after 300 s idle",
                "database.autoPauseSeconds",
                json!(300),
            )),
        );
    }
    if max < min || max == 0.0 {
        out.push(
            Finding::new(
                &RULE.meta,
                "database.maxAcu",
                format!("maximum capacity `{max}` ACU is below the minimum `{min}` or zero"),
                "set the maximum to the peak the workload needs",
            )
            .with_fix(Fix::set(
                "Raise the maximum",
                "database.maxAcu",
                json!(if min > 0.0 { min * 4.0 } else { 4.0 }.min(256.0)),
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Acu;
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_auto_pause_and_inverted_range() {
        let mut t = crate::presets::reference();
        t.database.as_mut().unwrap().min_acu = Acu::new(0.0).unwrap();
        t.database.as_mut().unwrap().auto_pause_seconds = Some(600);
        check_rule("E3006", &t, "database.minAcu");
        let mut t = crate::presets::reference();
        t.database.as_mut().unwrap().max_acu = Acu::new(0.0).unwrap();
        check_rule("E3006", &t, "database.maxAcu");
    }
}
