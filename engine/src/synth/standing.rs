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

use super::template::{ga, map_sub_vars, r};

/// Moves what the failover stack `app` must not create at failover into `base`.
pub(crate) fn hoist(base: &mut Value, app: &mut Value) {
    let Some(plan) = plan(base, app) else {
        return;
    };
    let Plan {
        mut moved,
        roles,
        kinds,
    } = plan;
    for (id, base_id, _) in &roles {
        moved.insert(id.clone(), base_id.clone());
    }
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

/// What moves, worked out by reading both templates before either changes.
struct Plan {
    /// App id -> base id, for the resources the base already holds under the same name.
    moved: BTreeMap<String, String>,
    /// The IAM resources: app id, base id, and the resource rewritten in the base's terms.
    roles: Vec<(String, String, Value)>,
    /// The resource type of every app id that moves.
    kinds: BTreeMap<String, String>,
}

fn plan(base: &Value, app: &Value) -> Option<Plan> {
    let base_res = base.get("Resources")?.as_object()?;
    let app_res = app.get("Resources")?.as_object()?;
    let empty = Map::new();
    let base_outputs = base
        .get("Outputs")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let app_params = app
        .get("Parameters")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    // Resources the base already holds under the same type and physical name.
    let mut moved: BTreeMap<String, String> = BTreeMap::new();
    for (id, res) in app_res {
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
    // The IAM resources, each rewritten to read only what the base has.
    let cx = Localize {
        app: app_res,
        app_params,
        base_outputs,
        moved: &moved,
    };
    let mut roles: Vec<(String, String, Value)> = Vec::new();
    for (id, res) in app_res {
        if !kind(res).starts_with("AWS::IAM::") {
            continue;
        }
        if let Some(local) = cx.value(res) {
            let mut base_id = id.clone();
            while base_res.contains_key(&base_id) {
                base_id = format!("App{base_id}");
            }
            roles.push((id.clone(), base_id, local));
        }
    }
    let kinds = moved
        .keys()
        .chain(roles.iter().map(|(id, _, _)| id))
        .map(|id| {
            let ty = app_res.get(id).map(kind).unwrap_or_default();
            (id.clone(), ty.to_string())
        })
        .collect();
    Some(Plan {
        moved,
        roles,
        kinds,
    })
}

/// A value the base hands the failover stack: an output there, a parameter here.
struct Handover {
    value: Value,
    /// What it is, for the output's description (`FailoverRole Arn`).
    what: String,
    /// The ARN's service (`iam`), for the parameter's pattern; empty when not an ARN.
    service: String,
}

/// The resource and attribute a `Ref` (`None`) or `Fn::GetAtt` names, if `v` is one.
fn reference_of(v: &Value) -> Option<(&str, Option<&str>)> {
    let o = v.as_object().filter(|o| o.len() == 1)?;
    if let Some(id) = o.get("Ref") {
        return Some((id.as_str()?, None));
    }
    let parts = o.get("Fn::GetAtt")?.as_array()?;
    Some((parts.first()?.as_str()?, Some(parts.get(1)?.as_str()?)))
}

/// A `${...}` variable of an `Fn::Sub` string as a resource and attribute (`Api.Arn`).
fn split_var(var: &str) -> (&str, Option<&str>) {
    match var.split_once('.') {
        Some((id, attr)) => (id, Some(attr)),
        None => (var, None),
    }
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
        if let Some((id, attr)) = reference_of(v) {
            return self.reference(id, attr);
        }
        match v {
            // A `Ref` or `Fn::GetAtt` of a shape it cannot read: not said in the base's terms.
            Value::Object(o)
                if o.len() == 1 && (o.contains_key("Ref") || o.contains_key("Fn::GetAtt")) =>
            {
                None
            }
            Value::Object(o) => {
                if let (1, Some(arg)) = (o.len(), o.get("Fn::Sub")) {
                    return self.sub(arg);
                }
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
        let text = map_sub_vars(arg.as_str()?, |var| {
            if var.starts_with('!') || var.starts_with("AWS::") {
                return Some(format!("${{{var}}}"));
            }
            let (id, attr) = split_var(var);
            if attr == Some("DBClusterResourceId")
                && self.app.get(id).map(kind) == Some("AWS::RDS::DBCluster")
            {
                return Some("*".into());
            }
            let v = self.reference(id, attr)?;
            if let Value::String(lit) = v {
                return Some(lit);
            }
            Some(match reference_of(&v) {
                Some((i, None)) => format!("${{{i}}}"),
                Some((i, Some(a))) => format!("${{{i}.{a}}}"),
                // An ARN built by `arn_of`: its own Sub text, spliced in.
                None => v.get("Fn::Sub")?.as_str()?.to_string(),
            })
        })?;
        Some(json!({ "Fn::Sub": text }))
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
        map_sub_vars(text, |var| {
            let (id, attr) = split_var(var);
            Some(match self.parameter(id, attr) {
                Some(name) => format!("${{{name}}}"),
                None => format!("${{{var}}}"),
            })
        })
        .unwrap_or_default()
    }

    fn value(&mut self, v: &mut Value) {
        let replace = reference_of(v).and_then(|(id, attr)| self.parameter(id, attr));
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
