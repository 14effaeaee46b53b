use super::{Ctx, Finding, Rule, RuleMeta};

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "I4003",
        title: "A store with no bound on data loss",
        description: "Some stores have a typical loss but no guaranteed bound (DynamoDB eventual replication, Aurora without rds.global_db_rpo, events waiting in the failed primary), some only a statistical one (S3 RTC: 99.99% within 15 minutes), and in-flight data (SQS messages) has no cross-region copy at all; they are reported so the team accepts them knowingly.",
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for store in &ctx.analysis.rpo.stores {
        let message = match (store.bound_seconds, store.bound_percentile) {
            (None, _) => format!("{} has no guaranteed bound on data loss", store.store),
            (Some(b), Some(p)) => format!(
                "{}'s bound of {} holds for {p}% of its data only (an SLA, not a guarantee)",
                store.store,
                crate::analysis::human_seconds(b)
            ),
            (Some(_), None) => continue,
        };
        out.push(Finding::new(
            &RULE.meta,
            &store.path,
            message,
            store.basis.clone(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::findings_of;

    #[test]
    fn reports_the_queue_and_the_eventual_table() {
        let t = crate::presets::reference();
        let f = findings_of("I4003", &t);
        assert!(f.iter().any(|f| f.path == "queues[0]"));
        assert!(f.iter().any(|f| f.path == "tables[0].consistency"));
        // S3 RTC's 15 minutes is a 99.99% SLA.
        assert!(f
            .iter()
            .any(|f| f.path == "buckets[0].replication.rtc" && f.message.contains("99.99%")));
    }
}
