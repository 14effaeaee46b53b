//! Evaluating one execution, a state at a time. The world answers each Task through
//! [`Integrations`]; the run loop resumes the execution when the answer is due.

use serde_json::{json, Value};

use super::path::{read, template, write, Absent};
use super::{choice, matches, Io, Kind, Machine};

/// What a Task's integration answered.
#[derive(Debug, Clone)]
pub(crate) enum Call {
    /// The result (or error name and cause) is known now and due `after` seconds from now.
    Done {
        after: u64,
        result: Result<Value, (String, String)>,
    },
    /// `.waitForTaskToken`: the execution waits for the token (`Execution::token`).
    Token,
}

pub(crate) trait Integrations {
    fn call(&mut self, resource: &str, params: &Value, state: &str) -> Call;
    /// Takes the history so far, so the world's own events land after it in the timeline.
    fn flush(&mut self, trace: &mut Vec<Trace>);
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Status {
    Running,
    Succeeded,
    Failed { error: String, state: String },
}

#[derive(Debug, Clone)]
pub(crate) enum Pending {
    /// Enter `state` when resumed.
    Enter,
    Result(Result<Value, (String, String)>),
    Token,
}

/// One entry of an execution's history.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Trace {
    pub state: String,
    pub event: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Execution {
    pub state: String,
    pub data: Value,
    pub context: Value,
    pub pending: Pending,
    pub status: Status,
    /// Attempts per retrier of the current state.
    attempts: Vec<u64>,
    /// Bumped on every change of state or pending answer: stale timeouts are ignored.
    pub generation: u64,
    pub trace: Vec<Trace>,
    /// Task errors no retrier covered: (state, error).
    pub unretried: Vec<(String, String)>,
}

/// What the run loop does next with this execution.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Next {
    ResumeAfter(u64),
    /// Waiting for a token; a task timeout, if any, is due after this many seconds.
    AwaitToken(Option<u64>),
    Done,
}

impl Execution {
    pub fn new(machine: &Machine, input: Value, id: &str) -> Execution {
        Execution {
            state: machine.start_at.clone(),
            data: input,
            context: json!({"Execution": {"Id": id}, "Task": {"Token": format!("{id}-token")}}),
            pending: Pending::Enter,
            status: Status::Running,
            attempts: Vec::new(),
            generation: 0,
            trace: Vec::new(),
            unretried: Vec::new(),
        }
    }

    fn note(&mut self, event: impl Into<String>) {
        self.trace.push(Trace {
            state: self.state.clone(),
            event: event.into(),
        });
    }

    fn fail(&mut self, error: &str) -> Next {
        self.note(format!("execution failed: {error}"));
        self.status = Status::Failed {
            error: error.to_string(),
            state: self.state.clone(),
        };
        Next::Done
    }

    fn goto(&mut self, next: Option<String>) -> Option<Next> {
        self.generation += 1;
        self.attempts.clear();
        match next {
            Some(n) => {
                self.state = n;
                self.pending = Pending::Enter;
                None
            }
            None => {
                self.note("execution succeeded");
                self.status = Status::Succeeded;
                Some(Next::Done)
            }
        }
    }

    /// Delivers a token (the operator's approval) or a task timeout to a waiting execution.
    pub fn answer(&mut self, result: Result<Value, (String, String)>) {
        if matches!(self.pending, Pending::Token) {
            self.generation += 1;
            self.pending = Pending::Result(result);
        }
    }

    /// Advances until the execution has to wait. Zero-time transitions are capped so a loop of
    /// Choice and Pass states cannot hang the simulator.
    pub fn resume(&mut self, m: &Machine, world: &mut dyn Integrations) -> Next {
        for _ in 0..1000 {
            if self.status != Status::Running {
                return Next::Done;
            }
            let Some(state) = m.states.get(&self.state) else {
                return self.fail("States.Runtime");
            };
            let pending = std::mem::replace(&mut self.pending, Pending::Enter);
            let step = match pending {
                Pending::Token => {
                    self.pending = Pending::Token;
                    return Next::AwaitToken(None);
                }
                Pending::Result(r) => self.finish(&state.kind, &state.io, state.next.clone(), r),
                Pending::Enter => self.enter(&state.kind, &state.io, state.next.clone(), world),
            };
            if let Some(next) = step {
                return next;
            }
        }
        self.fail("States.Runtime")
    }

    fn input(&self, io: &Io) -> Result<Value, Absent> {
        match &io.input_path {
            Some(p) => read(p, &self.data, &self.context),
            None => Ok(self.data.clone()),
        }
    }

    fn enter(
        &mut self,
        kind: &Kind,
        io: &Io,
        next: Option<String>,
        world: &mut dyn Integrations,
    ) -> Option<Next> {
        self.note("entered");
        match kind {
            Kind::Succeed => self.goto(None),
            Kind::Fail { error } => Some(self.fail(error)),
            Kind::Wait { seconds } => {
                // The Wait's own time passes before the next state is entered.
                let n = self.goto(next);
                n.or(Some(Next::ResumeAfter(*seconds)))
            }
            Kind::Pass { result } => {
                let Ok(input) = self.input(io) else {
                    return Some(self.fail("States.Runtime"));
                };
                let value = match (result, &io.parameters) {
                    (Some(r), _) => Ok(r.clone()),
                    (None, Some(p)) => template(p, &input, &self.context),
                    (None, None) => Ok(input),
                };
                match value {
                    Ok(v) => match self.place(io, v) {
                        Ok(()) => self.goto(next),
                        Err(_) => Some(self.fail("States.Runtime")),
                    },
                    Err(_) => Some(self.fail("States.Runtime")),
                }
            }
            Kind::Choice { choices, default } => {
                for (rule, target) in choices {
                    match choice::eval(rule, &self.data, &self.context) {
                        Ok(true) => return self.goto(Some(target.clone())),
                        Ok(false) => {}
                        Err(Absent(p)) => {
                            self.note(format!("the choice reads `{p}`, which is absent"));
                            return Some(self.fail("States.Runtime"));
                        }
                    }
                }
                match default {
                    Some(d) => self.goto(Some(d.clone())),
                    None => Some(self.fail("States.NoChoiceMatched")),
                }
            }
            Kind::Task {
                resource, timeout, ..
            } => {
                let params = self.input(io).and_then(|input| match &io.parameters {
                    Some(p) => template(p, &input, &self.context),
                    None => Ok(input),
                });
                let Ok(params) = params else {
                    return Some(self.fail("States.Runtime"));
                };
                world.flush(&mut self.trace);
                match world.call(resource, &params, &self.state) {
                    Call::Token => {
                        self.note("waiting for the task token");
                        self.pending = Pending::Token;
                        Some(Next::AwaitToken(*timeout))
                    }
                    Call::Done { after, result } => match timeout {
                        Some(limit) if after > *limit => {
                            self.pending = Pending::Result(Err((
                                "States.Timeout".into(),
                                "the task timed out".into(),
                            )));
                            Some(Next::ResumeAfter(*limit))
                        }
                        _ => {
                            self.pending = Pending::Result(result);
                            Some(Next::ResumeAfter(after))
                        }
                    },
                }
            }
        }
    }

    fn place(&mut self, io: &Io, result: Value) -> Result<(), Absent> {
        match &io.result_path {
            Some(None) => {}
            Some(Some(p)) => write(&mut self.data, p, result),
            None => self.data = result,
        }
        if let Some(p) = &io.output_path {
            self.data = read(p, &self.data, &self.context)?;
        }
        Ok(())
    }

    fn finish(
        &mut self,
        kind: &Kind,
        io: &Io,
        next: Option<String>,
        result: Result<Value, (String, String)>,
    ) -> Option<Next> {
        let Kind::Task { retry, catch, .. } = kind else {
            return self.goto(next);
        };
        match result {
            Ok(v) => {
                let selected = match &io.result_selector {
                    Some(sel) => template(sel, &v, &self.context),
                    None => Ok(v),
                };
                match selected.and_then(|v| self.place(io, v)) {
                    Ok(()) => {
                        self.note("succeeded");
                        self.goto(next)
                    }
                    Err(Absent(p)) => {
                        self.note(format!("the result has no `{p}`"));
                        Some(self.fail("States.Runtime"))
                    }
                }
            }
            Err((error, cause)) => {
                self.note(format!("failed: {error}"));
                if self.attempts.len() < retry.len() {
                    self.attempts.resize(retry.len(), 0);
                }
                if let Some((i, r)) = retry
                    .iter()
                    .enumerate()
                    .find(|(_, r)| matches(&r.errors, &error))
                {
                    let done = self.attempts.get(i).copied().unwrap_or(0);
                    if done < r.max_attempts {
                        if let Some(a) = self.attempts.get_mut(i) {
                            *a += 1;
                        }
                        let delay = (r.interval as f64
                            * r.backoff.powi(i32::try_from(done).unwrap_or(i32::MAX)))
                        .round() as u64;
                        let delay = r.max_delay.map_or(delay, |m| delay.min(m)).max(1);
                        self.note(format!("retry {} after {delay} s", done + 1));
                        self.generation += 1;
                        self.pending = Pending::Enter;
                        return Some(Next::ResumeAfter(delay));
                    }
                } else if error != "States.Runtime" {
                    self.unretried.push((self.state.clone(), error.clone()));
                }
                if let Some(c) = catch.iter().find(|c| matches(&c.errors, &error)) {
                    let info = json!({"Error": error, "Cause": cause});
                    match &c.result_path {
                        Some(None) => {}
                        Some(Some(p)) => write(&mut self.data, p, info),
                        None => self.data = info,
                    }
                    self.note(format!("caught, next `{}`", c.next));
                    return self.goto(Some(c.next.clone()));
                }
                Some(self.fail(&error))
            }
        }
    }
}
