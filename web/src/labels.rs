//! Words people read: field labels with their units, a title for every enum value, durations
//! written as `15 min`, and the engine's validation messages in plain words naming the field.
//! Pure functions (no DOM), tested natively.

/// `azCount` -> `AZ count`.
pub fn label(key: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    for c in key.chars() {
        if c.is_uppercase() && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c.to_ascii_lowercase());
    }
    words.push(current);
    let words: Vec<String> = words
        .into_iter()
        .map(|w| match w.as_str() {
            "acu" | "az" | "vpc" | "cidr" | "arn" | "ttl" | "rpo" | "rto" | "usd" | "kms"
            | "rtc" | "pitr" | "iam" | "dns" | "api" | "id" | "db" | "nat" | "gb" | "io" | "mb"
            | "sse" => w.to_uppercase(),
            _ => w,
        })
        .collect();
    let mut text = words.join(" ");
    if let Some(first) = text.get(..1) {
        text = first.to_uppercase() + text.get(1..).unwrap_or("");
    }
    text
}

/// How a number field is entered: a duration (`15 min`), or a number in a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    /// Seconds in the model, written and read as `90 s`, `15 min`, `1 h`.
    Duration,
    /// A number in this unit (`MB`, `USD a month`).
    Of(&'static str),
}

/// The unit of the number field at `path` (by its key), if it has one.
pub fn unit(path: &str) -> Option<Unit> {
    let key = path.rsplit(['.', '[']).next().unwrap_or(path);
    let parent = path
        .rsplit_once('.')
        .map(|(p, _)| p.rsplit('.').next().unwrap_or(p));
    if parent == Some("tiers") {
        return Some(Unit::Of("prefix length, /16 to /28"));
    }
    if key.ends_with("Seconds") {
        return Some(Unit::Duration);
    }
    let by_suffix: [(&str, &str); 10] = [
        ("Usd", "USD a month"),
        ("GbPerMonth", "GB a month"),
        ("GbPerDay", "GB a day"),
        ("Gb", "GB"),
        ("Mb", "MB"),
        ("Ms", "milliseconds"),
        ("Minutes", "minutes"),
        ("Hours", "hours"),
        ("Days", "days"),
        ("Rate", "fraction, 0 to 1"),
    ];
    if let Some((_, u)) = by_suffix.iter().find(|(s, _)| key.ends_with(s)) {
        return Some(Unit::Of(u));
    }
    match key {
        "azCount" => Some(Unit::Of("AZs, a whole number")),
        "failureThreshold" => Some(Unit::Of("failed checks")),
        "maxRetryAttempts" => Some(Unit::Of("retries")),
        "reservedConcurrency" => Some(Unit::Of("concurrent executions")),
        _ => None,
    }
}

/// A field's name without its unit: `rtoSeconds` -> `RTO`, `memoryMb` -> `Memory`.
pub fn name(path: &str, key: &str) -> String {
    let bare = match unit(path) {
        Some(Unit::Duration) => key.strip_suffix("Seconds").unwrap_or(key),
        Some(Unit::Of(_)) => [
            "Usd",
            "GbPerMonth",
            "GbPerDay",
            "Gb",
            "Mb",
            "Ms",
            "Minutes",
            "Hours",
            "Days",
        ]
        .iter()
        .find_map(|s| key.strip_suffix(s).filter(|k| !k.is_empty()))
        .unwrap_or(key),
        None => key,
    };
    label(bare)
}

/// The label of a field with its unit: `RTO (duration)`, `Memory (MB)`,
/// `Monthly budget (USD a month)`. A unit already in the key is not repeated.
pub fn field_label(path: &str, key: &str) -> String {
    let base = name(path, key);
    match unit(path) {
        Some(Unit::Duration) => format!("{base} (duration)"),
        Some(Unit::Of(u)) => format!("{base} ({u})"),
        None => base,
    }
}

/// The words for an enum value the engine offers (`warmStandby` -> `Warm standby`).
pub fn choice_title(variant: &str) -> String {
    let known = match variant {
        "backupRestore" => "Backup and restore",
        "pilotLight" => "Pilot light",
        "warmStandby" => "Warm standby",
        "activeActive" => "Active-active",
        "none" => "None",
        "shared" => "Shared (one NAT gateway)",
        "perAz" => "Per AZ (one NAT gateway in each)",
        "primaryOnly" => "Primary only",
        "secondaryOnly" => "Secondary only",
        "bothClusters" => "Both clusters",
        "both" => "Both regions",
        "standard" => "Standard",
        "ioOptimized" => "I/O-Optimized",
        "S" => "String (S)",
        "N" => "Number (N)",
        "B" => "Binary (B)",
        "eventual" => "Eventual",
        "strong" => "Strong (multi-Region)",
        "primaryStack" => "The primary stack only",
        "bothStacks" => "Both stacks",
        "sseS3" => "SSE-S3 (S3-managed keys)",
        "sseKms" => "SSE-KMS (KMS keys)",
        "outsideVpc" => "Outside the VPC",
        "private" => "Private subnets",
        "isolated" => "Isolated subnets",
        "api" => "API Gateway",
        "schedule" => "Schedule",
        "queue" => "Queue",
        "iam" => "IAM",
        "cognito" => "Cognito",
        "functionErrors" => "Function errors",
        "apiLatency" => "API latency",
        "auroraCpu" => "Aurora CPU",
        "auroraReplicationLag" => "Aurora replication lag",
        "dynamodbReplicationLatency" => "DynamoDB replication latency",
        "s3ReplicationLatency" => "S3 replication latency",
        "PRIMARY" => "Primary (answers while healthy)",
        "SECONDARY" => "Secondary (answers on failover)",
        "primary" => "Primary region",
        "secondary" => "Secondary region",
        "automatic" => "Automatic",
        "manual" => "Manual, after approval",
        "failoverAllowDataLoss" => "Failover allowing data loss",
        "switchover" => "Switchover (no data loss, primary must be up)",
        "poll" => "Poll until promoted",
        "fixed" => "Wait a fixed time",
        _ => return label(variant),
    };
    known.to_string()
}

/// The engine's message about a rejected value, in plain words naming the field:
/// ``invalid value: integer `-1`, expected u8`` -> `AZ count must be a whole number from 0 to 255`.
/// Messages that are already plain (``10.0.0.0/33` is not an IPv4 CIDR``) are kept, after the
/// field's name.
pub fn plain_error(field: &str, message: &str) -> String {
    let expected = message.rsplit_once(", expected ").map(|(_, e)| e.trim());
    let rule = match expected {
        Some("u8") => Some("must be a whole number from 0 to 255".to_string()),
        Some("u16") => Some("must be a whole number from 0 to 65535".to_string()),
        Some("u32" | "u64" | "usize") => Some("must be a whole number, 0 or more".to_string()),
        Some("i32" | "i64") => Some("must be a whole number".to_string()),
        Some("f64" | "f32") => Some("must be a number".to_string()),
        Some("a boolean") => Some("must be on or off".to_string()),
        Some("a string") => Some("must be text".to_string()),
        _ => None,
    };
    match rule {
        Some(rule) => format!("{field} {rule}"),
        None => format!("{field}: {}", message.trim_end_matches('.')),
    }
}

/// Reads a duration: `90`, `90s`, `90 s`, `15 min`, `1h`, `1 h 30 min`, `1.5 h`. A bare number
/// is seconds. The result is whole seconds.
pub fn parse_duration(text: &str) -> Result<u64, String> {
    const HELP: &str = "must be a duration such as `90 s`, `15 min` or `1 h`";
    let t = text.trim().to_ascii_lowercase();
    if t.is_empty() {
        return Err(HELP.into());
    }
    let mut total = 0.0_f64;
    let mut rest = t.as_str();
    while !rest.is_empty() {
        let n_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, after) = rest.split_at(n_end);
        let n: f64 = number.parse().map_err(|_| HELP.to_string())?;
        let after = after.trim_start();
        let u_end = after
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(after.len());
        let (word, after) = after.split_at(u_end);
        let factor = match word {
            "" | "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
            "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3600.0,
            "d" | "day" | "days" => 86400.0,
            _ => return Err(HELP.into()),
        };
        total += n * factor;
        rest = after.trim_start();
    }
    if !total.is_finite() || total.fract() != 0.0 || total > f64::from(u32::MAX) {
        return Err("must be a whole number of seconds, such as `90 s` or `1 min 30 s`".into());
    }
    // Checked above: whole, not negative (no sign is read), within u32.
    Ok(total as u64)
}

/// Seconds as the console writes durations, exactly: `90` -> `1 min 30 s`, `1800` -> `30 min`.
pub fn duration_text(seconds: u64) -> String {
    if seconds == 0 {
        return "0 s".into();
    }
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(format!("{h} h"));
    }
    if m > 0 {
        parts.push(format!("{m} min"));
    }
    if s > 0 {
        parts.push(format!("{s} s"));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_write_them_and_write_back_exactly() {
        for (text, seconds) in [
            ("90", 90),
            ("90s", 90),
            ("90 s", 90),
            ("15 min", 900),
            ("1h", 3600),
            ("1 h 30 min", 5400),
            ("1.5 h", 5400),
            ("1 min 30 s", 90),
            ("2 Hours", 7200),
        ] {
            assert_eq!(parse_duration(text), Ok(seconds), "{text}");
        }
        for bad in ["", "-5", "abc", "5 parsecs", "0.5 s", "1..2 h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        for s in [0, 1, 59, 60, 90, 900, 1800, 3600, 5400, 3725, 86400] {
            assert_eq!(parse_duration(&duration_text(s)), Ok(s), "{s}");
        }
        assert_eq!(duration_text(1800), "30 min");
        assert_eq!(duration_text(5400), "1 h 30 min");
    }

    #[test]
    fn serde_jargon_becomes_plain_words_naming_the_field() {
        assert_eq!(
            plain_error("AZ count", "invalid value: integer `-1`, expected u8"),
            "AZ count must be a whole number from 0 to 255"
        );
        assert_eq!(
            plain_error(
                "AZ count",
                "invalid type: floating point `2.5`, expected u8"
            ),
            "AZ count must be a whole number from 0 to 255"
        );
        assert_eq!(
            plain_error("CIDR", "`10.0.0.0/33` is not an IPv4 CIDR"),
            "CIDR: `10.0.0.0/33` is not an IPv4 CIDR"
        );
    }

    #[test]
    fn labels_carry_units_and_enum_values_read_as_words() {
        assert_eq!(
            field_label("objectives.rtoSeconds", "rtoSeconds"),
            "RTO (duration)"
        );
        assert_eq!(
            field_label("objectives.monthlyBudgetUsd", "monthlyBudgetUsd"),
            "Monthly budget (USD a month)"
        );
        assert_eq!(
            field_label("primary.vpc.tiers.public", "public"),
            "Public (prefix length, /16 to /28)"
        );
        assert_eq!(
            field_label("functions[0].memoryMb", "memoryMb"),
            "Memory (MB)"
        );
        assert_eq!(choice_title("warmStandby"), "Warm standby");
        assert_eq!(choice_title("somethingNew"), "Something new");
    }
}
