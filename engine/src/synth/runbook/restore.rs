//! Sections for particular designs. Backup & restore: the tables and buckets come back from
//! their copied recovery points with the restore role that stands in `secondary-base`, and the
//! failback turns off the restored cluster's deletion protection before deleting its stack.
//! A managed RPO (`rds.global_db_rpo`): what to do when the secondary region fails instead.

use super::{code, with_account};
use crate::model::Topology;
use crate::synth::quote::{markdown_code, shell};
use crate::synth::Names;

/// A shell word for a name that may hold the account id (`${AWS::AccountId}` in templates).
fn with_account_in(name: &str) -> String {
    match name.split_once("${AWS::AccountId}") {
        Some((before, after)) => with_account(before, after),
        None => shell(name),
    }
}

/// `$(aws cloudformation describe-stacks ...)` for one output of the base stack; `output` is
/// one of Tandem's fixed output names, never topology text.
fn base_output(names: &Names, region: &str, output: &'static str) -> String {
    format!(
        "\"$(aws cloudformation describe-stacks --region {} --stack-name {} --query \"Stacks[0].Outputs[?OutputKey=='{output}'].OutputValue | [0]\" --output text)\"",
        shell(region),
        shell(&names.stack("secondary-base")),
    )
}

/// `$(aws backup list-recovery-points-by-backup-vault ...)`: the newest completed copy of the
/// resource whose ARN (in the primary region) is `arn`.
fn newest_point(names: &Names, region: &str, arn: &str) -> String {
    format!(
        "\"$(aws backup list-recovery-points-by-backup-vault --region {} --backup-vault-name {} --by-resource-arn {arn} --query \"reverse(sort_by(RecoveryPoints[?Status=='COMPLETED'], &CreationDate))[0].RecoveryPointArn\" --output text)\"",
        shell(region),
        shell(&names.vault()),
    )
}

/// Before an incident: what the restore needs switched on in the primary region.
pub(super) fn before(t: &Topology) -> Option<String> {
    if t.tables.is_empty() {
        return None;
    }
    let p = &t.primary.region;
    Some(format!(
        "- Turn on AWS Backup's full management of DynamoDB in {p} (once per account and region): without it, table backups are not copied to another region. {}",
        code(&[
            "aws backup update-region-settings --region",
            &shell(p),
            "--resource-type-management-preference DynamoDB=true"
        ])
    ))
}

/// The failover step that restores each table and bucket in the secondary region, with the
/// commands to check it; `None` when there is nothing to restore.
pub(super) fn restore_step(t: &Topology, names: &Names) -> Option<String> {
    if t.tables.is_empty() && t.buckets.is_empty() {
        return None;
    }
    let p = &t.primary.region;
    let s = &t.secondary.region;
    let qs = shell(s);
    let mut text = format!(
        "Restore the tables and buckets in {s} from their newest copied recovery points, with the restore role that stands in {} (its output `RestoreRoleArn`) and the {s} key. First {} and {}, then run:",
        markdown_code(&names.stack("secondary-base")),
        code(&[&format!("ROLE={}", base_output(names, s, "RestoreRoleArn"))]),
        code(&[&format!("KEY={}", base_output(names, s, "KmsKeyArn"))]),
    );
    for table in &t.tables {
        let name = names.of(&table.id);
        let arn = with_account(&format!("arn:aws:dynamodb:{p}:"), &format!(":table/{name}"));
        text.push_str(&format!(
            "\n   - table {}: {}",
            markdown_code(&name),
            code(&[
                "aws backup start-restore-job --region",
                &qs,
                "--resource-type DynamoDB --iam-role-arn \"$ROLE\" --recovery-point-arn",
                &newest_point(names, s, &arn),
                "--metadata",
                &format!(
                    "{}\"$KEY\"",
                    shell(&format!(
                        "TargetTableName={name},EncryptionType=KMS,KMSMasterKeyArn="
                    ))
                ),
            ])
        ));
    }
    for bucket in &t.buckets {
        let source = names.bucket(t, &bucket.id, p);
        let target = names.bucket(t, &bucket.id, s);
        let arn = with_account_in(&format!("arn:aws:s3:::{source}"));
        let target_word = with_account_in(&target);
        text.push_str(&format!(
            "\n   - bucket {}, into a new bucket: {}, then block public access on it: {}",
            markdown_code(&bucket.id),
            code(&[
                "aws backup start-restore-job --region",
                &qs,
                "--resource-type S3 --iam-role-arn \"$ROLE\" --recovery-point-arn",
                &newest_point(names, s, &arn),
                "--metadata",
                &format!(
                    "DestinationBucketName={target_word},NewBucket=true,Encrypted=true,EncryptionType=SSE-KMS,KMSKey=\"$KEY\""
                ),
            ]),
            code(&[
                "aws s3api put-public-access-block --region",
                &qs,
                "--bucket",
                &target_word,
                "--public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"
            ])
        ));
    }
    text.push_str(&format!(
        "\n   Check: {} shows every job `COMPLETED`. A command that fails on `--recovery-point-arn None` found no copy of that resource in the vault (check the copy job in the backup plan); one that fails on its metadata: `aws backup get-recovery-point-restore-metadata` lists the keys that recovery point accepts.",
        code(&[
            "aws backup list-restore-jobs --region",
            &qs,
            "--query 'RestoreJobs[].[ResourceType,CreatedResourceArn,Status,StatusMessage]' --output table"
        ])
    ));
    Some(text)
}

/// The failback's deletion of the failover stack: the restored cluster is deletion-protected,
/// so protection goes off first (its `DeletionPolicy: Snapshot` still keeps a final snapshot).
pub(super) fn delete_app(t: &Topology, names: &Names, app_stack: &str) -> String {
    let s = &t.secondary.region;
    let qs = shell(s);
    let delete = code(&[
        "aws cloudformation delete-stack --region",
        &qs,
        "--stack-name",
        &shell(app_stack),
    ]);
    let protection = t.database.as_ref().is_some_and(|d| d.deletion_protection);
    let mut text = if protection {
        format!(
            "Delete the {s} application once DNS is back and its data is home. The restored cluster is deletion-protected: first {}, then {}; CloudFormation keeps a final snapshot of the cluster.",
            code(&[
                "aws rds modify-db-cluster --region",
                &qs,
                "--db-cluster-identifier",
                &shell(&names.cluster(s)),
                "--no-deletion-protection --apply-immediately"
            ]),
            delete
        )
    } else {
        format!("Delete the {s} application once DNS is back and its data is home: {delete}.")
    };
    if !t.tables.is_empty() || !t.buckets.is_empty() {
        text.push_str(" The restored tables and buckets are not part of any stack: delete them by hand once their data is back in the primary region, or the next failover's restore finds their names taken.");
    }
    text
}

/// With `rds.global_db_rpo`, Aurora blocks commits on the writer once no secondary has caught
/// up within the limit: an outage of the secondary region stops writes in the healthy primary.
pub(super) fn secondary_outage(t: &Topology, names: &Names) -> Option<String> {
    let rpo = t.database.as_ref()?.global_db_rpo_seconds?;
    t.global_database()?;
    let (p, s) = (&t.primary.region, &t.secondary.region);
    let qp = shell(p);
    let group = format!(
        "\"$(aws rds describe-db-clusters --region {qp} --db-cluster-identifier {} --query 'DBClusters[0].DBClusterParameterGroup' --output text)\"",
        shell(&names.cluster(p))
    );
    Some(format!(
        "## If {s} fails instead\n\n\
The writer's cluster parameter group sets `rds.global_db_rpo` to {rpo} s: once no secondary has replicated within {rpo} s, Aurora blocks commits on the writer. An outage of {s} therefore stops writes in {p}, which is healthy. These commands run against **{p}**.\n\n\
1. Lift the limit on the writer (dynamic, no restart): {}.\n   \
Check: writes succeed again, and {} prints `None dynamic` (no value set; applied without a restart).\n\
2. Once {s} is back and its lag is low (`AuroraGlobalDBRPOLag`), set the limit again: {}. After a failover the writer is the {s} cluster: run both against its parameter group and region.\n",
        code(&[
            "aws rds reset-db-cluster-parameter-group --region",
            &qp,
            "--db-cluster-parameter-group-name",
            &group,
            "--parameters ParameterName=rds.global_db_rpo,ApplyMethod=immediate"
        ]),
        code(&[
            "aws rds describe-db-cluster-parameters --region",
            &qp,
            "--db-cluster-parameter-group-name",
            &group,
            "--query \"Parameters[?ParameterName=='rds.global_db_rpo'].[ParameterValue,ApplyType]\" --output text"
        ]),
        code(&[
            "aws rds modify-db-cluster-parameter-group --region",
            &qp,
            "--db-cluster-parameter-group-name",
            &group,
            "--parameters",
            &shell(&format!("ParameterName=rds.global_db_rpo,ParameterValue={rpo},ApplyMethod=immediate"))
        ]),
    ))
}
