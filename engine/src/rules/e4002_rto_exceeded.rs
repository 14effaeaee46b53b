use super::{Ctx, Finding, Rule, RuleMeta};
use crate::analysis::human_seconds;
use crate::analysis::suggest::{cheapest, Goal};

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E4002",
        title: "RTO objective exceeded",
        description: "RTO is measured by simulating a regional outage of the synthesized stacks (outage start to the first second writes through the public name succeed again) and explained as phases; it must not exceed the objective. The finding names the dominant phase and the cheapest change that meets the objective.",
        source: "https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/business-continuity-plan-bcp.html",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let rto = &ctx.analysis.rto;
    let objective = f64::from(ctx.t.objectives.rto_seconds);
    if rto.meets(objective) {
        return;
    }
    let Some(phase) = rto.dominant() else { return };
    let suggestion = cheapest(Goal::Rto, ctx.t, ctx.prices, ctx.analysis);
    let help = match &suggestion {
        Some(s) => format!("{}: {}", s.fix.title, s.effect),
        None => {
            "no change Tandem knows meets the objective; reconsider the strategy or the objective"
                .into()
        }
    };
    let mut finding = Finding::new(
        &RULE.meta,
        &phase.path,
        format!(
            "recovery time in a simulated regional outage is {}, above the {} RTO objective; {} takes the longest ({}, {})",
            rto.total_text(),
            human_seconds(objective),
            phase.id,
            human_seconds(phase.seconds),
            phase.formula
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
    fn fires_on_a_tight_objective_and_names_the_decision() {
        let mut t = crate::presets::reference();
        t.objectives.rto_seconds = 600;
        check_rule("E4002", &t, "failover.decision");
        let f = crate::rules::test_support::findings_of("E4002", &t);
        assert!(f[0].help.contains("automatic failover"), "{}", f[0].help);
    }
}
