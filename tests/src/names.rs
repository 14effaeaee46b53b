//! Every physical name in synthesized templates against the rules AWS applies to it (length
//! and characters, per resource type), with `Fn::Sub` pseudo parameters filled in at their
//! longest. This is what `engine/src/model/names.rs` promises at load, checked on the output.

use serde_json::Value;
use tandem_engine::synth::Synthesis;

/// A name rule: the resource type, the property, the length range and the allowed characters.
struct NameRule {
    resource: &'static str,
    property: &'static str,
    min: usize,
    max: usize,
    chars: fn(char) -> bool,
    /// Lowercase letter first, no `--`, no trailing hyphen (RDS identifiers).
    rds: bool,
}

fn lower_dns(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.'
}
fn word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}
fn table(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}
fn lower_id(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}
fn printable(c: char) -> bool {
    !c.is_control()
}
fn log_group(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | '#')
}
fn secret(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '+' | '=' | '.' | '@' | '-')
}
fn bus(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/')
}

const RULES: &[NameRule] = &[
    NameRule {
        resource: "AWS::S3::Bucket",
        property: "BucketName",
        min: 3,
        max: 63,
        chars: lower_dns,
        rds: false,
    },
    NameRule {
        resource: "AWS::Lambda::Function",
        property: "FunctionName",
        min: 1,
        max: 64,
        chars: word,
        rds: false,
    },
    NameRule {
        resource: "AWS::SQS::Queue",
        property: "QueueName",
        min: 1,
        max: 80,
        chars: word,
        rds: false,
    },
    NameRule {
        resource: "AWS::SNS::Topic",
        property: "TopicName",
        min: 1,
        max: 256,
        chars: word,
        rds: false,
    },
    NameRule {
        resource: "AWS::RDS::DBCluster",
        property: "DBClusterIdentifier",
        min: 1,
        max: 63,
        chars: lower_id,
        rds: true,
    },
    NameRule {
        resource: "AWS::RDS::GlobalCluster",
        property: "GlobalClusterIdentifier",
        min: 1,
        max: 63,
        chars: lower_id,
        rds: true,
    },
    NameRule {
        resource: "AWS::RDS::DBInstance",
        property: "DBInstanceIdentifier",
        min: 1,
        max: 63,
        chars: lower_id,
        rds: true,
    },
    NameRule {
        resource: "AWS::DynamoDB::GlobalTable",
        property: "TableName",
        min: 3,
        max: 255,
        chars: table,
        rds: false,
    },
    NameRule {
        resource: "AWS::DynamoDB::Table",
        property: "TableName",
        min: 3,
        max: 255,
        chars: table,
        rds: false,
    },
    NameRule {
        resource: "AWS::StepFunctions::StateMachine",
        property: "StateMachineName",
        min: 1,
        max: 80,
        chars: word,
        rds: false,
    },
    NameRule {
        resource: "AWS::Backup::BackupVault",
        property: "BackupVaultName",
        min: 2,
        max: 50,
        chars: table,
        rds: false,
    },
    NameRule {
        resource: "AWS::CloudWatch::Alarm",
        property: "AlarmName",
        min: 1,
        max: 255,
        chars: printable,
        rds: false,
    },
    NameRule {
        resource: "AWS::Events::EventBus",
        property: "Name",
        min: 1,
        max: 256,
        chars: bus,
        rds: false,
    },
    // "Member must have length less than or equal to 48" (the rehearsal met it: without a name
    // CloudFormation makes one from the stack and logical id, which is longer).
    NameRule {
        resource: "AWS::Events::Archive",
        property: "ArchiveName",
        min: 1,
        max: 48,
        chars: bus,
        rds: false,
    },
    NameRule {
        resource: "AWS::SecretsManager::Secret",
        property: "Name",
        min: 1,
        max: 512,
        chars: secret,
        rds: false,
    },
    NameRule {
        resource: "AWS::Logs::LogGroup",
        property: "LogGroupName",
        min: 1,
        max: 512,
        chars: log_group,
        rds: false,
    },
];

/// The text a name property becomes at deploy time, when it can be known: a string, or an
/// `Fn::Sub` whose only variables are pseudo parameters (filled in at their longest).
fn resolve(v: &Value, region: &str) -> Option<String> {
    let text = match v {
        Value::String(s) => return Some(s.clone()),
        Value::Object(o) => match o.get("Fn::Sub")? {
            Value::String(s) => s.clone(),
            Value::Array(a)
                if a.len() == 2
                    && a.get(1)
                        .is_some_and(|m| m.as_object().is_some_and(|m| m.is_empty())) =>
            {
                a.first()?.as_str()?.to_string()
            }
            _ => return None,
        },
        _ => return None,
    };
    let filled = text
        .replace("${AWS::AccountId}", "123456789012")
        .replace("${AWS::Region}", region)
        .replace("${AWS::Partition}", "aws-us-gov")
        .replace("${AWS::URLSuffix}", "amazonaws.com");
    (!filled.contains("${")).then_some(filled)
}

/// Every name in `s` that AWS would refuse; empty when all are legal.
pub fn problems(s: &Synthesis) -> Vec<String> {
    let mut out = Vec::new();
    for stack in &s.stacks {
        let name = &stack.name;
        let stack_ok = name.len() <= 128
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !stack_ok {
            out.push(format!(
                "stack name `{name}` is not a legal CloudFormation stack name"
            ));
        }
        let Some(resources) = stack.template.get("Resources").and_then(Value::as_object) else {
            continue;
        };
        for (id, r) in resources {
            let kind = r.get("Type").and_then(Value::as_str).unwrap_or_default();
            for rule in RULES.iter().filter(|x| x.resource == kind) {
                let Some(v) = r.get("Properties").and_then(|p| p.get(rule.property)) else {
                    continue;
                };
                let Some(text) = resolve(v, &stack.region) else {
                    continue;
                };
                let len = text.chars().count();
                let mut bad = Vec::new();
                if len < rule.min || len > rule.max {
                    bad.push(format!(
                        "{len} characters, allowed {}..={}",
                        rule.min, rule.max
                    ));
                }
                if let Some(c) = text.chars().find(|c| !(rule.chars)(*c)) {
                    bad.push(format!("character {c:?} not allowed"));
                }
                if rule.rds
                    && (!text.starts_with(|c: char| c.is_ascii_lowercase())
                        || text.contains("--")
                        || text.ends_with('-'))
                {
                    bad.push(
                        "not an RDS identifier (letter first, no `--`, no trailing `-`)".into(),
                    );
                }
                if !bad.is_empty() {
                    out.push(format!(
                        "{}: {id}.{} = `{text}`: {}",
                        stack.id,
                        rule.property,
                        bad.join("; ")
                    ));
                }
            }
        }
    }
    out
}
