//! The deploy plan: ordered stages, where each parameter comes from, and the commands.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{secondary_app_standing, Names, Stack};
use crate::model::Topology;

/// Where a stage's parameter value comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum ParameterSource {
    /// An Output of an earlier stage.
    Output { stack: String, output: String },
    /// A value the operator supplies (an environment variable of `deploy.sh`).
    Input {
        variable: String,
        description: String,
    },
    /// An SSM parameter in the stage's own region, which `deploy.sh` writes from an earlier
    /// stage's output right after deploying it; CloudFormation reads it (the template declares
    /// the parameter as `AWS::SSM::Parameter::Value<String>` with this name as its default), so
    /// a stage deployed at failover needs nothing from the other region.
    Stored {
        parameter: String,
        stack: String,
        output: String,
    },
    /// The newest completed recovery point of `resourceType` in an AWS Backup vault in the
    /// stage's region, looked up by `deploy.sh` unless `variable` is set.
    RecoveryPoint {
        vault: String,
        resource_type: String,
        variable: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanParameter {
    pub name: String,
    pub source: ParameterSource,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stage {
    pub order: u32,
    pub stack: String,
    pub stack_name: String,
    pub region: String,
    pub template: String,
    /// `always`, or `failover` for a stage deployed only when failing over.
    pub when: String,
    pub parameters: Vec<PlanParameter>,
    /// Outputs later stages read.
    pub outputs: Vec<String>,
    /// The IAM capabilities the template needs (`CAPABILITY_IAM`, or `CAPABILITY_NAMED_IAM`
    /// when an IAM resource has a fixed name); empty when it creates no IAM resource. A plan
    /// written before this field (or edited by hand without it) reads as none.
    #[serde(default)]
    pub capabilities: Vec<String>,
    pub why: String,
}

impl Stage {
    /// The parameter file: each value names its source, for `deploy.sh` to fill.
    pub fn parameter_file(&self) -> Value {
        let params: Vec<Value> = self
            .parameters
            .iter()
            .map(|p| {
                let value = match &p.source {
                    ParameterSource::Output { stack, output } => {
                        format!("{{{{output:{stack}.{output}}}}}")
                    }
                    ParameterSource::Input { variable, .. } => format!("{{{{env:{variable}}}}}"),
                    ParameterSource::Stored { parameter, .. } => format!("{{{{ssm:{parameter}}}}}"),
                    ParameterSource::RecoveryPoint {
                        vault,
                        resource_type,
                        ..
                    } => {
                        format!("{{{{recovery-point:{vault}:{resource_type}}}}}")
                    }
                };
                json!({ "ParameterKey": p.name, "ParameterValue": value })
            })
            .collect();
        Value::Array(params)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeployPlan {
    pub stages: Vec<Stage>,
    /// Stack names in the order to delete them.
    pub teardown: Vec<String>,
    pub notes: Vec<String>,
}

pub(crate) fn plan(t: &Topology, names: &Names, stacks: &[Stack]) -> DeployPlan {
    let mut stages: Vec<Stage> = Vec::new();
    // What the base stack outputs: a later stage's parameter of the same name reads it.
    let base_outputs: Vec<String> = stacks
        .iter()
        .find(|s| s.id == "secondary-base")
        .and_then(|s| s.template.get("Outputs"))
        .and_then(Value::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    let whys = [
        ("secondary-base", "the replica buckets, the event bus, the key and the failover switch alarm must exist before the primary uses them"),
        ("primary", "the global cluster and the global table are created here, with the secondary's key"),
        ("secondary-app", "the secondary cluster can join the global cluster only once it exists"),
    ];
    for (i, s) in stacks.iter().enumerate() {
        let declared: Vec<String> = s
            .template
            .get("Parameters")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        let parameters = declared
            .iter()
            .map(|name| PlanParameter {
                name: name.clone(),
                source: source(t, names, name, &base_outputs),
            })
            .collect();
        let when = if s.id == "secondary-app" && !secondary_app_standing(t) {
            "failover"
        } else {
            "always"
        };
        stages.push(Stage {
            order: u32::try_from(i + 1).unwrap_or(u32::MAX),
            stack: s.id.clone(),
            stack_name: s.name.clone(),
            region: s.region.clone(),
            template: format!("{}.template.json", s.id),
            when: when.into(),
            parameters,
            outputs: Vec::new(),
            capabilities: capabilities(&s.template),
            why: if when == "failover" {
                "deployed at failover from this region alone: the database is restored from the newest Aurora recovery point copied here".to_string()
            } else {
                whys.iter()
                    .find(|(id, _)| *id == s.id)
                    .map(|(_, w)| (*w).to_string())
                    .unwrap_or_default()
            },
        });
    }
    // Record which outputs each stage must provide.
    let needed: Vec<(String, String)> = stages
        .iter()
        .flat_map(|s| s.parameters.iter())
        .filter_map(|p| match &p.source {
            ParameterSource::Output { stack, output }
            | ParameterSource::Stored { stack, output, .. } => {
                Some((stack.clone(), output.clone()))
            }
            ParameterSource::Input { .. } | ParameterSource::RecoveryPoint { .. } => None,
        })
        .collect();
    for stage in &mut stages {
        let mut outs: Vec<String> = needed
            .iter()
            .filter(|(s, _)| *s == stage.stack)
            .map(|(_, o)| o.clone())
            .collect();
        outs.sort();
        outs.dedup();
        stage.outputs = outs;
    }
    let mut teardown: Vec<String> = stages.iter().rev().map(|s| s.stack_name.clone()).collect();
    teardown.dedup();
    let mut notes = vec![
        format!("Stacks are named `{}-<stack>`; every physical name derives from the topology, so the plan is repeatable.", names.base()),
        "No stack imports another's exports: values cross regions as parameters filled from earlier stages' outputs, or as SSM parameters `deploy.sh` stores in the region that reads them.".into(),
        format!("Templates are uploaded through an artifact bucket per region, `{}-artifacts-<region>-<account>`, which `deploy.sh` creates when missing (CloudFormation takes templates over 51,200 bytes only from S3).", names.base()),
    ];
    if stages.iter().any(|s| s.when == "failover") {
        notes.push(format!("`deploy.sh --failover` deploys the stages marked `failover` and reads only {}: what they need was stored there at deploy time.", t.secondary.region));
    }
    if t.database.as_ref().is_some_and(|d| d.deletion_protection) {
        notes.push("Teardown: turn off deletion protection on both clusters and the global cluster first; remove the secondary cluster from the global cluster before deleting the primary.".into());
    }
    notes.push("Buckets, the global table, the global cluster and the keys are retained when their stack is deleted (DeletionPolicy: RetainExceptOnCreate); delete them deliberately. A first create that rolls back removes them, so deploy.sh can delete that stack and create it again without finding their names taken.".into());
    DeployPlan {
        stages,
        teardown,
        notes,
    }
}

/// The capabilities `aws cloudformation deploy` must be given for a template.
fn capabilities(template: &Value) -> Vec<String> {
    let iam: Vec<&Value> = template
        .get("Resources")
        .and_then(Value::as_object)
        .map(|m| {
            m.values()
                .filter(|r| {
                    r.get("Type")
                        .and_then(Value::as_str)
                        .is_some_and(|k| k.starts_with("AWS::IAM::"))
                })
                .collect()
        })
        .unwrap_or_default();
    if iam.is_empty() {
        return Vec::new();
    }
    let named = iam.iter().any(|r| {
        [
            "RoleName",
            "ManagedPolicyName",
            "GroupName",
            "UserName",
            "InstanceProfileName",
        ]
        .iter()
        .any(|k| r.get("Properties").and_then(|p| p.get(k)).is_some())
    });
    vec![if named {
        "CAPABILITY_NAMED_IAM"
    } else {
        "CAPABILITY_IAM"
    }
    .to_string()]
}

fn source(t: &Topology, names: &Names, name: &str, base_outputs: &[String]) -> ParameterSource {
    let output = |stack: &str, output: &str| ParameterSource::Output {
        stack: stack.into(),
        output: output.into(),
    };
    match name {
        "SecondaryKmsKeyArn" => output("secondary-base", "KmsKeyArn"),
        "PagingTopicArn" => output("secondary-base", "PagingTopicArn"),
        "KmsKeyArn"
        | "PrivateSubnetIds"
        | "IsolatedSubnetIds"
        | "FunctionSecurityGroupId"
        | "DatabaseSecurityGroupId" => output("secondary-base", name),
        "PrimaryHealthUrl" => ParameterSource::Stored {
            parameter: names.primary_health_url_parameter(),
            stack: "primary".into(),
            output: "ApiHealthUrl".into(),
        },
        "HostedZoneId" => ParameterSource::Input {
            variable: "HOSTED_ZONE_ID".into(),
            description: "the Route 53 hosted zone id of the zone the API record lives in".into(),
        },
        "SnapshotIdentifier" => ParameterSource::RecoveryPoint {
            vault: names.vault(),
            resource_type: "Aurora".into(),
            variable: "SNAPSHOT_ARN".into(),
        },
        "CognitoUserPoolArn" => ParameterSource::Input {
            variable: "COGNITO_USER_POOL_ARN".into(),
            description: "the Cognito user pool that authorizes API calls".into(),
        },
        "CodeBucket" => ParameterSource::Input {
            variable: "CODE_BUCKET".into(),
            description: format!(
                "a bucket in each region holding <function>.zip packages for {}",
                t.name
            ),
        },
        other if base_outputs.iter().any(|o| o == other) => output("secondary-base", other),
        other => ParameterSource::Input {
            variable: other.to_uppercase(),
            description: other.into(),
        },
    }
}
