use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::model::BucketEncryption;

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E2001",
        title: "Data at rest is not encrypted",
        description: "Aurora storage, S3 buckets, SQS queues and SNS topics must be encrypted at rest (CKV_AWS_27, CKV_AWS_26); Tandem encrypts them with a customer-managed KMS key per region.",
        source: "https://docs.aws.amazon.com/prescriptive-guidance/latest/encryption-best-practices/welcome.html",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let t = ctx.t;
    let mut push = |path: String, what: String, value: serde_json::Value| {
        out.push(
            Finding::new(
                &RULE.meta,
                &path,
                format!("{what} is not encrypted at rest"),
                "encrypt it with the region's KMS key; encryption cannot be added to an Aurora cluster later without a restore",
            )
            .with_fix(Fix::set("Encrypt it", path, value)),
        );
    };
    if let Some(db) = &t.database {
        if !db.storage_encrypted {
            push(
                "database.storageEncrypted".into(),
                format!("the `{}` database", db.id),
                json!(true),
            );
        }
    }
    for (i, b) in t.buckets.iter().enumerate() {
        if b.encryption == BucketEncryption::None {
            push(
                format!("buckets[{i}].encryption"),
                format!("bucket `{}`", b.id),
                json!("sseKms"),
            );
        }
    }
    for (i, q) in t.queues.iter().enumerate() {
        if !q.encrypted {
            push(
                format!("queues[{i}].encrypted"),
                format!("queue `{}`", q.id),
                json!(true),
            );
        }
    }
    for (i, topic) in t.topics.iter().enumerate() {
        if !topic.encrypted {
            push(
                format!("topics[{i}].encrypted"),
                format!("topic `{}`", topic.id),
                json!(true),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::BucketEncryption;
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_each_kind_of_store() {
        let mut t = crate::presets::reference();
        t.database.as_mut().unwrap().storage_encrypted = false;
        t.buckets[1].encryption = BucketEncryption::None;
        t.queues[0].encrypted = false;
        t.topics[0].encrypted = false;
        check_rule("E2001", &t, "database.storageEncrypted");
        check_rule("E2001", &t, "buckets[1].encryption");
        check_rule("E2001", &t, "queues[0].encrypted");
        check_rule("E2001", &t, "topics[0].encrypted");
    }
}
