use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E3017",
        title: "Health check settings Route 53 rejects or that miss the API",
        description: "Route 53 accepts a request interval of 10 or 30 seconds and a failure threshold of 1 to 10; the checked path must be the API's health path under its stage.",
        source: "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html",
        defects: &[7],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let hc = &ctx.t.dns.health_check;
    if hc.interval_seconds != 10 && hc.interval_seconds != 30 {
        out.push(
            Finding::new(
                &RULE.meta,
                "dns.healthCheck.intervalSeconds",
                format!(
                    "`{}` s is not a Route 53 request interval (10 or 30)",
                    hc.interval_seconds
                ),
                format!(
                    "use 30 s, or 10 s for faster detection{}",
                    ctx.monthly(
                        &ctx.t.primary.region,
                        "route53.healthCheckOptionMonth",
                        1.0,
                        |m| format!(" (+{m}/month)")
                    )
                ),
            )
            .with_fix(Fix::set(
                "Use 30 s",
                "dns.healthCheck.intervalSeconds",
                json!(30),
            )),
        );
    }
    if !(1..=10).contains(&hc.failure_threshold) {
        out.push(
            Finding::new(
                &RULE.meta,
                "dns.healthCheck.failureThreshold",
                format!(
                    "`{}` is not a failure threshold (1 to 10)",
                    hc.failure_threshold
                ),
                "use 3, Route 53's default",
            )
            .with_fix(Fix::set(
                "Use 3",
                "dns.healthCheck.failureThreshold",
                json!(3),
            )),
        );
    }
    if let Some(api) = &ctx.t.api {
        let expected = format!("/{}{}", api.stage, api.health_path);
        if hc.path != expected {
            out.push(
                Finding::new(
                    &RULE.meta,
                    "dns.healthCheck.path",
                    format!(
                        "the health check probes `{}`, but the API serves health at `{expected}`",
                        hc.path
                    ),
                    "probe the stage's health path",
                )
                .with_fix(Fix::set(
                    format!("Probe {expected}"),
                    "dns.healthCheck.path",
                    json!(expected),
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_each_setting() {
        let mut t = crate::presets::reference();
        t.dns.health_check.interval_seconds = 20;
        t.dns.health_check.failure_threshold = 0;
        t.dns.health_check.path = "/health".into();
        check_rule("E3017", &t, "dns.healthCheck.intervalSeconds");
        check_rule("E3017", &t, "dns.healthCheck.failureThreshold");
        check_rule("E3017", &t, "dns.healthCheck.path");
    }
}
