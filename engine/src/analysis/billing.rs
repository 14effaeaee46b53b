//! Which CloudFormation resource types AWS bills, and through which price items the cost model
//! counts them. A test reads every golden template and fails when a billable type has no cost
//! line (and no "not priced" entry), or when a type is in neither list, so a resource that
//! synthesis starts to generate is never silently left out of the cost.

/// How a resource type is billed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Billing {
    /// Billed; the cost model prices it with one of these items. `global`: Route 53, whose
    /// lines are shown with the primary region wherever the stack declares it.
    Priced {
        items: &'static [&'static str],
        global: bool,
    },
    /// No charge of its own, with the reason.
    Free(&'static str),
}

const fn priced(items: &'static [&'static str]) -> Billing {
    Billing::Priced {
        items,
        global: false,
    }
}

/// Every resource type synthesis generates. `AWS::EC2::VPCEndpoint` is split by its
/// `VpcEndpointType` (`AWS::EC2::VPCEndpoint/Interface`, `.../Gateway`).
pub const RESOURCE_BILLING: &[(&str, Billing)] = &[
    ("AWS::EC2::NatGateway", priced(&["nat.hour"])),
    ("AWS::EC2::EIP", priced(&["vpc.publicIpv4Hour"])),
    (
        "AWS::EC2::VPCEndpoint/Interface",
        priced(&["endpoint.azHour"]),
    ),
    (
        "AWS::EC2::VPCEndpoint/Gateway",
        Billing::Free("gateway endpoints for S3 and DynamoDB have no charge"),
    ),
    ("AWS::EC2::FlowLog", priced(&["logs.ingestGb"])),
    (
        "AWS::Logs::LogGroup",
        priced(&["logs.ingestGb", "logs.storageGbMonth"]),
    ),
    ("AWS::KMS::Key", priced(&["kms.keyMonth"])),
    (
        "AWS::RDS::DBCluster",
        priced(&["aurora.storageGbMonth", "aurora.storageGbMonthIoOptimized"]),
    ),
    (
        "AWS::RDS::DBInstance",
        priced(&["aurora.acuHour", "aurora.acuHourIoOptimized"]),
    ),
    ("AWS::SecretsManager::Secret", priced(&["secrets.secretMonth"])),
    (
        "AWS::DynamoDB::GlobalTable",
        priced(&["dynamodb.writeMillion", "dynamodb.storageGbMonth"]),
    ),
    ("AWS::S3::Bucket", priced(&["s3.storageGbMonth"])),
    ("AWS::SNS::Topic", priced(&["sns.publishMillion"])),
    ("AWS::SQS::Queue", priced(&["sqs.requestsMillion"])),
    (
        "AWS::Lambda::Function",
        priced(&["lambda.requestsMillion", "lambda.gbSecond"]),
    ),
    (
        "AWS::Lambda::EventSourceMapping",
        priced(&["sqs.requestsMillion"]),
    ),
    ("AWS::ApiGateway::RestApi", priced(&["apigateway.restMillion"])),
    (
        "AWS::Route53::HealthCheck",
        Billing::Priced {
            items: &["route53.healthCheckMonth"],
            global: true,
        },
    ),
    (
        "AWS::Route53::RecordSet",
        Billing::Priced {
            items: &["route53.queriesMillion"],
            global: true,
        },
    ),
    ("AWS::CloudWatch::Alarm", priced(&["cloudwatch.alarmMonth"])),
    ("AWS::Events::EventBus", priced(&["events.customMillion"])),
    (
        "AWS::Events::Archive",
        priced(&["events.archiveGb", "events.archiveStorageGbMonth"]),
    ),
    (
        "AWS::StepFunctions::StateMachine",
        priced(&["states.transitionsThousand"]),
    ),
    (
        "AWS::Backup::BackupVault",
        priced(&[
            "backup.auroraGbMonth",
            "backup.dynamodbGbMonth",
            "backup.s3GbMonth",
        ]),
    ),
    (
        "AWS::RDS::GlobalCluster",
        Billing::Free("billed through its clusters (storage, capacity, replicated writes)"),
    ),
    ("AWS::EC2::VPC", Billing::Free("no charge")),
    ("AWS::EC2::Subnet", Billing::Free("no charge")),
    ("AWS::EC2::InternetGateway", Billing::Free("no charge")),
    ("AWS::EC2::VPCGatewayAttachment", Billing::Free("no charge")),
    ("AWS::EC2::RouteTable", Billing::Free("no charge")),
    ("AWS::EC2::Route", Billing::Free("no charge")),
    (
        "AWS::EC2::SubnetRouteTableAssociation",
        Billing::Free("no charge"),
    ),
    ("AWS::EC2::SecurityGroup", Billing::Free("no charge")),
    ("AWS::IAM::Role", Billing::Free("IAM has no charge")),
    ("AWS::KMS::Alias", Billing::Free("aliases have no charge")),
    ("AWS::S3::BucketPolicy", Billing::Free("no charge")),
    ("AWS::SQS::QueuePolicy", Billing::Free("no charge")),
    (
        "AWS::SNS::Subscription",
        Billing::Free("deliveries are counted with the topic's publishes; email deliveries beyond the first 1,000 a month ($2 per 100,000) are not counted separately"),
    ),
    (
        "AWS::Lambda::Permission",
        Billing::Free("no charge"),
    ),
    (
        "AWS::ApiGateway::Resource",
        Billing::Free("billed through the API's requests"),
    ),
    (
        "AWS::ApiGateway::Method",
        Billing::Free("billed through the API's requests"),
    ),
    (
        "AWS::ApiGateway::Deployment",
        Billing::Free("no charge"),
    ),
    ("AWS::ApiGateway::Account", Billing::Free("no charge")),
    (
        "AWS::ApiGateway::Stage",
        Billing::Free("billed through the API's requests and its logs (no cache is enabled)"),
    ),
    (
        "AWS::ApiGateway::DomainName",
        Billing::Free("custom domain names have no charge"),
    ),
    ("AWS::ApiGateway::BasePathMapping", Billing::Free("no charge")),
    (
        "AWS::CertificateManager::Certificate",
        Billing::Free("public ACM certificates have no charge"),
    ),
    ("AWS::RDS::DBSubnetGroup", Billing::Free("no charge")),
    (
        "AWS::RDS::DBClusterParameterGroup",
        Billing::Free("no charge"),
    ),
    (
        "AWS::SecretsManager::SecretTargetAttachment",
        Billing::Free("no charge"),
    ),
    ("AWS::Events::EventBusPolicy", Billing::Free("no charge")),
    (
        "AWS::Events::Rule",
        Billing::Free("rules have no charge: custom events are priced on their bus, scheduled and AWS service events are free"),
    ),
    (
        "AWS::Backup::BackupPlan",
        Billing::Free("billed through the vault's storage and copies"),
    ),
    (
        "AWS::Backup::BackupSelection",
        Billing::Free("billed through the vault's storage and copies"),
    ),
];

/// How `resource_type` is billed, if Tandem knows the type.
pub fn billing(resource_type: &str) -> Option<Billing> {
    RESOURCE_BILLING
        .iter()
        .find(|(t, _)| *t == resource_type)
        .map(|(_, b)| *b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_priced_item_is_one_the_table_knows() {
        for (ty, b) in RESOURCE_BILLING {
            if let Billing::Priced { items, .. } = b {
                for item in *items {
                    assert!(crate::prices::ITEMS.contains(item), "{ty}: {item}");
                }
            }
        }
        let mut types: Vec<&str> = RESOURCE_BILLING.iter().map(|(t, _)| *t).collect();
        types.sort_unstable();
        types.dedup();
        assert_eq!(types.len(), RESOURCE_BILLING.len());
    }
}
