use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::model::Decision;

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E3023",
        title: "Automatic failover onto a headless secondary database",
        description: "With automatic failover the primary record's health check includes the primary's endpoint, so Route 53 answers with the secondary as soon as its health checkers see the primary fail; a secondary cluster with no instance rejects every write until the failover adds one (about 10 minutes), far beyond one DNS TTL. The outage simulator reports it as E6002. Keep one instance in the secondary, or decide manually (DNS then moves only after promotion).",
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(db) = ctx.t.global_database() else {
        return;
    };
    if ctx.t.failover.decision != Decision::Automatic || db.secondary_instances > 0 {
        return;
    }
    out.push(
        Finding::new(
            &RULE.meta,
            "database.secondaryInstances",
            format!(
                "automatic failover points `{}` at {} within seconds, but its cluster has no instance: writes fail until one is added",
                ctx.t.dns.record_name, ctx.t.secondary.region
            ),
            "keep one instance in the secondary cluster, or make the decision manual so DNS moves only once the secondary writes",
        )
        .with_fix(Fix::set(
            "Keep one instance in the secondary",
            "database.secondaryInstances",
            json!(1),
        )),
    );
}

#[cfg(test)]
mod tests {
    use crate::model::Decision;
    use crate::presets;
    use crate::rules::check;

    #[test]
    fn fires_for_automatic_failover_onto_a_headless_secondary() {
        let mut t = presets::warm_standby();
        assert!(!check(&t).findings.iter().any(|f| f.rule == "E3023"));
        if let Some(db) = t.database.as_mut() {
            db.secondary_instances = 0;
        }
        t.failover.decision = Decision::Automatic;
        assert!(check(&t).findings.iter().any(|f| f.rule == "E3023"));
        let mut manual = presets::pilot_light();
        manual.failover.decision = Decision::Manual {
            approval_minutes: 10,
        };
        assert!(!check(&manual).findings.iter().any(|f| f.rule == "E3023"));
    }
}
