//! Golden files: the synthesized output of every preset, reviewed in diffs.
//! Update them with `UPDATE_GOLDEN=1 cargo test -p tandem-tests --test golden`.
#![cfg(not(target_arch = "wasm32"))]
// Helpers of these tests are test code too.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

use serde_json::Value;
use tandem_engine::presets::PRESETS;
use tandem_engine::synth::{synthesize, TemplateFormat};

fn golden_dir(preset: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("golden")
        .join(preset)
}

#[test]
fn golden_files_match() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut stale = Vec::new();
    for p in PRESETS {
        let dir = golden_dir(p.id);
        let files = synthesize(&p.topology()).files(TemplateFormat::Json);
        if update {
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
        }
        for f in &files {
            let path = dir.join(&f.name);
            if update {
                std::fs::write(&path, &f.contents).unwrap();
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(f.contents.as_str()) {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "golden files differ (review, then `UPDATE_GOLDEN=1 cargo test -p tandem-tests --test golden`):\n{}",
        stale.join("\n")
    );
}

#[test]
fn synthesis_is_deterministic() {
    for p in PRESETS {
        let a = synthesize(&p.topology()).files(TemplateFormat::Json);
        let b = synthesize(&p.topology()).files(TemplateFormat::Json);
        assert_eq!(a, b, "{}", p.id);
    }
}

#[test]
fn golden_templates_are_structurally_sound() {
    for p in PRESETS {
        let problems = tandem_tests::structure::check(&synthesize(&p.topology()));
        assert!(problems.is_empty(), "{}:\n{}", p.id, problems.join("\n"));
    }
}

#[test]
fn yaml_templates_say_what_the_json_says() {
    for p in PRESETS {
        let s = synthesize(&p.topology());
        let yaml = s.files(TemplateFormat::Yaml);
        for stack in &s.stacks {
            let file = yaml
                .iter()
                .find(|f| f.name == format!("{}.template.yaml", stack.id))
                .unwrap();
            let parsed: Value = serde_saphyr::from_str(&file.contents).unwrap();
            assert_eq!(parsed, stack.template, "{} {}", p.id, stack.id);
        }
    }
}

fn def_of(t: &Value) -> String {
    t["Resources"]["FailoverStateMachine"]["Properties"]["Definition"].to_string()
}

fn resources<'a>(t: &'a Value, kind: &str) -> Vec<&'a Value> {
    t["Resources"]
        .as_object()
        .unwrap()
        .values()
        .filter(|r| r["Type"] == kind)
        .collect()
}

#[test]
fn the_reference_contains_every_component_of_the_design() {
    let s = synthesize(&tandem_engine::presets::reference());
    let stack = |id: &str| &s.stacks.iter().find(|x| x.id == id).unwrap().template;
    let (base, primary, secondary) = (
        stack("secondary-base"),
        stack("primary"),
        stack("secondary-app"),
    );
    for t in [base, primary] {
        for kind in [
            "AWS::EC2::VPC",
            "AWS::EC2::Subnet",
            "AWS::EC2::RouteTable",
            "AWS::EC2::InternetGateway",
            "AWS::EC2::NatGateway",
            "AWS::EC2::VPCEndpoint",
            "AWS::EC2::SecurityGroup",
            "AWS::KMS::Key",
        ] {
            assert!(!resources(t, kind).is_empty(), "{kind}");
        }
        assert_eq!(
            resources(t, "AWS::EC2::NatGateway").len(),
            3,
            "a NAT gateway per AZ"
        );
        let endpoints = resources(t, "AWS::EC2::VPCEndpoint");
        assert!(endpoints
            .iter()
            .any(|e| e["Properties"]["VpcEndpointType"] == "Gateway"));
        assert!(endpoints
            .iter()
            .any(|e| e["Properties"]["VpcEndpointType"] == "Interface"));
    }
    // Aurora: global cluster, primary with credentials, secondary without, in the secondary stack.
    assert_eq!(resources(primary, "AWS::RDS::GlobalCluster").len(), 1);
    let p_cluster = resources(primary, "AWS::RDS::DBCluster")[0];
    assert!(p_cluster["Properties"].get("MasterUsername").is_some());
    let s_cluster = resources(secondary, "AWS::RDS::DBCluster")[0];
    assert!(s_cluster["Properties"].get("MasterUsername").is_none());
    assert!(s_cluster["Properties"].get("MasterUserPassword").is_none());
    assert_eq!(s_cluster["Properties"]["SourceRegion"], "us-east-1");
    assert_eq!(
        s_cluster["Properties"]["GlobalClusterIdentifier"],
        "trading-prod-global"
    );
    assert!(!resources(secondary, "AWS::RDS::DBInstance").is_empty());
    assert!(!resources(primary, "AWS::RDS::DBSubnetGroup").is_empty());
    let secret = resources(primary, "AWS::SecretsManager::Secret")[0];
    assert_eq!(
        secret["Properties"]["ReplicaRegions"][0]["Region"],
        "us-east-2"
    );
    // DynamoDB: one global table, in one stack, with both replicas, PITR and streams.
    let tables = resources(primary, "AWS::DynamoDB::GlobalTable");
    assert_eq!(tables.len(), 1);
    assert!(resources(secondary, "AWS::DynamoDB::GlobalTable").is_empty());
    assert_eq!(
        tables[0]["Properties"]["Replicas"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        tables[0]["Properties"]["Replicas"][1]["PointInTimeRecoverySpecification"]
            ["PointInTimeRecoveryEnabled"],
        true
    );
    assert!(tables[0]["Properties"].get("StreamSpecification").is_some());
    // S3: versioned, encrypted, blocked, TLS-only, replicated with RTC, metrics and delete markers.
    let config = &primary["Resources"]["ConfigBucket"]["Properties"];
    assert_eq!(config["VersioningConfiguration"]["Status"], "Enabled");
    assert!(
        config.get("BucketEncryption").is_some()
            && config.get("PublicAccessBlockConfiguration").is_some()
    );
    let rule = &config["ReplicationConfiguration"]["Rules"][0];
    assert_eq!(
        rule["Destination"]["ReplicationTime"]["Time"]["Minutes"],
        15
    );
    assert_eq!(
        rule["Destination"]["Metrics"]["EventThreshold"]["Minutes"],
        15
    );
    assert_eq!(rule["DeleteMarkerReplication"]["Status"], "Enabled");
    assert!(primary["Resources"].get("ReplicationRole").is_some());
    assert!(primary["Resources"]["ConfigBucketPolicy"]
        .to_string()
        .contains("aws:SecureTransport"));
    assert!(
        base["Resources"].get("ConfigBucket").is_some(),
        "the destination exists before the source"
    );
    // Compute and API in both regions.
    // The three functions of the topology in both regions, and Tandem's health probe beside
    // the failover state machine.
    assert!(secondary["Resources"].get("ProbeFunction").is_some());
    assert!(primary["Resources"].get("ProbeFunction").is_none());
    for t in [primary, secondary] {
        let functions = t["Resources"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(id, r)| r["Type"] == "AWS::Lambda::Function" && *id != "ProbeFunction")
            .count();
        assert_eq!(functions, 3);
        assert!(resources(t, "AWS::Logs::LogGroup").len() >= 3);
        assert!(resources(t, "AWS::IAM::Role").len() >= 3);
        assert_eq!(
            t["Resources"]["ApiHealthResource"]["Properties"]["PathPart"],
            "health"
        );
        assert!(t["Resources"]["ApiStage"]["Properties"]
            .get("AccessLogSetting")
            .is_some());
        assert!(t["Resources"]["OrdersQueue"]["Properties"]
            .get("RedrivePolicy")
            .is_some());
        assert!(t["Resources"]["AlertsTopic"]["Properties"]
            .get("KmsMasterKeyId")
            .is_some());
    }
    let alarms: Vec<String> = [primary, secondary]
        .iter()
        .flat_map(|t| resources(t, "AWS::CloudWatch::Alarm"))
        .map(|a| a["Properties"]["MetricName"].as_str().unwrap().to_string())
        .collect();
    for metric in [
        "Errors",
        "Latency",
        "CPUUtilization",
        "AuroraGlobalDBReplicationLag",
        "ReplicationLatency",
    ] {
        assert!(alarms.iter().any(|m| m == metric), "{metric} alarm");
    }
    // EventBridge: buses, bus policy, cross-region rule with RoleArn and DLQ.
    assert!(!resources(base, "AWS::Events::EventBusPolicy").is_empty());
    let target = &primary["Resources"]["EventForwardingRule"]["Properties"]["Targets"][0];
    assert!(target.get("RoleArn").is_some() && target.get("DeadLetterConfig").is_some());
    // Route 53: the PRIMARY record follows the switch alarm (manual decision), the SECONDARY
    // record its endpoint.
    assert_eq!(resources(primary, "AWS::Route53::HealthCheck").len(), 1);
    assert_eq!(resources(secondary, "AWS::Route53::HealthCheck").len(), 1);
    assert!(!def_of(secondary).contains("updateHealthCheck"));
    let p_rec = resources(primary, "AWS::Route53::RecordSet");
    let s_rec = resources(secondary, "AWS::Route53::RecordSet");
    assert_eq!(p_rec[0]["Properties"]["Failover"], "PRIMARY");
    assert!(p_rec[0]["Properties"].get("HealthCheckId").is_some());
    assert_eq!(s_rec[0]["Properties"]["Failover"], "SECONDARY");
    assert_eq!(
        p_rec[0]["Properties"]["Name"],
        s_rec[0]["Properties"]["Name"]
    );
    // The failover state machine runs in the secondary region and fails over with AllowDataLoss.
    assert!(resources(primary, "AWS::StepFunctions::StateMachine").is_empty());
    let sm = resources(secondary, "AWS::StepFunctions::StateMachine")[0];
    let def = sm["Properties"]["Definition"].to_string();
    for needle in [
        "failoverGlobalCluster",
        "\"AllowDataLoss\":true",
        "describeGlobalClusters",
        "waitForTaskToken",
        "putMetricData",
        "IsPresent",
        "Retry",
        "NotifyFailure",
        "SecondaryAnswers",
        "ValidationFailed",
    ] {
        assert!(def.contains(needle), "{needle}");
    }
    // No cross-region import anywhere.
    for t in [base, primary, secondary] {
        assert!(!t.to_string().contains("Fn::ImportValue"));
    }
}

#[test]
fn automatic_failover_has_a_trigger_in_the_secondary() {
    let s = synthesize(&tandem_engine::presets::warm_standby());
    let secondary = &s
        .stacks
        .iter()
        .find(|x| x.id == "secondary-app")
        .unwrap()
        .template;
    assert!(secondary["Resources"].get("FailoverTrigger").is_some());
    assert!(secondary["Resources"].get("PrimaryDownAlarm").is_some());
    let def =
        secondary["Resources"]["FailoverStateMachine"]["Properties"]["Definition"].to_string();
    assert!(
        !def.contains("waitForTaskToken"),
        "automatic failover has no approval step"
    );
}
