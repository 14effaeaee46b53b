use super::{Ctx, Finding, Rule, RuleMeta};
use crate::model::{AlarmMetric, Trigger};

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E3016",
        title: "A reference to something that does not exist",
        description: "Triggers, the API's health function, alarms and their topics name other parts of the topology by id; each id must exist, and ids of one kind must be unique.",
        source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-ref.html",
        defects: &[13],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let t = ctx.t;
    let mut missing = |path: String, kind: &str, id: &str| {
        out.push(Finding::new(
            &RULE.meta,
            path,
            format!("no {kind} has the id `{id}`"),
            format!("name an existing {kind}, or add one with this id"),
        ));
    };
    for (i, f) in t.functions.iter().enumerate() {
        if let Trigger::Queue(q) = &f.trigger {
            if !t.queues.iter().any(|x| &x.id == q) {
                missing(format!("functions[{i}].trigger"), "queue", q);
            }
        }
    }
    if let Some(api) = &t.api {
        if t.function(&api.health_function).is_none() {
            missing(
                "api.healthFunction".into(),
                "function",
                &api.health_function,
            );
        }
    }
    for (i, a) in t.alarms.iter().enumerate() {
        if !t.topics.iter().any(|x| x.id == a.topic) {
            missing(format!("alarms[{i}].topic"), "topic", &a.topic);
        }
        match &a.metric {
            AlarmMetric::FunctionErrors(id) if t.function(id).is_none() => {
                missing(format!("alarms[{i}].metric"), "function", id)
            }
            AlarmMetric::DynamodbReplicationLatency(id)
                if !t.tables.iter().any(|x| &x.id == id) =>
            {
                missing(format!("alarms[{i}].metric"), "table", id)
            }
            AlarmMetric::S3ReplicationLatency(id) if !t.buckets.iter().any(|x| &x.id == id) => {
                missing(format!("alarms[{i}].metric"), "bucket", id)
            }
            _ => {}
        }
    }
    let kinds: [(&str, Vec<&str>); 6] = [
        (
            "functions",
            t.functions.iter().map(|x| x.id.as_str()).collect(),
        ),
        ("tables", t.tables.iter().map(|x| x.id.as_str()).collect()),
        ("buckets", t.buckets.iter().map(|x| x.id.as_str()).collect()),
        ("queues", t.queues.iter().map(|x| x.id.as_str()).collect()),
        ("topics", t.topics.iter().map(|x| x.id.as_str()).collect()),
        ("alarms", t.alarms.iter().map(|x| x.id.as_str()).collect()),
    ];
    for (kind, ids) in kinds {
        for (i, id) in ids.iter().enumerate() {
            let valid = !id.is_empty()
                && id.len() <= 32
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && id.starts_with(|c: char| c.is_ascii_lowercase());
            if !valid {
                out.push(Finding::new(
                    &RULE.meta,
                    format!("{kind}[{i}].id"),
                    format!("`{id}` is not a valid id"),
                    "ids are 1 to 32 lowercase letters, digits and hyphens, starting with a letter",
                ));
            }
            if ids.iter().take(i).any(|earlier| earlier == id) {
                out.push(Finding::new(
                    &RULE.meta,
                    format!("{kind}[{i}].id"),
                    format!("`{id}` is used by two {kind}"),
                    "give each one its own id",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Trigger;
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_missing_and_duplicate_ids() {
        let mut t = crate::presets::reference();
        t.functions[0].trigger = Trigger::Queue("nope".into());
        check_rule("E3016", &t, "functions[0].trigger");
        let mut t = crate::presets::reference();
        t.alarms[0].topic = "pager".into();
        check_rule("E3016", &t, "alarms[0].topic");
        let mut t = crate::presets::reference();
        t.buckets[1].id = "config".into();
        check_rule("E3016", &t, "buckets[1].id");
        let mut t = crate::presets::reference();
        t.buckets[1].id = "Audit Logs".into();
        check_rule("E3016", &t, "buckets[1].id");
    }
}
