//! One region's VPC: subnets per tier and AZ, routes, NAT, endpoints, security groups and
//! flow logs. Resource names are prefixed so two VPCs never share a logical id.

use serde_json::{json, Value};

use super::template::{ga, r, sub, tags, Template};
use super::Names;
use crate::model::{NatMode, Service, Side, Tier, Topology};
use crate::network::plan_subnets;

/// What the rest of a stack needs from the VPC.
#[derive(Debug, Clone)]
pub(crate) struct VpcRefs {
    pub vpc: Value,
    /// Subnet refs by tier.
    pub public: Vec<Value>,
    pub private: Vec<Value>,
    pub isolated: Vec<Value>,
    pub function_sg: Value,
    pub database_sg: Value,
}

pub(crate) fn vpc(
    tpl: &mut Template,
    t: &Topology,
    side: Side,
    names: &Names,
    key: &Value,
) -> VpcRefs {
    let cfg = &t.region(side).vpc;
    let cidr = cfg.cidr.trunc().to_string();
    let name = names.base();
    let vpc = tpl.add(
        "Vpc",
        "AWS::EC2::VPC",
        json!({
            "CidrBlock": cidr,
            "EnableDnsHostnames": true,
            "EnableDnsSupport": true,
            "Tags": tags(json!(format!("{name}-vpc"))),
        }),
    );
    // Flow logs to an encrypted log group (CKV2_AWS_11). Named only in a stack deployed at
    // failover, whose role stands in another stack beforehand and must name it (`standing`);
    // elsewhere a new name would make CloudFormation replace a standing group and its logs.
    let mut group = json!({ "RetentionInDays": 365, "KmsKeyId": key });
    if side == Side::Secondary && !super::secondary_app_standing(t) {
        if let Some(o) = group.as_object_mut() {
            o.insert(
                "LogGroupName".into(),
                json!(format!("/tandem/{name}/vpc-flow-logs")),
            );
        }
    }
    let flow_group = tpl.add("VpcFlowLogGroup", "AWS::Logs::LogGroup", group);
    tpl.add(
        "VpcFlowLogRole",
        "AWS::IAM::Role",
        json!({
            "AssumeRolePolicyDocument": assume("vpc-flow-logs.amazonaws.com"),
            "Policies": [{
                "PolicyName": "flow-logs",
                "PolicyDocument": { "Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    "Resource": ga("VpcFlowLogGroup", "Arn"),
                }]},
            }],
        }),
    );
    tpl.add(
        "VpcFlowLog",
        "AWS::EC2::FlowLog",
        json!({
            "ResourceId": vpc,
            "ResourceType": "VPC",
            "TrafficType": "ALL",
            "LogDestinationType": "cloud-watch-logs",
            "LogGroupName": flow_group,
            "DeliverLogsPermissionArn": ga("VpcFlowLogRole", "Arn"),
        }),
    );
    // The default security group denies everything (CKV2_AWS_12): Tandem never uses it.
    let mut refs = VpcRefs {
        vpc: vpc.clone(),
        public: Vec::new(),
        private: Vec::new(),
        isolated: Vec::new(),
        function_sg: Value::Null,
        database_sg: Value::Null,
    };
    let subnets = plan_subnets(cfg).unwrap_or_default();
    for s in &subnets {
        let id = format!("{}Subnet{}", cap(s.tier.key()), s.az + 1);
        let subnet = tpl.add(
            &id,
            "AWS::EC2::Subnet",
            json!({
                "VpcId": vpc,
                "CidrBlock": s.cidr.to_string(),
                "AvailabilityZone": { "Fn::Select": [s.az, { "Fn::GetAZs": "" }] },
                "MapPublicIpOnLaunch": false,
                "Tags": tags(json!(format!("{name}-{}-{}", s.tier.key(), s.az + 1))),
            }),
        );
        match s.tier {
            Tier::Public => refs.public.push(subnet),
            Tier::Private => refs.private.push(subnet),
            Tier::Isolated => refs.isolated.push(subnet),
        }
    }
    let azs = cfg.az_count;
    let mut gateway_route_tables = Vec::new();
    if !refs.public.is_empty() {
        tpl.add(
            "InternetGateway",
            "AWS::EC2::InternetGateway",
            json!({ "Tags": tags(json!(format!("{name}-igw"))) }),
        );
        tpl.add(
            "InternetGatewayAttachment",
            "AWS::EC2::VPCGatewayAttachment",
            json!({ "VpcId": vpc, "InternetGatewayId": r("InternetGateway") }),
        );
        tpl.add(
            "PublicRouteTable",
            "AWS::EC2::RouteTable",
            json!({ "VpcId": vpc, "Tags": tags(json!(format!("{name}-public"))) }),
        );
        tpl.add_with(
            "PublicDefaultRoute",
            "AWS::EC2::Route",
            json!({ "RouteTableId": r("PublicRouteTable"), "DestinationCidrBlock": "0.0.0.0/0", "GatewayId": r("InternetGateway") }),
            json!({ "DependsOn": "InternetGatewayAttachment" }),
        );
        for (i, subnet) in refs.public.iter().enumerate() {
            tpl.add(
                &format!("PublicSubnet{}RouteTableAssociation", i + 1),
                "AWS::EC2::SubnetRouteTableAssociation",
                json!({ "SubnetId": subnet, "RouteTableId": r("PublicRouteTable") }),
            );
        }
    }
    let nat_count = if refs.public.is_empty() {
        0
    } else {
        cfg.nat.gateways(azs)
    };
    for i in 0..nat_count {
        let n = i + 1;
        tpl.add_with(
            &format!("NatEip{n}"),
            "AWS::EC2::EIP",
            json!({ "Domain": "vpc", "Tags": tags(json!(format!("{name}-nat-{n}"))) }),
            json!({ "DependsOn": "InternetGatewayAttachment" }),
        );
        let subnet = refs.public.get(i as usize).cloned().unwrap_or(Value::Null);
        tpl.add(
            &format!("NatGateway{n}"),
            "AWS::EC2::NatGateway",
            json!({ "AllocationId": ga(&format!("NatEip{n}"), "AllocationId"), "SubnetId": subnet, "Tags": tags(json!(format!("{name}-nat-{n}"))) }),
        );
    }
    for (i, subnet) in refs.private.iter().enumerate() {
        let n = i + 1;
        let table = format!("PrivateRouteTable{n}");
        tpl.add(
            &table,
            "AWS::EC2::RouteTable",
            json!({ "VpcId": vpc, "Tags": tags(json!(format!("{name}-private-{n}"))) }),
        );
        if nat_count > 0 {
            let nat = if cfg.nat == NatMode::PerAz { n } else { 1 };
            tpl.add(
                &format!("PrivateDefaultRoute{n}"),
                "AWS::EC2::Route",
                json!({ "RouteTableId": r(&table), "DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": r(&format!("NatGateway{nat}")) }),
            );
        }
        tpl.add(
            &format!("PrivateSubnet{n}RouteTableAssociation"),
            "AWS::EC2::SubnetRouteTableAssociation",
            json!({ "SubnetId": subnet, "RouteTableId": r(&table) }),
        );
        gateway_route_tables.push(r(&table));
    }
    if !refs.isolated.is_empty() {
        tpl.add(
            "IsolatedRouteTable",
            "AWS::EC2::RouteTable",
            json!({ "VpcId": vpc, "Tags": tags(json!(format!("{name}-isolated"))) }),
        );
        for (i, subnet) in refs.isolated.iter().enumerate() {
            tpl.add(
                &format!("IsolatedSubnet{}RouteTableAssociation", i + 1),
                "AWS::EC2::SubnetRouteTableAssociation",
                json!({ "SubnetId": subnet, "RouteTableId": r("IsolatedRouteTable") }),
            );
        }
        gateway_route_tables.push(r("IsolatedRouteTable"));
    }
    refs.function_sg = tpl.add(
        "FunctionSecurityGroup",
        "AWS::EC2::SecurityGroup",
        json!({
            "GroupDescription": "Functions: HTTPS to AWS APIs and PostgreSQL inside the VPC",
            "VpcId": vpc,
            "SecurityGroupEgress": [
                { "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0", "Description": "HTTPS to AWS APIs" },
                { "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "CidrIp": cidr, "Description": "PostgreSQL inside the VPC" },
            ],
            "Tags": tags(json!(format!("{name}-functions"))),
        }),
    );
    refs.database_sg = tpl.add(
        "DatabaseSecurityGroup",
        "AWS::EC2::SecurityGroup",
        json!({
            "GroupDescription": "Aurora: PostgreSQL from the functions only",
            "VpcId": vpc,
            "SecurityGroupIngress": [
                { "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "SourceSecurityGroupId": refs.function_sg, "Description": "PostgreSQL from functions" },
            ],
            "SecurityGroupEgress": [
                { "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "CidrIp": cidr, "Description": "replies inside the VPC only" },
            ],
            "Tags": tags(json!(format!("{name}-database"))),
        }),
    );
    for service in &cfg.gateway_endpoints {
        let Some(svc) = service
            .endpoint_name()
            .filter(|_| service.has_gateway_endpoint())
        else {
            continue;
        };
        tpl.add(
            &format!("{}GatewayEndpoint", cap(svc)),
            "AWS::EC2::VPCEndpoint",
            json!({
                "VpcId": vpc,
                "VpcEndpointType": "Gateway",
                "ServiceName": sub(&format!("com.amazonaws.${{AWS::Region}}.{svc}")),
                "RouteTableIds": gateway_route_tables,
            }),
        );
    }
    let endpoint_subnets = if refs.private.is_empty() {
        refs.isolated.clone()
    } else {
        refs.private.clone()
    };
    let interface: Vec<&Service> = cfg
        .interface_endpoints
        .iter()
        .filter(|s| s.has_interface_endpoint())
        .collect();
    if !interface.is_empty() && !endpoint_subnets.is_empty() {
        tpl.add(
            "EndpointSecurityGroup",
            "AWS::EC2::SecurityGroup",
            json!({
                "GroupDescription": "Interface endpoints: HTTPS from the VPC",
                "VpcId": vpc,
                "SecurityGroupIngress": [
                    { "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": cidr, "Description": "HTTPS from the VPC" },
                ],
                "SecurityGroupEgress": [
                    { "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": cidr, "Description": "replies inside the VPC only" },
                ],
                "Tags": tags(json!(format!("{name}-endpoints"))),
            }),
        );
        for service in interface {
            let Some(svc) = service.endpoint_name() else {
                continue;
            };
            tpl.add(
                &format!("{}InterfaceEndpoint", cap(svc)),
                "AWS::EC2::VPCEndpoint",
                json!({
                    "VpcId": vpc,
                    "VpcEndpointType": "Interface",
                    "ServiceName": sub(&format!("com.amazonaws.${{AWS::Region}}.{svc}")),
                    "PrivateDnsEnabled": true,
                    "SubnetIds": endpoint_subnets,
                    "SecurityGroupIds": [r("EndpointSecurityGroup")],
                }),
            );
        }
    }
    refs
}

pub(crate) fn assume(service: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{ "Effect": "Allow", "Principal": { "Service": service }, "Action": "sts:AssumeRole" }]
    })
}

pub(crate) fn cap(s: &str) -> String {
    super::template::logical(s)
}
