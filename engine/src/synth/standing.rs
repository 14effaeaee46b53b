//! What a stack deployed at failover must not create then.
//!
//! Under backup & restore, `secondary-app` is deployed only at failover, from the secondary
//! region alone. IAM's control plane runs in us-east-1 whatever the stack's region, so a stack
//! that creates roles at failover can fail in the very outage it is for (AWS's fault-isolation
//! guidance: keep IAM changes out of the recovery path). This pass moves the failover stack's
//! IAM resources into `secondary-base`, deployed in advance, and hands their ARNs over as
//! parameters the plan fills from that stack's outputs. A resource both stacks would create
//! under one physical name (the functions' dead-letter queue, which the base's probe also
//! uses) stays in the base alone, handed over the same way.
//!
//! A role whose policy names something that exists only after failover, and has no name to
//! derive an ARN from, stays where it was: the simulator then reports the failover deploy's
//! dependency on us-east-1 (E6004).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::template::{ga, r};

/// Moves what the failover stack `app` must not create at failover into `base`.
pub(crate) fn hoist(base: &mut Value, app: &mut Value) {
    let (Some(base_res), Some(app_res)) = (resources(base), resources(app)) else {
        return;
    };
    // Resources the base already holds under the same type and physical name.
    let mut moved: BTreeMap<String, String> = BTreeMap::new();
    for (id, res) in &app_res {
        let Some(name) = physical_name(res) else {
            continue;
        };
        if let Some((base_id, _)) = base_res
            .iter()
            .find(|(_, b)| kind(b) == kind(res) && physical_name(b) == Some(name))
        {
            moved.insert(id.clone(), base_id.clone());
        }
    }
    let base_outputs = base
        .get("Outputs")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let app_params = app
        .get("Parameters")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    // The IAM resources, each rewritten to read only what the base has.
    let mut roles: Vec<(String, String, Value)> = Vec::new();
    for (id, res) in &app_res {
        if !kind(res).starts_with("AWS::IAM::") {
            continue;
        }
        let cx = Localize {
            app: &app_res,
            app_params: &app_params,
            base_outputs: &base_outputs,
            moved: &moved,
        };
        if let Some(local) = cx.value(res) {
            let mut base_id = id.clone();
            while base_res.contains_key(&base_id) {
                base_id = format!("App{base_id}");
            }
            roles.push((id.clone(), base_id, local));
        }
    }
    for (id, base_id, _) in &roles {
        moved.insert(id.clone(), base_id.clone());
    }
    let kinds: BTreeMap<String, String> = moved
        .iter()
        .map(|(id, base_id)| {
            let ty = base_res
                .get(base_id)
                .or_else(|| app_res.get(id))
                .map(kind)
                .unwrap_or_default();
            (id.clone(), ty.to_string())
        })
        .collect();
    // Move the roles in; the shared resources are already there.
    if let Some(res) = base.get_mut("Resources").and_then(Value::as_object_mut) {
        for (_, base_id, local) in roles {
            res.insert(base_id, local);
        }
    }
    let Some(res) = app.get_mut("Resources").and_then(Value::as_object_mut) else {
        return;
    };
    for id in moved.keys() {
        res.shift_remove(id);
    }
    // Every reference the app makes to what moved becomes a parameter from a base output.
    let mut wanted: BTreeMap<String, Handover> = BTreeMap::new();
    let mut rewrite = Rewrite {
        moved: &moved,
        kinds: &kinds,
        wanted: &mut wanted,
    };
    for body in res.values_mut() {
        if let Some(o) = body.as_object_mut() {
            if let Some(depends) = o.get_mut("DependsOn") {
                drop_depends(depends, &moved);
                if depends.as_array().is_some_and(Vec::is_empty) {
                    o.remove("DependsOn");
                }
            }
            for (k, v) in o.iter_mut() {
                if k != "DependsOn" {
                    rewrite.value(v);
                }
            }
        }
    }
    if let Some(outputs) = app.get_mut("Outputs").and_then(Value::as_object_mut) {
        for v in outputs.values_mut() {
            rewrite.value(v);
        }
    }
    if wanted.is_empty() {
        return;
    }
    if let Some(Value::Object(params)) = app
        .as_object_mut()
        .map(|o| o.entry("Parameters").or_insert_with(|| json!({})))
    {
        for (name, h) in &wanted {
            let mut spec = Map::new();
            spec.insert("Type".into(), json!("String"));
            spec.insert(
                "Description".into(),
                json!(format!("{name} output of the secondary-base stack")),
            );
            if !h.service.is_empty() {
                spec.insert(
                    "AllowedPattern".into(),
                    json!(format!("^arn:aws[a-z-]*:{}:.+$", h.service)),
                );
            }
            params.insert(name.clone(), Value::Object(spec));
        }
    }
    if let Some(Value::Object(outputs)) = base
        .as_object_mut()
        .map(|o| o.entry("Outputs").or_insert_with(|| json!({})))
    {
        for (name, h) in wanted {
            outputs.insert(
                name,
                json!({ "Description": format!("for the failover stack: {}", h.what), "Value": h.value }),
            );
        }
    }
}

/// A value the base hands the failover stack: an output there, a parameter here.
struct Handover {
    value: Value,
    /// What it is, for the output's description (`FailoverRole Arn`).
    what: String,
    /// The ARN's service (`iam`), for the parameter's pattern; empty when not an ARN.
    service: String,
}

fn resources(t: &Value) -> Option<Map<String, Value>> {
    t.get("Resources").and_then(Value::as_object).cloned()
}

fn kind(res: &Value) -> &str {
    res.get("Type").and_then(Value::as_str).unwrap_or_default()
}

/// The name property a resource type is known by, where the template sets it to a string.
fn physical_name(res: &Value) -> Option<&str> {
    let key = match kind(res) {
        "AWS::SQS::Queue" => "QueueName",
        "AWS::SNS::Topic" => "TopicName",
        "AWS::Lambda::Function" => "FunctionName",
        "AWS::Logs::LogGroup" => "LogGroupName",
        "AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable" => "TableName",
        "AWS::S3::Bucket" => "BucketName",
        "AWS::StepFunctions::StateMachine" => "StateMachineName",
        _ => return None,
    };
    res.get("Properties")?.get(key)?.as_str()
}

/// The ARN of a named resource, as `Fn::GetAtt ... Arn` would give it.
fn arn_of(res: &Value) -> Option<Value> {
    let name = physical_name(res)?;
    let tail = match kind(res) {
        "AWS::SQS::Queue" => format!("sqs:${{AWS::Region}}:${{AWS::AccountId}}:{name}"),
        "AWS::SNS::Topic" => format!("sns:${{AWS::Region}}:${{AWS::AccountId}}:{name}"),
        "AWS::Lambda::Function" => {
            format!("lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{name}")
        }
        "AWS::Logs::LogGroup" => {
            format!("logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{name}:*")
        }
        "AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable" => {
            format!("dynamodb:${{AWS::Region}}:${{AWS::AccountId}}:table/{name}")
        }
        "AWS::StepFunctions::StateMachine" => {
            format!("states:${{AWS::Region}}:${{AWS::AccountId}}:stateMachine:{name}")
        }
        _ => return None,
    };
    if name.contains("${") {
        return None;
    }
    Some(json!({ "Fn::Sub": format!("arn:${{AWS::Partition}}:{tail}") }))
}

/// Rewrites an app resource so it reads only what exists in the base before the failover.
struct Localize<'a> {
    app: &'a Map<String, Value>,
    app_params: &'a Map<String, Value>,
    base_outputs: &'a Map<String, Value>,
    moved: &'a BTreeMap<String, String>,
}

impl Localize<'_> {
    fn value(&self, v: &Value) -> Option<Value> {
        match v {
            Value::Object(o) if o.len() == 1 => {
                let (k, arg) = o.iter().next()?;
                match k.as_str() {
                    "Ref" => self.reference(arg.as_str()?, None),
                    "Fn::GetAtt" => {
                        let parts = arg.as_array()?;
                        let (id, attr) = (parts.first()?.as_str()?, parts.get(1)?.as_str()?);
                        self.reference(id, Some(attr))
                    }
                    "Fn::Sub" => self.sub(arg),
                    _ => Some(json!({ k.clone(): self.value(arg)? })),
                }
            }
            Value::Object(o) => {
                let mut out = Map::new();
                for (k, x) in o {
                    out.insert(k.clone(), self.value(x)?);
                }
                Some(Value::Object(out))
            }
            Value::Array(a) => a
                .iter()
                .map(|x| self.value(x))
                .collect::<Option<Vec<_>>>()
                .map(Value::Array),
            other => Some(other.clone()),
        }
    }

    /// `Ref id` (attr `None`) or `GetAtt id.attr`, as the base can say it.
    fn reference(&self, id: &str, attr: Option<&str>) -> Option<Value> {
        if id.starts_with("AWS::") {
            return Some(r(id));
        }
        if let Some(base_id) = self.moved.get(id) {
            return Some(match attr {
                Some(a) => ga(base_id, a),
                None => r(base_id),
            });
        }
        if self.app_params.contains_key(id) && attr.is_none() {
            // A parameter the base itself outputs: its value, as the base computes it.
            return self.base_outputs.get(id)?.get("Value").cloned();
        }
        match (self.app.get(id), attr) {
            (Some(res), Some("Arn")) => arn_of(res),
            (Some(res), None) if kind(res).starts_with("AWS::IAM::") => Some(r(id)),
            _ => None,
        }
    }

    /// `Fn::Sub` with a string: each `${...}` said in the base's terms. A cluster's resource id
    /// does not exist before the failover restores it: the grant names any cluster (`*`),
    /// still only this account, region and database user.
    fn sub(&self, arg: &Value) -> Option<Value> {
        let s = arg.as_str()?;
        let mut out = String::new();
        let mut rest = s;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after.find('}')?;
            let token = &after[..end];
            rest = &after[end + 1..];
            if token.starts_with('!') || token.starts_with("AWS::") {
                out.push_str(&format!("${{{token}}}"));
                continue;
            }
            let (id, attr) = match token.split_once('.') {
                Some((i, a)) => (i, Some(a)),
                None => (token, None),
            };
            if attr == Some("DBClusterResourceId")
                && self.app.get(id).map(kind) == Some("AWS::RDS::DBCluster")
            {
                out.push('*');
                continue;
            }
            match self.reference(id, attr)? {
                Value::String(lit) => out.push_str(&lit),
                v => match (v.get("Ref"), v.get("Fn::GetAtt")) {
                    (Some(Value::String(i)), _) => out.push_str(&format!("${{{i}}}")),
                    (_, Some(Value::Array(p))) => {
                        out.push_str(&format!(
                            "${{{}.{}}}",
                            p.first()?.as_str()?,
                            p.get(1)?.as_str()?
                        ));
                    }
                    _ => {
                        // An ARN built by `arn_of`: splice its own Sub text in.
                        out.push_str(v.get("Fn::Sub")?.as_str()?);
                    }
                },
            }
        }
        out.push_str(rest);
        Some(json!({ "Fn::Sub": out }))
    }
}

/// Turns the app's references to moved resources into parameters, noting each one wanted.
struct Rewrite<'a> {
    moved: &'a BTreeMap<String, String>,
    /// The resource type of each moved id.
    kinds: &'a BTreeMap<String, String>,
    /// Parameter name -> what the base's output of that name holds.
    wanted: &'a mut BTreeMap<String, Handover>,
}

impl Rewrite<'_> {
    fn parameter(&mut self, id: &str, attr: Option<&str>) -> Option<String> {
        let base_id = self.moved.get(id)?;
        let name = format!("{id}{}", attr.unwrap_or("Ref"));
        let value = match attr {
            Some(a) => ga(base_id, a),
            None => r(base_id),
        };
        let service = match (attr, self.kinds.get(id).map(String::as_str)) {
            (Some("Arn"), Some(ty)) => service_of(ty),
            _ => String::new(),
        };
        self.wanted.entry(name.clone()).or_insert_with(|| Handover {
            value,
            what: format!("{base_id} {}", attr.unwrap_or("Ref")),
            service,
        });
        Some(name)
    }

    /// A `Fn::Sub` string with each `${moved}` or `${moved.Attr}` made a parameter.
    fn sub(&mut self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                return out;
            };
            let token = &after[..end];
            rest = &after[end + 1..];
            let (id, attr) = match token.split_once('.') {
                Some((i, a)) => (i, Some(a)),
                None => (token, None),
            };
            match self.parameter(id, attr) {
                Some(name) => out.push_str(&format!("${{{name}}}")),
                None => out.push_str(&format!("${{{token}}}")),
            }
        }
        out.push_str(rest);
        out
    }

    fn value(&mut self, v: &mut Value) {
        let replace = match v {
            Value::Object(o) if o.len() == 1 => {
                let (k, arg) = o
                    .iter()
                    .next()
                    .map(|(k, a)| (k.clone(), a.clone()))
                    .unwrap_or_default();
                match k.as_str() {
                    "Ref" => arg.as_str().and_then(|id| self.parameter(id, None)),
                    "Fn::GetAtt" => arg.as_array().and_then(|p| {
                        let (id, attr) = (p.first()?.as_str()?, p.get(1)?.as_str()?);
                        self.parameter(id, Some(attr))
                    }),
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(name) = replace {
            *v = r(&name);
            return;
        }
        match v {
            Value::Object(o) => {
                if let Some(Value::String(text)) = o.get_mut("Fn::Sub") {
                    *text = self.sub(text);
                }
                for x in o.values_mut() {
                    self.value(x);
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|x| self.value(x)),
            _ => {}
        }
    }
}

/// The service part of a resource type's ARNs (`AWS::SQS::Queue` -> `sqs`).
fn service_of(ty: &str) -> String {
    ty.split("::")
        .nth(1)
        .unwrap_or_default()
        .to_ascii_lowercase()
}

fn drop_depends(depends: &mut Value, moved: &BTreeMap<String, String>) {
    match depends {
        Value::String(s) if moved.contains_key(s.as_str()) => *depends = json!([]),
        Value::Array(a) => a.retain(|x| x.as_str().is_none_or(|s| !moved.contains_key(s))),
        _ => {}
    }
}
