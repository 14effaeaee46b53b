//! Data stores: the Aurora global database (global cluster, primary and secondary clusters,
//! instances) and DynamoDB global tables.

use serde_json::{json, Map, Value};

use super::app::{Ctx, Net};
use super::network::assume;
use super::template::{ga, logical, r, sub, tags, Template};
use crate::model::*;

pub(super) fn engine_family(version: &str) -> String {
    format!(
        "aurora-postgresql{}",
        version.split('.').next().unwrap_or("17")
    )
}

pub(super) fn db_subnet_group(tpl: &mut Template, c: &Ctx<'_>, net: &Net) {
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

pub(super) fn cluster_common(c: &Ctx<'_>, db: &Database, net: &Net) -> Map<String, Value> {
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

pub(super) fn instances(tpl: &mut Template, c: &Ctx<'_>, count: u8) {
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

pub(super) fn parameter_group(tpl: &mut Template, db: &Database) -> Option<Value> {
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

pub(super) fn database_primary(
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
        "Description": format!("Tandem {}: Aurora master credentials (no host: functions connect to their own region's cluster, DB_HOST)", t.name),
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
            json!({ "DeletionPolicy": "RetainExceptOnCreate", "UpdateReplacePolicy": "Retain" }),
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
    // No target attachment: it would write this region's endpoint into the secret, and the
    // replica in the secondary would then send its functions to the failed region. The secret
    // holds credentials only; each region's functions get their own cluster's endpoint in
    // `DB_HOST`.
    instances(tpl, c, db.primary_instances);
    tpl.output(
        "DatabaseClusterArn",
        ga("DatabaseCluster", "DBClusterArn"),
        "the primary cluster",
    );
}

pub(super) fn database_secondary(tpl: &mut Template, c: &Ctx<'_>, db: &Database, net: &Net) {
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

pub(super) fn global_table(tpl: &mut Template, c: &Ctx<'_>, table: &Table, secondary_key: &Value) {
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
        json!({ "DeletionPolicy": "RetainExceptOnCreate", "UpdateReplacePolicy": "Retain" }),
    );
    tpl.output(
        &format!("{id}Name"),
        r(&id),
        &format!("table `{}`", table.id),
    );
}

pub(super) fn key_type(k: KeyType) -> &'static str {
    match k {
        KeyType::S => "S",
        KeyType::N => "N",
        KeyType::B => "B",
    }
}
