//! The three stacks' resources: keys, buckets, database, table, functions, API, DNS, queues,
//! topics, alarms, events and backups.

use serde_json::{json, Map, Value};

use super::network::{assume, vpc, VpcRefs};
use super::template::{ga, logical, r, sub, tags, Template};
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

    fn subnets(&self, placement: Placement) -> Value {
        match placement {
            Placement::Isolated => self.isolated.clone(),
            _ => self.private.clone(),
        }
    }

    fn database_subnets(&self) -> Value {
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
    if t.events.as_ref().is_some_and(|e| e.forwarding.is_some()) {
        let bus = tpl.add(
            "EventBus",
            "AWS::Events::EventBus",
            json!({ "Name": names.bus() }),
        );
        tpl.add(
            "EventBusPolicy",
            "AWS::Events::EventBusPolicy",
            json!({
                "EventBusName": bus,
                "StatementId": "AllowForwardingFromThisAccount",
                "Statement": {
                    "Effect": "Allow",
                    "Principal": { "AWS": sub(&format!("arn:${{AWS::Partition}}:iam::{}:root", names.account())) },
                    "Action": "events:PutEvents",
                    "Resource": ga("EventBus", "Arn"),
                },
            }),
        );
        tpl.output(
            "EventBusArn",
            ga("EventBus", "Arn"),
            "the bus events are forwarded to",
        );
    }
    dns::switch_alarm(&mut tpl, &c);
    if !secondary_app_standing(t) && dns::has_api(t) {
        paging(&mut tpl, &c);
    }
    if t.backup.as_ref().is_some_and(|b| b.copy_to_secondary) {
        tpl.add(
            "BackupVault",
            "AWS::Backup::BackupVault",
            json!({ "BackupVaultName": names.vault(), "EncryptionKeyArn": ga("Key", "Arn") }),
        );
    }
    tpl.finish("secondary-base", &t.name)
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
    if t.failover.orchestrator != Orchestrator::PrimaryOnly {
        failover::state_machine(&mut tpl, &c, true);
    }
    tpl.finish("secondary-app", &t.name)
}

// ---------------------------------------------------------------- keys and buckets

fn kms_key(tpl: &mut Template, c: &Ctx<'_>) {
    let account_root = sub(&format!(
        "arn:${{AWS::Partition}}:iam::{}:root",
        c.names.account()
    ));
    tpl.add_with(
        "Key",
        "AWS::KMS::Key",
        json!({
            "Description": format!("Tandem {}: encrypts data at rest in {}", c.t.name, c.region),
            "EnableKeyRotation": true,
            "KeyPolicy": {
                "Version": "2012-10-17",
                "Statement": [
                    { "Sid": "AccountAdministers", "Effect": "Allow", "Principal": { "AWS": account_root }, "Action": "kms:*", "Resource": "*" },
                    {
                        "Sid": "LogsEncrypt", "Effect": "Allow",
                        "Principal": { "Service": sub("logs.${AWS::Region}.amazonaws.com") },
                        "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                        "Resource": "*",
                        "Condition": { "ArnLike": { "kms:EncryptionContext:aws:logs:arn": sub(&format!("arn:${{AWS::Partition}}:logs:${{AWS::Region}}:{}:*", c.names.account())) } },
                    },
                    {
                        "Sid": "ServicesPublishEncrypted", "Effect": "Allow",
                        "Principal": { "Service": ["cloudwatch.amazonaws.com", "events.amazonaws.com", "sns.amazonaws.com"] },
                        "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                        "Resource": "*",
                        "Condition": { "StringEquals": { "aws:SourceAccount": c.names.account_value() } },
                    },
                ],
            },
            "Tags": tags(json!(c.names.of("key"))),
        }),
        json!({ "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain" }),
    );
    tpl.add(
        "KeyAlias",
        "AWS::KMS::Alias",
        json!({ "AliasName": format!("alias/{}", c.names.base()), "TargetKeyId": r("Key") }),
    );
    // `*` in a key policy means "this key": AWS accepts nothing narrower there.
    tpl.notes.push("The KMS key policy's `Resource: *` means the key itself; key policies accept nothing narrower.".into());
}

fn access_log_bucket(tpl: &mut Template, c: &Ctx<'_>) {
    let name = c.names.bucket(c.t, "access-logs", &c.region);
    tpl.add_with(
        "AccessLogBucket",
        "AWS::S3::Bucket",
        json!({
            "BucketName": sub(&name),
            "VersioningConfiguration": { "Status": "Enabled" },
            "BucketEncryption": { "ServerSideEncryptionConfiguration": [{ "ServerSideEncryptionByDefault": { "SSEAlgorithm": "AES256" } }] },
            "PublicAccessBlockConfiguration": public_access_block(),
            "OwnershipControls": { "Rules": [{ "ObjectOwnership": "BucketOwnerEnforced" }] },
            "LifecycleConfiguration": { "Rules": [{ "Id": "expire-logs", "Status": "Enabled", "ExpirationInDays": 365, "NoncurrentVersionExpiration": { "NoncurrentDays": 30 } }] },
            "Tags": tags(sub(&name)),
        }),
        json!({ "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain" }),
    );
    tpl.add(
        "AccessLogBucketPolicy",
        "AWS::S3::BucketPolicy",
        json!({
            "Bucket": r("AccessLogBucket"),
            "PolicyDocument": { "Version": "2012-10-17", "Statement": [
                tls_only("AccessLogBucket"),
                {
                    "Sid": "S3ServerAccessLogs", "Effect": "Allow",
                    "Principal": { "Service": "logging.s3.amazonaws.com" },
                    "Action": "s3:PutObject",
                    "Resource": sub("${AccessLogBucket.Arn}/*"),
                    "Condition": { "StringEquals": { "aws:SourceAccount": c.names.account_value() } },
                },
            ]},
        }),
    );
    tpl.skip_check(
        "AccessLogBucket",
        "CKV_AWS_18",
        "this is the access-log bucket; logging it into itself would loop",
    );
    tpl.skip_check(
        "AccessLogBucket",
        "CKV_AWS_145",
        "S3 server access logs can be delivered only to SSE-S3 (AES256) buckets",
    );
}

fn public_access_block() -> Value {
    json!({ "BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true })
}

fn tls_only(bucket: &str) -> Value {
    json!({
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [ga(bucket, "Arn"), sub(&format!("${{{bucket}.Arn}}/*"))],
        "Condition": { "Bool": { "aws:SecureTransport": "false" } },
    })
}

fn bucket_encryption(b: &Bucket, key: &Value) -> Value {
    match b.encryption {
        BucketEncryption::SseKms => json!({ "ServerSideEncryptionConfiguration": [{
            "ServerSideEncryptionByDefault": { "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key },
            "BucketKeyEnabled": true,
        }]}),
        // SSE-S3 is the floor: S3 encrypts every new object (E2001 still flags `none`).
        BucketEncryption::SseS3 | BucketEncryption::None => {
            json!({ "ServerSideEncryptionConfiguration": [{
                "ServerSideEncryptionByDefault": { "SSEAlgorithm": "AES256" },
            }]})
        }
    }
}

/// A source bucket (primary) or its replica (secondary).
fn bucket(tpl: &mut Template, c: &Ctx<'_>, b: &Bucket, replica: bool) {
    let t = c.t;
    let id = format!("{}Bucket", logical(&b.id));
    let name = c.names.bucket(t, &b.id, &c.region);
    let mut props = Map::new();
    props.insert("BucketName".into(), sub(&name));
    let versioned = if replica {
        b.replication.as_ref().is_some_and(|r| r.replica_versioning)
    } else {
        b.versioning
    };
    props.insert(
        "VersioningConfiguration".into(),
        json!({ "Status": if versioned { "Enabled" } else { "Suspended" } }),
    );
    props.insert("BucketEncryption".into(), bucket_encryption(b, &c.key));
    if b.public_access_block {
        props.insert(
            "PublicAccessBlockConfiguration".into(),
            public_access_block(),
        );
    }
    props.insert(
        "OwnershipControls".into(),
        json!({ "Rules": [{ "ObjectOwnership": "BucketOwnerEnforced" }] }),
    );
    if b.access_logging {
        props.insert("LoggingConfiguration".into(), json!({ "DestinationBucketName": r("AccessLogBucket"), "LogFilePrefix": format!("{}/", b.id) }));
    }
    props.insert("LifecycleConfiguration".into(), json!({ "Rules": [{ "Id": "expire-noncurrent", "Status": "Enabled", "NoncurrentVersionExpiration": { "NoncurrentDays": 90 } }] }));
    if let (Some(rep), false) = (&b.replication, replica) {
        let dest = c.names.bucket(t, &b.id, &t.secondary.region);
        let mut destination = json!({
            "Bucket": sub(&format!("arn:${{AWS::Partition}}:s3:::{dest}")),
            "StorageClass": "STANDARD",
        });
        if let Some(d) = destination.as_object_mut() {
            if b.encryption == BucketEncryption::SseKms {
                d.insert(
                    "EncryptionConfiguration".into(),
                    json!({ "ReplicaKmsKeyID": r("SecondaryKmsKeyArn") }),
                );
            }
            if rep.rtc {
                d.insert(
                    "ReplicationTime".into(),
                    json!({ "Status": "Enabled", "Time": { "Minutes": rep.rtc_minutes } }),
                );
                d.insert("Metrics".into(), json!({ "Status": "Enabled", "EventThreshold": { "Minutes": rep.rtc_minutes } }));
            }
        }
        let mut rule = json!({
            "Id": format!("{}-to-{}", b.id, t.secondary.region),
            "Status": "Enabled",
            "Priority": 1,
            "Filter": { "Prefix": "" },
            "DeleteMarkerReplication": { "Status": if rep.delete_markers { "Enabled" } else { "Disabled" } },
            "Destination": destination,
        });
        if b.encryption == BucketEncryption::SseKms {
            if let Some(o) = rule.as_object_mut() {
                o.insert(
                    "SourceSelectionCriteria".into(),
                    json!({ "SseKmsEncryptedObjects": { "Status": "Enabled" } }),
                );
            }
        }
        props.insert(
            "ReplicationConfiguration".into(),
            json!({ "Role": ga("ReplicationRole", "Arn"), "Rules": [rule] }),
        );
    }
    props.insert("Tags".into(), tags(sub(&name)));
    tpl.add_with(
        &id,
        "AWS::S3::Bucket",
        Value::Object(props),
        json!({ "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain" }),
    );
    tpl.add(
        &format!("{id}Policy"),
        "AWS::S3::BucketPolicy",
        json!({ "Bucket": r(&id), "PolicyDocument": { "Version": "2012-10-17", "Statement": [tls_only(&id)] } }),
    );
    if replica {
        tpl.output(
            &format!("{id}Arn"),
            ga(&id, "Arn"),
            &format!("replica of bucket `{}`", b.id),
        );
    } else {
        tpl.output(&format!("{id}Name"), r(&id), &format!("bucket `{}`", b.id));
    }
}

/// The replication role names buckets by deterministic ARN, never by `Ref`, so there is no
/// cycle between the role and the source bucket (known defect 3).
fn replication_role(tpl: &mut Template, c: &Ctx<'_>) {
    let t = c.t;
    let mut sources = Vec::new();
    let mut objects = Vec::new();
    let mut destinations = Vec::new();
    for b in t.buckets.iter().filter(|b| b.replication.is_some()) {
        let src = c.names.bucket(t, &b.id, &t.primary.region);
        let dst = c.names.bucket(t, &b.id, &t.secondary.region);
        sources.push(sub(&format!("arn:${{AWS::Partition}}:s3:::{src}")));
        objects.push(sub(&format!("arn:${{AWS::Partition}}:s3:::{src}/*")));
        destinations.push(sub(&format!("arn:${{AWS::Partition}}:s3:::{dst}/*")));
    }
    let mut statements = vec![
        json!({ "Effect": "Allow", "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"], "Resource": sources }),
        json!({ "Effect": "Allow", "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"], "Resource": objects }),
        json!({ "Effect": "Allow", "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], "Resource": destinations }),
        json!({ "Effect": "Allow", "Action": "kms:Decrypt", "Resource": c.key.clone() }),
    ];
    if t.buckets
        .iter()
        .any(|b| b.replication.is_some() && b.encryption == BucketEncryption::SseKms)
    {
        statements.push(json!({ "Effect": "Allow", "Action": "kms:Encrypt", "Resource": r("SecondaryKmsKeyArn") }));
    }
    tpl.add(
        "ReplicationRole",
        "AWS::IAM::Role",
        json!({
            "AssumeRolePolicyDocument": assume("s3.amazonaws.com"),
            "Policies": [{ "PolicyName": "replicate", "PolicyDocument": { "Version": "2012-10-17", "Statement": statements } }],
        }),
    );
}

// ---------------------------------------------------------------- database

fn engine_family(version: &str) -> String {
    format!(
        "aurora-postgresql{}",
        version.split('.').next().unwrap_or("17")
    )
}

fn db_subnet_group(tpl: &mut Template, c: &Ctx<'_>, net: &Net) {
    tpl.add(
        "DatabaseSubnetGroup",
        "AWS::RDS::DBSubnetGroup",
        json!({ "DBSubnetGroupDescription": format!("Tandem {} database subnets", c.t.name), "SubnetIds": net.database_subnets() }),
    );
    tpl.add(
        "MonitoringRole",
        "AWS::IAM::Role",
        json!({
            "AssumeRolePolicyDocument": assume("monitoring.rds.amazonaws.com"),
            "ManagedPolicyArns": [sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole")],
        }),
    );
}

fn cluster_common(c: &Ctx<'_>, db: &Database, net: &Net) -> Map<String, Value> {
    let mut p = Map::new();
    p.insert("Engine".into(), json!("aurora-postgresql"));
    p.insert("EngineVersion".into(), json!(db.engine_version));
    p.insert(
        "DBClusterIdentifier".into(),
        json!(c.names.cluster(&c.region)),
    );
    p.insert("DBSubnetGroupName".into(), r("DatabaseSubnetGroup"));
    p.insert("VpcSecurityGroupIds".into(), json!([net.database_sg]));
    p.insert("StorageEncrypted".into(), json!(db.storage_encrypted));
    if db.storage_encrypted {
        p.insert("KmsKeyId".into(), c.key.clone());
    }
    if db.storage == AuroraStorage::IoOptimized {
        p.insert("StorageType".into(), json!("aurora-iopt1"));
    }
    let mut scaling = json!({ "MinCapacity": db.min_acu.get(), "MaxCapacity": db.max_acu.get() });
    if let (Some(s), true) = (db.auto_pause_seconds, db.min_acu.get() == 0.0) {
        if let Some(o) = scaling.as_object_mut() {
            o.insert("SecondsUntilAutoPause".into(), json!(s));
        }
    }
    p.insert("ServerlessV2ScalingConfiguration".into(), scaling);
    p.insert("EnableIAMDatabaseAuthentication".into(), json!(db.iam_auth));
    p.insert("DeletionProtection".into(), json!(db.deletion_protection));
    p.insert("EnableCloudwatchLogsExports".into(), json!(["postgresql"]));
    p.insert("BackupRetentionPeriod".into(), json!(7));
    p.insert("CopyTagsToSnapshot".into(), json!(true));
    p.insert("Tags".into(), tags(json!(c.names.cluster(&c.region))));
    p
}

fn instances(tpl: &mut Template, c: &Ctx<'_>, count: u8) {
    for i in 1..=count {
        tpl.add(
            &format!("DatabaseInstance{i}"),
            "AWS::RDS::DBInstance",
            json!({
                "Engine": "aurora-postgresql",
                "DBInstanceClass": "db.serverless",
                "DBClusterIdentifier": r("DatabaseCluster"),
                "PubliclyAccessible": false,
                "AutoMinorVersionUpgrade": true,
                "MonitoringInterval": 60,
                "MonitoringRoleArn": ga("MonitoringRole", "Arn"),
                "EnablePerformanceInsights": true,
                "PerformanceInsightsKMSKeyId": c.key,
                "PerformanceInsightsRetentionPeriod": 7,
                "Tags": tags(json!(format!("{}-{i}", c.names.cluster(&c.region)))),
            }),
        );
    }
}

fn parameter_group(tpl: &mut Template, db: &Database) -> Option<Value> {
    let rpo = db.global_db_rpo_seconds?;
    Some(tpl.add(
        "DatabaseClusterParameterGroup",
        "AWS::RDS::DBClusterParameterGroup",
        json!({
            "Description": "rds.global_db_rpo: the primary blocks commits when replication lag exceeds it",
            "Family": engine_family(&db.engine_version),
            "Parameters": { "rds.global_db_rpo": rpo.to_string() },
        }),
    ))
}

fn database_primary(
    tpl: &mut Template,
    c: &Ctx<'_>,
    db: &Database,
    net: &Net,
    secondary_key: &Value,
) {
    let t = c.t;
    db_subnet_group(tpl, c, net);
    let mut replica = json!({ "Region": t.secondary.region, "KmsKeyId": secondary_key });
    if !db.secret_replicated {
        replica = Value::Null;
    }
    let mut secret = json!({
        "Name": c.names.secret(),
        "Description": format!("Tandem {}: Aurora master credentials", t.name),
        "KmsKeyId": c.key,
        "GenerateSecretString": {
            "SecretStringTemplate": "{\"username\":\"tandem_admin\"}",
            "GenerateStringKey": "password",
            "PasswordLength": 32,
            "ExcludeCharacters": "\"@/\\ '",
        },
    });
    if !replica.is_null() {
        if let Some(o) = secret.as_object_mut() {
            o.insert("ReplicaRegions".into(), json!([replica]));
        }
    }
    tpl.add("DatabaseSecret", "AWS::SecretsManager::Secret", secret);
    tpl.skip_check("DatabaseSecret", "CKV2_AWS_57", "rotating a global database's master password is an operator decision; the runbook covers it");
    let mut p = cluster_common(c, db, net);
    p.insert("MasterUsername".into(), json!("tandem_admin"));
    p.insert(
        "MasterUserPassword".into(),
        sub("{{resolve:secretsmanager:${DatabaseSecret}:SecretString:password}}"),
    );
    if db.global {
        tpl.add_with(
            "GlobalCluster",
            "AWS::RDS::GlobalCluster",
            json!({
                "GlobalClusterIdentifier": c.names.global_cluster(),
                "Engine": "aurora-postgresql",
                "EngineVersion": db.engine_version,
                "StorageEncrypted": db.storage_encrypted,
                "DeletionProtection": db.deletion_protection,
            }),
            json!({ "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain" }),
        );
        p.insert("GlobalClusterIdentifier".into(), r("GlobalCluster"));
        tpl.output(
            "GlobalClusterIdentifier",
            r("GlobalCluster"),
            "the Aurora global cluster",
        );
    }
    if let Some(group) = parameter_group(tpl, db) {
        p.insert("DBClusterParameterGroupName".into(), group);
    }
    tpl.add_with(
        "DatabaseCluster",
        "AWS::RDS::DBCluster",
        Value::Object(p),
        json!({ "DeletionPolicy": "Snapshot", "UpdateReplacePolicy": "Snapshot" }),
    );
    tpl.add(
        "DatabaseSecretAttachment",
        "AWS::SecretsManager::SecretTargetAttachment",
        json!({ "SecretId": r("DatabaseSecret"), "TargetId": r("DatabaseCluster"), "TargetType": "AWS::RDS::DBCluster" }),
    );
    instances(tpl, c, db.primary_instances);
    tpl.output(
        "DatabaseClusterArn",
        ga("DatabaseCluster", "DBClusterArn"),
        "the primary cluster",
    );
}

fn database_secondary(tpl: &mut Template, c: &Ctx<'_>, db: &Database, net: &Net) {
    let t = c.t;
    db_subnet_group(tpl, c, net);
    let mut p = cluster_common(c, db, net);
    if db.global {
        // A member of a global database: no credentials (the API rejects them), SourceRegion
        // for the encrypted cross-region replica.
        p.insert(
            "GlobalClusterIdentifier".into(),
            json!(c.names.global_cluster()),
        );
        p.insert("SourceRegion".into(), json!(t.primary.region));
        if db.master_credentials == CredentialPlacement::BothClusters {
            p.insert("MasterUsername".into(), json!("tandem_admin"));
        }
        if let Some(group) = parameter_group(tpl, db) {
            p.insert("DBClusterParameterGroupName".into(), group);
        }
    } else {
        // Backup & restore: restored from the snapshot AWS Backup copied here.
        let snapshot = tpl.param(
            "SnapshotIdentifier",
            "String",
            "ARN of the copied Aurora snapshot to restore (see RUNBOOK.md)",
        );
        p.insert("SnapshotIdentifier".into(), snapshot);
    }
    tpl.add_with(
        "DatabaseCluster",
        "AWS::RDS::DBCluster",
        Value::Object(p),
        json!({ "DeletionPolicy": "Snapshot", "UpdateReplacePolicy": "Snapshot" }),
    );
    let count = if db.global {
        db.secondary_instances
    } else {
        db.primary_instances.max(1)
    };
    instances(tpl, c, count);
    tpl.output(
        "DatabaseClusterArn",
        ga("DatabaseCluster", "DBClusterArn"),
        "the secondary cluster",
    );
}

fn global_table(tpl: &mut Template, c: &Ctx<'_>, table: &Table, secondary_key: &Value) {
    let t = c.t;
    let id = format!("{}Table", logical(&table.id));
    let mut attrs = vec![
        json!({ "AttributeName": table.partition_key.name, "AttributeType": key_type(table.partition_key.kind) }),
    ];
    let mut schema = vec![json!({ "AttributeName": table.partition_key.name, "KeyType": "HASH" })];
    if let Some(sk) = &table.sort_key {
        attrs.push(json!({ "AttributeName": sk.name, "AttributeType": key_type(sk.kind) }));
        schema.push(json!({ "AttributeName": sk.name, "KeyType": "RANGE" }));
    }
    let replica = |region: &str, key: &Value| {
        let mut rep = json!({
            "Region": region,
            "PointInTimeRecoverySpecification": { "PointInTimeRecoveryEnabled": table.pitr },
            "DeletionProtectionEnabled": t.is_production(),
            "Tags": tags(json!(c.names.of(&table.id))),
        });
        if table.customer_managed_key {
            if let Some(o) = rep.as_object_mut() {
                o.insert("SSESpecification".into(), json!({ "KMSMasterKeyId": key }));
            }
        }
        rep
    };
    let mut replicas = vec![replica(&t.primary.region, &c.key)];
    if table.replicated {
        replicas.push(replica(&t.secondary.region, secondary_key));
    }
    let mut props = json!({
        "TableName": c.names.of(&table.id),
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": attrs,
        "KeySchema": schema,
        "Replicas": replicas,
    });
    if let Some(o) = props.as_object_mut() {
        if table.customer_managed_key {
            o.insert(
                "SSESpecification".into(),
                json!({ "SSEEnabled": true, "SSEType": "KMS" }),
            );
        }
        let strong = table.replicated && table.consistency == Consistency::Strong;
        if strong {
            o.insert("MultiRegionConsistency".into(), json!("STRONG"));
            if let Some(w) = &table.witness_region {
                o.insert("GlobalTableWitnesses".into(), json!([{ "Region": w }]));
            }
        } else if table.stream || table.replicated {
            o.insert(
                "StreamSpecification".into(),
                json!({ "StreamViewType": "NEW_AND_OLD_IMAGES" }),
            );
        }
    }
    tpl.add_with(
        &id,
        "AWS::DynamoDB::GlobalTable",
        props,
        json!({ "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain" }),
    );
    tpl.output(
        &format!("{id}Name"),
        r(&id),
        &format!("table `{}`", table.id),
    );
}

fn key_type(k: KeyType) -> &'static str {
    match k {
        KeyType::S => "S",
        KeyType::N => "N",
        KeyType::B => "B",
    }
}

// ---------------------------------------------------------------- application

/// Functions, API, custom domain and DNS record, queues, topics and alarms: in both regions.
fn application(tpl: &mut Template, c: &Ctx<'_>, net: &Net) {
    let t = c.t;
    for topic in &t.topics {
        let id = format!("{}Topic", logical(&topic.id));
        let mut p = json!({ "TopicName": c.names.of(&topic.id) });
        if topic.encrypted {
            if let Some(o) = p.as_object_mut() {
                o.insert("KmsMasterKeyId".into(), c.key.clone());
            }
        }
        tpl.add(&id, "AWS::SNS::Topic", p);
        for (i, email) in topic.emails.iter().enumerate() {
            tpl.add(
                &format!("{id}Email{}", i + 1),
                "AWS::SNS::Subscription",
                json!({ "TopicArn": r(&id), "Protocol": "email", "Endpoint": email }),
            );
        }
    }
    let has_functions = !t.functions.is_empty();
    if has_functions {
        tpl.add(
            "FunctionDeadLetterQueue",
            "AWS::SQS::Queue",
            json!({ "QueueName": c.names.of("functions-dlq"), "KmsMasterKeyId": c.key, "MessageRetentionPeriod": 1_209_600 }),
        );
    }
    for q in &t.queues {
        let id = format!("{}Queue", logical(&q.id));
        let timeout = t
            .functions
            .iter()
            .filter(|f| f.trigger == Trigger::Queue(q.id.clone()))
            .map(|f| f.timeout_seconds)
            .max()
            .unwrap_or(30);
        let mut p = json!({ "QueueName": c.names.of(&q.id), "VisibilityTimeout": (timeout * 6).clamp(30, 43_200) });
        if let Some(o) = p.as_object_mut() {
            if q.encrypted {
                o.insert("KmsMasterKeyId".into(), c.key.clone());
            }
            if q.dead_letter_queue {
                let dlq = format!("{id}DeadLetters");
                let mut d = json!({ "QueueName": c.names.of(&format!("{}-dlq", q.id)), "MessageRetentionPeriod": 1_209_600 });
                if q.encrypted {
                    if let Some(dd) = d.as_object_mut() {
                        dd.insert("KmsMasterKeyId".into(), c.key.clone());
                    }
                }
                tpl.add(&dlq, "AWS::SQS::Queue", d);
                o.insert(
                    "RedrivePolicy".into(),
                    json!({ "deadLetterTargetArn": ga(&dlq, "Arn"), "maxReceiveCount": 5 }),
                );
            }
        }
        tpl.add(&id, "AWS::SQS::Queue", p);
    }
    for f in &t.functions {
        function(tpl, c, f, net);
    }
    if let Some(api) = &t.api {
        if t.function(&api.health_function).is_some() {
            api_gateway(tpl, c, api);
        }
    }
    for a in &t.alarms {
        alarm(tpl, c, a);
    }
}

fn inline_code(runtime: &str, api: bool) -> Option<String> {
    let body = if api {
        r#"{ statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ status: "ok", region: process.env.AWS_REGION }) }"#
    } else {
        r#"{ status: "ok", region: process.env.AWS_REGION }"#
    };
    if runtime.starts_with("nodejs") {
        Some(format!("// Placeholder: deploy your function's code over this (see RUNBOOK.md).\nexports.handler = async (event) => {{\n  console.log(JSON.stringify({{ received: event }}));\n  return {body};\n}};\n"))
    } else if runtime.starts_with("python") {
        let py = if api {
            "{\"statusCode\": 200, \"headers\": {\"content-type\": \"application/json\"}, \"body\": json.dumps({\"status\": \"ok\", \"region\": os.environ[\"AWS_REGION\"]})}"
        } else {
            "{\"status\": \"ok\", \"region\": os.environ[\"AWS_REGION\"]}"
        };
        Some(format!("# Placeholder: deploy your function's code over this (see RUNBOOK.md).\nimport json, os\n\ndef handler(event, context):\n    print(json.dumps({{\"received\": event}}, default=str))\n    return {py}\n"))
    } else {
        None
    }
}

/// Least-privilege statements for the services a function calls.
fn statements(c: &Ctx<'_>, f: &Function) -> Vec<Value> {
    let t = c.t;
    let mut out = Vec::new();
    for service in &f.calls {
        if f.wildcard_permissions {
            let prefix = match service {
                Service::Rds => "rds-db",
                Service::SecretsManager => "secretsmanager",
                Service::Monitoring => "cloudwatch",
                other => other.key(),
            };
            out.push(
                json!({ "Effect": "Allow", "Action": format!("{prefix}:*"), "Resource": "*" }),
            );
            continue;
        }
        match service {
            Service::Dynamodb if !t.tables.is_empty() => out.push(json!({
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem"],
                "Resource": t.tables.iter().map(|x| c.arn("dynamodb", &format!("table/{}", c.names.of(&x.id)))).collect::<Vec<_>>(),
            })),
            Service::SecretsManager if t.database.is_some() => out.push(json!({
                "Effect": "Allow",
                "Action": "secretsmanager:GetSecretValue",
                "Resource": c.arn("secretsmanager", &format!("secret:{}-*", c.names.secret())),
            })),
            Service::Sqs if !t.queues.is_empty() => out.push(json!({
                "Effect": "Allow",
                "Action": ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"],
                "Resource": t.queues.iter().map(|q| c.arn("sqs", &c.names.of(&q.id))).collect::<Vec<_>>(),
            })),
            Service::Sns if !t.topics.is_empty() => out.push(json!({
                "Effect": "Allow",
                "Action": "sns:Publish",
                "Resource": t.topics.iter().map(|x| c.arn("sns", &c.names.of(&x.id))).collect::<Vec<_>>(),
            })),
            Service::Events if t.events.is_some() => out.push(json!({
                "Effect": "Allow",
                "Action": "events:PutEvents",
                "Resource": c.arn("events", &format!("event-bus/{}", c.names.bus())),
            })),
            Service::Rds if t.database.as_ref().is_some_and(|d| d.iam_auth) => out.push(json!({
                "Effect": "Allow",
                "Action": "rds-db:connect",
                "Resource": c.arn("rds-db", "dbuser:*/tandem_app"),
            })),
            Service::S3 if !t.buckets.is_empty() => {
                let names: Vec<String> = t.buckets.iter().map(|b| c.names.bucket(t, &b.id, &c.region)).collect();
                out.push(json!({
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:PutObject"],
                    "Resource": names.iter().map(|n| sub(&format!("arn:${{AWS::Partition}}:s3:::{n}/*"))).collect::<Vec<_>>(),
                }));
            }
            _ => {}
        }
    }
    out.push(json!({ "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": c.key }));
    // Every function's dead-letter queue.
    out.push(json!({ "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": ga("FunctionDeadLetterQueue", "Arn") }));
    out
}

fn function(tpl: &mut Template, c: &Ctx<'_>, f: &Function, net: &Net) {
    let t = c.t;
    let id = format!("{}Function", logical(&f.id));
    let name = c.names.of(&f.id);
    let log_group = format!("{id}LogGroup");
    tpl.add(
        &log_group,
        "AWS::Logs::LogGroup",
        json!({ "LogGroupName": format!("/aws/lambda/{name}"), "RetentionInDays": 365, "KmsKeyId": c.key }),
    );
    let in_vpc = f.placement != Placement::OutsideVpc;
    let mut managed = vec![sub(
        "arn:${AWS::Partition}:iam::aws:policy/AWSXRayDaemonWriteAccess",
    )];
    managed.insert(
        0,
        if in_vpc {
            sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole")
        } else {
            sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
        },
    );
    let role = format!("{id}Role");
    tpl.add(
        &role,
        "AWS::IAM::Role",
        json!({
            "AssumeRolePolicyDocument": assume("lambda.amazonaws.com"),
            "ManagedPolicyArns": managed,
            "Policies": [{ "PolicyName": "calls", "PolicyDocument": { "Version": "2012-10-17", "Statement": statements(c, f) } }],
        }),
    );
    let api_facing = f.trigger == Trigger::Api;
    let code = match inline_code(&f.runtime, api_facing) {
        Some(src) => json!({ "ZipFile": src }),
        None => {
            if !tpl.parameters.contains_key("CodeBucket") {
                tpl.param("CodeBucket", "String", "bucket holding function packages named <function>.zip (runtimes without inline code)");
            }
            json!({ "S3Bucket": r("CodeBucket"), "S3Key": format!("{}.zip", f.id) })
        }
    };
    let mut env = Map::new();
    env.insert("TANDEM_REGION_ROLE".into(), json!(c.side.key()));
    if t.database.is_some() {
        env.insert("DB_SECRET_NAME".into(), json!(c.names.secret()));
        env.insert("DB_CLUSTER_ID".into(), json!(c.names.cluster(&c.region)));
    }
    for table in &t.tables {
        env.insert(
            format!("TABLE_{}", table.id.to_uppercase().replace('-', "_")),
            json!(c.names.of(&table.id)),
        );
    }
    for q in &t.queues {
        env.insert(
            format!("QUEUE_{}", q.id.to_uppercase().replace('-', "_")),
            r(&format!("{}Queue", logical(&q.id))),
        );
    }
    let mut p = json!({
        "FunctionName": name,
        "Description": f.purpose,
        "Runtime": f.runtime,
        "Handler": if f.runtime.starts_with("java") { "Handler::handleRequest" } else { "index.handler" },
        "Code": code,
        "MemorySize": f.memory_mb,
        "Timeout": f.timeout_seconds,
        "Role": ga(&role, "Arn"),
        "Environment": { "Variables": env },
        "KmsKeyArn": c.key,
        "TracingConfig": { "Mode": "Active" },
        "DeadLetterConfig": { "TargetArn": ga("FunctionDeadLetterQueue", "Arn") },
        "LoggingConfig": { "LogGroup": r(&log_group) },
    });
    if let Some(o) = p.as_object_mut() {
        if let Some(rc) = f.reserved_concurrency {
            o.insert("ReservedConcurrentExecutions".into(), json!(rc));
        }
        if in_vpc {
            o.insert("VpcConfig".into(), json!({ "SubnetIds": net.subnets(f.placement), "SecurityGroupIds": [net.function_sg] }));
        }
    }
    tpl.add(&id, "AWS::Lambda::Function", p);
    if f.reserved_concurrency.is_none() {
        tpl.skip_check(
            &id,
            "CKV_AWS_115",
            "the topology leaves this function's concurrency to the account pool",
        );
    }
    if !in_vpc {
        tpl.skip_check(
            &id,
            "CKV_AWS_117",
            "the topology places this function outside the VPC: it reaches no private resource",
        );
    }
    if let Trigger::Queue(q) = &f.trigger {
        if t.queues.iter().any(|x| &x.id == q) {
            tpl.add(
                &format!("{id}QueueTrigger"),
                "AWS::Lambda::EventSourceMapping",
                json!({ "EventSourceArn": ga(&format!("{}Queue", logical(q)), "Arn"), "FunctionName": r(&id), "BatchSize": 10 }),
            );
        }
    }
}

fn api_gateway(tpl: &mut Template, c: &Ctx<'_>, api: &Api) {
    let t = c.t;
    let health_fn = format!("{}Function", logical(&api.health_function));
    tpl.add(
        "Api",
        "AWS::ApiGateway::RestApi",
        json!({ "Name": c.names.of("api"), "EndpointConfiguration": { "Types": ["REGIONAL"] }, "DisableExecuteApiEndpoint": false }),
    );
    let segment = api.health_path.trim_matches('/');
    tpl.add("ApiHealthResource", "AWS::ApiGateway::Resource", json!({ "RestApiId": r("Api"), "ParentId": ga("Api", "RootResourceId"), "PathPart": segment }));
    let integration = |fn_id: &str| {
        json!({
            "Type": "AWS_PROXY",
            "IntegrationHttpMethod": "POST",
            "Uri": sub(&format!("arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{{fn_id}.Arn}}/invocations")),
        })
    };
    tpl.add(
        "ApiHealthMethod",
        "AWS::ApiGateway::Method",
        json!({ "RestApiId": r("Api"), "ResourceId": r("ApiHealthResource"), "HttpMethod": "GET", "AuthorizationType": "NONE", "Integration": integration(&health_fn) }),
    );
    tpl.skip_check("ApiHealthMethod", "CKV_AWS_59", "the health path must answer Route 53 health checkers, which cannot sign requests; it returns only a status");
    let mut depends = vec![json!("ApiHealthMethod")];
    let mut functions = vec![health_fn.clone()];
    if let Some(app_fn) = t
        .functions
        .iter()
        .find(|f| f.trigger == Trigger::Api && f.id != api.health_function)
    {
        let fn_id = format!("{}Function", logical(&app_fn.id));
        tpl.add("ApiProxyResource", "AWS::ApiGateway::Resource", json!({ "RestApiId": r("Api"), "ParentId": ga("Api", "RootResourceId"), "PathPart": "{proxy+}" }));
        let auth = match api.authorization {
            Authorization::None => "NONE",
            Authorization::Iam => "AWS_IAM",
            Authorization::Cognito => "COGNITO_USER_POOLS",
        };
        let mut method = json!({ "RestApiId": r("Api"), "ResourceId": r("ApiProxyResource"), "HttpMethod": "ANY", "AuthorizationType": auth, "Integration": integration(&fn_id) });
        if api.authorization == Authorization::Cognito {
            tpl.param(
                "CognitoUserPoolArn",
                "String",
                "the Cognito user pool that authorizes API calls",
            );
            tpl.add("ApiAuthorizer", "AWS::ApiGateway::Authorizer", json!({ "Name": "cognito", "RestApiId": r("Api"), "Type": "COGNITO_USER_POOLS", "IdentitySource": "method.request.header.Authorization", "ProviderARNs": [r("CognitoUserPoolArn")] }));
            if let Some(o) = method.as_object_mut() {
                o.insert("AuthorizerId".into(), r("ApiAuthorizer"));
            }
        }
        tpl.add("ApiProxyMethod", "AWS::ApiGateway::Method", method);
        if api.authorization == Authorization::None {
            tpl.skip_check(
                "ApiProxyMethod",
                "CKV_AWS_59",
                "the topology chooses an unauthenticated API (finding W2003)",
            );
        }
        depends.push(json!("ApiProxyMethod"));
        functions.push(fn_id);
    }
    for (i, fn_id) in functions.iter().enumerate() {
        tpl.add(
            &format!("ApiInvokePermission{}", i + 1),
            "AWS::Lambda::Permission",
            json!({ "Action": "lambda:InvokeFunction", "FunctionName": r(fn_id), "Principal": "apigateway.amazonaws.com", "SourceArn": sub("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*") }),
        );
    }
    tpl.add_with(
        "ApiDeployment",
        "AWS::ApiGateway::Deployment",
        json!({ "RestApiId": r("Api"), "Description": "Tandem deployment" }),
        json!({ "DependsOn": depends }),
    );
    tpl.add(
        "ApiAccessLogGroup",
        "AWS::Logs::LogGroup",
        json!({ "RetentionInDays": 365, "KmsKeyId": c.key }),
    );
    tpl.add(
        "ApiGatewayCloudWatchRole",
        "AWS::IAM::Role",
        json!({ "AssumeRolePolicyDocument": assume("apigateway.amazonaws.com"), "ManagedPolicyArns": [sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs")] }),
    );
    tpl.add(
        "ApiGatewayAccount",
        "AWS::ApiGateway::Account",
        json!({ "CloudWatchRoleArn": ga("ApiGatewayCloudWatchRole", "Arn") }),
    );
    let mut stage = json!({
        "RestApiId": r("Api"),
        "DeploymentId": r("ApiDeployment"),
        "StageName": api.stage,
        "TracingEnabled": api.tracing,
        "MethodSettings": [{ "ResourcePath": "/*", "HttpMethod": "*", "LoggingLevel": "INFO", "MetricsEnabled": true, "DataTraceEnabled": false }],
    });
    if api.access_logging {
        if let Some(o) = stage.as_object_mut() {
            o.insert("AccessLogSetting".into(), json!({
                "DestinationArn": ga("ApiAccessLogGroup", "Arn"),
                "Format": "{\"requestId\":\"$context.requestId\",\"ip\":\"$context.identity.sourceIp\",\"method\":\"$context.httpMethod\",\"path\":\"$context.resourcePath\",\"status\":\"$context.status\",\"latency\":\"$context.responseLatency\"}",
            }));
        }
    }
    tpl.add_with(
        "ApiStage",
        "AWS::ApiGateway::Stage",
        stage,
        json!({ "DependsOn": "ApiGatewayAccount" }),
    );
    tpl.skip_check("ApiStage", "CKV_AWS_120", "responses are per request (health, trades): a cache would serve stale state during failover");
    tpl.skip_check("ApiStage", "CKV2_AWS_51", "clients authenticate with IAM or Cognito; mutual TLS certificates are not part of this design");
    tpl.skip_check(
        "ApiStage",
        "CKV2_AWS_29",
        "no WAF in this design; add one per your organisation's edge policy",
    );
    tpl.output(
        "ApiHealthUrl",
        sub(&format!(
            "https://${{Api}}.execute-api.${{AWS::Region}}.amazonaws.com/{}{}",
            api.stage, api.health_path
        )),
        "the regional health endpoint",
    );
    dns::custom_domain(tpl, c, api);
}

fn alarm(tpl: &mut Template, c: &Ctx<'_>, a: &Alarm) {
    let t = c.t;
    if !a.metric.sides().contains(&c.side) {
        return;
    }
    let (namespace, metric, stat, dims): (&str, &str, &str, Value) = match &a.metric {
        AlarmMetric::FunctionErrors(f) => {
            if t.function(f).is_none() {
                return;
            }
            (
                "AWS/Lambda",
                "Errors",
                "Sum",
                json!([{ "Name": "FunctionName", "Value": c.names.of(f) }]),
            )
        }
        AlarmMetric::ApiLatency => {
            let Some(api) = &t.api else { return };
            (
                "AWS/ApiGateway",
                "Latency",
                "Average",
                json!([{ "Name": "ApiName", "Value": c.names.of("api") }, { "Name": "Stage", "Value": api.stage }]),
            )
        }
        AlarmMetric::AuroraCpu => {
            if t.database.is_none() {
                return;
            }
            (
                "AWS/RDS",
                "CPUUtilization",
                "Average",
                json!([{ "Name": "DBClusterIdentifier", "Value": c.names.cluster(&c.region) }]),
            )
        }
        AlarmMetric::AuroraReplicationLag => {
            if t.global_database().is_none() {
                return;
            }
            (
                "AWS/RDS",
                "AuroraGlobalDBReplicationLag",
                "Maximum",
                json!([{ "Name": "DBClusterIdentifier", "Value": c.names.cluster(&c.region) }]),
            )
        }
        AlarmMetric::DynamodbReplicationLatency(table) => {
            if !t.tables.iter().any(|x| &x.id == table && x.replicated) {
                return;
            }
            let other = &t.region(c.side.other()).region;
            (
                "AWS/DynamoDB",
                "ReplicationLatency",
                "Average",
                json!([{ "Name": "TableName", "Value": c.names.of(table) }, { "Name": "ReceivingRegion", "Value": other }]),
            )
        }
        AlarmMetric::S3ReplicationLatency(bucket) => {
            let Some(b) = t
                .buckets
                .iter()
                .find(|x| &x.id == bucket && x.replication.is_some())
            else {
                return;
            };
            (
                "AWS/S3",
                "ReplicationLatency",
                "Maximum",
                json!([
                    { "Name": "SourceBucket", "Value": sub(&c.names.bucket(t, &b.id, &t.primary.region)) },
                    { "Name": "DestinationBucket", "Value": sub(&c.names.bucket(t, &b.id, &t.secondary.region)) },
                    { "Name": "RuleId", "Value": format!("{}-to-{}", b.id, t.secondary.region) },
                ]),
            )
        }
    };
    let Some(topic) = t.topics.iter().find(|x| x.id == a.topic) else {
        return;
    };
    tpl.add(
        &format!("{}Alarm", logical(&a.id)),
        "AWS::CloudWatch::Alarm",
        json!({
            "AlarmName": c.names.of(&format!("{}-{}", a.id, c.region)),
            "Namespace": namespace,
            "MetricName": metric,
            "Dimensions": dims,
            "Statistic": stat,
            "Period": 60,
            "EvaluationPeriods": a.evaluation_periods.max(1),
            "Threshold": a.threshold.get(),
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": [r(&format!("{}Topic", logical(&topic.id)))],
        }),
    );
}

// ---------------------------------------------------------------- events and backups

fn events_primary(tpl: &mut Template, c: &Ctx<'_>) {
    let t = c.t;
    let Some(events) = &t.events else { return };
    tpl.add(
        "EventBus",
        "AWS::Events::EventBus",
        json!({ "Name": c.names.bus() }),
    );
    let Some(fwd) = &events.forwarding else {
        return;
    };
    let target_bus = format!(
        "arn:${{AWS::Partition}}:events:{}:{}:event-bus/{}",
        t.secondary.region,
        c.names.account(),
        c.names.bus()
    );
    tpl.add(
        "EventForwardingRole",
        "AWS::IAM::Role",
        json!({
            "AssumeRolePolicyDocument": assume("events.amazonaws.com"),
            "Policies": [{ "PolicyName": "forward", "PolicyDocument": { "Version": "2012-10-17", "Statement": [
                { "Effect": "Allow", "Action": "events:PutEvents", "Resource": sub(&target_bus) },
            ]}}],
        }),
    );
    let mut target = json!({
        "Id": "secondary-bus",
        "Arn": sub(&target_bus),
        "RoleArn": ga("EventForwardingRole", "Arn"),
        "RetryPolicy": { "MaximumRetryAttempts": fwd.max_retry_attempts.min(185), "MaximumEventAgeInSeconds": fwd.max_event_age_seconds.clamp(60, 86_400) },
    });
    if fwd.dead_letter_queue {
        tpl.add("EventForwardingDeadLetterQueue", "AWS::SQS::Queue", json!({ "QueueName": c.names.of("events-dlq"), "KmsMasterKeyId": c.key, "MessageRetentionPeriod": 1_209_600 }));
        tpl.add(
            "EventForwardingDeadLetterQueuePolicy",
            "AWS::SQS::QueuePolicy",
            json!({
                "Queues": [r("EventForwardingDeadLetterQueue")],
                "PolicyDocument": { "Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Principal": { "Service": "events.amazonaws.com" }, "Action": "sqs:SendMessage",
                    "Resource": ga("EventForwardingDeadLetterQueue", "Arn"),
                    "Condition": { "ArnEquals": { "aws:SourceArn": ga("EventForwardingRule", "Arn") } },
                }]},
            }),
        );
        if let Some(o) = target.as_object_mut() {
            o.insert(
                "DeadLetterConfig".into(),
                json!({ "Arn": ga("EventForwardingDeadLetterQueue", "Arn") }),
            );
        }
    }
    let mut pattern = json!({ "source": fwd.sources });
    if !fwd.detail_types.is_empty() {
        if let Some(o) = pattern.as_object_mut() {
            o.insert("detail-type".into(), json!(fwd.detail_types));
        }
    }
    tpl.add(
        "EventForwardingRule",
        "AWS::Events::Rule",
        json!({ "EventBusName": r("EventBus"), "Description": format!("forward to {}", t.secondary.region), "EventPattern": pattern, "State": "ENABLED", "Targets": [target] }),
    );
}

fn backup(tpl: &mut Template, c: &Ctx<'_>, b: &Backup) {
    let t = c.t;
    tpl.add(
        "BackupVault",
        "AWS::Backup::BackupVault",
        json!({ "BackupVaultName": c.names.vault(), "EncryptionKeyArn": c.key }),
    );
    let mut rule = json!({
        "RuleName": "tandem",
        "TargetBackupVault": r("BackupVault"),
        "ScheduleExpression": format!("cron(0 */{} * * ? *)", b.interval_hours.clamp(1, 24)),
        "Lifecycle": { "DeleteAfterDays": b.retention_days.max(1) },
    });
    if b.copy_to_secondary {
        if let Some(o) = rule.as_object_mut() {
            o.insert("CopyActions".into(), json!([{
                "DestinationBackupVaultArn": sub(&format!("arn:${{AWS::Partition}}:backup:{}:{}:backup-vault:{}", t.secondary.region, c.names.account(), c.names.vault())),
                "Lifecycle": { "DeleteAfterDays": b.retention_days.max(1) },
            }]));
        }
    }
    tpl.add("BackupPlan", "AWS::Backup::BackupPlan", json!({ "BackupPlan": { "BackupPlanName": c.names.of("backup"), "BackupPlanRule": [rule] } }));
    tpl.add(
        "BackupRole",
        "AWS::IAM::Role",
        json!({
            "AssumeRolePolicyDocument": assume("backup.amazonaws.com"),
            "ManagedPolicyArns": [
                sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"),
                sub("arn:${AWS::Partition}:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup"),
            ],
        }),
    );
    let mut resources = Vec::new();
    if t.database.is_some() {
        resources.push(ga("DatabaseCluster", "DBClusterArn"));
    }
    for table in &t.tables {
        resources.push(ga(&format!("{}Table", logical(&table.id)), "Arn"));
    }
    for bucket in &t.buckets {
        resources.push(ga(&format!("{}Bucket", logical(&bucket.id)), "Arn"));
    }
    if !resources.is_empty() {
        tpl.add(
            "BackupSelection",
            "AWS::Backup::BackupSelection",
            json!({ "BackupPlanId": r("BackupPlan"), "BackupSelection": { "SelectionName": "tandem", "IamRoleArn": ga("BackupRole", "Arn"), "Resources": resources } }),
        );
    }
}
