//! The Amazon States Language that synthesis emits, parsed once into a typed tree.
//!
//! `path` evaluates JSONPath and intrinsic functions, `choice` the Choice rules, `eval` one
//! state at a time against the integrations the world provides.

pub(crate) mod choice;
pub(crate) mod eval;
pub(crate) mod path;

use std::collections::BTreeMap;

use serde_json::Value;

pub(crate) use choice::Rule;

/// A parsed state machine definition.
#[derive(Debug, Clone)]
pub(crate) struct Machine {
    pub start_at: String,
    pub timeout_seconds: Option<u64>,
    pub states: BTreeMap<String, State>,
}

#[derive(Debug, Clone)]
pub(crate) struct Retrier {
    pub errors: Vec<String>,
    pub interval: u64,
    pub max_attempts: u64,
    pub backoff: f64,
    pub max_delay: Option<u64>,
}

#[derive(Debug, Clone)]
pub(crate) struct Catcher {
    pub errors: Vec<String>,
    pub result_path: Option<Option<String>>,
    pub next: String,
}

/// Input/output processing shared by Task and Pass.
#[derive(Debug, Clone, Default)]
pub(crate) struct Io {
    pub input_path: Option<String>,
    pub parameters: Option<Value>,
    pub result_selector: Option<Value>,
    /// `None`: absent (`$`); `Some(None)`: `null` (discard the result).
    pub result_path: Option<Option<String>>,
    pub output_path: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Task {
        resource: String,
        timeout: Option<u64>,
        retry: Vec<Retrier>,
        catch: Vec<Catcher>,
    },
    Choice {
        choices: Vec<(Rule, String)>,
        default: Option<String>,
    },
    Wait {
        seconds: u64,
    },
    Pass {
        result: Option<Value>,
    },
    Succeed,
    Fail {
        error: String,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct State {
    pub kind: Kind,
    pub io: Io,
    /// `None` for terminal states (`End: true`, Succeed, Fail).
    pub next: Option<String>,
}

/// Why a definition cannot be understood.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AslError {
    #[error("state `{0}`: {1}")]
    State(String, String),
    #[error("the definition has no `{0}`")]
    Missing(&'static str),
    #[error("`{0}` names no state")]
    UnknownState(String),
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn opt_path(o: &serde_json::Map<String, Value>, key: &str) -> Option<Option<String>> {
    match o.get(key) {
        None => None,
        Some(Value::Null) => Some(None),
        Some(v) => Some(v.as_str().map(str::to_string)),
    }
}

fn u(o: &serde_json::Map<String, Value>, key: &str) -> Option<u64> {
    o.get(key).and_then(Value::as_u64)
}

/// Parses a definition (already substituted) into a machine; every `Next` must name a state.
pub(crate) fn parse(definition: &Value) -> Result<Machine, AslError> {
    let start_at = definition
        .get("StartAt")
        .and_then(Value::as_str)
        .ok_or(AslError::Missing("StartAt"))?
        .to_string();
    let raw = definition
        .get("States")
        .and_then(Value::as_object)
        .ok_or(AslError::Missing("States"))?;
    let mut states = BTreeMap::new();
    for (name, s) in raw {
        states.insert(name.clone(), parse_state(name, s)?);
    }
    let machine = Machine {
        start_at,
        timeout_seconds: definition.get("TimeoutSeconds").and_then(Value::as_u64),
        states,
    };
    let mut targets = vec![machine.start_at.clone()];
    for s in machine.states.values() {
        targets.extend(s.next.clone());
        match &s.kind {
            Kind::Task { catch, .. } => targets.extend(catch.iter().map(|c| c.next.clone())),
            Kind::Choice { choices, default } => {
                targets.extend(choices.iter().map(|(_, n)| n.clone()));
                targets.extend(default.clone());
            }
            _ => {}
        }
    }
    if let Some(bad) = targets
        .into_iter()
        .find(|t| !machine.states.contains_key(t))
    {
        return Err(AslError::UnknownState(bad));
    }
    Ok(machine)
}

fn parse_state(name: &str, s: &Value) -> Result<State, AslError> {
    let err = |m: &str| AslError::State(name.to_string(), m.to_string());
    let o = s.as_object().ok_or_else(|| err("is not an object"))?;
    let ty = o
        .get("Type")
        .and_then(Value::as_str)
        .ok_or_else(|| err("has no `Type`"))?;
    let io = Io {
        input_path: o
            .get("InputPath")
            .and_then(Value::as_str)
            .map(str::to_string),
        parameters: o.get("Parameters").cloned(),
        result_selector: o.get("ResultSelector").cloned(),
        result_path: opt_path(o, "ResultPath"),
        output_path: o
            .get("OutputPath")
            .and_then(Value::as_str)
            .map(str::to_string),
    };
    let next = o.get("Next").and_then(Value::as_str).map(str::to_string);
    let kind = match ty {
        "Task" => Kind::Task {
            resource: o
                .get("Resource")
                .and_then(Value::as_str)
                .ok_or_else(|| err("has no `Resource`"))?
                .to_string(),
            timeout: u(o, "TimeoutSeconds"),
            retry: o
                .get("Retry")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_object)
                        .map(|r| Retrier {
                            errors: strings(r.get("ErrorEquals")),
                            interval: u(r, "IntervalSeconds").unwrap_or(1),
                            max_attempts: u(r, "MaxAttempts").unwrap_or(3),
                            backoff: r.get("BackoffRate").and_then(Value::as_f64).unwrap_or(2.0),
                            max_delay: u(r, "MaxDelaySeconds"),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            catch: o
                .get("Catch")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_object)
                        .filter_map(|c| {
                            Some(Catcher {
                                errors: strings(c.get("ErrorEquals")),
                                result_path: opt_path(c, "ResultPath"),
                                next: c.get("Next")?.as_str()?.to_string(),
                            })
                        })
                        .collect()
                })
                .unwrap_or_default(),
        },
        "Choice" => {
            let mut choices = Vec::new();
            for c in o
                .get("Choices")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let rule = choice::parse(c).map_err(|m| err(&m))?;
                let target = c
                    .get("Next")
                    .and_then(Value::as_str)
                    .ok_or_else(|| err("a choice has no `Next`"))?;
                choices.push((rule, target.to_string()));
            }
            Kind::Choice {
                choices,
                default: o.get("Default").and_then(Value::as_str).map(str::to_string),
            }
        }
        "Wait" => Kind::Wait {
            seconds: u(o, "Seconds").ok_or_else(|| err("a Wait needs `Seconds`"))?,
        },
        "Pass" => Kind::Pass {
            result: o.get("Result").cloned(),
        },
        "Succeed" => Kind::Succeed,
        "Fail" => Kind::Fail {
            error: o
                .get("Error")
                .and_then(Value::as_str)
                .unwrap_or("States.Fail")
                .to_string(),
        },
        other => return Err(err(&format!("type `{other}` is not supported"))),
    };
    Ok(State { kind, io, next })
}

/// Whether an error name matches a Retry or Catch `ErrorEquals` list. `States.Runtime` and
/// execution timeouts are never caught (the service's rules).
pub(crate) fn matches(errors: &[String], error: &str) -> bool {
    if error == "States.Runtime" {
        return false;
    }
    errors.iter().any(|e| {
        e == error
            || e == "States.ALL"
            || (e == "States.TaskFailed"
                && error != "States.Timeout"
                && !error.starts_with("States.Runtime"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rejects_a_next_to_nowhere() {
        let d = json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}});
        assert_eq!(parse(&d).unwrap_err(), AslError::UnknownState("B".into()));
    }

    #[test]
    fn runtime_errors_are_never_caught() {
        assert!(!matches(&["States.ALL".into()], "States.Runtime"));
        assert!(matches(
            &["States.TaskFailed".into()],
            "ThrottlingException"
        ));
        assert!(!matches(&["States.TaskFailed".into()], "States.Timeout"));
    }
}
