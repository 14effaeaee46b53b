use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E3003",
        title: "Replication Time Control not at 15 minutes",
        description: "S3 RTC accepts only 15 minutes for ReplicationTime.Time.Minutes and Metrics.EventThreshold.Minutes; any other value is rejected.",
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for (i, b) in ctx.t.buckets.iter().enumerate() {
        let Some(r) = &b.replication else { continue };
        if r.rtc && r.rtc_minutes != 15 {
            let path = format!("buckets[{i}].replication.rtcMinutes");
            out.push(
                Finding::new(
                    &RULE.meta,
                    &path,
                    format!(
                        "bucket `{}` asks RTC for {} minutes; S3 accepts only 15",
                        b.id, r.rtc_minutes
                    ),
                    "use 15 minutes",
                )
                .with_fix(Fix::set("Use 15 minutes", path, json!(15))),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_five_minutes() {
        let mut t = crate::presets::reference();
        t.buckets[0].replication.as_mut().unwrap().rtc_minutes = 5;
        check_rule("E3003", &t, "buckets[0].replication.rtcMinutes");
    }
}
