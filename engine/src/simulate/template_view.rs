//! A thin typed view of the templates a team would deploy: resources by type, with `Ref`,
//! `Fn::GetAtt`, `Fn::Sub` and `Fn::Join` resolved against the parameters the deploy plan
//! fills (another stack's output, resolved in that stack, or an operator input).
//!
//! A resource resolves to a symbolic physical id, `stack/Logical` (its `Ref`) or
//! `stack/Logical.Attribute` (a `GetAtt`), so a value that crosses stacks through the plan
//! still names the resource it came from.

use serde_json::{Map, Value};

use crate::synth::{DeployPlan, ParameterSource};

/// One stack as the simulator reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct InputStack {
    /// `secondary-base`, `primary`, `secondary-app` (the plan's stage `stack`).
    pub id: String,
    pub region: String,
    pub template: Value,
}

/// Where a parameter's value comes from at deploy time.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ParamOrigin {
    pub name: String,
    /// The stack whose output fills it, and that stack's region.
    pub output_of: Option<(String, String)>,
}

#[derive(Debug, Clone)]
pub(crate) struct Resource {
    pub logical: String,
    pub ty: String,
    pub props: Value,
    pub metadata: Value,
}

#[derive(Debug, Clone)]
pub(crate) struct StackView {
    pub id: String,
    pub region: String,
    /// Deployed before any outage (`when: always`), or by the operator at failover.
    pub standing: bool,
    /// The resources of the types the world reads (`world::build::READS`), in template order.
    pub resources: Vec<Resource>,
    pub outputs: Map<String, Value>,
    pub params: Vec<ParamOrigin>,
    /// The logical ids of its IAM resources (roles, policies...): creating them calls IAM's
    /// control plane, which runs in us-east-1 whatever the stack's region.
    pub iam: Vec<String>,
}

impl StackView {
    pub fn of_type<'a>(&'a self, ty: &'a str) -> impl Iterator<Item = &'a Resource> + 'a {
        self.resources.iter().filter(move |r| r.ty == ty)
    }

    pub fn key(&self, logical: &str) -> String {
        format!("{}/{logical}", self.id)
    }
}

struct Resolver<'a> {
    stack: &'a str,
    region: &'a str,
    params: &'a Map<String, Value>,
    resources: &'a Map<String, Value>,
}

impl Resolver<'_> {
    fn name(&self, n: &str) -> Value {
        if let Some(attr) = n.split_once('.') {
            return Value::String(format!("{}/{}.{}", self.stack, attr.0, attr.1));
        }
        match n {
            "AWS::Region" => Value::String(self.region.to_string()),
            "AWS::Partition" => Value::String("aws".into()),
            "AWS::AccountId" => Value::String("123456789012".into()),
            "AWS::URLSuffix" => Value::String("amazonaws.com".into()),
            "AWS::StackName" => Value::String(self.stack.to_string()),
            _ => match self.params.get(n) {
                Some(v) => v.clone(),
                // `Ref` of a cluster is its identifier, as CloudFormation answers.
                None if self.cluster_identifier(n).is_some() => {
                    Value::String(self.cluster_identifier(n).unwrap_or_default())
                }
                None if self.resources.contains_key(n) => {
                    Value::String(format!("{}/{n}", self.stack))
                }
                None => Value::String(format!("{}/{n}", self.stack)),
            },
        }
    }

    /// The literal `DBClusterIdentifier` of a cluster resource, if it has one.
    fn cluster_identifier(&self, logical: &str) -> Option<String> {
        let r = self.resources.get(logical)?;
        if r.get("Type").and_then(Value::as_str) != Some("AWS::RDS::DBCluster") {
            return None;
        }
        let id = r.get("Properties")?.get("DBClusterIdentifier")?.as_str()?;
        Some(id.to_string())
    }

    fn sub(&self, s: &str, vars: &Map<String, Value>) -> String {
        crate::synth::template::map_sub_vars(s, |var| {
            let value = match vars.get(var) {
                Some(v) => self.resolve(v),
                None => self.name(var),
            };
            Some(match value {
                Value::String(s) => s,
                other => other.to_string(),
            })
        })
        .unwrap_or_default()
    }

    /// A resource's properties, resolved, without those the world never reads.
    fn properties(&self, ty: &str, props: &Value) -> Value {
        match props {
            Value::Object(o) => Value::Object(
                o.iter()
                    .filter(|(k, _)| !crate::simulate::world::UNREAD.contains(&(ty, k.as_str())))
                    .map(|(k, v)| (k.clone(), self.resolve(v)))
                    .collect(),
            ),
            other => self.resolve(other),
        }
    }

    fn resolve(&self, v: &Value) -> Value {
        match v {
            Value::Object(o) if o.len() == 1 => {
                let Some((k, arg)) = o.iter().next() else {
                    return Value::Null;
                };
                match (k.as_str(), arg) {
                    ("Ref", Value::String(n)) => self.name(n),
                    ("Fn::GetAtt", Value::Array(a)) => {
                        let parts: Vec<&str> = a.iter().filter_map(Value::as_str).collect();
                        if let (Some(l), Some(&"DBClusterArn")) = (parts.first(), parts.get(1)) {
                            if let Some(id) = self.cluster_identifier(l) {
                                return Value::String(format!(
                                    "arn:aws:rds:{}:123456789012:cluster:{id}",
                                    self.region
                                ));
                            }
                        }
                        Value::String(format!("{}/{}", self.stack, parts.join(".")))
                    }
                    ("Fn::GetAtt", Value::String(s)) => {
                        Value::String(format!("{}/{s}", self.stack))
                    }
                    ("Fn::Sub", Value::String(s)) => Value::String(self.sub(s, &Map::new())),
                    ("Fn::Sub", Value::Array(a)) => {
                        let s = a.first().and_then(Value::as_str).unwrap_or_default();
                        let empty = Map::new();
                        let vars = a.get(1).and_then(Value::as_object).unwrap_or(&empty);
                        Value::String(self.sub(s, vars))
                    }
                    ("Fn::Join", Value::Array(a)) => {
                        let sep = a.first().and_then(Value::as_str).unwrap_or_default();
                        let items = a.get(1).map(|l| self.resolve(l));
                        let parts: Vec<String> = items
                            .as_ref()
                            .and_then(Value::as_array)
                            .map(|l| {
                                l.iter()
                                    .map(|x| {
                                        x.as_str().map_or_else(|| x.to_string(), str::to_string)
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        Value::String(parts.join(sep))
                    }
                    _ => Value::Object(
                        o.iter()
                            .map(|(k, v)| (k.clone(), self.resolve(v)))
                            .collect(),
                    ),
                }
            }
            Value::Object(o) => Value::Object(
                o.iter()
                    .map(|(k, v)| (k.clone(), self.resolve(v)))
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(|x| self.resolve(x)).collect()),
            other => other.clone(),
        }
    }
}

/// Whether the world reads resources of type `ty` (the only ones a view resolves).
fn reads(ty: &str) -> bool {
    crate::simulate::world::READS.contains(&ty)
}

/// An earlier stage's output value, or a symbolic `stack:output` when it has none.
fn output_value(done: &[StackView], stack: &str, output: &str) -> Value {
    done.iter()
        .find(|v| v.id == stack)
        .and_then(|v| v.outputs.get(output).cloned())
        .unwrap_or(Value::String(format!("{stack}:{output}")))
}

/// The SSM parameters the plan stores, by name: the value is the source stage's output.
pub(crate) fn stored_values(views: &[StackView], plan: &DeployPlan) -> Map<String, Value> {
    let mut out = Map::new();
    for p in plan.stages.iter().flat_map(|s| &s.parameters) {
        if let ParameterSource::Stored {
            parameter,
            stack,
            output,
        } = &p.source
        {
            out.insert(parameter.clone(), output_value(views, stack, output));
        }
    }
    out
}

/// Builds every stack's view in plan order, so outputs are known before a later stage reads them.
pub(crate) fn views(stacks: &[InputStack], plan: &DeployPlan) -> Vec<StackView> {
    let mut out: Vec<StackView> = Vec::new();
    let mut order: Vec<(&InputStack, Option<&crate::synth::Stage>)> = Vec::new();
    for stage in &plan.stages {
        if let Some(s) = stacks.iter().find(|s| s.id == stage.stack) {
            order.push((s, Some(stage)));
        }
    }
    for s in stacks {
        if !order.iter().any(|(o, _)| o.id == s.id) {
            order.push((s, None));
        }
    }
    for (stack, stage) in order {
        let mut params = Map::new();
        let mut origins = Vec::new();
        let declared = stack.template.get("Parameters").and_then(Value::as_object);
        for (name, decl) in declared.into_iter().flatten() {
            let source = stage.and_then(|st| st.parameters.iter().find(|p| &p.name == name));
            let (value, output_of) = match source.map(|p| &p.source) {
                Some(ParameterSource::Output {
                    stack: from,
                    output,
                }) => {
                    let v = out
                        .iter()
                        .find(|v| &v.id == from)
                        .and_then(|v| v.outputs.get(output).cloned());
                    let region = out
                        .iter()
                        .find(|v| &v.id == from)
                        .map(|v| v.region.clone())
                        .unwrap_or_default();
                    (
                        v.unwrap_or(Value::String(format!("{from}:{output}"))),
                        Some((from.clone(), region)),
                    )
                }
                // Stored in this stage's own region by `deploy.sh` after the source stage
                // deployed: its value is that stage's output, and reading it needs nothing
                // from the other region.
                Some(ParameterSource::Stored {
                    stack: from,
                    output,
                    ..
                }) => (output_value(&out, from, output), None),
                Some(ParameterSource::RecoveryPoint { resource_type, .. }) => (
                    Value::String(format!("recovery-point:{resource_type}")),
                    None,
                ),
                Some(ParameterSource::Input { variable, .. }) => {
                    (Value::String(format!("input:{variable}")), None)
                }
                _ => (
                    decl.get("Default")
                        .cloned()
                        .unwrap_or(Value::String(format!("param:{name}"))),
                    None,
                ),
            };
            params.insert(name.clone(), value);
            origins.push(ParamOrigin {
                name: name.clone(),
                output_of,
            });
        }
        let empty = Map::new();
        let raw = stack
            .template
            .get("Resources")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let r = Resolver {
            stack: &stack.id,
            region: &stack.region,
            params: &params,
            resources: raw,
        };
        let resources = raw
            .iter()
            .filter_map(|(logical, res)| {
                let ty = res.get("Type").and_then(Value::as_str).unwrap_or_default();
                reads(ty).then(|| Resource {
                    logical: logical.clone(),
                    ty: ty.to_string(),
                    props: r.properties(ty, res.get("Properties").unwrap_or(&Value::Null)),
                    metadata: res.get("Metadata").cloned().unwrap_or(Value::Null),
                })
            })
            .collect();
        let outputs = stack
            .template
            .get("Outputs")
            .and_then(Value::as_object)
            .map(|o| {
                o.iter()
                    .map(|(k, v)| (k.clone(), r.resolve(v.get("Value").unwrap_or(&Value::Null))))
                    .collect()
            })
            .unwrap_or_default();
        let iam = raw
            .iter()
            .filter(|(_, res)| {
                res.get("Type")
                    .and_then(Value::as_str)
                    .is_some_and(|ty| ty.starts_with("AWS::IAM::"))
            })
            .map(|(logical, _)| logical.clone())
            .collect();
        out.push(StackView {
            id: stack.id.clone(),
            region: stack.region.clone(),
            standing: stage.is_none_or(|s| s.when != "failover"),
            resources,
            outputs,
            params: origins,
            iam,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sub_and_getatt_name_the_resource_and_region() {
        let stack = InputStack {
            id: "p".into(),
            region: "us-west-2".into(),
            template: json!({"Resources": {"Api": {"Type": "AWS::ApiGateway::RestApi"},
                "C": {"Type": "AWS::Lambda::Function", "Properties": {"U": {"Fn::Sub": "https://${Api}.execute-api.${AWS::Region}.amazonaws.com/prod"}, "A": {"Fn::GetAtt": ["Api", "RootResourceId"]}}}}}),
        };
        let plan = DeployPlan {
            stages: Vec::new(),
            teardown: Vec::new(),
            notes: Vec::new(),
        };
        let v = views(&[stack], &plan);
        let c = v[0].resources.iter().find(|r| r.logical == "C").unwrap();
        assert_eq!(
            c.props["U"],
            json!("https://p/Api.execute-api.us-west-2.amazonaws.com/prod")
        );
        assert_eq!(c.props["A"], json!("p/Api.RootResourceId"));
        // The world never reads a REST API: its view is not resolved.
        assert!(v[0].resources.iter().all(|r| r.logical != "Api"));
    }
}
