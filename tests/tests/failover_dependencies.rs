//! What a failover needs from outside the surviving region, played on today's synthesis: the
//! IAM control plane for a stack deployed at failover, the region that answers the validation,
//! and physical names two stacks in one region would both claim.
// Helpers of these tests are test code too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;

use serde_json::{json, Value};
use tandem_engine::presets;
use tandem_engine::simulate::{simulate, Durations, Input, Scenario, Simulation};
use tandem_engine::synth::synthesize;

fn input(preset: &str) -> Input {
    let t = presets::preset(preset).unwrap().topology();
    Input::from_owned_synthesis(synthesize(&t), &t)
}

fn template_mut<'a>(input: &'a mut Input, stack: &str) -> &'a mut Value {
    &mut input
        .stacks
        .iter_mut()
        .find(|s| s.id == stack)
        .unwrap()
        .template
}

fn play(input: &Input) -> Simulation {
    simulate(
        input,
        Scenario::RegionOutage,
        &Durations::builtin().unwrap(),
    )
}

fn ids(s: &Simulation) -> Vec<(String, String)> {
    s.violations
        .iter()
        .map(|v| (v.id.clone(), v.resource.clone()))
        .collect()
}

fn iam_resources(template: &Value) -> Vec<String> {
    template["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"].as_str().unwrap().starts_with("AWS::IAM::"))
        .map(|(k, _)| k.clone())
        .collect()
}

#[test]
fn backup_restore_creates_every_role_before_the_outage() {
    let mut input = input("backup-restore");
    assert_eq!(
        iam_resources(template_mut(&mut input, "secondary-app")),
        Vec::<String>::new()
    );
    let base = iam_resources(template_mut(&mut input, "secondary-base"));
    for role in ["FailoverRole", "TradeProcessorFunctionRole", "RestoreRole"] {
        assert!(base.contains(&role.to_string()), "{base:?}");
    }
    let s = play(&input);
    assert!(s.violations.is_empty(), "{:?}", ids(&s));
    assert!(s
        .timeline
        .iter()
        .any(|e| e.event == "runs deploy.sh --failover"));
}

#[test]
fn a_role_created_at_failover_needs_iam_in_the_failed_region() {
    // The verifier fails on the defect it is for: put one role back into the failover stack.
    let mut input = input("backup-restore");
    template_mut(&mut input, "secondary-app")["Resources"]["LateRole"] = json!({
        "Type": "AWS::IAM::Role",
        "Properties": { "AssumeRolePolicyDocument": {} }
    });
    let s = play(&input);
    assert!(
        s.violations
            .iter()
            .any(|v| v.id == "E6004" && v.resource == "secondary-app/LateRole"),
        "{:?}",
        ids(&s)
    );
    assert!(s
        .timeline
        .iter()
        .any(|e| e.event == "deploy.sh --failover fails"));
}

#[test]
fn validation_counts_only_an_answer_from_the_secondary() {
    let mut input = input("hot-standby");
    let primary = input.primary_region.clone();
    let clean = play(&input);
    assert!(clean.violations.is_empty(), "{:?}", ids(&clean));
    assert!(clean
        .timeline
        .iter()
        .any(|e| e.event.contains("ValidateSecondary: succeeded")));
    // Expecting the primary's answer: the public name answers from the secondary, so the
    // validation never passes and the run ends by reporting its failure.
    template_mut(&mut input, "secondary-app")["Resources"]["FailoverStateMachine"]["Properties"]
        ["Definition"]["States"]["ValidateSecondary"]["Parameters"]["Payload"]["expectRegion"] =
        json!(primary);
    let s = play(&input);
    assert!(
        s.timeline
            .iter()
            .any(|e| e.event.contains("ValidationFailed")),
        "{:#?}",
        s.timeline
    );
    assert!(s.timeline.iter().any(|e| e.event.contains("NotifyFailure")));
}

/// The name property of the types whose names are unique per account and region.
fn physical_name(resource: &Value) -> Option<(String, String)> {
    let ty = resource["Type"].as_str()?;
    let key = match ty {
        "AWS::SQS::Queue" => "QueueName",
        "AWS::SNS::Topic" => "TopicName",
        "AWS::Lambda::Function" => "FunctionName",
        "AWS::Logs::LogGroup" => "LogGroupName",
        "AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable" => "TableName",
        "AWS::StepFunctions::StateMachine" => "StateMachineName",
        "AWS::CloudWatch::Alarm" => "AlarmName",
        "AWS::Events::EventBus" => "Name",
        "AWS::Events::Archive" => "ArchiveName",
        "AWS::Backup::BackupVault" => "BackupVaultName",
        "AWS::RDS::DBCluster" => "DBClusterIdentifier",
        "AWS::IAM::Role" => "RoleName",
        _ => return None,
    };
    let name = resource["Properties"].get(key)?;
    Some((ty.to_string(), name.to_string()))
}

#[test]
fn no_two_stacks_in_a_region_claim_one_name() {
    // Backup & restore's failover stack used to create the functions' dead-letter queue under
    // the name the base stack's probe queue already had.
    for p in presets::PRESETS {
        let t = p.topology();
        let s = synthesize(&t);
        let mut seen: BTreeMap<(String, String, String), String> = BTreeMap::new();
        for stack in &s.stacks {
            for (id, r) in stack.template["Resources"].as_object().unwrap() {
                let Some((ty, name)) = physical_name(r) else {
                    continue;
                };
                let here = format!("{}/{id}", stack.id);
                if let Some(first) =
                    seen.insert((stack.region.clone(), ty, name.clone()), here.clone())
                {
                    panic!(
                        "{}: {first} and {here} both create {name} in {}",
                        t.name, stack.region
                    );
                }
            }
        }
    }
}
