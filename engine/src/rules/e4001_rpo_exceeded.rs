use super::{Ctx, Finding, Rule, RuleMeta};
use crate::analysis::human_seconds;
use crate::analysis::suggest::{cheapest, Goal};

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E4001",
        title: "RPO objective exceeded",
        description: "The topology's RPO is the worst durable store's typical data loss in a regional failover; it must not exceed the objective. The finding names the store and the cheapest change that meets the objective.",
        source: "https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/business-continuity-plan-bcp.html",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let rpo = &ctx.analysis.rpo;
    let objective = f64::from(ctx.t.objectives.rpo_seconds);
    let Some(store) = rpo.worst_store() else {
        return;
    };
    let exceeded = rpo.typical_seconds.is_none_or(|s| s > objective);
    if !exceeded {
        return;
    }
    let value = rpo
        .typical_seconds
        .map_or("unbounded".to_string(), human_seconds);
    let suggestion = cheapest(Goal::Rpo, ctx.t, ctx.prices, ctx.analysis);
    let help = match &suggestion {
        Some(s) => format!("{}: {} ({})", s.fix.title, s.effect, store.basis),
        None => format!("{}; no single change here meets the objective", store.basis),
    };
    let mut finding = Finding::new(
        &RULE.meta,
        &store.path,
        format!(
            "recovery point is {value} ({}), above the {} RPO objective",
            store.store,
            human_seconds(objective)
        ),
        help,
    );
    if let Some(s) = suggestion {
        finding = finding.with_fix(s.fix);
    }
    out.push(finding);
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_when_a_bucket_loses_rtc() {
        // Without RTC most objects replicate within 15 min: above a 10 min objective.
        let mut t = crate::presets::reference();
        t.objectives.rpo_seconds = 600;
        assert!(crate::rules::test_support::findings_of("E4001", &t).is_empty());
        t.buckets[0].replication.as_mut().unwrap().rtc = false;
        check_rule("E4001", &t, "buckets[0].replication.rtc");
    }
}
