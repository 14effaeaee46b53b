//! The deploy plan: ordered stages, where each parameter comes from, and the commands.

use std::fmt::Write;

use super::quote;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{secondary_app_standing, Names, Stack, TemplateFormat};
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
    let whys = [
        ("secondary-base", "the replica buckets, the event bus and the key must exist before the primary replicates into them"),
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
                source: source(name),
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
            why: whys
                .iter()
                .find(|(id, _)| *id == s.id)
                .map(|(_, w)| (*w).to_string())
                .unwrap_or_default(),
        });
    }
    // Record which outputs each stage must provide.
    let needed: Vec<(String, String)> = stages
        .iter()
        .flat_map(|s| s.parameters.iter())
        .filter_map(|p| match &p.source {
            ParameterSource::Output { stack, output } => Some((stack.clone(), output.clone())),
            ParameterSource::Input { .. } => None,
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
        "No stack imports another's exports: values cross regions as parameters filled from earlier stages' outputs.".into(),
    ];
    if t.database.as_ref().is_some_and(|d| d.deletion_protection) {
        notes.push("Teardown: turn off deletion protection on both clusters and the global cluster first; remove the secondary cluster from the global cluster before deleting the primary.".into());
    }
    notes.push("Buckets, the global table, the global cluster and the keys are retained on delete (DeletionPolicy: Retain); delete them deliberately.".into());
    DeployPlan {
        stages,
        teardown,
        notes,
    }
}

fn source(name: &str) -> ParameterSource {
    let output = |stack: &str, output: &str| ParameterSource::Output {
        stack: stack.into(),
        output: output.into(),
    };
    match name {
        "SecondaryKmsKeyArn" => output("secondary-base", "KmsKeyArn"),
        "KmsKeyArn"
        | "PrivateSubnetIds"
        | "IsolatedSubnetIds"
        | "FunctionSecurityGroupId"
        | "DatabaseSecurityGroupId" => output("secondary-base", name),
        "PrimaryHealthCheckId" => output("primary", "HealthCheckId"),
        "PrimaryHealthUrl" => output("primary", "ApiHealthUrl"),
        "HostedZoneId" => ParameterSource::Input {
            variable: "HOSTED_ZONE_ID".into(),
            description: "the Route 53 hosted zone id of the zone the API record lives in".into(),
        },
        "SnapshotIdentifier" => ParameterSource::Input {
            variable: "SNAPSHOT_ARN".into(),
            description:
                "the ARN of the latest Aurora snapshot AWS Backup copied to the secondary region"
                    .into(),
        },
        "CognitoUserPoolArn" => ParameterSource::Input {
            variable: "COGNITO_USER_POOL_ARN".into(),
            description: "the Cognito user pool that authorizes API calls".into(),
        },
        "CodeBucket" => ParameterSource::Input {
            variable: "CODE_BUCKET".into(),
            description: "a bucket holding <function>.zip packages".into(),
        },
        other => ParameterSource::Input {
            variable: other.to_uppercase(),
            description: other.into(),
        },
    }
}

impl DeployPlan {
    /// `deploy.sh`: `aws cloudformation deploy` per stage, outputs wired into parameters.
    pub fn deploy_script(&self, format: TemplateFormat) -> String {
        let ext = match format {
            TemplateFormat::Json => "json",
            TemplateFormat::Yaml => "yaml",
        };
        let mut s = String::new();
        s.push_str("#!/usr/bin/env bash\n# Generated by Tandem: deploys the stacks in order. Usage:\n#   HOSTED_ZONE_ID=Z123 bash deploy.sh            # the standing stacks\n#   HOSTED_ZONE_ID=Z123 bash deploy.sh --failover # also the stages deployed at failover\nset -euo pipefail\ncd \"$(dirname \"$0\")\"\n\n");
        s.push_str("output() { # stack-name region output-key\n  aws cloudformation describe-stacks --stack-name \"$1\" --region \"$2\" \\\n    --query \"Stacks[0].Outputs[?OutputKey=='$3'].OutputValue\" --output text\n}\n\n");
        let mut inputs: Vec<(String, String)> = Vec::new();
        for p in self.stages.iter().flat_map(|st| st.parameters.iter()) {
            if let ParameterSource::Input {
                variable,
                description,
            } = &p.source
            {
                if !inputs.iter().any(|(v, _)| v == variable) {
                    inputs.push((variable.clone(), description.clone()));
                }
            }
        }
        for (v, d) in &inputs {
            if v == "SNAPSHOT_ARN" {
                let _ = writeln!(s, "# {v}: {d} (needed with --failover)");
            } else {
                let _ = writeln!(s, ": \"${{{v}:?set {v}: {d}}}\"");
            }
        }
        s.push_str("FAILOVER=\"${1:-}\"\n");
        for st in &self.stages {
            let _ = writeln!(
                s,
                "\n# Stage {}: {}",
                st.order,
                quote::shell_comment(&format!("{} in {} ({})", st.stack_name, st.region, st.why))
            );
            let indent = if st.when == "failover" {
                s.push_str("if [ \"$FAILOVER\" = \"--failover\" ]; then\n");
                "  "
            } else {
                ""
            };
            let mut overrides = Vec::new();
            for p in &st.parameters {
                match &p.source {
                    ParameterSource::Output { stack, output } => {
                        let from = self.stages.iter().find(|x| &x.stack == stack);
                        let (name, region) = from.map_or((stack.as_str(), ""), |x| {
                            (x.stack_name.as_str(), x.region.as_str())
                        });
                        let var = format!(
                            "{}_{}",
                            stack.replace('-', "_").to_uppercase(),
                            output.to_uppercase()
                        );
                        let _ = writeln!(
                            s,
                            "{indent}{var}=\"$(output {} {} {})\"",
                            quote::shell(name),
                            quote::shell(region),
                            quote::shell(output)
                        );
                        overrides.push(format!("{}=\"${var}\"", p.name));
                    }
                    ParameterSource::Input { variable, .. } => {
                        overrides.push(format!("{}=\"${{{variable}:?}}\"", p.name))
                    }
                }
            }
            let _ = write!(
                s,
                "{indent}aws cloudformation deploy \\\n{indent}  --stack-name {} --region {} \\\n{indent}  --template-file {} \\\n{indent}  --capabilities CAPABILITY_IAM CAPABILITY_NAMED_IAM --no-fail-on-empty-changeset",
                quote::shell(&st.stack_name),
                quote::shell(&st.region),
                quote::shell(&format!("{}.template.{ext}", st.stack))
            );
            if overrides.is_empty() {
                s.push('\n');
            } else {
                let _ = writeln!(
                    s,
                    " \\\n{indent}  --parameter-overrides {}",
                    overrides.join(" ")
                );
            }
            if st.when == "failover" {
                s.push_str("fi\n");
            }
        }
        s.push_str("\n# Teardown, in this order (see deploy-plan.json notes first):\n");
        for name in &self.teardown {
            let region = self
                .stages
                .iter()
                .find(|x| &x.stack_name == name)
                .map_or("", |x| x.region.as_str());
            let _ = writeln!(
                s,
                "#   {}",
                quote::shell_comment(&format!(
                    "aws cloudformation delete-stack --stack-name {} --region {}",
                    quote::shell(name),
                    quote::shell(region)
                ))
            );
        }
        s
    }
}
