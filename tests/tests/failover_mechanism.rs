//! The failover mechanism every preset synthesizes (see README "How failover works"): a switch
//! alarm in the secondary region that the PRIMARY record follows, paging from the secondary, a
//! second opinion before an automatic lossy failover, and a state machine that retries, guards
//! its paths and notifies on every end path.
#![cfg(not(target_arch = "wasm32"))]
// Helpers of these tests are test code too.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use serde_json::Value;
use tandem_engine::model::{Decision, Topology};
use tandem_engine::presets::PRESETS;
use tandem_engine::synth::{synthesize, Synthesis};

fn stack<'a>(s: &'a Synthesis, id: &str) -> &'a Value {
    &s.stacks.iter().find(|x| x.id == id).unwrap().template
}

fn by_type<'a>(t: &'a Value, kind: &str) -> Vec<(&'a String, &'a Value)> {
    t["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"] == kind)
        .collect()
}

fn base(t: &Topology) -> String {
    format!("{}-{}", t.naming.prefix, t.environment)
}

fn machine(s: &Synthesis) -> Value {
    stack(s, "secondary-app")["Resources"]["FailoverStateMachine"]["Properties"]["Definition"]
        .clone()
}

#[test]
fn nothing_in_the_failover_path_calls_route53() {
    for p in PRESETS {
        let s = synthesize(&p.topology());
        for st in &s.stacks {
            let text = st.template.to_string();
            assert!(!text.contains("route53:updateHealthCheck"), "{}", p.id);
            assert!(!text.contains("route53:UpdateHealthCheck"), "{}", p.id);
        }
        assert!(
            machine(&s).to_string().contains("putMetricData"),
            "{}",
            p.id
        );
    }
}

#[test]
fn the_primary_record_follows_the_switch_alarm_in_the_secondary() {
    for p in PRESETS {
        let t = p.topology();
        let s = synthesize(&t);
        // The alarm stands in the secondary region before the primary stack reads it.
        let alarm = &stack(&s, "secondary-base")["Resources"]["FailoverSwitchAlarm"]["Properties"];
        assert_eq!(alarm["AlarmName"], format!("{}-failover-switch", base(&t)));
        assert_eq!(alarm["Namespace"], "Tandem");
        assert_eq!(alarm["MetricName"], "FailoverSwitch");
        assert_eq!(alarm["Statistic"], "Maximum");
        assert_eq!(alarm["Period"], 60);
        assert_eq!(alarm["EvaluationPeriods"], 1);
        assert_eq!(alarm["Threshold"], 1);
        assert_eq!(alarm["ComparisonOperator"], "GreaterThanOrEqualToThreshold");
        assert_eq!(alarm["TreatMissingData"], "ignore");

        let primary = stack(&s, "primary");
        let switch = &primary["Resources"]["SwitchHealthCheck"]["Properties"]["HealthCheckConfig"];
        assert_eq!(switch["Type"], "CLOUDWATCH_METRIC");
        assert_eq!(
            switch["AlarmIdentifier"]["Region"],
            t.secondary.region.as_str()
        );
        assert_eq!(switch["AlarmIdentifier"]["Name"], alarm["AlarmName"]);
        assert_eq!(switch["InsufficientDataHealthStatus"], "LastKnownStatus");
        let records = by_type(primary, "AWS::Route53::RecordSet");
        let (_, record) = records
            .iter()
            .find(|(_, r)| r["Properties"]["Failover"] == "PRIMARY")
            .unwrap();
        let check_id = record["Properties"]["HealthCheckId"]["Ref"]
            .as_str()
            .unwrap();
        match t.failover.decision {
            Decision::Manual { .. } => assert_eq!(check_id, "SwitchHealthCheck", "{}", p.id),
            Decision::Automatic => {
                let calc = &primary["Resources"][check_id]["Properties"]["HealthCheckConfig"];
                assert_eq!(calc["Type"], "CALCULATED", "{}", p.id);
                assert_eq!(calc["HealthThreshold"], 2);
                let children: Vec<&str> = calc["ChildHealthChecks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c["Ref"].as_str().unwrap())
                    .collect();
                assert_eq!(children.len(), 2);
                assert!(children.contains(&"SwitchHealthCheck"));
                let endpoint = children
                    .iter()
                    .find(|c| **c != "SwitchHealthCheck")
                    .unwrap();
                assert_eq!(
                    primary["Resources"][*endpoint]["Properties"]["HealthCheckConfig"]["Type"],
                    "HTTPS"
                );
            }
        }
        // The SECONDARY record has its own endpoint check where the API stands with it;
        // under backup & restore it stands in secondary-base, before the API exists.
        let standing = s.plan.stages.iter().all(|st| st.when == "always");
        let holder = stack(
            &s,
            if standing {
                "secondary-app"
            } else {
                "secondary-base"
            },
        );
        let records = by_type(holder, "AWS::Route53::RecordSet");
        let (_, record) = records
            .iter()
            .find(|(_, r)| r["Properties"]["Failover"] == "SECONDARY")
            .unwrap_or_else(|| panic!("{}: no SECONDARY record", p.id));
        if standing {
            let id = record["Properties"]["HealthCheckId"]["Ref"]
                .as_str()
                .unwrap();
            assert_eq!(
                holder["Resources"][id]["Properties"]["HealthCheckConfig"]["Type"],
                "HTTPS"
            );
        }
    }
}

#[test]
fn nothing_deployed_at_failover_changes_route53_or_acm() {
    for p in PRESETS {
        let s = synthesize(&p.topology());
        for stage in s.plan.stages.iter().filter(|st| st.when == "failover") {
            let tpl = stack(&s, &stage.stack);
            for kind in [
                "AWS::Route53::RecordSet",
                "AWS::Route53::HealthCheck",
                "AWS::CertificateManager::Certificate",
            ] {
                assert!(
                    by_type(tpl, kind).is_empty(),
                    "{}: {} has {kind}",
                    p.id,
                    stage.stack
                );
            }
            // It reads nothing from another region.
            for param in &stage.parameters {
                if let tandem_engine::synth::ParameterSource::Output { stack: from, .. } =
                    &param.source
                {
                    let from = s.plan.stages.iter().find(|x| &x.stack == from).unwrap();
                    assert_eq!(from.region, stage.region, "{}: {}", p.id, param.name);
                }
            }
        }
    }
}

#[test]
fn someone_is_paged_from_the_secondary_in_every_preset() {
    for p in PRESETS {
        let t = p.topology();
        let s = synthesize(&t);
        // A standing stack in the secondary region holds the probe schedule and the alarm.
        let standing: Vec<&Value> = s
            .plan
            .stages
            .iter()
            .filter(|st| st.when == "always" && st.region == t.secondary.region)
            .map(|st| stack(&s, &st.stack))
            .collect();
        let holder = standing
            .iter()
            .find(|tpl| tpl["Resources"].get("PrimaryDownAlarm").is_some())
            .unwrap_or_else(|| panic!("{}: no standing primary-down alarm", p.id));
        let alarm = &holder["Resources"]["PrimaryDownAlarm"]["Properties"];
        assert_eq!(alarm["AlarmName"], format!("{}-primary-down", base(&t)));
        assert_eq!(alarm["TreatMissingData"], "missing");
        assert_eq!(alarm["DatapointsToAlarm"], alarm["EvaluationPeriods"]);
        assert_eq!(alarm["InsufficientDataActions"], alarm["AlarmActions"]);
        let topic = alarm["AlarmActions"][0]["Ref"].as_str().unwrap();
        assert_eq!(holder["Resources"][topic]["Type"], "AWS::SNS::Topic");
        assert!(
            by_type(holder, "AWS::SNS::Subscription")
                .iter()
                .any(|(_, sub)| sub["Properties"]["TopicArn"]["Ref"] == topic
                    && sub["Properties"]["Protocol"] == "email"),
            "{}: the topic pages someone",
            p.id
        );
        assert_eq!(
            holder["Resources"]["ProbeFunction"]["Metadata"]["Tandem"]["role"],
            "probe"
        );
        let schedule = &holder["Resources"]["ProbeSchedule"]["Properties"];
        assert_eq!(schedule["ScheduleExpression"], "rate(1 minute)");
        assert_eq!(schedule["Targets"][0]["Input"], "{\"metric\": true}");
        let automatic = t.failover.decision == Decision::Automatic;
        assert_eq!(
            holder["Resources"].get("FailoverTrigger").is_some(),
            automatic,
            "{}",
            p.id
        );
    }
}

/// Every state the definition names, and the states each one can go to.
fn edges(state: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["Next", "Default"] {
        if let Some(n) = state[key].as_str() {
            out.push(n.to_string());
        }
    }
    for list in ["Choices", "Catch"] {
        for c in state[list].as_array().into_iter().flatten() {
            if let Some(n) = c["Next"].as_str() {
                out.push(n.to_string());
            }
        }
    }
    out
}

#[test]
fn the_state_machine_is_robust() {
    for p in PRESETS {
        let s = synthesize(&p.topology());
        let def = machine(&s);
        let states = def["States"].as_object().unwrap();
        for (name, state) in states {
            for next in edges(state) {
                assert!(states.contains_key(&next), "{}: {name} -> {next}", p.id);
            }
            match state["Type"].as_str().unwrap() {
                "Task" => {
                    let retriers = state["Retry"].as_array().unwrap();
                    // A rejected approval is the one error never retried, and it comes first.
                    if name == "AwaitApproval" {
                        assert_eq!(retriers[0]["ErrorEquals"][0], "FailoverRejected");
                        assert_eq!(retriers[0]["MaxAttempts"], 0);
                    }
                    // Errors that are never retried come first (a rejection, a promotion
                    // already under way); the usual retrier follows them.
                    let first = retriers
                        .iter()
                        .position(|r| r["MaxAttempts"] != 0)
                        .unwrap_or_else(|| panic!("{}: {name} retries nothing", p.id));
                    let retry = &retriers[first..];
                    let errors = retry[0]["ErrorEquals"].to_string();
                    for e in [
                        "States.TaskFailed",
                        "ThrottlingException",
                        "ServiceUnavailable",
                    ] {
                        assert!(errors.contains(e), "{}: {name} retries {e}", p.id);
                    }
                    assert!(retry[0]["BackoffRate"].as_f64().unwrap() > 1.0);
                    if name != "NotifyFailure" {
                        assert!(
                            state["Catch"].to_string().contains("NotifyFailure"),
                            "{}: {name} catches",
                            p.id
                        );
                    }
                }
                "Choice" => {
                    for rule in state["Choices"].as_array().unwrap() {
                        let and = rule["And"].as_array().unwrap();
                        let variable = &and[1]["Variable"];
                        assert_eq!(and[0]["Variable"], *variable, "{}: {name}", p.id);
                        assert_eq!(and[0]["IsPresent"], true, "{}: {name}", p.id);
                    }
                }
                _ => {}
            }
            // Every end path notifies: whatever leads to an end state publishes first.
            for next in edges(state) {
                let end = states[&next]["Type"] == "Succeed" || states[&next]["Type"] == "Fail";
                if end {
                    assert!(
                        state["Resource"]
                            .as_str()
                            .is_some_and(|r| r.starts_with("arn:aws:states:::sns:publish")),
                        "{}: {name} ends without notifying",
                        p.id
                    );
                }
            }
        }
        let approval = states
            .values()
            .filter_map(|s| s["TimeoutSeconds"].as_u64())
            .max()
            .unwrap_or(0);
        assert!(
            def["TimeoutSeconds"].as_u64().unwrap() > approval,
            "{}: the execution outlives the approval wait",
            p.id
        );
    }
}

#[test]
fn automatic_failover_asks_for_a_second_opinion_before_promoting() {
    for p in PRESETS {
        let t = p.topology();
        if t.failover.decision != Decision::Automatic {
            continue;
        }
        let def = machine(&synthesize(&t));
        let states = &def["States"];
        let opinion = &states["AskSecondOpinion"];
        assert_eq!(opinion["Resource"], "arn:aws:states:::lambda:invoke");
        assert_eq!(
            opinion["Parameters"]["Payload"]["resolve"],
            t.dns.record_name.as_str()
        );
        assert_eq!(
            opinion["Parameters"]["Payload"]["expectRegion"],
            t.secondary.region.as_str()
        );
        // Agreement goes on to the promotion; disagreement asks again, one TTL later, and
        // after the last attempt aborts and says so.
        assert_eq!(states["SecondOpinion"]["Next"], "AskSecondOpinion");
        let agrees = &states["OpinionAgrees"];
        assert_eq!(agrees["Choices"][0]["Next"], "PromoteDatabase");
        assert_eq!(agrees["Choices"][1]["Next"], "NotifyAborted");
        assert_eq!(
            agrees["Choices"][1]["And"][1]["NumericGreaterThanEquals"],
            3
        );
        assert_eq!(agrees["Default"], "CountOpinionPoll");
        assert_eq!(states["CountOpinionPoll"]["Next"], "PauseForOpinion");
        assert_eq!(states["PauseForOpinion"]["Next"], "AskSecondOpinion");
    }
}

#[test]
fn pilot_light_adds_a_writer_before_promoting() {
    let t = tandem_engine::presets::pilot_light();
    let s = synthesize(&t);
    let def = machine(&s);
    let states = &def["States"];
    let add = &states["AddWriterInstance"];
    assert_eq!(
        add["Resource"],
        "arn:aws:states:::aws-sdk:rds:createDBInstance"
    );
    assert_eq!(
        add["Parameters"]["DbClusterIdentifier"],
        format!("{}-db-{}", base(&t), t.secondary.region)
    );
    assert_eq!(
        states["WriterAvailable"]["Choices"][0]["Next"],
        "PromoteDatabase"
    );
    let role = stack(&s, "secondary-app")["Resources"]["FailoverRole"].to_string();
    assert!(role.contains("rds:CreateDBInstance"));
    // Exactly what the call uses: the instance, the cluster, the default parameter group and
    // the subnet group; no tagging, no role passed.
    for arn in [
        ":db:",
        "DBClusterArn",
        ":pg:default.aurora-postgresql17",
        ":subgrp:",
    ] {
        assert!(role.contains(arn), "{arn}: {role}");
    }
    assert!(!role.contains("rds:AddTagsToResource"), "{role}");
    assert!(!role.contains("iam:PassRole"), "{role}");
    // Warm standby has a reader already: no instance is added.
    let ws = machine(&synthesize(&tandem_engine::presets::warm_standby()));
    assert!(ws["States"].get("AddWriterInstance").is_none());
}

#[test]
fn the_switch_moves_dns_only_after_the_database_writes() {
    for p in PRESETS {
        let t = p.topology();
        let def = machine(&synthesize(&t));
        let states = def["States"].as_object().unwrap();
        // Walk the success path from the start: the promotion check precedes the switch.
        let mut seen = Vec::new();
        let mut at = def["StartAt"].as_str().unwrap().to_string();
        while let Some(state) = states.get(&at) {
            if seen.contains(&at) {
                break;
            }
            seen.push(at.clone());
            let next = match state["Type"].as_str().unwrap() {
                // A primary that answers is a false alarm; going on is the default.
                "Choice" if at == "PrimaryAnswers" => state["Default"].as_str(),
                "Choice" => state["Choices"][0]["Next"].as_str(),
                _ => state["Next"].as_str(),
            };
            let Some(n) = next else { break };
            at = n.to_string();
        }
        let pos = |name: &str| seen.iter().position(|s| s == name);
        let switch = pos("SwitchDns").unwrap_or_else(|| panic!("{}: {seen:?}", p.id));
        if t.global_database().is_some() {
            assert!(pos("PromotionDone").unwrap() < switch, "{}: {seen:?}", p.id);
        }
        if let Decision::Manual { .. } = t.failover.decision {
            assert!(pos("AwaitApproval").unwrap() < switch, "{}", p.id);
        }
        assert!(switch < pos("ValidateSecondary").unwrap(), "{}", p.id);
        assert_eq!(seen.last().map(String::as_str), Some("Done"), "{}", p.id);
    }
}

#[test]
fn secondary_functions_never_connect_to_the_primary_database() {
    for p in PRESETS {
        let t = p.topology();
        if t.database.is_none() {
            continue;
        }
        let s = synthesize(&t);
        for st in &s.stacks {
            assert!(
                by_type(&st.template, "AWS::SecretsManager::SecretTargetAttachment").is_empty(),
                "{}: a target attachment writes one region's host into the replicated secret",
                p.id
            );
        }
        let app = stack(&s, "secondary-app");
        for (id, f) in by_type(app, "AWS::Lambda::Function") {
            if id == "ProbeFunction" {
                continue;
            }
            assert_eq!(
                f["Properties"]["Environment"]["Variables"]["DB_HOST"]["Fn::GetAtt"][0],
                "DatabaseCluster",
                "{}: {id}",
                p.id
            );
        }
    }
}

#[test]
fn every_preset_passes_the_failover_checks() {
    for p in PRESETS {
        let problems = tandem_tests::failover::check(&synthesize(&p.topology()));
        assert!(problems.is_empty(), "{}:\n{}", p.id, problems.join("\n"));
    }
}

#[test]
fn the_failover_checks_can_fail() {
    let mut s = synthesize(&tandem_engine::presets::warm_standby());
    let app = s
        .stacks
        .iter_mut()
        .find(|x| x.id == "secondary-app")
        .unwrap();
    let states = &mut app.template["Resources"]["FailoverStateMachine"]["Properties"]["Definition"]
        ["States"];
    // Today's known-broken shapes: a Route 53 switch without Retry, an unguarded Choice, a
    // success path that ends without notifying, an execution shorter than the approval.
    states["SwitchDns"]["Resource"] = "arn:aws:states:::aws-sdk:route53:updateHealthCheck".into();
    states["SwitchDns"].as_object_mut().unwrap().remove("Retry");
    states["PromotionDone"]["Choices"][0] = serde_json::json!({ "Variable": "$.promotion.writers[0]", "StringEquals": "x", "Next": "SwitchDns" });
    states["StartValidation"]["Next"] = "Done".into();
    states["CheckPrimary"]["TimeoutSeconds"] = 86_400.into();
    let problems = tandem_tests::failover::check(&s).join("\n");
    for needle in [
        "`SwitchDns` calls Route 53's control plane",
        "`SwitchDns` has no Retry with backoff",
        "`PromotionDone` reads a path without an IsPresent guard",
        "`StartValidation` ends the run without notifying",
        "before its 86400 s wait",
    ] {
        assert!(problems.contains(needle), "{needle} in:\n{problems}");
    }
}

#[test]
fn functions_get_least_privilege() {
    let t = tandem_engine::presets::reference();
    let s = synthesize(&t);
    for id in ["primary", "secondary-app"] {
        let tpl = stack(&s, id);
        let health = tpl["Resources"]["HealthCheckFunctionRole"].to_string();
        for write in [
            "dynamodb:PutItem",
            "sqs:SendMessage\",\"Resource\":[",
            "sns:Publish",
            "events:PutEvents",
            "s3:PutObject",
        ] {
            assert!(
                !health.contains(write),
                "{id}: the unauthenticated health function may {write}"
            );
        }
        // A queue's consumer receives from its own queue only.
        let consumer = &tpl["Resources"]["TradeProcessorFunctionRole"]["Properties"]["Policies"][0]
            ["PolicyDocument"]["Statement"];
        let receive = consumer
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s.to_string().contains("sqs:ReceiveMessage"))
            .unwrap();
        assert!(receive["Resource"]
            .to_string()
            .contains("trading-prod-orders"));
        assert!(receive["Resource"].is_object(), "one queue, not a list");
        // rds-db:connect names the cluster's resource id, not `*`.
        let roles = tpl.to_string();
        assert!(!roles.contains("dbuser:*/"), "{id}");
        assert!(roles.contains("dbuser:${DatabaseCluster.DBClusterResourceId}/tandem_app"));
    }
}

/// States that lie on a cycle through a Wait with no Choice that stops after a number of
/// rounds (a `NumericGreaterThanEquals` rule): loops that could run until the execution's
/// timeout, toward Step Functions' 25,000-event history limit, without notifying.
fn uncapped_loops(def: &Value) -> Vec<String> {
    let states = def["States"].as_object().unwrap();
    let reach = |from: &str| {
        let mut seen: Vec<String> = Vec::new();
        let mut todo = vec![from.to_string()];
        while let Some(at) = todo.pop() {
            for next in edges(&states[&at]) {
                if !seen.contains(&next) {
                    seen.push(next.clone());
                    todo.push(next);
                }
            }
        }
        seen
    };
    let mut uncapped = Vec::new();
    for (name, state) in states {
        if state["Type"] != "Wait" || !reach(name).contains(name) {
            continue;
        }
        // The loop: states reachable from the Wait that lead back to it.
        let on_loop: Vec<String> = reach(name)
            .into_iter()
            .filter(|s| reach(s).contains(name))
            .collect();
        let capped = on_loop.iter().any(|s| {
            states[s]["Type"] == "Choice"
                && states[s]["Choices"]
                    .to_string()
                    .contains("NumericGreaterThanEquals")
        });
        if !capped {
            uncapped.push(name.clone());
        }
    }
    uncapped
}

#[test]
fn every_waiting_loop_is_capped_and_logs_carry_no_task_token() {
    let mut loops = 0;
    for p in PRESETS {
        let s = synthesize(&p.topology());
        let def = machine(&s);
        assert_eq!(uncapped_loops(&def), Vec::<String>::new(), "{}", p.id);
        loops += def["States"]
            .as_object()
            .unwrap()
            .values()
            .filter(|st| st["Type"] == "Wait")
            .count();
        let logging = &stack(&s, "secondary-app")["Resources"]["FailoverStateMachine"]
            ["Properties"]["LoggingConfiguration"];
        assert_eq!(logging["IncludeExecutionData"], false, "{}", p.id);
    }
    assert!(loops >= 10, "the presets poll: {loops} waits");
    // The check fails on a loop whose counter rule is removed.
    let mut def = machine(&synthesize(&tandem_engine::presets::reference()));
    let rules = def["States"]["PromotionDone"]["Choices"]
        .as_array_mut()
        .unwrap();
    rules.retain(|r| !r.to_string().contains("NumericGreaterThanEquals"));
    assert_eq!(uncapped_loops(&def), vec!["PauseForPromotion".to_string()]);
}

#[test]
fn backup_restore_asks_for_approval_on_the_standing_paging_topic() {
    let t = tandem_engine::presets::backup_restore();
    let s = synthesize(&t);
    let sm = &stack(&s, "secondary-app")["Resources"]["FailoverStateMachine"]["Properties"];
    // The approval, the failure and the success notices all go to `${TopicArn}`.
    assert_eq!(
        sm["DefinitionSubstitutions"]["TopicArn"]["Ref"],
        "PagingTopicArn"
    );
    let base = stack(&s, "secondary-base");
    assert_eq!(
        base["Outputs"]["PagingTopicArn"]["Value"]["Ref"],
        "PagingTopic"
    );
    assert!(by_type(base, "AWS::SNS::Subscription")
        .iter()
        .any(|(_, sub)| sub["Properties"]["TopicArn"]["Ref"] == "PagingTopic"));
    let stage = s
        .plan
        .stages
        .iter()
        .find(|st| st.stack == "secondary-app")
        .unwrap();
    assert_eq!(stage.when, "failover");
    let param = stage
        .parameters
        .iter()
        .find(|p| p.name == "PagingTopicArn")
        .unwrap();
    assert_eq!(
        param.source,
        tandem_engine::synth::ParameterSource::Output {
            stack: "secondary-base".into(),
            output: "PagingTopicArn".into()
        }
    );
    // Standing presets keep the application's topic, created long before any failover.
    let r = synthesize(&tandem_engine::presets::reference());
    let sm = &stack(&r, "secondary-app")["Resources"]["FailoverStateMachine"]["Properties"];
    assert_eq!(
        sm["DefinitionSubstitutions"]["TopicArn"]["Ref"],
        "AlertsTopic"
    );
}

#[test]
fn only_the_first_certificate_writes_the_shared_validation_record() {
    for p in PRESETS {
        let s = synthesize(&p.topology());
        // Stages in deploy order, with whether their certificate writes the record.
        let writers: Vec<(String, bool)> = s
            .plan
            .stages
            .iter()
            .filter_map(|st| {
                let tpl = stack(&s, &st.stack);
                let cert = &tpl["Resources"].get("ApiCertificate")?["Properties"];
                assert_eq!(cert["ValidationMethod"], "DNS");
                Some((
                    st.stack.clone(),
                    cert["DomainValidationOptions"][0]["HostedZoneId"].is_object(),
                ))
            })
            .collect();
        assert_eq!(writers.len(), 2, "{}: {writers:?}", p.id);
        assert!(writers[0].1 && !writers[1].1, "{}: {writers:?}", p.id);
    }
}
