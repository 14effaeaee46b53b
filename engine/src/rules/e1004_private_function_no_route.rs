use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::model::{NatMode, Placement, Service, Side, Topology};
use crate::rules::Edit;

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E1004",
        title: "A function in the VPC cannot reach a service it calls",
        description: "A function in private subnets reaches AWS APIs through a NAT gateway or a VPC endpoint; in isolated subnets only through an endpoint. Without one, its calls time out.",
        source: "https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-internet.html",
        defects: &[13],
    },
    check,
};

/// Whether a function placed as `placement` in `side` can reach `service`.
pub(crate) fn reachable(t: &Topology, side: Side, placement: Placement, service: Service) -> bool {
    let vpc = &t.region(side).vpc;
    match placement {
        Placement::OutsideVpc => true,
        // The database lives in the VPC: no route to the internet is needed to connect.
        _ if service == Service::Rds => true,
        Placement::Private if vpc.nat != NatMode::None => true,
        _ => {
            (service.has_gateway_endpoint() && vpc.gateway_endpoints.contains(&service))
                || (service.has_interface_endpoint() && vpc.interface_endpoints.contains(&service))
        }
    }
}

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let t = ctx.t;
    for (i, f) in t.functions.iter().enumerate() {
        for (j, service) in f.calls.iter().enumerate() {
            let blocked: Vec<Side> = Side::BOTH
                .into_iter()
                .filter(|s| !reachable(t, *s, f.placement, *service))
                .collect();
            if blocked.is_empty() {
                continue;
            }
            let regions: Vec<&str> = blocked
                .iter()
                .map(|s| t.region(*s).region.as_str())
                .collect();
            let mut fix = Fix {
                title: String::new(),
                edits: Vec::new(),
            };
            if service.has_gateway_endpoint() {
                fix.title = format!("Add a {} gateway endpoint", service.key());
                for side in &blocked {
                    fix.edits.push(Edit::Push {
                        path: format!("{}.vpc.gatewayEndpoints", side.key()),
                        value: json!(service.key()),
                    });
                }
            } else if service.has_interface_endpoint() {
                fix.title = format!("Add a {} interface endpoint", service.key());
                for side in &blocked {
                    fix.edits.push(Edit::Push {
                        path: format!("{}.vpc.interfaceEndpoints", side.key()),
                        value: json!(service.key()),
                    });
                }
            } else {
                fix.title =
                    "Place the function in private subnets with a NAT gateway per AZ".into();
                fix.edits.push(Edit::Set {
                    path: format!("functions[{i}].placement"),
                    value: json!("private"),
                });
                for side in &blocked {
                    fix.edits.push(Edit::Set {
                        path: format!("{}.vpc.nat", side.key()),
                        value: json!("perAz"),
                    });
                }
            }
            out.push(
                Finding::new(
                    &RULE.meta,
                    format!("functions[{i}].calls[{j}]"),
                    format!(
                        "`{}` calls {} but has no route to it in {}",
                        f.id,
                        service.key(),
                        regions.join(" and ")
                    ),
                    "add a VPC endpoint for the service, or a NAT gateway for private subnets",
                )
                .with_fix(fix),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{NatMode, Placement, Service};
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_without_nat_or_endpoint() {
        let mut t = crate::presets::reference();
        t.secondary.vpc.nat = NatMode::None;
        t.functions[0].calls.push(Service::Events);
        let j = t.functions[0].calls.len() - 1;
        check_rule("E1004", &t, &format!("functions[0].calls[{j}]"));
    }

    #[test]
    fn isolated_functions_need_endpoints_even_with_nat() {
        let mut t = crate::presets::reference();
        t.functions[1].placement = Placement::Isolated;
        t.functions[1].calls = vec![Service::Route53];
        check_rule("E1004", &t, "functions[1].calls[0]");
    }
}
