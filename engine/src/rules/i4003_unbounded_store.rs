use super::{Ctx, Finding, Rule, RuleMeta};

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "I4003",
        title: "A store with no bound on data loss",
        description: "Some stores have a typical loss but no guaranteed bound (DynamoDB eventual replication, Aurora without rds.global_db_rpo), and in-flight data (SQS messages) has no cross-region copy at all; they are reported so the team accepts them knowingly.",
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for store in &ctx.analysis.rpo.stores {
        if store.bound_seconds.is_some() {
            continue;
        }
        out.push(Finding::new(
            &RULE.meta,
            &store.path,
            format!("{} has no guaranteed bound on data loss", store.store),
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
    }
}
