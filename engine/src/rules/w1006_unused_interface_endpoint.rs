use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::analysis::HOURS_PER_MONTH;
use crate::model::{Placement, Service, Side};
use crate::rules::Edit;

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "W1006",
        title: "An interface endpoint nothing uses",
        description: "Interface endpoints are billed per AZ-hour whether used or not; one that no function in the VPC calls is pure cost.",
        source: "https://aws.amazon.com/privatelink/pricing/",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for side in Side::BOTH {
        let vpc = &ctx.t.region(side).vpc;
        for (k, service) in vpc.interface_endpoints.iter().enumerate() {
            // `rds` in a function's calls is a database connection, which stays in the VPC;
            // the RDS *API* endpoint is never what a function's data path needs.
            let used = *service != Service::Rds
                && ctx
                    .t
                    .functions
                    .iter()
                    .any(|f| f.placement != Placement::OutsideVpc && f.calls.contains(service));
            if used {
                continue;
            }
            let path = format!("{}.vpc.interfaceEndpoints[{k}]", side.key());
            out.push(
                Finding::new(
                    &RULE.meta,
                    &path,
                    format!(
                        "no function in the {} VPC calls {}{}",
                        ctx.t.region(side).region,
                        service.key(),
                        ctx.monthly(
                            &ctx.t.region(side).region,
                            "endpoint.azHour",
                            HOURS_PER_MONTH * f64::from(vpc.az_count),
                            |m| format!(", yet its endpoint costs {m}/month")
                        )
                    ),
                    "remove the endpoint, or add the service to the calls of the function that needs it",
                )
                .with_fix(Fix {
                    title: format!("Remove the {} endpoint", service.key()),
                    edits: vec![Edit::Remove { path }],
                }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Service;
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_an_rds_api_endpoint_nobody_calls() {
        let mut t = crate::presets::reference();
        t.primary.vpc.interface_endpoints.push(Service::Rds);
        let k = t.primary.vpc.interface_endpoints.len() - 1;
        check_rule("W1006", &t, &format!("primary.vpc.interfaceEndpoints[{k}]"));
    }
}

#[cfg(test)]
mod price_tests {
    use crate::model::Service;
    use crate::prices::PriceTable;

    /// The amount quoted comes from the price table in use, and is left out when it has none.
    #[test]
    fn the_quoted_cost_comes_from_the_price_table() {
        let mut t = crate::presets::reference();
        t.primary.vpc.interface_endpoints.push(Service::Rds);
        let message = |prices: &PriceTable| {
            crate::rules::check_with(&t, prices)
                .findings
                .into_iter()
                .find(|f| f.rule == "W1006")
                .map(|f| f.message)
                .unwrap()
        };
        assert!(message(PriceTable::builtin()).ends_with("costs $21.90/month"));
        let mut doubled = PriceTable::builtin().clone();
        for p in doubled
            .prices
            .iter_mut()
            .filter(|p| p.item == "endpoint.azHour")
        {
            p.usd *= 2.0;
        }
        assert!(message(&doubled).ends_with("costs $43.80/month"));
        let mut none = PriceTable::builtin().clone();
        none.prices.retain(|p| p.item != "endpoint.azHour");
        assert!(message(&none).ends_with("calls rds"));
    }
}
