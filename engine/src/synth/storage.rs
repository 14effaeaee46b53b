//! Keys and buckets: each region's KMS key, the access-log bucket, source buckets with
//! replication and their replicas, and the replication role.

use serde_json::{json, Map, Value};

use super::app::Ctx;
use super::network::assume;
use super::template::{ga, logical, r, sub, tags, Template};
use crate::model::*;

pub(super) fn kms_key(tpl: &mut Template, c: &Ctx<'_>) {
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
        json!({ "DeletionPolicy": "RetainExceptOnCreate", "UpdateReplacePolicy": "Retain" }),
    );
    tpl.add(
        "KeyAlias",
        "AWS::KMS::Alias",
        json!({ "AliasName": format!("alias/{}", c.names.base()), "TargetKeyId": r("Key") }),
    );
    // `*` in a key policy means "this key": AWS accepts nothing narrower there.
    tpl.notes.push("The KMS key policy's `Resource: *` means the key itself; key policies accept nothing narrower.".into());
}

pub(super) fn access_log_bucket(tpl: &mut Template, c: &Ctx<'_>) {
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
        json!({ "DeletionPolicy": "RetainExceptOnCreate", "UpdateReplacePolicy": "Retain" }),
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

pub(super) fn public_access_block() -> Value {
    json!({ "BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true })
}

pub(super) fn tls_only(bucket: &str) -> Value {
    json!({
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [ga(bucket, "Arn"), sub(&format!("${{{bucket}.Arn}}/*"))],
        "Condition": { "Bool": { "aws:SecureTransport": "false" } },
    })
}

pub(super) fn bucket_encryption(b: &Bucket, key: &Value) -> Value {
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
pub(super) fn bucket(tpl: &mut Template, c: &Ctx<'_>, b: &Bucket, replica: bool) {
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
        json!({ "DeletionPolicy": "RetainExceptOnCreate", "UpdateReplacePolicy": "Retain" }),
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
pub(super) fn replication_role(tpl: &mut Template, c: &Ctx<'_>) {
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
