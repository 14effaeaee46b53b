//! Checks over the synthesized failover, for any topology: nothing calls Route 53's control
//! plane; every state machine retries, catches, guards its paths and notifies on every end
//! path, and outlives its longest wait; stages deployed at failover read only their own region
//! and change no DNS; someone in the secondary region is paged.

use serde_json::Value;
use tandem_engine::synth::{ParameterSource, Synthesis};

/// The states a state can go to.
fn edges(state: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["Next", "Default"] {
        if let Some(n) = state.get(key).and_then(Value::as_str) {
            out.push(n.to_string());
        }
    }
    for list in ["Choices", "Catch"] {
        for c in state
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(n) = c.get("Next").and_then(Value::as_str) {
                out.push(n.to_string());
            }
        }
    }
    out
}

fn is_publish(state: &Value) -> bool {
    state
        .get("Resource")
        .and_then(Value::as_str)
        .is_some_and(|r| r.starts_with("arn:aws:states:::sns:publish"))
}

/// Problems with one state machine definition.
pub fn check_definition(def: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(states) = def.get("States").and_then(Value::as_object) else {
        return vec!["the definition has no states".into()];
    };
    let mut longest_wait = 0;
    for (name, state) in states {
        let kind = state.get("Type").and_then(Value::as_str).unwrap_or("");
        for next in edges(state) {
            match states.get(&next) {
                None => problems.push(format!("`{name}` goes to unknown state `{next}`")),
                Some(to) => {
                    let end = matches!(
                        to.get("Type").and_then(Value::as_str),
                        Some("Succeed" | "Fail")
                    );
                    if end && !is_publish(state) {
                        problems.push(format!("`{name}` ends the run without notifying"));
                    }
                }
            }
        }
        if state.get("End") == Some(&Value::Bool(true)) {
            problems.push(format!("`{name}` ends the run without notifying"));
        }
        if let Some(t) = state.get("TimeoutSeconds").and_then(Value::as_u64) {
            longest_wait = longest_wait.max(t);
        }
        match kind {
            "Task" => {
                let resource = state.get("Resource").and_then(Value::as_str).unwrap_or("");
                if resource.contains(":route53:") {
                    problems.push(format!("`{name}` calls Route 53's control plane"));
                }
                let retries = state
                    .get("Retry")
                    .and_then(Value::as_array)
                    .map(|r| {
                        r.iter().any(|x| {
                            x.to_string().contains("States.TaskFailed")
                                && x.get("BackoffRate")
                                    .and_then(Value::as_f64)
                                    .is_some_and(|b| b > 1.0)
                        })
                    })
                    .unwrap_or(false);
                if !retries {
                    problems.push(format!("`{name}` has no Retry with backoff"));
                }
                let catches = state
                    .get("Catch")
                    .map(|c| c.to_string().contains("NotifyFailure"))
                    .unwrap_or(false);
                if !catches && name != "NotifyFailure" {
                    problems.push(format!("`{name}` does not catch into `NotifyFailure`"));
                }
            }
            "Choice" => {
                for rule in state
                    .get("Choices")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let guarded = rule
                        .get("And")
                        .and_then(Value::as_array)
                        .and_then(|and| {
                            let first = and.first()?;
                            let rest = and.get(1..)?;
                            Some(
                                first.get("IsPresent") == Some(&Value::Bool(true))
                                    && rest
                                        .iter()
                                        .all(|r| r.get("Variable") == first.get("Variable")),
                            )
                        })
                        .unwrap_or(false);
                    if !guarded {
                        problems.push(format!("`{name}` reads a path without an IsPresent guard"));
                    }
                }
            }
            _ => {}
        }
    }
    let timeout = def
        .get("TimeoutSeconds")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if timeout <= longest_wait {
        problems.push(format!(
            "the execution times out after {timeout} s, before its {longest_wait} s wait"
        ));
    }
    problems
}

/// Problems with a synthesis's failover.
pub fn check(s: &Synthesis) -> Vec<String> {
    let mut problems = Vec::new();
    for st in &s.stacks {
        let text = st.template.to_string();
        if text.contains("route53:UpdateHealthCheck") || text.contains("route53:updateHealthCheck")
        {
            problems.push(format!("`{}` changes a health check", st.id));
        }
        let resources = st.template.get("Resources").and_then(Value::as_object);
        for (id, r) in resources.into_iter().flatten() {
            if r.get("Type").and_then(Value::as_str) == Some("AWS::StepFunctions::StateMachine") {
                let def = r
                    .get("Properties")
                    .and_then(|p| p.get("Definition"))
                    .cloned()
                    .unwrap_or(Value::Null);
                for p in check_definition(&def) {
                    problems.push(format!("`{}`.{id}: {p}", st.id));
                }
            }
        }
    }
    // Paging: where there is an API to probe, a standing secondary-region stack pages.
    let has_api = s
        .stacks
        .iter()
        .any(|st| st.template.pointer("/Resources/Api").is_some());
    let secondary = s
        .stacks
        .iter()
        .find(|st| st.id == "secondary-base")
        .map(|st| st.region.clone());
    let pages = s
        .plan
        .stages
        .iter()
        .filter(|x| x.when == "always" && Some(&x.region) == secondary.as_ref())
        .any(|x| {
            s.stacks
                .iter()
                .find(|st| st.id == x.stack)
                .is_some_and(|st| {
                    st.template
                        .pointer("/Resources/PrimaryDownAlarm/Properties/AlarmActions/0")
                        .is_some()
                })
        });
    if has_api && !pages {
        problems.push("nothing standing in the secondary region pages the operator".into());
    }
    for stage in s.plan.stages.iter().filter(|x| x.when == "failover") {
        let Some(st) = s.stacks.iter().find(|x| x.id == stage.stack) else {
            continue;
        };
        let resources = st.template.get("Resources").and_then(Value::as_object);
        for (id, r) in resources.into_iter().flatten() {
            let kind = r.get("Type").and_then(Value::as_str).unwrap_or("");
            if kind.starts_with("AWS::Route53::") || kind.starts_with("AWS::CertificateManager::") {
                problems.push(format!(
                    "`{}` is deployed at failover and creates {kind} `{id}`",
                    st.id
                ));
            }
        }
        for p in &stage.parameters {
            if let ParameterSource::Output { stack, .. } = &p.source {
                let region = s
                    .plan
                    .stages
                    .iter()
                    .find(|x| &x.stack == stack)
                    .map(|x| x.region.as_str());
                if region != Some(stage.region.as_str()) {
                    problems.push(format!(
                        "`{}` is deployed at failover and reads `{}` from `{stack}` in another region",
                        st.id, p.name
                    ));
                }
            }
        }
    }
    problems
}
