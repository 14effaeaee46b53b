use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::model::{Placement, Service, Side};
use crate::rules::Edit;

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "W1006",
        title: "An interface endpoint nothing uses",
        description: "Interface endpoints are billed per AZ-hour ($0.01 each, about $21.90/month in 3 AZs) whether used or not; one that no function in the VPC calls is pure cost.",
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
                        "no function in the {} VPC calls {}, yet its endpoint costs ${:.2}/month",
                        ctx.t.region(side).region,
                        service.key(),
                        0.01 * 730.0 * f64::from(vpc.az_count)
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
