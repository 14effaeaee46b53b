//! The three stacks, assembled from the component families: `storage` (keys, buckets),
//! `database` (Aurora, DynamoDB), `compute` (topics, queues, functions, API), `alerting`
//! (alarms, events, backups), `network`, and `dns`, `probe` and `failover`.

use serde_json::{json, Value};

use super::alerting::{backup, events_primary, events_secondary};
use super::compute::application;
use super::database::{database_primary, database_secondary, global_table};
use super::network::{vpc, VpcRefs};
use super::storage::{access_log_bucket, bucket, kms_key, replication_role};
use super::template::{ga, r, sub, Template};
use super::{dns, failover, probe};
use super::{secondary_app_standing, Names};
use crate::model::*;

/// The network a stack's resources attach to: its own VPC, or the base stack's via Parameters.
#[derive(Debug, Clone)]
pub(crate) struct Net {
    pub private: Value,
    pub isolated: Value,
    pub has_isolated: bool,
    pub function_sg: Value,
    pub database_sg: Value,
}

impl Net {
    fn from_vpc(v: &VpcRefs) -> Net {
        Net {
            private: Value::Array(v.private.clone()),
            isolated: Value::Array(v.isolated.clone()),
            has_isolated: !v.isolated.is_empty(),
            function_sg: v.function_sg.clone(),
            database_sg: v.database_sg.clone(),
        }
    }

    pub(super) fn subnets(&self, placement: Placement) -> Value {
        match placement {
            Placement::Isolated => self.isolated.clone(),
            _ => self.private.clone(),
        }
    }

    pub(super) fn database_subnets(&self) -> Value {
        if self.has_isolated {
            self.isolated.clone()
        } else {
            self.private.clone()
        }
    }
}

/// What a stack shares with the resources it builds.
pub(crate) struct Ctx<'a> {
    pub t: &'a Topology,
    pub names: &'a Names,
    pub side: Side,
    pub region: String,
    pub key: Value,
}

impl Ctx<'_> {
    pub fn arn(&self, service: &str, resource: &str) -> Value {
        sub(&format!(
            "arn:${{AWS::Partition}}:{service}:{}:{}:{resource}",
            self.region,
            self.names.account()
        ))
    }
}

// ---------------------------------------------------------------- stacks

pub(crate) fn secondary_base(t: &Topology, names: &Names) -> Value {
    let side = Side::Secondary;
    let mut tpl = Template::new(format!(
        "Tandem {}: secondary-region base in {} (network, key, replica buckets, event bus). Deploy first.",
        t.name, t.secondary.region
    ));
    let c = Ctx {
        t,
        names,
        side,
        region: t.secondary.region.clone(),
        key: ga("Key", "Arn"),
    };
    kms_key(&mut tpl, &c);
    tpl.output(
        "KmsKeyArn",
        ga("Key", "Arn"),
        "the secondary region's KMS key",
    );
    if secondary_app_standing(t) {
        let v = vpc(&mut tpl, t, side, names, &c.key);
        tpl.output("VpcId", v.vpc.clone(), "the secondary VPC");
        if !v.private.is_empty() {
            tpl.output(
                "PrivateSubnetIds",
                json!({ "Fn::Join": [",", v.private] }),
                "private subnets",
            );
        }
        if !v.isolated.is_empty() {
            tpl.output(
                "IsolatedSubnetIds",
                json!({ "Fn::Join": [",", v.isolated] }),
                "isolated subnets",
            );
        }
        tpl.output(
            "FunctionSecurityGroupId",
            v.function_sg.clone(),
            "functions' security group",
        );
        tpl.output(
            "DatabaseSecurityGroupId",
            v.database_sg.clone(),
            "the database's security group",
        );
    }
    let replicated: Vec<&Bucket> = t
        .buckets
        .iter()
        .filter(|b| b.replication.is_some())
        .collect();
    if !replicated.is_empty() {
        access_log_bucket(&mut tpl, &c);
        for b in replicated {
            bucket(&mut tpl, &c, b, true);
        }
    }
    if let Some(fwd) = t.events.as_ref().and_then(|e| e.forwarding.as_ref()) {
        events_secondary(&mut tpl, &c, fwd);
    }
    dns::switch_alarm(&mut tpl, &c);
    dns::standing_domain(&mut tpl, &c);
    if !secondary_app_standing(t) && dns::has_api(t) {
        paging(&mut tpl, &c);
    }
    if t.backup.as_ref().is_some_and(|b| b.copy_to_secondary) {
        tpl.add(
            "BackupVault",
            "AWS::Backup::BackupVault",
            json!({ "BackupVaultName": names.vault(), "EncryptionKeyArn": ga("Key", "Arn") }),
        );
        if !secondary_app_standing(t) {
            restore_role(&mut tpl);
        }
    }
    tpl.finish("secondary-base", &t.name)
}

/// Backup & restore: the role AWS Backup restores the copied tables and buckets with, made
/// before any outage (creating it during one would need IAM's control plane in us-east-1).
fn restore_role(tpl: &mut Template) {
    tpl.add(
        "RestoreRole",
        "AWS::IAM::Role",
        json!({
            "AssumeRolePolicyDocument": { "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Principal": { "Service": "backup.amazonaws.com" },
                "Action": "sts:AssumeRole",
            }]},
            "ManagedPolicyArns": [
                sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores"),
                sub("arn:${AWS::Partition}:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore"),
            ],
        }),
    );
    tpl.output(
        "RestoreRoleArn",
        ga("RestoreRole", "Arn"),
        "the role AWS Backup restores tables and buckets with at failover (RUNBOOK.md)",
    );
}

/// Backup & restore: the application stack is deployed only at failover, so what pages the
/// operator stands here. The probe reads the primary's URL from the SSM parameter `deploy.sh`
/// writes after the primary stage (until then the primary is not serving and the alarm says so).
fn paging(tpl: &mut Template, c: &Ctx<'_>) {
    let t = c.t;
    let emails: Vec<&String> = t.topics.iter().flat_map(|x| x.emails.iter()).collect();
    tpl.add(
        "PagingTopic",
        "AWS::SNS::Topic",
        json!({ "TopicName": c.names.of("paging"), "KmsMasterKeyId": c.key }),
    );
    for (i, email) in emails.iter().enumerate() {
        tpl.add(
            &format!("PagingTopicEmail{}", i + 1),
            "AWS::SNS::Subscription",
            json!({ "TopicArn": r("PagingTopic"), "Protocol": "email", "Endpoint": email }),
        );
    }
    probe::watch(
        tpl,
        c,
        &probe::PrimaryUrl::Parameter(c.names.primary_health_url_parameter()),
        &r("PagingTopic"),
    );
    tpl.output(
        "PagingTopicArn",
        r("PagingTopic"),
        "the topic that pages the on-call; the failover state machine asks it for approval",
    );
}

pub(crate) fn primary(t: &Topology, names: &Names) -> Value {
    let side = Side::Primary;
    let mut tpl = Template::new(format!(
        "Tandem {}: primary region {} (global database, global table, source buckets, application). Deploy after secondary-base.",
        t.name, t.primary.region
    ));
    let c = Ctx {
        t,
        names,
        side,
        region: t.primary.region.clone(),
        key: ga("Key", "Arn"),
    };
    // The secondary's key encrypts the secret replica, the table replica and replicated objects.
    let secondary_key = r("SecondaryKmsKeyArn");
    let needs_secondary_key = t.database.as_ref().is_some_and(|d| d.secret_replicated)
        || t.tables
            .iter()
            .any(|x| x.replicated && x.customer_managed_key)
        || t.buckets
            .iter()
            .any(|b| b.replication.is_some() && b.encryption == BucketEncryption::SseKms);
    if needs_secondary_key {
        tpl.param_with(
            "SecondaryKmsKeyArn",
            json!({ "Type": "String", "Description": "KmsKeyArn output of the secondary-base stack", "AllowedPattern": "^arn:aws[a-z-]*:kms:.+$" }),
        );
    }
    kms_key(&mut tpl, &c);
    let v = vpc(&mut tpl, t, side, names, &c.key);
    let net = Net::from_vpc(&v);
    if let Some(db) = &t.database {
        database_primary(&mut tpl, &c, db, &net, &secondary_key);
    }
    for table in &t.tables {
        global_table(&mut tpl, &c, table, &secondary_key);
    }
    if !t.buckets.is_empty() {
        access_log_bucket(&mut tpl, &c);
        for b in &t.buckets {
            bucket(&mut tpl, &c, b, false);
        }
        if t.buckets.iter().any(|b| b.replication.is_some()) {
            replication_role(&mut tpl, &c);
        }
    }
    application(&mut tpl, &c, &net);
    events_primary(&mut tpl, &c);
    if let Some(b) = &t.backup {
        backup(&mut tpl, &c, b);
    }
    if t.failover.orchestrator != Orchestrator::SecondaryOnly {
        failover::state_machine(&mut tpl, &c, false);
    }
    tpl.finish("primary", &t.name)
}

pub(crate) fn secondary_app(t: &Topology, names: &Names) -> Value {
    let side = Side::Secondary;
    let standing = secondary_app_standing(t);
    let mut tpl = Template::new(format!(
        "Tandem {}: secondary-region application in {} (secondary database, application, failover runbook). {}",
        t.name,
        t.secondary.region,
        if standing { "Deploy after primary." } else { "Deploy at failover (backup & restore)." }
    ));
    let key = tpl.param_with(
        "KmsKeyArn",
        json!({ "Type": "String", "Description": "KmsKeyArn output of the secondary-base stack", "AllowedPattern": "^arn:aws[a-z-]*:kms:.+$" }),
    );
    let c = Ctx {
        t,
        names,
        side,
        region: t.secondary.region.clone(),
        key,
    };
    let net = if standing {
        // Declare only the base stack's values something here uses.
        let vpc_cfg = &t.secondary.vpc;
        let has_isolated = vpc_cfg.tiers.isolated.is_some();
        let placed = |p: Placement| t.functions.iter().any(|f| f.placement == p);
        let db = t.database.is_some();
        let needs_isolated = has_isolated && (db || placed(Placement::Isolated));
        let needs_private = vpc_cfg.tiers.private.is_some()
            && (placed(Placement::Private) || (db && !has_isolated));
        let in_vpc = t
            .functions
            .iter()
            .any(|f| f.placement != Placement::OutsideVpc);
        let mut net = Net {
            private: json!([]),
            isolated: json!([]),
            has_isolated: needs_isolated,
            function_sg: Value::Null,
            database_sg: Value::Null,
        };
        if in_vpc {
            net.function_sg = tpl.param(
                "FunctionSecurityGroupId",
                "AWS::EC2::SecurityGroup::Id",
                "FunctionSecurityGroupId output of the secondary-base stack",
            );
        }
        if db {
            net.database_sg = tpl.param(
                "DatabaseSecurityGroupId",
                "AWS::EC2::SecurityGroup::Id",
                "DatabaseSecurityGroupId output of the secondary-base stack",
            );
        }
        if needs_private {
            net.private = tpl.param(
                "PrivateSubnetIds",
                "List<AWS::EC2::Subnet::Id>",
                "PrivateSubnetIds output of the secondary-base stack",
            );
        }
        if needs_isolated {
            net.isolated = tpl.param(
                "IsolatedSubnetIds",
                "List<AWS::EC2::Subnet::Id>",
                "IsolatedSubnetIds output of the secondary-base stack",
            );
        }
        net
    } else {
        // Backup & restore: the network is deployed with the application, at failover.
        let v = vpc(&mut tpl, t, side, names, &c.key);
        Net::from_vpc(&v)
    };
    if let Some(db) = &t.database {
        database_secondary(&mut tpl, &c, db, &net);
    }
    application(&mut tpl, &c, &net);
    // Paging stands with the application (under backup & restore, in secondary-base).
    if standing && dns::has_api(t) {
        probe::standing_watch(&mut tpl, &c);
    }
    if t.failover.orchestrator != Orchestrator::PrimaryOnly {
        failover::state_machine(&mut tpl, &c, true);
    }
    tpl.finish("secondary-app", &t.name)
}
