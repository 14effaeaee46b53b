use super::{Ctx, Finding, Rule, RuleMeta};
use crate::analysis::suggest::{cheapest, Goal};
use crate::analysis::usd;

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E5001",
        title: "Monthly cost above budget",
        description: "The priced monthly cost of both regions must stay within the budget; the finding names the largest line item and the least drastic saving that fits.",
        source: "https://docs.aws.amazon.com/wellarchitected/latest/cost-optimization-pillar/welcome.html",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let cost = &ctx.analysis.cost;
    let budget = ctx.t.objectives.monthly_budget_usd.get();
    if cost.total <= budget {
        return;
    }
    let dominant = cost
        .dominant()
        .map(|l| {
            format!(
                "; the largest line is {} {} in {} ({})",
                l.service,
                l.item.to_lowercase(),
                l.region,
                usd(l.amount)
            )
        })
        .unwrap_or_default();
    let suggestion = cheapest(Goal::Budget, ctx.t, ctx.prices, ctx.analysis);
    let help = match &suggestion {
        Some(s) => format!("{}: {}", s.fix.title, s.effect),
        None => {
            "no single saving Tandem knows fits the budget; raise it or change the strategy".into()
        }
    };
    let mut finding = Finding::new(
        &RULE.meta,
        "objectives.monthlyBudgetUsd",
        format!(
            "{} a month is above the {} budget{dominant}",
            crate::report::cost_headline(cost),
            usd(budget)
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
    use crate::model::NonNegative;
    use crate::rules::test_support::{check_rule, findings_of};

    #[test]
    fn fires_over_budget_and_names_the_largest_line() {
        let mut t = crate::presets::reference();
        let total = crate::analysis::analyze(&t, crate::prices::PriceTable::builtin())
            .cost
            .total;
        t.objectives.monthly_budget_usd = NonNegative::new(total - 20.0).unwrap();
        check_rule("E5001", &t, "objectives.monthlyBudgetUsd");
        assert!(findings_of("E5001", &t)[0].message.contains("largest line"));
    }
}
