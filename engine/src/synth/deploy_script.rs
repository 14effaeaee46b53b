//! `deploy.sh`, written from the deploy plan: one `aws cloudformation deploy` per stage through
//! an artifact bucket, each stage's parameters filled from earlier stages' outputs. Every
//! topology-derived value goes through [`shell`].

use std::fmt::Write;

use super::plan::{DeployPlan, ParameterSource, Stage};
use super::quote::shell;
use super::TemplateFormat;

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

# stack_status STACK REGION: the stack's status, or nothing when it does not exist; stops on
# any other error (credentials, network) rather than take it for a missing stack.
stack_status() {
  local out
  if out="$(aws cloudformation describe-stacks --stack-name "$1" --region "$2" \
    --query 'Stacks[0].StackStatus' --output text 2>&1)"; then
    printf '%s\n' "$out"
  elif [[ "$out" == *"does not exist"* ]]; then
    return 0
  else
    die "cannot read stack $1 in $2: $out"
  fi
}

# clear_failed STACK REGION: a stack whose first create rolled back cannot be updated, and
# holds nothing (what it retains, it retains except on create): delete it so the deploy can
# create it again.
clear_failed() {
  local status
  status="$(stack_status "$1" "$2")"
  if [ "$status" = ROLLBACK_COMPLETE ]; then
    printf 'deploy.sh: %s in %s rolled back its first create; deleting it first\n' "$1" "$2" >&2
    aws cloudformation delete-stack --stack-name "$1" --region "$2"
    aws cloudformation wait stack-delete-complete --stack-name "$1" --region "$2"
  fi
}

# stack_parameter STACK REGION KEY: the value a deployed stack was given, or nothing.
stack_parameter() {
  local value status
  status="$(stack_status "$1" "$2")"
  case "$status" in
    "" | None | ROLLBACK_COMPLETE | DELETE_COMPLETE) return 0 ;;
  esac
  value="$(aws cloudformation describe-stacks --stack-name "$1" --region "$2" \
    --query "Stacks[0].Parameters[?ParameterKey=='$3'].ParameterValue | [0]" \
    --output text)" || return 0
  if [ -n "$value" ] && [ "$value" != "None" ]; then
    printf '%s\n' "$value"
  fi
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
            let _ = writeln!(
                s,
                "  clear_failed {} {}",
                shell(&st.stack_name),
                shell(&st.region)
            );
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
                        // A second run keeps the recovery point the stack was created from: a
                        // newer one would make CloudFormation replace the restored cluster.
                        let _ = writeln!(
                            s,
                            "  if [ -z \"${{{variable}:-}}\" ]; then\n    {variable}=\"$(stack_parameter {} {} {})\"\n  fi\n  if [ -z \"${{{variable}:-}}\" ]; then\n    {variable}=\"$(latest_recovery_point {} {} {})\"\n  fi",
                            shell(&st.stack_name),
                            shell(&st.region),
                            shell(&p.name),
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
