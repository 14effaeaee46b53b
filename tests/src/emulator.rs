//! What the deploy rehearsal (`tests/deploy_rehearsal.rs`) changes in a synthesized template so
//! that moto's CloudFormation can create it: resource types moto lacks are stripped, references
//! to them become placeholders, and two moto quirks are worked around. Every change is returned
//! as a note the test prints. The product never sees any of this: it is applied to a copy of the
//! templates, and `deploy.sh` runs unmodified.

use serde_json::{Map, Value};

/// Why a resource type is on the strip list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// moto's CloudFormation has no model for the type: the test checks that it still has none,
    /// so an entry is dropped as soon as moto learns the type.
    NoModel,
    /// moto has a model, but it cannot create what the template declares.
    Unusable(&'static str),
}

/// The resource types the rehearsal strips, each with its reason. Explicit and minimal: a type
/// that is neither here nor supported by moto fails the rehearsal (see [`adapt`]), and the
/// rehearsal fails when an entry is never used.
pub const STRIPPED: &[(&str, Why)] = &[
    ("AWS::ApiGateway::Account", Why::NoModel),
    ("AWS::ApiGateway::BasePathMapping", Why::NoModel),
    ("AWS::ApiGateway::DomainName", Why::NoModel),
    ("AWS::ApiGateway::Stage", Why::NoModel),
    ("AWS::Backup::BackupPlan", Why::NoModel),
    ("AWS::Backup::BackupSelection", Why::NoModel),
    ("AWS::Backup::BackupVault", Why::NoModel),
    ("AWS::CertificateManager::Certificate", Why::NoModel),
    ("AWS::CloudWatch::Alarm", Why::NoModel),
    ("AWS::DynamoDB::GlobalTable", Why::NoModel),
    ("AWS::Events::EventBusPolicy", Why::NoModel),
    ("AWS::RDS::DBCluster", Why::NoModel),
    ("AWS::RDS::DBClusterParameterGroup", Why::NoModel),
    ("AWS::RDS::GlobalCluster", Why::NoModel),
    ("AWS::S3::BucketPolicy", Why::NoModel),
    ("AWS::SNS::Subscription", Why::NoModel),
    ("AWS::SQS::QueuePolicy", Why::NoModel),
    ("AWS::SecretsManager::Secret", Why::NoModel),
    (
        "AWS::RDS::DBInstance",
        Why::Unusable(
            "moto creates no Aurora instance (it has no default `aurora-postgresql` version) and the cluster it joins is stripped",
        ),
    ),
];

/// The prefix of every value the rehearsal puts where a stripped resource was referenced.
pub const PLACEHOLDER: &str = "rehearsal-placeholder-";

/// A template as the rehearsal deploys it, with what was changed and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Adapted {
    pub template: Value,
    /// The stripped types this template contained.
    pub stripped_types: Vec<String>,
    pub notes: Vec<String>,
}

/// Adapts one stack's template for moto. `supported` is the list of types moto's
/// CloudFormation implements (asked from moto itself). Fails on a type that is neither
/// supported nor on [`STRIPPED`], so a new type in synthesis is noticed.
pub fn adapt(stack: &str, template: &Value, supported: &[String]) -> Result<Adapted, String> {
    let mut template = template.clone();
    let mut notes = Vec::new();
    let resources = template
        .get_mut("Resources")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| format!("{stack}: template has no `Resources`"))?;

    let mut gone: Vec<String> = Vec::new();
    let mut stripped_types: Vec<String> = Vec::new();
    for (id, r) in resources.iter() {
        let kind = r.get("Type").and_then(Value::as_str).unwrap_or_default();
        if STRIPPED.iter().any(|(t, _)| *t == kind) {
            gone.push(id.clone());
            if !stripped_types.iter().any(|t| t == kind) {
                stripped_types.push(kind.to_string());
            }
        } else if !supported.iter().any(|t| t == kind) {
            return Err(format!(
                "{stack}: resource `{id}` has type `{kind}`, which moto's CloudFormation does not support and the rehearsal does not strip: add it to `STRIPPED` in tests/src/emulator.rs with its reason, or replace it"
            ));
        }
    }
    for kind in &stripped_types {
        let ids: Vec<&str> = resources
            .iter()
            .filter(|(_, r)| r.get("Type").and_then(Value::as_str) == Some(kind.as_str()))
            .map(|(id, _)| id.as_str())
            .collect();
        let why = match STRIPPED.iter().find(|(t, _)| t == kind).map(|(_, w)| *w) {
            Some(Why::Unusable(why)) => why,
            _ => "moto's CloudFormation has no model for it",
        };
        notes.push(format!(
            "{stack}: stripped {} `{kind}` ({}): {why}",
            ids.len(),
            ids.join(", ")
        ));
    }
    resources.retain(|id, _| !gone.contains(id));

    // moto quirks, worked around on supported types.
    let buses: Vec<(String, Value)> = resources
        .iter()
        .filter(|(_, r)| r.get("Type").and_then(Value::as_str) == Some("AWS::Events::EventBus"))
        .filter_map(|(id, r)| Some((id.clone(), r.pointer("/Properties/Name")?.clone())))
        .collect();
    let mut bus_refs = Vec::new();
    let mut placeholders = Vec::new();
    for (id, r) in resources.iter_mut() {
        if r.get("Type").and_then(Value::as_str) == Some("AWS::KMS::Key") {
            if let Some(props) = r.get_mut("Properties").and_then(Value::as_object_mut) {
                if props.remove("Tags").is_some() {
                    notes.push(format!(
                        "{stack}: `{id}`: Tags removed (moto reads a KMS key's CloudFormation tags as `TagKey`/`TagValue` and fails on `Key`/`Value`)"
                    ));
                }
            }
        }
        if r.get("Type").and_then(Value::as_str) == Some("AWS::Events::Archive") {
            if let Some(pattern) = r.pointer_mut("/Properties/EventPattern") {
                if pattern.is_object() {
                    *pattern = Value::String(pattern.to_string());
                    notes.push(format!(
                        "{stack}: `{id}`: EventPattern passed as a JSON string (moto's archive parses it with json.loads and fails on the object CloudFormation accepts)"
                    ));
                }
            }
        }
        if let Some(obj) = r.as_object_mut() {
            let on_gone = |d: &Value| d.as_str().is_some_and(|d| gone.iter().any(|g| g == d));
            if obj.get("DependsOn").is_some_and(on_gone) {
                obj.remove("DependsOn");
            } else if let Some(Value::Array(list)) = obj.get_mut("DependsOn") {
                list.retain(|d| !on_gone(d));
            }
        }
        if let Some(props) = r.get_mut("Properties") {
            if replace_bus_refs(props, &buses) {
                bus_refs.push(id.clone());
            }
            if replace_refs(props, &gone) {
                placeholders.push(id.clone());
            }
        }
    }
    if !bus_refs.is_empty() {
        notes.push(format!(
            "{stack}: `Ref` to an event bus written as the bus's name in {} (moto's event bus has no `Ref` value)",
            bus_refs.join(", ")
        ));
    }
    if !placeholders.is_empty() {
        notes.push(format!(
            "{stack}: references to stripped resources replaced by `{PLACEHOLDER}...` values in {}",
            placeholders.join(", ")
        ));
    }
    if let Some(outputs) = template.get_mut("Outputs").and_then(Value::as_object_mut) {
        for (name, output) in outputs.iter_mut() {
            if let Some(value) = output.get_mut("Value") {
                if replace_refs(value, &gone) {
                    notes.push(format!(
                        "{stack}: output `{name}` references a stripped resource: placeholder value"
                    ));
                }
            }
        }
    }
    Ok(Adapted {
        template,
        stripped_types,
        notes,
    })
}

fn placeholder(id: &str, attribute: Option<&str>) -> Value {
    Value::String(match attribute {
        Some(a) => format!("{PLACEHOLDER}{id}.{a}"),
        None => format!("{PLACEHOLDER}{id}"),
    })
}

/// Replaces `Ref`, `Fn::GetAtt` and `Fn::Sub` references to `gone` resources by placeholders;
/// true when anything was replaced.
fn replace_refs(v: &mut Value, gone: &[String]) -> bool {
    match v {
        Value::Object(map) => {
            if let Some(replacement) = reference_replacement(map, gone) {
                *v = replacement;
                return true;
            }
            let mut changed = false;
            if let Some(sub) = map.get_mut("Fn::Sub") {
                changed |= replace_in_sub(sub, gone);
            }
            for (k, x) in map.iter_mut() {
                if k != "Fn::Sub" {
                    changed |= replace_refs(x, gone);
                }
            }
            changed
        }
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |changed, x| replace_refs(x, gone) | changed),
        _ => false,
    }
}

fn reference_replacement(map: &Map<String, Value>, gone: &[String]) -> Option<Value> {
    if map.len() != 1 {
        return None;
    }
    if let Some(Value::String(id)) = map.get("Ref") {
        return gone.contains(id).then(|| placeholder(id, None));
    }
    let (id, attribute) = match map.get("Fn::GetAtt")? {
        Value::Array(a) => (
            a.first()?.as_str()?.to_string(),
            a.get(1)?.as_str()?.to_string(),
        ),
        Value::String(s) => {
            let (id, attribute) = s.split_once('.')?;
            (id.to_string(), attribute.to_string())
        }
        _ => return None,
    };
    gone.contains(&id)
        .then(|| placeholder(&id, Some(&attribute)))
}

/// `Fn::Sub` as a string or as `[string, variables]`: `${Id}` and `${Id.Attr}` of a `gone`
/// resource become placeholder text (variables the list form defines are left alone).
fn replace_in_sub(sub: &mut Value, gone: &[String]) -> bool {
    match sub {
        Value::String(s) => replace_in_sub_text(s, gone, &[]),
        Value::Array(parts) => {
            let mut parts = parts.iter_mut();
            let (Some(text), vars) = (parts.next(), parts.next()) else {
                return false;
            };
            let mut changed = false;
            let defined: Vec<String> = match vars {
                Some(vars) => {
                    changed |= replace_refs(vars, gone);
                    vars.as_object()
                        .map(|m| m.keys().cloned().collect())
                        .unwrap_or_default()
                }
                None => Vec::new(),
            };
            if let Value::String(s) = text {
                changed |= replace_in_sub_text(s, gone, &defined);
            }
            changed
        }
        _ => false,
    }
}

fn replace_in_sub_text(s: &mut String, gone: &[String], defined: &[String]) -> bool {
    let mut out = String::with_capacity(s.len());
    let mut rest = s.as_str();
    let mut changed = false;
    while let Some(start) = rest.find("${") {
        let (before, after) = rest.split_at(start);
        out.push_str(before);
        let body = after.get(2..).unwrap_or_default();
        let Some(end) = body.find('}') else {
            out.push_str(after);
            rest = "";
            break;
        };
        let name = body.get(..end).unwrap_or_default();
        let id = name.split_once('.').map_or(name, |(id, _)| id);
        if gone.iter().any(|g| g == id) && !defined.iter().any(|d| d == name) {
            out.push_str(PLACEHOLDER);
            out.push_str(name);
            changed = true;
        } else {
            out.push_str(after.get(..end + 3).unwrap_or_default());
        }
        rest = body.get(end + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    if changed {
        *s = out;
    }
    changed
}

/// `{"Ref": bus}` to an `AWS::Events::EventBus` of the same template becomes the bus's name.
fn replace_bus_refs(v: &mut Value, buses: &[(String, Value)]) -> bool {
    match v {
        Value::Object(map) => {
            if map.len() == 1 {
                if let Some(Value::String(id)) = map.get("Ref") {
                    if let Some((_, name)) = buses.iter().find(|(b, _)| b == id) {
                        *v = name.clone();
                        return true;
                    }
                }
            }
            map.values_mut()
                .fold(false, |changed, x| replace_bus_refs(x, buses) | changed)
        }
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |changed, x| replace_bus_refs(x, buses) | changed),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn supported() -> Vec<String> {
        [
            "AWS::S3::Bucket",
            "AWS::Lambda::Function",
            "AWS::Events::EventBus",
            "AWS::Events::Rule",
            "AWS::KMS::Key",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect()
    }

    #[test]
    fn an_unknown_type_fails_the_rehearsal() {
        let t = json!({"Resources": {"Thing": {"Type": "AWS::Made::Up"}}});
        let err = adapt("primary", &t, &supported()).unwrap_err();
        assert!(
            err.contains("`Thing`") && err.contains("`AWS::Made::Up`"),
            "{err}"
        );
    }

    #[test]
    fn stripped_resources_become_placeholders_everywhere() {
        let t = json!({
            "Resources": {
                "Alarm": {"Type": "AWS::CloudWatch::Alarm", "Properties": {}},
                "Secret": {"Type": "AWS::SecretsManager::Secret"},
                "Fn": {"Type": "AWS::Lambda::Function", "DependsOn": ["Alarm", "Bucket"], "Properties": {
                    "A": {"Ref": "Alarm"},
                    "B": {"Fn::GetAtt": ["Secret", "Id"]},
                    "C": {"Fn::GetAtt": "Alarm.Arn"},
                    "D": {"Fn::Sub": "x-${Alarm}-${Secret.Id}-${Bucket}-${AWS::Region}"},
                    "E": {"Fn::Sub": ["${Alarm}/${V}", {"V": {"Ref": "Secret"}}]},
                    "F": {"Ref": "Bucket"}
                }},
                "Bucket": {"Type": "AWS::S3::Bucket", "DependsOn": "Alarm"}
            },
            "Outputs": {"AlarmArn": {"Value": {"Fn::GetAtt": ["Alarm", "Arn"]}}, "BucketName": {"Value": {"Ref": "Bucket"}}}
        });
        let a = adapt("primary", &t, &supported()).unwrap();
        let r = &a.template["Resources"];
        assert!(r.get("Alarm").is_none() && r.get("Secret").is_none());
        let p = &r["Fn"]["Properties"];
        assert_eq!(p["A"], json!("rehearsal-placeholder-Alarm"));
        assert_eq!(p["B"], json!("rehearsal-placeholder-Secret.Id"));
        assert_eq!(p["C"], json!("rehearsal-placeholder-Alarm.Arn"));
        assert_eq!(
            p["D"],
            json!({"Fn::Sub": "x-rehearsal-placeholder-Alarm-rehearsal-placeholder-Secret.Id-${Bucket}-${AWS::Region}"})
        );
        assert_eq!(
            p["E"],
            json!({"Fn::Sub": ["rehearsal-placeholder-Alarm/${V}", {"V": "rehearsal-placeholder-Secret"}]})
        );
        assert_eq!(p["F"], json!({"Ref": "Bucket"}));
        assert_eq!(r["Fn"]["DependsOn"], json!(["Bucket"]));
        assert!(r["Bucket"].get("DependsOn").is_none());
        assert_eq!(
            a.template["Outputs"]["AlarmArn"]["Value"],
            json!("rehearsal-placeholder-Alarm.Arn")
        );
        assert_eq!(
            a.template["Outputs"]["BucketName"]["Value"],
            json!({"Ref": "Bucket"})
        );
        assert_eq!(
            a.stripped_types,
            vec!["AWS::CloudWatch::Alarm", "AWS::SecretsManager::Secret"]
        );
        assert!(
            a.notes.iter().any(|n| n.contains("output `AlarmArn`")),
            "{:?}",
            a.notes
        );
        assert!(
            !a.notes.iter().any(|n| n.contains("output `BucketName`")),
            "{:?}",
            a.notes
        );
    }

    #[test]
    fn moto_quirks_are_worked_around_with_a_note() {
        let t = json!({"Resources": {
            "Bus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": "app-events"}},
            "Rule": {"Type": "AWS::Events::Rule", "Properties": {"EventBusName": {"Ref": "Bus"}}},
            "Key": {"Type": "AWS::KMS::Key", "Properties": {"Tags": [{"Key": "k", "Value": "v"}]}}
        }});
        let a = adapt("secondary-base", &t, &supported()).unwrap();
        assert_eq!(
            a.template["Resources"]["Rule"]["Properties"]["EventBusName"],
            json!("app-events")
        );
        assert!(a.template["Resources"]["Key"]["Properties"]
            .get("Tags")
            .is_none());
        assert_eq!(a.notes.len(), 2, "{:?}", a.notes);
    }
}
