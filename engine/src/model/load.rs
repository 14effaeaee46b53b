//! Reading a topology from JSON: syntax, schema version and migration, then typed fields.

use serde_json::Value;

use super::Topology;

/// The schema version this build writes. Version 1 files are migrated on load.
pub const SCHEMA_VERSION: u32 = 2;

/// Why a topology could not be read. Each variant names where the problem is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("schemaVersion: missing; expected a number, the current version is {SCHEMA_VERSION}")]
    MissingVersion,
    #[error("schemaVersion: version {found} is newer than this build of Tandem understands (up to {SCHEMA_VERSION})")]
    UnsupportedVersion { found: u64 },
    #[error("{path}: {message}")]
    Field { path: String, message: String },
}

impl LoadError {
    /// The field path the error is about, when there is one (`secondary.vpc.cidr`).
    pub fn path(&self) -> Option<&str> {
        match self {
            LoadError::Field { path, .. } => Some(path),
            LoadError::MissingVersion | LoadError::UnsupportedVersion { .. } => {
                Some("schemaVersion")
            }
            LoadError::Syntax { .. } => None,
        }
    }
}

/// The largest input read, in bytes. The reference topology is about 12 KB and one ten times
/// its size about 120 KB; anything near this limit is not a topology someone wrote.
pub const MAX_INPUT_BYTES: usize = 4 * 1024 * 1024;

/// Reads a topology from JSON text. A leading byte-order mark is ignored; duplicate keys,
/// input over [`MAX_INPUT_BYTES`] and nesting deeper than 128 levels are refused.
pub fn load(json: &str) -> Result<Topology, LoadError> {
    load_value(parse(json)?)
}

/// Reads a topology from bytes, which must be UTF-8 (a file, a decoded share link).
pub fn load_bytes(bytes: &[u8]) -> Result<Topology, LoadError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(too_large(bytes.len()));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| LoadError::Field {
        path: "(file)".into(),
        message: format!(
            "not UTF-8 text: invalid byte at offset {}; save the topology as UTF-8 JSON",
            e.valid_up_to()
        ),
    })?;
    load(text)
}

fn too_large(bytes: usize) -> LoadError {
    LoadError::Field {
        path: "(file)".into(),
        message: format!(
            "{bytes} bytes is too large for a topology: at most {MAX_INPUT_BYTES} bytes are read"
        ),
    }
}

/// Parses JSON text into a value, refusing duplicate keys (which different readers resolve
/// differently: a reviewer could see one value while Tandem used another).
pub fn parse(json: &str) -> Result<Value, LoadError> {
    if json.len() > MAX_INPUT_BYTES {
        return Err(too_large(json.len()));
    }
    let json = json.strip_prefix('\u{feff}').unwrap_or(json);
    let mut de = serde_json::Deserializer::from_str(json);
    let parsed = serde::Deserialize::deserialize(&mut de).and_then(|v: Strict| {
        de.end()?;
        Ok(v.0)
    });
    parsed.map_err(|e| LoadError::Syntax {
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    })
}

/// A JSON value whose objects have no duplicate keys.
struct Strict(Value);

impl<'de> serde::Deserialize<'de> for Strict {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format_args!(
                    "duplicate key `{}`: each key may appear once in an object",
                    key.escape_default()
                )));
            }
            let Strict(v) = map.next_value()?;
            object.insert(key, v);
        }
        Ok(Value::Object(object))
    }
}

/// Reads a topology from an already parsed JSON value.
pub fn load_value(mut value: Value) -> Result<Topology, LoadError> {
    if !value.is_object() {
        return Err(LoadError::Field {
            path: "(top level)".into(),
            message: "expected a JSON object describing a topology".into(),
        });
    }
    let version = match value.get("schemaVersion") {
        None => return Err(LoadError::MissingVersion),
        Some(v) => v.as_u64().ok_or_else(|| LoadError::Field {
            path: "schemaVersion".into(),
            message: format!("`{v}` is not a schema version: expected a whole number"),
        })?,
    };
    if version > u64::from(SCHEMA_VERSION) {
        return Err(LoadError::UnsupportedVersion { found: version });
    }
    if version == 0 {
        return Err(LoadError::Field {
            path: "schemaVersion".into(),
            message: "`0` is not a schema version: versions start at 1".into(),
        });
    }
    if version == 1 {
        migrate_v1(&mut value)?;
    }
    default_writes(&mut value);
    let topology: Topology = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        LoadError::Field {
            path: if path == "." {
                "(top level)".into()
            } else {
                path
            },
            message: e.into_inner().to_string(),
        }
    })?;
    super::names::validate(&topology)?;
    Ok(topology)
}

/// Writes a topology as pretty JSON (the format `load` reads; the round trip is lossless).
pub fn to_json(topology: &Topology) -> String {
    // Serializing plain data with string keys cannot fail.
    serde_json::to_string_pretty(topology).unwrap_or_default()
}

/// A function written before `writes` existed keeps write access to every service it calls.
fn default_writes(value: &mut Value) {
    let Some(functions) = value.get_mut("functions").and_then(Value::as_array_mut) else {
        return;
    };
    for f in functions.iter_mut().filter_map(Value::as_object_mut) {
        if !f.contains_key("writes") {
            let calls = f.get("calls").cloned().unwrap_or(Value::Array(Vec::new()));
            f.insert("writes".into(), calls);
        }
    }
}

/// Version 1 described NAT as a gateway count (`natGateways`) and manual approval as a
/// `failover.approvalMinutes` beside `failover.decision: "manual"`.
fn migrate_v1(value: &mut Value) -> Result<(), LoadError> {
    for side in ["primary", "secondary"] {
        let Some(vpc) = value.get_mut(side).and_then(|r| r.get_mut("vpc")) else {
            continue;
        };
        let Some(vpc) = vpc.as_object_mut() else {
            continue;
        };
        let Some(count) = vpc.remove("natGateways") else {
            continue;
        };
        let count = count.as_u64().ok_or_else(|| LoadError::Field {
            path: format!("{side}.vpc.natGateways"),
            message: format!("`{count}` is not a gateway count: expected a whole number"),
        })?;
        let mode = match count {
            0 => "none",
            1 => "shared",
            _ => "perAz",
        };
        vpc.insert("nat".into(), Value::from(mode));
    }
    if let Some(failover) = value.get_mut("failover").and_then(Value::as_object_mut) {
        let minutes = failover.remove("approvalMinutes");
        if failover.get("decision").and_then(Value::as_str) == Some("manual") {
            let minutes = minutes.and_then(|m| m.as_u64()).unwrap_or(15);
            failover.insert(
                "decision".into(),
                serde_json::json!({ "manual": { "approvalMinutes": minutes } }),
            );
        }
    }
    if let Some(obj) = value.as_object_mut() {
        obj.insert("schemaVersion".into(), Value::from(SCHEMA_VERSION));
    }
    Ok(())
}

/// serde_json appends " at line L column C"; the variant carries them separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message.get(..i).unwrap_or(message).to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_1_files_are_migrated() {
        let current = crate::presets::reference();
        let mut v = serde_json::to_value(&current).unwrap();
        v["schemaVersion"] = 1.into();
        for side in ["primary", "secondary"] {
            let vpc = v[side]["vpc"].as_object_mut().unwrap();
            vpc.remove("nat");
            vpc.insert("natGateways".into(), 3.into());
        }
        v["failover"]["decision"] = "manual".into();
        v["failover"]["approvalMinutes"] = 10.into();
        let migrated = load(&v.to_string()).unwrap();
        assert_eq!(migrated, current);
        assert_eq!(migrated.schema_version, SCHEMA_VERSION);
        v["primary"]["vpc"]["natGateways"] = "two".into();
        assert_eq!(
            load(&v.to_string()).unwrap_err().path(),
            Some("primary.vpc.natGateways")
        );
    }

    /// Found by the `check_analyze` fuzz target (fuzz/corpus/check_analyze/crash-float-round-trip):
    /// a number the engine wrote read back one unit in the last place off, so exporting and
    /// importing a topology changed it. serde_json's `float_roundtrip` parses exactly.
    #[test]
    fn numbers_read_back_equal_from_the_json_the_engine_writes() {
        let mut v = serde_json::to_value(crate::presets::reference()).unwrap();
        v["workload"]["apiRequestsPerMonth"] = 0.into();
        let template = v.to_string();
        for text in [
            "10000555555555555555555555555555000",
            "1.0000555555555555e34",
            "0.30000000000000004",
            "123456789.98765432",
        ] {
            // The literal goes into the text as typed: a detour through `Value` would round it.
            let json = template.replace(
                r#""apiRequestsPerMonth":0,"#,
                &format!(r#""apiRequestsPerMonth":{text},"#),
            );
            assert_ne!(json, template);
            let first = load(&json).unwrap();
            let second = load(&to_json(&first)).unwrap();
            assert_eq!(
                second.workload.api_requests_per_month.get().to_bits(),
                first.workload.api_requests_per_month.get().to_bits(),
                "{text}"
            );
            assert_eq!(second, first, "{text}");
        }
    }

    #[test]
    fn duplicate_keys_bom_and_size_are_handled() {
        let json = crate::model::to_json(&crate::presets::reference());
        assert!(load(&format!("\u{feff}{json}")).is_ok());
        let dup = json.replacen("{", "{\n  \"name\": \"x\",", 1);
        let e = load(&dup).unwrap_err().to_string();
        assert!(e.contains("duplicate key `name`"), "{e}");
        let e = load_bytes(&[b'{', 0xff, b'}']).unwrap_err().to_string();
        assert_eq!(
            e,
            "(file): not UTF-8 text: invalid byte at offset 1; save the topology as UTF-8 JSON"
        );
        let big = " ".repeat(MAX_INPUT_BYTES + 1);
        assert!(load(&big).unwrap_err().to_string().contains("too large"));
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(load(&deep)
            .unwrap_err()
            .to_string()
            .contains("recursion limit"));
    }

    #[test]
    fn syntax_errors_give_line_and_column() {
        let err = load("{\n  \"schemaVersion\": 2,\n  oops\n}").unwrap_err();
        assert!(matches!(err, LoadError::Syntax { line: 3, .. }), "{err}");
    }
}
