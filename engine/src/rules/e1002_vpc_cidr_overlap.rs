use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::model::Cidr;

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E1002",
        title: "Primary and secondary VPC CIDRs overlap",
        description: "Overlapping VPC blocks can never be peered or routed to each other (Transit Gateway, peering, VPN), which rules out cross-region private connectivity.",
        source: "https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html",
        defects: &[12],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let (a, b) = (ctx.t.primary.vpc.cidr, ctx.t.secondary.vpc.cidr);
    if !a.overlaps(b) {
        return;
    }
    let path = "secondary.vpc.cidr";
    let mut finding = Finding::new(
        &RULE.meta,
        path,
        format!("the secondary VPC `{b}` overlaps the primary VPC `{a}`"),
        "give each region its own block, e.g. 10.0.0.0/16 and 10.1.0.0/16",
    );
    if let Some(free) = free_block(a, b.prefix_len()) {
        finding = finding.with_fix(Fix::set(
            format!("Use `{free}`"),
            path,
            json!(free.to_string()),
        ));
    }
    out.push(finding);
}

/// The first 10.x.0.0 block of `prefix` that does not overlap `taken`.
fn free_block(taken: Cidr, prefix: u8) -> Option<Cidr> {
    let prefix = prefix.clamp(16, 28);
    (0..=255u8)
        .filter_map(|x| {
            Ipv4Net::new(Ipv4Addr::new(10, x, 0, 0), prefix)
                .ok()
                .map(Cidr)
        })
        .find(|c| !c.overlaps(taken))
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_equal_and_nested_blocks() {
        let mut t = crate::presets::reference();
        t.secondary.vpc.cidr = t.primary.vpc.cidr;
        check_rule("E1002", &t, "secondary.vpc.cidr");
        let mut t = crate::presets::reference();
        t.secondary.vpc.cidr = "10.0.128.0/17".parse().unwrap();
        check_rule("E1002", &t, "secondary.vpc.cidr");
    }
}
