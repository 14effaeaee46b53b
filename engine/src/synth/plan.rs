//! The deploy plan: ordered stages, where each parameter comes from, and the commands.

use std::fmt::Write;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::quote::shell;
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
                source: source(t, names, name),
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
    notes.push("Buckets, the global table, the global cluster and the keys are retained on delete (DeletionPolicy: Retain); delete them deliberately.".into());
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

fn source(t: &Topology, names: &Names, name: &str) -> ParameterSource {
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
        other => ParameterSource::Input {
            variable: other.to_uppercase(),
            description: other.into(),
        },
    }
}

/// A comment line's text: shell-quoted, with no line break that could end the comment.
fn comment(s: &str) -> String {
    one_line(&shell(s))
}

/// Fixed text for a comment: no line break that could end it.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A shell variable name for a stage output: `SECONDARY_BASE_KMSKEYARN`.
fn output_variable(stack: &str, output: &str) -> String {
    format!("{stack}_{output}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

fn bucket_variable(region: &str) -> String {
    output_variable("bucket", region)
}

const PRELUDE: &str = r#"set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")"

die() {
  printf 'deploy.sh: %s\n' "$*" >&2
  exit 1
}

# require VARIABLE DESCRIPTION: stops unless the operator set VARIABLE.
require() {
  if [ -z "${!1:-}" ]; then
    die "set $1: $2"
  fi
}

# output STACK REGION KEY: an output of an earlier stage; stops when it is missing.
output() {
  local value
  value="$(aws cloudformation describe-stacks --stack-name "$1" --region "$2" \
    --query "Stacks[0].Outputs[?OutputKey=='$3'].OutputValue | [0]" --output text)" ||
    die "cannot read stack $1 in $2: deploy it first"
  if [ -z "$value" ] || [ "$value" = "None" ]; then
    die "stack $1 in $2 has no output $3: deploy that stage first"
  fi
  printf '%s\n' "$value"
}

# ensure_bucket BUCKET REGION: the artifact bucket templates are uploaded through.
ensure_bucket() {
  if aws s3api head-bucket --bucket "$1" --region "$2" >/dev/null 2>&1; then
    return 0
  fi
  if [ "$2" = "us-east-1" ]; then
    aws s3api create-bucket --bucket "$1" --region "$2" >/dev/null
  else
    aws s3api create-bucket --bucket "$1" --region "$2" \
      --create-bucket-configuration "LocationConstraint=$2" >/dev/null
  fi
  aws s3api put-public-access-block --bucket "$1" --region "$2" \
    --public-access-block-configuration \
    BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
}

# store_parameter REGION NAME VALUE: an SSM parameter later stages read. The value goes through
# a file: the AWS CLI v1 fetches a parameter value that starts with http:// or https:// and
# would store that page instead of the URL.
store_parameter() {
  local file status=0
  file="$(mktemp)"
  printf '%s' "$3" >"$file"
  aws ssm put-parameter --region "$1" --name "$2" --type String --overwrite \
    --value "file://$file" >/dev/null || status=$?
  rm -f "$file"
  return "$status"
}

# latest_recovery_point VAULT REGION TYPE: the newest completed recovery point of TYPE.
latest_recovery_point() {
  local arn
  arn="$(aws backup list-recovery-points-by-backup-vault --region "$2" \
    --backup-vault-name "$1" --by-resource-type "$3" \
    --query "reverse(sort_by(RecoveryPoints[?Status=='COMPLETED'], &CreationDate))[0].RecoveryPointArn" \
    --output text)" || die "cannot list recovery points of vault $1 in $2"
  if [ -z "$arn" ] || [ "$arn" = "None" ]; then
    die "vault $1 in $2 has no completed $3 recovery point"
  fi
  printf '%s\n' "$arn"
}
"#;

impl DeployPlan {
    /// `deploy.sh`: `aws cloudformation deploy` per stage through an artifact bucket, outputs
    /// wired into parameters. Every topology-derived value goes through [`shell`].
    pub fn deploy_script(&self, format: TemplateFormat) -> String {
        let ext = match format {
            TemplateFormat::Json => "json",
            TemplateFormat::Yaml => "yaml",
        };
        let failover_stages: Vec<&Stage> = self
            .stages
            .iter()
            .filter(|s| s.when == "failover")
            .collect();
        let failover_regions: Vec<&str> =
            failover_stages.iter().map(|s| s.region.as_str()).collect();
        let base = self
            .stages
            .first()
            .map(|s| {
                s.stack_name
                    .trim_end_matches(&format!("-{}", s.stack))
                    .to_string()
            })
            .unwrap_or_default();
        let mut s = String::new();
        s.push_str(
            "#!/usr/bin/env bash\n# Generated by Tandem: deploys the stacks in order. Usage:\n",
        );
        s.push_str("#   HOSTED_ZONE_ID=Z123 bash deploy.sh             # the standing stacks\n");
        if failover_stages.is_empty() {
            s.push_str("#   bash deploy.sh --failover                     # nothing: the state machine fails over (RUNBOOK.md)\n");
        } else {
            let _ = writeln!(
                s,
                "#   bash deploy.sh --failover                      # at failover: only {}",
                comment(&failover_regions.join(", "))
            );
        }
        s.push_str("# Needs the AWS CLI v2 and credentials for the account.\n");
        s.push_str(PRELUDE);
        s.push_str("\nMODE=\"${1:-standing}\"\ncase \"$MODE\" in\n  standing | --failover) ;;\n  *)\n    printf 'usage: bash deploy.sh [--failover]\\n' >&2\n    exit 2\n    ;;\nesac\n");
        if failover_stages.is_empty() {
            s.push_str("if [ \"$MODE\" = \"--failover\" ]; then\n  printf 'deploy.sh: nothing is deployed at failover for this topology: start the failover state machine (RUNBOOK.md)\\n' >&2\n  exit 0\nfi\n");
        }
        // Inputs, checked up front for the stages the mode deploys.
        for (mode, when) in [("standing", "always"), ("--failover", "failover")] {
            let mut inputs: Vec<(&str, &str)> = Vec::new();
            for p in self
                .stages
                .iter()
                .filter(|st| st.when == when)
                .flat_map(|st| st.parameters.iter())
            {
                if let ParameterSource::Input {
                    variable,
                    description,
                } = &p.source
                {
                    if !inputs.iter().any(|(v, _)| v == variable) {
                        inputs.push((variable, description));
                    }
                }
            }
            if inputs.is_empty() {
                continue;
            }
            let _ = writeln!(s, "if [ \"$MODE\" = {} ]; then", shell(mode));
            for (v, d) in inputs {
                let _ = writeln!(s, "  require {} {}", shell(v), shell(d));
            }
            s.push_str("fi\n");
        }
        // STS answers in every region; ask the secondary's, which a primary outage leaves up
        // (the CLI's default region may well be the primary's).
        let sts_region = self
            .stages
            .iter()
            .find(|st| st.stack == "secondary-base")
            .map_or("us-east-2", |st| st.region.as_str());
        let _ = writeln!(
            s,
            "ACCOUNT_ID=\"$(aws sts get-caller-identity --region {} --query Account --output text)\" ||\n  die \"no AWS credentials: aws sts get-caller-identity failed\"",
            shell(sts_region)
        );
        let mut regions: Vec<&str> = self.stages.iter().map(|st| st.region.as_str()).collect();
        regions.sort_unstable();
        regions.dedup();
        for region in &regions {
            let _ = writeln!(
                s,
                "{}={}\"$ACCOUNT_ID\"",
                bucket_variable(region),
                shell(&format!("{base}-artifacts-{region}-")),
            );
        }
        let mut ensured: Vec<(&str, &str)> = Vec::new();
        for st in &self.stages {
            let mode = if st.when == "failover" {
                "--failover"
            } else {
                "standing"
            };
            let _ = writeln!(
                s,
                "\n# Stage {}: {} in {}: {}",
                st.order,
                comment(&st.stack_name),
                comment(&st.region),
                one_line(&st.why)
            );
            let _ = writeln!(s, "if [ \"$MODE\" = {} ]; then", shell(mode));
            let bucket = bucket_variable(&st.region);
            if !ensured.contains(&(mode, st.region.as_str())) {
                ensured.push((mode, st.region.as_str()));
                let _ = writeln!(s, "  ensure_bucket \"${bucket}\" {}", shell(&st.region));
            }
            let mut overrides = Vec::new();
            for p in &st.parameters {
                match &p.source {
                    ParameterSource::Output { stack, output } => {
                        let Some(from) = self.stages.iter().find(|x| &x.stack == stack) else {
                            continue;
                        };
                        let var = output_variable(stack, output);
                        let _ = writeln!(
                            s,
                            "  {var}=\"$(output {} {} {})\"",
                            shell(&from.stack_name),
                            shell(&from.region),
                            shell(output)
                        );
                        overrides.push(format!("{}=\"${var}\"", shell(&p.name)));
                    }
                    ParameterSource::Input { variable, .. } => {
                        overrides.push(format!("{}=\"${variable}\"", shell(&p.name)));
                    }
                    // CloudFormation resolves the SSM parameter named by the default.
                    ParameterSource::Stored { .. } => {}
                    ParameterSource::RecoveryPoint {
                        vault,
                        resource_type,
                        variable,
                    } => {
                        let _ = writeln!(
                            s,
                            "  if [ -z \"${{{variable}:-}}\" ]; then\n    {variable}=\"$(latest_recovery_point {} {} {})\"\n  fi",
                            shell(vault),
                            shell(&st.region),
                            shell(resource_type)
                        );
                        overrides.push(format!("{}=\"${variable}\"", shell(&p.name)));
                    }
                }
            }
            let _ = write!(
                s,
                "  aws cloudformation deploy \\\n    --stack-name {} --region {} \\\n    --template-file {} \\\n    --s3-bucket \"${bucket}\" --s3-prefix {} \\\n    --no-fail-on-empty-changeset",
                shell(&st.stack_name),
                shell(&st.region),
                shell(&format!("{}.template.{ext}", st.stack)),
                shell(&st.stack_name),
            );
            if !st.capabilities.is_empty() {
                let caps: Vec<String> = st.capabilities.iter().map(|c| shell(c)).collect();
                let _ = write!(s, " \\\n    --capabilities {}", caps.join(" "));
            }
            if overrides.is_empty() {
                s.push('\n');
            } else {
                let _ = writeln!(
                    s,
                    " \\\n    --parameter-overrides \\\n      {}",
                    overrides.join(" \\\n      ")
                );
            }
            // Store what later stages read in their own region.
            for later in self.stages.iter().filter(|x| x.order > st.order) {
                for p in &later.parameters {
                    if let ParameterSource::Stored {
                        parameter,
                        stack,
                        output,
                    } = &p.source
                    {
                        if stack != &st.stack {
                            continue;
                        }
                        let var = output_variable(stack, output);
                        let _ = writeln!(
                            s,
                            "  {var}=\"$(output {} {} {})\"\n  store_parameter {} {} \"${var}\"",
                            shell(&st.stack_name),
                            shell(&st.region),
                            shell(output),
                            shell(&later.region),
                            shell(parameter),
                        );
                    }
                }
            }
            s.push_str("fi\n");
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
                "#   aws cloudformation delete-stack --stack-name {} --region {}",
                comment(name),
                comment(region)
            );
        }
        let _ = writeln!(
            s,
            "# and the artifact buckets {}-artifacts-<region>-<account>.",
            comment(&base)
        );
        s
    }
}
