//! Names and free text, validated at load: everything a user types that reaches a physical
//! name, a template, `deploy.sh`, `RUNBOOK.md` or a zip path.
//!
//! A topology can arrive in a share link from anyone, so no string is trusted. Each field gets
//! the character set and length AWS accepts for every resource it becomes part of; names are
//! then composed exactly as synthesis composes them and each composed name is checked against
//! the limit of the resource that carries it, so an error names the field to shorten. Free
//! text (purposes, reasons) may be any printable text of bounded length: it reaches templates
//! only as literal JSON strings, never inside `Fn::Sub`.

use super::{AlarmMetric, LoadError, Topology, Trigger};

/// The longest region code AWS uses (`ap-southeast-2`) is 14 characters.
const REGION_MAX: usize = 20;
/// A 12-digit account id, as `${AWS::AccountId}` becomes at deploy time.
const ACCOUNT_LEN: usize = 12;

fn err(path: impl Into<String>, message: impl Into<String>) -> LoadError {
    LoadError::Field {
        path: path.into(),
        message: message.into(),
    }
}

/// Shows a hostile value without letting it break the message: at most 60 characters, control
/// and invisible characters escaped.
fn shown(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == 60 {
            out.push('…');
            break;
        }
        if invisible(c) || c == '`' {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Control characters, zero-width characters, bidirectional overrides and the BOM: they make
/// text read differently from what it is.
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'
        )
}

/// A name part: lowercase letters, digits and single hyphens, starting with a letter, not
/// ending with a hyphen. It is valid in every AWS name Tandem builds from it (S3 buckets, Aurora
/// cluster identifiers, Lambda, SQS, stack names), in a shell word and in a zip path.
fn name_part(path: &str, value: &str, max: usize, what: &str) -> Result<(), LoadError> {
    let len = value.chars().count();
    if len == 0 {
        return Err(err(
            path,
            format!("is empty: {what} needs 1 to {max} characters"),
        ));
    }
    if len > max {
        return Err(err(
            path,
            format!(
                "`{}` is {len} characters long: {what} allows at most {max}",
                shown(value)
            ),
        ));
    }
    let bytes = value.as_bytes();
    let ok_chars = bytes
        .iter()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-');
    let starts = bytes.first().is_some_and(u8::is_ascii_lowercase);
    let ends = bytes.last().is_some_and(|b| *b != b'-');
    if !ok_chars || !starts || !ends || value.contains("--") {
        return Err(err(
            path,
            format!(
                "`{}` is not a valid {what}: use lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen",
                shown(value)
            ),
        ));
    }
    Ok(())
}

/// Text matching `allowed`, 1 to `max` characters.
fn charset(
    path: &str,
    value: &str,
    max: usize,
    allowed: impl Fn(char) -> bool,
    rule: &str,
) -> Result<(), LoadError> {
    let len = value.chars().count();
    if len == 0 || len > max {
        return Err(err(
            path,
            format!(
                "`{}` has {len} characters: expected 1 to {max}",
                shown(value)
            ),
        ));
    }
    if !value.chars().all(allowed) {
        return Err(err(
            path,
            format!("`{}` is not valid: {rule}", shown(value)),
        ));
    }
    Ok(())
}

/// Free text: any printable characters, no control or invisible ones, at most `max`.
fn text(path: &str, value: &str, max: usize) -> Result<(), LoadError> {
    let len = value.chars().count();
    if len > max {
        return Err(err(
            path,
            format!("is {len} characters long: at most {max} are allowed"),
        ));
    }
    if let Some(c) = value.chars().find(|c| invisible(*c)) {
        return Err(err(
            path,
            format!(
                "`{}` contains the invisible character {}: use printable text",
                shown(value),
                c.escape_unicode()
            ),
        ));
    }
    Ok(())
}

/// A region's characters only: whether AWS has the region is rule E3020's to say (with a fix),
/// but the value reaches bucket names, `Fn::Sub` strings and shell words, so nothing but
/// letters, digits and hyphens gets that far.
fn region(path: &str, value: &str) -> Result<(), LoadError> {
    let ok = !value.is_empty()
        && value.len() <= REGION_MAX
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !ok {
        return Err(err(
            path,
            format!(
                "`{}` is not an AWS region code such as `us-east-1`: letters, digits and hyphens, at most {REGION_MAX}",
                shown(value)
            ),
        ));
    }
    Ok(())
}

fn dns_name(path: &str, value: &str) -> Result<(), LoadError> {
    let labels_ok = value.split('.').all(|l| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    });
    if value.is_empty() || value.len() > 253 || !labels_ok || !value.contains('.') {
        return Err(err(
            path,
            format!(
                "`{}` is not a DNS name such as `api.example.com`: lowercase labels of letters, digits and hyphens, separated by dots, no trailing dot",
                shown(value)
            ),
        ));
    }
    Ok(())
}

fn url_path(path: &str, value: &str) -> Result<(), LoadError> {
    let ok = value.starts_with('/')
        && value.len() <= 255
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.'));
    if !ok {
        return Err(err(
            path,
            format!(
                "`{}` is not a URL path such as `/health`: start with `/`, then letters, digits, `/`, `-`, `_` or `.` (at most 255)",
                shown(value)
            ),
        ));
    }
    Ok(())
}

fn email(path: &str, value: &str) -> Result<(), LoadError> {
    let mut parts = value.split('@');
    let (local, domain) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let plain = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'+'))
    };
    if parts.next().is_some()
        || value.len() > 254
        || !plain(local)
        || !plain(domain)
        || !domain.contains('.')
    {
        return Err(err(
            path,
            format!(
                "`{}` is not an email address such as `oncall@example.com`",
                shown(value)
            ),
        ));
    }
    Ok(())
}

/// A composed physical name and the limit of the resource that carries it.
struct Composed<'a> {
    field: String,
    resource: &'a str,
    name: String,
    /// Characters that `${AWS::AccountId}` adds at deploy time beyond the text in `name`.
    extra: usize,
    max: usize,
}

/// Every physical name synthesis builds, composed the same way (`synth::Names`), with the
/// field a user would shorten. A test in `tests/` checks every name in the generated templates
/// against AWS's limits, so this list and synthesis cannot drift apart unnoticed.
fn composed(t: &Topology) -> Vec<Composed<'_>> {
    let base = format!("{}-{}", t.naming.prefix, t.environment);
    let (account, extra) = match &t.naming.account_id {
        Some(id) => (format!("-{id}"), 0),
        None => (String::from("-"), ACCOUNT_LEN),
    };
    let bucket_account = |unique: bool| {
        if unique {
            (account.clone(), extra)
        } else {
            (String::new(), 0)
        }
    };
    let unique = t.naming.account_unique_buckets;
    let regions = [t.primary.region.as_str(), t.secondary.region.as_str()];
    let mut out = Vec::new();
    let mut push =
        |field: String, resource: &'static str, name: String, extra: usize, max: usize| {
            out.push(Composed {
                field,
                resource,
                name,
                extra,
                max,
            })
        };
    let prefix = "naming.prefix".to_string();
    for region in regions {
        let (acct, x) = bucket_account(unique);
        push(
            prefix.clone(),
            "S3 bucket",
            format!("{base}-access-logs-{region}{acct}"),
            x,
            63,
        );
        push(
            prefix.clone(),
            "S3 bucket",
            format!("{base}-artifacts-{region}{}", account),
            extra,
            63,
        );
        push(
            prefix.clone(),
            "Aurora cluster identifier",
            format!("{base}-db-{region}"),
            0,
            63,
        );
    }
    push(
        prefix.clone(),
        "Aurora global cluster identifier",
        format!("{base}-global"),
        0,
        63,
    );
    push(
        prefix.clone(),
        "CloudFormation stack name",
        format!("{base}-secondary-base"),
        0,
        128,
    );
    push(
        prefix.clone(),
        "Step Functions state machine name",
        format!("{base}-failover"),
        0,
        80,
    );
    push(
        prefix.clone(),
        "Lambda function name",
        format!("{base}-health-probe"),
        0,
        64,
    );
    push(
        prefix.clone(),
        "SQS queue name",
        format!("{base}-functions-dlq"),
        0,
        80,
    );
    if t.events.as_ref().is_some_and(|e| e.forwarding.is_some()) {
        push(
            prefix.clone(),
            "EventBridge archive name",
            format!("{base}-events-archive"),
            0,
            48,
        );
    }
    push(
        prefix.clone(),
        "AWS Backup vault name",
        format!("{base}-vault"),
        0,
        50,
    );
    push(
        prefix,
        "CloudWatch alarm name",
        format!("{base}-failover-switch"),
        0,
        255,
    );
    for (i, b) in t.buckets.iter().enumerate() {
        for region in regions {
            let (acct, x) = bucket_account(unique);
            push(
                format!("buckets[{i}].id"),
                "S3 bucket",
                format!("{base}-{}-{region}{acct}", b.id),
                x,
                63,
            );
        }
    }
    for (i, f) in t.functions.iter().enumerate() {
        push(
            format!("functions[{i}].id"),
            "Lambda function name",
            format!("{base}-{}", f.id),
            0,
            64,
        );
    }
    for (i, q) in t.queues.iter().enumerate() {
        push(
            format!("queues[{i}].id"),
            "SQS queue name",
            format!("{base}-{}-dlq", q.id),
            0,
            80,
        );
    }
    for (i, tb) in t.tables.iter().enumerate() {
        push(
            format!("tables[{i}].id"),
            "DynamoDB table name",
            format!("{base}-{}", tb.id),
            0,
            255,
        );
    }
    for (i, a) in t.alarms.iter().enumerate() {
        for region in regions {
            push(
                format!("alarms[{i}].id"),
                "CloudWatch alarm name",
                format!("{base}-{}-{region}", a.id),
                0,
                255,
            );
        }
    }
    out
}

/// Checks every name and text field of a loaded topology; the first problem is the error.
pub(super) fn validate(t: &Topology) -> Result<(), LoadError> {
    name_part("name", &t.name, 32, "topology name")?;
    name_part("environment", &t.environment, 12, "environment name")?;
    name_part("naming.prefix", &t.naming.prefix, 24, "name prefix")?;
    if let Some(id) = &t.naming.account_id {
        if id.len() != ACCOUNT_LEN || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err(
                "naming.accountId",
                format!(
                    "`{}` is not an AWS account id: expected 12 digits",
                    shown(id)
                ),
            ));
        }
    }
    region("primary.region", &t.primary.region)?;
    region("secondary.region", &t.secondary.region)?;

    if let Some(db) = &t.database {
        name_part("database.id", &db.id, 32, "database id")?;
        charset(
            "database.engineVersion",
            &db.engine_version,
            16,
            |c| c.is_ascii_digit() || c == '.',
            "expected an Aurora PostgreSQL version such as `16.6`",
        )?;
    }
    for (i, tb) in t.tables.iter().enumerate() {
        name_part(&format!("tables[{i}].id"), &tb.id, 48, "table id")?;
        let key_rule = "use letters, digits, `_`, `-` and `.`";
        let key_chars = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
        charset(
            &format!("tables[{i}].partitionKey.name"),
            &tb.partition_key.name,
            255,
            key_chars,
            key_rule,
        )?;
        if let Some(k) = &tb.sort_key {
            charset(
                &format!("tables[{i}].sortKey.name"),
                &k.name,
                255,
                key_chars,
                key_rule,
            )?;
        }
        if let Some(w) = &tb.witness_region {
            region(&format!("tables[{i}].witnessRegion"), w)?;
        }
    }
    for (i, b) in t.buckets.iter().enumerate() {
        name_part(&format!("buckets[{i}].id"), &b.id, 32, "bucket id")?;
        text(&format!("buckets[{i}].purpose"), &b.purpose, 256)?;
    }
    for (i, f) in t.functions.iter().enumerate() {
        name_part(&format!("functions[{i}].id"), &f.id, 40, "function id")?;
        text(&format!("functions[{i}].purpose"), &f.purpose, 256)?;
        charset(
            &format!("functions[{i}].runtime"),
            &f.runtime,
            32,
            |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.',
            "expected a Lambda runtime identifier such as `nodejs22.x`",
        )?;
        if let Trigger::Queue(q) = &f.trigger {
            name_part(&format!("functions[{i}].trigger.queue"), q, 48, "queue id")?;
        }
    }
    if let Some(api) = &t.api {
        charset(
            "api.stage",
            &api.stage,
            128,
            |c| c.is_ascii_alphanumeric() || c == '_',
            "use letters, digits and `_` (API Gateway stage names)",
        )?;
        url_path("api.healthPath", &api.health_path)?;
        name_part(
            "api.healthFunction",
            &api.health_function,
            40,
            "function id",
        )?;
    }
    for (i, q) in t.queues.iter().enumerate() {
        name_part(&format!("queues[{i}].id"), &q.id, 48, "queue id")?;
        text(&format!("queues[{i}].purpose"), &q.purpose, 256)?;
    }
    for (i, tp) in t.topics.iter().enumerate() {
        name_part(&format!("topics[{i}].id"), &tp.id, 48, "topic id")?;
        text(&format!("topics[{i}].purpose"), &tp.purpose, 256)?;
        for (j, e) in tp.emails.iter().enumerate() {
            email(&format!("topics[{i}].emails[{j}]"), e)?;
        }
    }
    for (i, a) in t.alarms.iter().enumerate() {
        name_part(&format!("alarms[{i}].id"), &a.id, 64, "alarm id")?;
        name_part(&format!("alarms[{i}].topic"), &a.topic, 48, "topic id")?;
        match &a.metric {
            AlarmMetric::FunctionErrors(x)
            | AlarmMetric::DynamodbReplicationLatency(x)
            | AlarmMetric::S3ReplicationLatency(x) => {
                name_part(&format!("alarms[{i}].metric"), x, 48, "id")?;
            }
            AlarmMetric::ApiLatency
            | AlarmMetric::AuroraCpu
            | AlarmMetric::AuroraReplicationLag => {}
        }
    }
    if let Some(events) = &t.events {
        name_part("events.busName", &events.bus_name, 64, "event bus name")?;
        if let Some(fw) = &events.forwarding {
            for (i, s) in fw.sources.iter().enumerate() {
                charset(
                    &format!("events.forwarding.sources[{i}]"),
                    s,
                    256,
                    |c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/'),
                    "use letters, digits, `.`, `-`, `_` and `/` (an event source such as `trading.platform`)",
                )?;
            }
            for (i, d) in fw.detail_types.iter().enumerate() {
                text(&format!("events.forwarding.detailTypes[{i}]"), d, 128)?;
            }
        }
    }
    dns_name("dns.zoneName", &t.dns.zone_name)?;
    dns_name("dns.recordName", &t.dns.record_name)?;
    url_path("dns.healthCheck.path", &t.dns.health_check.path)?;
    for (i, r) in t.dns.records.iter().enumerate() {
        charset(
            &format!("dns.records[{i}].setIdentifier"),
            &r.set_identifier,
            128,
            |c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'),
            "use letters, digits, `-` and `_`",
        )?;
    }
    for (i, s) in t.suppressions.iter().enumerate() {
        charset(
            &format!("suppressions[{i}].rule"),
            &s.rule,
            8,
            |c| c.is_ascii_uppercase() || c.is_ascii_digit(),
            "expected a rule id such as `W1005`",
        )?;
        text(&format!("suppressions[{i}].reason"), &s.reason, 1000)?;
        if let Some(p) = &s.path {
            text(&format!("suppressions[{i}].path"), p, 256)?;
        }
    }

    // Every part is valid by now, so a composed name is shown whole.
    for c in composed(t) {
        let len = c.name.chars().count() + c.extra;
        if len > c.max {
            let account = if c.extra > 0 {
                " (with the 12-digit account id)"
            } else {
                ""
            };
            return Err(err(
                c.field,
                format!(
                    "makes the {} `{}` {len} characters long{account}; AWS allows {}: shorten it, `naming.prefix` or `environment`",
                    c.resource,
                    c.name,
                    c.max
                ),
            ));
        }
    }
    Ok(())
}
