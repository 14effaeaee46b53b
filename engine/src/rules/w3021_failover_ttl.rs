use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "W3021",
        title: "Failover record TTL above 60 seconds",
        description: "Resolvers keep answering with the failed region for the record's TTL after Route 53 switches; AWS recommends 60 s or less for failover records.",
        source: "https://aws.amazon.com/route53/faqs/",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let ttl = ctx.t.dns.ttl_seconds;
    if ttl > 60 {
        out.push(
            Finding::new(
                &RULE.meta,
                "dns.ttlSeconds",
                format!("a {ttl} s TTL keeps clients on the failed region up to {ttl} s after the switch"),
                "use 60 s or less",
            )
            .with_fix(Fix::set("Use 60 s", "dns.ttlSeconds", json!(60))),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_above_sixty() {
        let mut t = crate::presets::reference();
        t.dns.ttl_seconds = 300;
        check_rule("W3021", &t, "dns.ttlSeconds");
    }
}
