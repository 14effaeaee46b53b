use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E3002",
        title: "A replicated bucket without versioning",
        description: "S3 replication requires versioning on both the source and the destination bucket; CloudFormation fails to create the replication configuration otherwise.",
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for (i, b) in ctx.t.buckets.iter().enumerate() {
        let Some(r) = &b.replication else { continue };
        let mut missing = Vec::new();
        if !b.versioning {
            missing.push("source");
        }
        if !r.replica_versioning {
            missing.push("destination");
        }
        if missing.is_empty() {
            continue;
        }
        let path = if b.versioning {
            format!("buckets[{i}].replication.replicaVersioning")
        } else {
            format!("buckets[{i}].versioning")
        };
        out.push(
            Finding::new(
                &RULE.meta,
                path,
                format!(
                    "bucket `{}` replicates without versioning on its {}",
                    b.id,
                    missing.join(" and ")
                ),
                "turn on versioning on both buckets",
            )
            .with_fix(
                Fix::set(
                    "Turn on versioning",
                    format!("buckets[{i}].versioning"),
                    json!(true),
                )
                .and_set(
                    format!("buckets[{i}].replication.replicaVersioning"),
                    json!(true),
                ),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_either_side() {
        let mut t = crate::presets::reference();
        t.buckets[0].versioning = false;
        check_rule("E3002", &t, "buckets[0].versioning");
        let mut t = crate::presets::reference();
        t.buckets[1]
            .replication
            .as_mut()
            .unwrap()
            .replica_versioning = false;
        check_rule("E3002", &t, "buckets[1].replication.replicaVersioning");
    }
}
