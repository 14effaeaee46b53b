use ipnet::Ipv4Net;
use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::model::{Cidr, Side};
use crate::network::{VPC_MAX_PREFIX, VPC_MIN_PREFIX};

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E1001",
        title: "VPC CIDR not valid for a VPC",
        description:
            "A VPC block must be between /16 and /28 and be a network address (no host bits set).",
        source: "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for side in Side::BOTH {
        let cidr = ctx.t.region(side).vpc.cidr;
        let path = format!("{}.vpc.cidr", side.key());
        let prefix = cidr.prefix_len();
        if !(VPC_MIN_PREFIX..=VPC_MAX_PREFIX).contains(&prefix) {
            let fixed = Ipv4Net::new(cidr.net().addr(), VPC_MIN_PREFIX).map(|n| Cidr(n.trunc()));
            let mut finding = Finding::new(
                &RULE.meta,
                &path,
                format!("`{cidr}` is a /{prefix}; a VPC block must be /16 to /28"),
                "use a /16 for a production VPC: it leaves room for three tiers in three AZs",
            );
            if let Ok(fixed) = fixed {
                finding = finding.with_fix(Fix::set(
                    format!("Use `{fixed}`"),
                    &path,
                    json!(fixed.to_string()),
                ));
            }
            out.push(finding);
        } else if cidr.trunc() != cidr {
            let fixed = cidr.trunc();
            out.push(
                Finding::new(
                    &RULE.meta,
                    &path,
                    format!("`{cidr}` has host bits set; the network address is `{fixed}`"),
                    "a VPC block is given by its network address",
                )
                .with_fix(Fix::set(
                    format!("Use `{fixed}`"),
                    &path,
                    json!(fixed.to_string()),
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_a_too_large_block_and_on_host_bits() {
        let mut t = crate::presets::reference();
        t.secondary.vpc.cidr = "10.1.0.0/8".parse().unwrap();
        check_rule("E1001", &t, "secondary.vpc.cidr");
        let mut t = crate::presets::reference();
        t.primary.vpc.cidr = "10.0.3.7/16".parse().unwrap();
        check_rule("E1001", &t, "primary.vpc.cidr");
    }
}
