//! Each function's role follows what the topology declares for it: the services it calls, and
//! among them the ones it writes to (`functions[].writes`). The API's health function answers
//! unauthenticated callers and gets no write at all. `rds-db:connect` names the cluster's
//! resource id and the database user matching the function's access.
#![cfg(not(target_arch = "wasm32"))]
// Helpers of these tests are test code too.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use serde_json::{json, Value};
use tandem_engine::model::{Service, Topology};
use tandem_engine::presets::PRESETS;
use tandem_engine::synth::synthesize;

/// The service a write action writes to; `None` for reads and for what every function gets
/// (its dead-letter queue, the key, its trigger's receive and delete).
fn written(action: &str, resource: &Value) -> Option<Service> {
    let (prefix, name) = action.split_once(':')?;
    let write = name == "*"
        || matches!(
            action,
            "dynamodb:PutItem"
                | "dynamodb:UpdateItem"
                | "dynamodb:DeleteItem"
                | "dynamodb:BatchWriteItem"
                | "sqs:SendMessage"
                | "sns:Publish"
                | "events:PutEvents"
                | "s3:PutObject"
                | "s3:DeleteObject"
        )
        || (action == "rds-db:connect" && resource.to_string().contains("/tandem_app"));
    if !write
        || (action == "sqs:SendMessage" && resource.to_string().contains("FunctionDeadLetterQueue"))
    {
        return None;
    }
    Some(match prefix {
        "dynamodb" => Service::Dynamodb,
        "sqs" => Service::Sqs,
        "sns" => Service::Sns,
        "events" => Service::Events,
        "s3" => Service::S3,
        "rds-db" => Service::Rds,
        "secretsmanager" => Service::SecretsManager,
        "kms" => Service::Kms,
        _ => return None,
    })
}

/// The logical id of function `id`'s role in `template`, through its function's `Role`.
fn role_id(t: &Topology, template: &Value, id: &str) -> Option<String> {
    let name = format!("{}-{}-{id}", t.naming.prefix, t.environment);
    let function = template["Resources"].as_object()?.values().find(|r| {
        r["Type"] == "AWS::Lambda::Function" && r["Properties"]["FunctionName"] == name.as_str()
    })?;
    function["Properties"]["Role"]["Fn::GetAtt"][0]
        .as_str()
        .map(String::from)
}

fn role<'a>(t: &Topology, template: &'a Value, id: &str) -> Option<&'a Value> {
    template["Resources"].get(role_id(t, template, id)?)
}

/// Write actions a function's role grants that the topology does not declare for it.
fn undeclared_writes(t: &Topology, template: &Value) -> Vec<String> {
    let health = t.api.as_ref().map(|a| a.health_function.as_str());
    let mut problems = Vec::new();
    for f in &t.functions {
        let Some(role) = role(t, template, &f.id) else {
            continue;
        };
        for policy in role["Properties"]["Policies"]
            .as_array()
            .into_iter()
            .flatten()
        {
            for st in policy["PolicyDocument"]["Statement"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let actions: Vec<&str> = match &st["Action"] {
                    Value::String(a) => vec![a.as_str()],
                    Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                    _ => Vec::new(),
                };
                for action in actions {
                    let Some(service) = written(action, &st["Resource"]) else {
                        continue;
                    };
                    let declared = f.calls.contains(&service) && f.writes.contains(&service);
                    if health == Some(f.id.as_str()) || !declared {
                        problems.push(format!("`{}` may `{action}`", f.id));
                    }
                }
            }
        }
    }
    problems
}

#[test]
fn no_function_gets_a_write_it_did_not_declare() {
    for p in PRESETS {
        let t = p.topology();
        let s = synthesize(&t);
        for stack in &s.stacks {
            let problems = undeclared_writes(&t, &stack.template);
            assert!(problems.is_empty(), "{} {}: {problems:?}", p.id, stack.id);
        }
    }
}

/// The check above is proven by failing: a write added to the read-only validator's role, and
/// a topology whose consumer stops declaring its database and table writes.
#[test]
fn the_check_fails_on_undeclared_writes() {
    let t = tandem_engine::presets::reference();
    let s = synthesize(&t);
    let mut primary = s
        .stacks
        .iter()
        .find(|x| x.id == "primary")
        .unwrap()
        .template
        .clone();
    let logical = role_id(&t, &primary, "failover-validator").unwrap();
    primary["Resources"][&logical]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "*" }));
    assert_eq!(
        undeclared_writes(&t, &primary),
        vec!["`failover-validator` may `dynamodb:PutItem`".to_string()]
    );

    // Synthesized for a topology that declares the writes, judged against one that does not.
    let mut quiet = t.clone();
    for f in &mut quiet.functions {
        f.writes.clear();
    }
    let template = &s
        .stacks
        .iter()
        .find(|x| x.id == "primary")
        .unwrap()
        .template;
    let problems = undeclared_writes(&quiet, template);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("trade-processor") && p.contains("dynamodb:PutItem")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("rds-db:connect")),
        "{problems:?}"
    );
}

#[test]
fn access_follows_the_declaration() {
    let mut t = tandem_engine::presets::reference();
    let trade = t
        .functions
        .iter_mut()
        .find(|f| f.id == "trade-processor")
        .unwrap();
    trade.writes = vec![Service::Dynamodb];
    let s = synthesize(&t);
    for stack in s.stacks.iter().filter(|x| x.id != "secondary-base") {
        let tpl = &stack.template;
        let role = role(&t, tpl, "trade-processor").unwrap().to_string();
        assert!(role.contains("dynamodb:PutItem"), "{}", stack.id);
        assert!(!role.contains("/tandem_app"), "{}", stack.id);
        assert!(
            role.contains("dbuser:${DatabaseCluster.DBClusterResourceId}/tandem_read"),
            "{}",
            stack.id
        );
        let health = role_of(&t, tpl, "health-check");
        assert!(!health.contains("PutItem"), "{}", stack.id);
        assert!(undeclared_writes(&t, tpl).is_empty(), "{}", stack.id);
        assert!(health.contains("/tandem_read"), "{}", stack.id);
        // The function connects as the user its role names.
        let users: Vec<String> = tpl["Resources"]
            .as_object()
            .unwrap()
            .values()
            .filter(|r| r["Type"] == "AWS::Lambda::Function")
            .filter_map(|r| {
                r["Properties"]["Environment"]["Variables"]["DB_USER"]
                    .as_str()
                    .map(String::from)
            })
            .collect();
        assert!(
            !users.is_empty() && users.iter().all(|u| u == "tandem_read"),
            "{users:?}"
        );
    }
    assert!(s.runbook.contains("GRANT rds_iam TO tandem_app"));
    assert!(s
        .runbook
        .contains("GRANT rds_iam, pg_read_all_data TO tandem_read"));
}

fn role_of(t: &Topology, tpl: &Value, id: &str) -> String {
    role(t, tpl, id).unwrap().to_string()
}

#[test]
fn a_topology_without_writes_keeps_write_access_to_what_it_calls() {
    let t = tandem_engine::presets::reference();
    let mut v: Value = serde_json::from_str(&tandem_engine::to_json(&t)).unwrap();
    for f in v["functions"].as_array_mut().unwrap() {
        assert!(f.get("writes").is_some(), "the field is written out");
        f.as_object_mut().unwrap().remove("writes");
    }
    let loaded = tandem_engine::load(&v.to_string()).unwrap();
    for f in &loaded.functions {
        assert_eq!(f.writes, f.calls, "{}", f.id);
    }
}

#[test]
fn backup_restore_grants_the_database_user_before_its_cluster_exists() {
    // The failover stack's roles stand in secondary-base (IAM's control plane is in us-east-1),
    // deployed before the restored cluster has a resource id: the grant names this account,
    // the secondary region and the database user, with any cluster id; nothing else widens.
    let t = tandem_engine::presets::preset("backup-restore")
        .unwrap()
        .topology();
    let s = synthesize(&t);
    let stack = |id: &str| &s.stacks.iter().find(|x| x.id == id).unwrap().template;
    let role = stack("secondary-base")["Resources"]["TradeProcessorFunctionRole"].to_string();
    let region = &t.secondary.region;
    assert!(
        role.contains(&format!(
            "rds-db:{region}:${{AWS::AccountId}}:dbuser:*/tandem_app"
        )),
        "{role}"
    );
    assert!(role.contains("dynamodb:PutItem"), "{role}");
    assert!(!role.contains("\"Resource\":\"*\""), "{role}");
    // The function in the failover stack takes that role by its ARN, handed over by the plan.
    let name = format!("{}-{}-trade-processor", t.naming.prefix, t.environment);
    let function = stack("secondary-app")["Resources"]
        .as_object()
        .unwrap()
        .values()
        .find(|r| r["Properties"]["FunctionName"] == name.as_str())
        .unwrap();
    assert_eq!(
        function["Properties"]["Role"],
        serde_json::json!({ "Ref": "TradeProcessorFunctionRoleArn" })
    );
}
