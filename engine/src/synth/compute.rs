//! Compute and API: topics, queues, functions with least-privilege roles, the REST API and
//! its custom domain, in both regions.

use serde_json::{json, Map, Value};

use super::alerting::alarm;
use super::app::{Ctx, Net};
use super::dns;
use super::network::assume;
use super::template::{ga, logical, r, sub, Template};
use crate::model::*;

/// Functions, API, custom domain and DNS record, queues, topics and alarms: in both regions.
pub(super) fn application(tpl: &mut Template, c: &Ctx<'_>, net: &Net) {
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

pub(super) fn inline_code(runtime: &str, api: bool, health_db: bool) -> Option<String> {
    if health_db {
        return health_code(runtime);
    }
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

/// The API's health function when the region has a database: it answers 200 only when this
/// region's cluster endpoint accepts a connection, so Route 53's endpoint check and Tandem's
/// probe see a database outage too (a database-only outage pages the operator).
fn health_code(runtime: &str) -> Option<String> {
    if runtime.starts_with("nodejs") {
        Some(r#"// Tandem's health endpoint: 200 only when this region's database accepts a connection.
const net = require("net");
const reach = (host, port) => new Promise((resolve) => {
  const s = net.connect({ host, port, timeout: 3000 }, () => { s.destroy(); resolve(true); });
  s.on("timeout", () => { s.destroy(); resolve(false); });
  s.on("error", () => resolve(false));
});
exports.handler = async () => {
  const ok = await reach(process.env.DB_HOST, Number(process.env.DB_PORT || 5432));
  return { statusCode: ok ? 200 : 503, headers: { "content-type": "application/json" }, body: JSON.stringify({ status: ok ? "ok" : "database unreachable", region: process.env.AWS_REGION }) };
};
"#.to_string())
    } else if runtime.starts_with("python") {
        Some(r#"# Tandem's health endpoint: 200 only when this region's database accepts a connection.
import json, os, socket

def handler(event, context):
    try:
        socket.create_connection((os.environ["DB_HOST"], int(os.environ.get("DB_PORT", "5432"))), timeout=3).close()
        ok = True
    except (OSError, KeyError):
        ok = False
    body = {"status": "ok" if ok else "database unreachable", "region": os.environ["AWS_REGION"]}
    return {"statusCode": 200 if ok else 503, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}
"#.to_string())
    } else {
        None
    }
}

/// The database user a function connects as with IAM authentication: the writing user when it
/// declares writes to the database, otherwise the read-only one (both created by the runbook).
pub(crate) fn database_user(t: &Topology, f: &Function) -> &'static str {
    if writes(t, f, Service::Rds) {
        DB_WRITE_USER
    } else {
        DB_READ_USER
    }
}

pub(crate) const DB_WRITE_USER: &str = "tandem_app";
pub(crate) const DB_READ_USER: &str = "tandem_read";

/// Whether `f` may write to `service`: it calls it, declares the write, and is not the API's
/// health function (which answers unauthenticated callers, so it only reads).
fn writes(t: &Topology, f: &Function, service: Service) -> bool {
    let health = t.api.as_ref().is_some_and(|a| a.health_function == f.id);
    !health && f.calls.contains(&service) && f.writes.contains(&service)
}

/// Least-privilege statements for the services a function calls, read or write as it declares
/// (`writes`). A queue's consumer may receive from its own queue; functions that write to SQS
/// may send, those that only read it may read its attributes. `rds-db:connect` names this
/// region's cluster by its resource id and the database user for the function's access.
pub(super) fn statements(c: &Ctx<'_>, f: &Function, has_cluster: bool) -> Vec<Value> {
    let t = c.t;
    let mut out = Vec::new();
    if let Trigger::Queue(q) = &f.trigger {
        if t.queues.iter().any(|x| &x.id == q) && !f.wildcard_permissions {
            out.push(json!({
                "Effect": "Allow",
                "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"],
                "Resource": c.arn("sqs", &c.names.of(q)),
            }));
        }
    }
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
        let write = writes(t, f, *service);
        match service {
            Service::Dynamodb if !t.tables.is_empty() => out.push(json!({
                "Effect": "Allow",
                "Action": if write {
                    json!(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem"])
                } else {
                    json!(["dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem"])
                },
                "Resource": t.tables.iter().map(|x| c.arn("dynamodb", &format!("table/{}", c.names.of(&x.id)))).collect::<Vec<_>>(),
            })),
            Service::SecretsManager if t.database.is_some() => out.push(json!({
                "Effect": "Allow",
                "Action": "secretsmanager:GetSecretValue",
                "Resource": c.arn("secretsmanager", &format!("secret:{}-*", c.names.secret())),
            })),
            Service::Sqs if !t.queues.is_empty() => out.push(json!({
                "Effect": "Allow",
                "Action": if write { "sqs:SendMessage" } else { "sqs:GetQueueAttributes" },
                "Resource": t.queues.iter().map(|q| c.arn("sqs", &c.names.of(&q.id))).collect::<Vec<_>>(),
            })),
            Service::Sns if !t.topics.is_empty() && write => out.push(json!({
                "Effect": "Allow",
                "Action": "sns:Publish",
                "Resource": t.topics.iter().map(|x| c.arn("sns", &c.names.of(&x.id))).collect::<Vec<_>>(),
            })),
            Service::Events if t.events.is_some() && write => out.push(json!({
                "Effect": "Allow",
                "Action": "events:PutEvents",
                "Resource": c.arn("events", &format!("event-bus/{}", c.names.bus())),
            })),
            Service::Rds if t.database.as_ref().is_some_and(|d| d.iam_auth) => {
                let user = database_user(t, f);
                out.push(json!({
                    "Effect": "Allow",
                    "Action": "rds-db:connect",
                    "Resource": if has_cluster {
                        c.arn("rds-db", &format!("dbuser:${{DatabaseCluster.DBClusterResourceId}}/{user}"))
                    } else {
                        c.arn("rds-db", &format!("dbuser:*/{user}"))
                    },
                }));
            }
            Service::S3 if !t.buckets.is_empty() => {
                let names: Vec<String> = t.buckets.iter().map(|b| c.names.bucket(t, &b.id, &c.region)).collect();
                out.push(json!({
                    "Effect": "Allow",
                    "Action": if write { json!(["s3:GetObject", "s3:PutObject"]) } else { json!("s3:GetObject") },
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

pub(super) fn function(tpl: &mut Template, c: &Ctx<'_>, f: &Function, net: &Net) {
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
            "Policies": [{ "PolicyName": "calls", "PolicyDocument": { "Version": "2012-10-17", "Statement": statements(c, f, tpl.resources.contains_key("DatabaseCluster")) } }],
        }),
    );
    let api_facing = f.trigger == Trigger::Api;
    // The health function checks this region's database when it can reach it (in the VPC)
    // and the cluster has an instance: a headless secondary (pilot light) gets its writer
    // during failover, so until then its health says only that the API answers.
    let health_db = t.api.as_ref().is_some_and(|a| a.health_function == f.id)
        && tpl.resources.contains_key("DatabaseCluster")
        && tpl
            .resources
            .values()
            .any(|r| r.get("Type").and_then(Value::as_str) == Some("AWS::RDS::DBInstance"))
        && in_vpc;
    let code = match inline_code(&f.runtime, api_facing, health_db) {
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
        if t.database.as_ref().is_some_and(|d| d.iam_auth) && f.calls.contains(&Service::Rds) {
            env.insert("DB_USER".into(), json!(database_user(t, f)));
        }
        if tpl.resources.contains_key("DatabaseCluster") {
            env.insert("DB_HOST".into(), ga("DatabaseCluster", "Endpoint.Address"));
            env.insert("DB_PORT".into(), ga("DatabaseCluster", "Endpoint.Port"));
        }
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
    if health_db {
        tpl.add_with(
            &id,
            "AWS::Lambda::Function",
            p,
            json!({ "Metadata": { "Tandem": { "role": "health", "checksDatabase": true } } }),
        );
    } else {
        tpl.add(&id, "AWS::Lambda::Function", p);
    }
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

pub(super) fn api_gateway(tpl: &mut Template, c: &Ctx<'_>, api: &Api) {
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
