//! The event loop: one clock in seconds, a queue ordered by (time, sequence number).

mod monitoring;
mod observe;

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};

use serde_json::{json, Value};

use super::violations::{self as v, Violation};
use crate::simulate::asl::eval::{Execution, Next, Pending, Status};
use crate::simulate::durations::Durations;
use crate::simulate::scenarios::{Change, Scenario, HORIZON};
use crate::simulate::world::{AlarmState, CheckKind, World};
use crate::simulate::{ChangePoint, Objectives, Requests, TimelineEvent};

#[derive(Debug, Clone)]
pub(crate) enum Ev {
    Scenario(Change),
    CheckEval {
        check: usize,
        generation: u64,
        value: bool,
    },
    Tick {
        schedule: usize,
    },
    AlarmEval {
        alarm: usize,
    },
    /// The client's cache expires: from now on it uses `answer` (a record index).
    ClientSees {
        answer: Option<usize>,
    },
    PromotionDone {
        region: String,
    },
    InstanceReady {
        cluster: usize,
    },
    Resume {
        exec: usize,
        generation: u64,
    },
    TaskTimeout {
        exec: usize,
        generation: u64,
    },
    ExecTimeout {
        exec: usize,
    },
    Start {
        machine: usize,
        by: String,
    },
    Paged {
        alarm: String,
    },
    OperatorAct,
    Approve {
        exec: usize,
    },
    DeployDone {
        stack: String,
    },
    Invert {
        check: String,
        inverted: bool,
    },
    Failback,
    /// Nothing happens; the continuous checks look again.
    Wake,
}

#[derive(Debug)]
pub(crate) struct Exec {
    pub machine: usize,
    pub run: Execution,
    pub notified: bool,
}

#[derive(Debug)]
pub(crate) struct Run<'a> {
    pub w: World,
    pub d: &'a Durations,
    pub scenario: Scenario,
    pub objectives: &'a Objectives,
    pub now: u64,
    seq: u64,
    queue: BinaryHeap<Reverse<(u64, u64, usize)>>,
    events: Vec<Option<Ev>>,
    pub timeline: Vec<TimelineEvent>,
    pub violations: Vec<Violation>,
    pub execs: Vec<Exec>,
    pub throttled: BTreeSet<String>,
    pub paged_at: Option<u64>,
    pub client: Option<usize>,
    pub dns: Vec<ChangePoint>,
    pub writer: Vec<ChangePoint>,
    pub requests: Requests,
    pub first_failure: Option<u64>,
    pub recovered: Option<u64>,
    /// Closed interruptions of writes through the public name: (first failed second, first
    /// served second again).
    pub interruptions: Vec<(u64, u64)>,
    /// The interruption under way, by its first failed second.
    pub interrupted: Option<u64>,
    pub failover_done: Option<u64>,
    pub lossy: Option<(u64, bool)>,
    pub split_brain_writes: u64,
    pub split_brain: Option<String>,
    read_only_since: Option<u64>,
    /// Since when a working writer elsewhere has been bypassed during the read-only window.
    bypassed_since: Option<u64>,
    reported: BTreeSet<String>,
}

impl<'a> Run<'a> {
    pub fn new(
        w: World,
        d: &'a Durations,
        scenario: Scenario,
        objectives: &'a Objectives,
    ) -> Run<'a> {
        Run {
            w,
            d,
            scenario,
            objectives,
            now: 0,
            seq: 0,
            queue: BinaryHeap::new(),
            events: Vec::new(),
            timeline: Vec::new(),
            violations: Vec::new(),
            execs: Vec::new(),
            throttled: BTreeSet::new(),
            paged_at: None,
            client: None,
            dns: Vec::new(),
            writer: Vec::new(),
            requests: Requests::default(),
            first_failure: None,
            recovered: None,
            interruptions: Vec::new(),
            interrupted: None,
            failover_done: None,
            lossy: None,
            split_brain_writes: 0,
            split_brain: None,
            read_only_since: None,
            bypassed_since: None,
            reported: BTreeSet::new(),
        }
    }

    pub fn at(&mut self, t: u64, ev: Ev) {
        self.seq += 1;
        self.events.push(Some(ev));
        self.queue
            .push(Reverse((t, self.seq, self.events.len() - 1)));
    }

    pub fn log(&mut self, region: &str, component: &str, event: impl Into<String>, resource: &str) {
        self.timeline.push(TimelineEvent {
            t: self.now,
            region: region.to_string(),
            component: component.to_string(),
            event: event.into(),
            resource: resource.to_string(),
        });
    }

    /// Records a violation once per (id, resource).
    pub fn violate(
        &mut self,
        meta: &crate::rules::RuleMeta,
        resource: &str,
        message: impl Into<String>,
    ) {
        if self.reported.insert(format!("{}|{resource}", meta.id)) {
            self.violations
                .push(Violation::new(meta, resource, self.now, message));
        }
    }

    pub fn play(&mut self) {
        // Before the outage: the client has resolved (observe() hands it the first answer),
        // schedules have ticked once.
        for i in 0..self.w.schedules.len() {
            self.at(0, Ev::Tick { schedule: i });
        }
        let alarms: Vec<(usize, u64)> = self
            .w
            .alarms
            .iter()
            .enumerate()
            .filter(|(_, a)| a.modelled())
            .map(|(i, a)| (i, a.period))
            .collect();
        for (i, period) in alarms {
            // An alarm that expects continuous data starts OK (the probe ran before the outage).
            if let Some(a) = self.w.alarms.get_mut(i) {
                if a.treat_missing == "breaching" {
                    a.state = AlarmState::Ok;
                }
            }
            self.queue_alarm(period, i);
        }
        for (t, c) in self.scenario.changes() {
            self.at(t, Ev::Scenario(c));
        }
        if self.scenario == Scenario::Failback {
            self.at(7200 + self.d.get("operator.start"), Ev::Failback);
        }
        let mut last = 0;
        while let Some(Reverse((t, _, idx))) = self.queue.pop() {
            if t > HORIZON {
                break;
            }
            if t > last {
                self.account(last, t);
                last = t;
            }
            self.now = t;
            if let Some(ev) = self.events.get_mut(idx).and_then(Option::take) {
                self.handle(ev);
            }
            self.observe();
        }
        self.account(last, HORIZON);
    }

    fn queue_alarm(&mut self, t: u64, i: usize) {
        self.at(t, Ev::AlarmEval { alarm: i });
    }

    fn handle(&mut self, ev: Ev) {
        match ev {
            Ev::Scenario(c) => self.change(c),
            Ev::CheckEval {
                check,
                generation,
                value,
            } => {
                let Some(c) = self.w.checks.get_mut(check) else {
                    return;
                };
                if c.generation != generation || c.observed == value {
                    return;
                }
                c.pending = None;
                c.observed = value;
                let (key, region) = (
                    c.key.clone(),
                    match &c.kind {
                        CheckKind::Endpoint { region, .. } => region.clone(),
                        _ => "global".into(),
                    },
                );
                let inverted = if c.inverted { " (inverted)" } else { "" };
                let what = if value { "healthy" } else { "unhealthy" };
                self.log(
                    &region,
                    "route53",
                    format!("health check sees the target {what}{inverted}"),
                    &key,
                );
            }
            Ev::Tick { schedule } => self.tick(schedule),
            Ev::AlarmEval { alarm } => self.evaluate_alarm(alarm),
            Ev::ClientSees { answer } => self.client_sees(answer),
            Ev::PromotionDone { region } => {
                self.w.promoting = None;
                self.w.writer = Some(region.clone());
                self.log(
                    &region,
                    "aurora",
                    "the promoted cluster is the global database's writer",
                    "",
                );
            }
            Ev::InstanceReady { cluster } => {
                if let Some(c) = self.w.clusters.get_mut(cluster) {
                    c.instances += 1;
                    let (r, k) = (c.region.clone(), c.key.clone());
                    self.log(&r, "aurora", "the added instance is available", &k);
                }
            }
            Ev::Resume { exec, generation } => {
                if self
                    .execs
                    .get(exec)
                    .is_some_and(|e| e.run.generation == generation)
                {
                    self.advance(exec);
                }
            }
            Ev::TaskTimeout { exec, generation } => {
                if let Some(e) = self.execs.get_mut(exec) {
                    if e.run.generation == generation && matches!(e.run.pending, Pending::Token) {
                        e.run
                            .answer(Err(("States.Timeout".into(), "the task timed out".into())));
                        self.advance(exec);
                    }
                }
            }
            Ev::ExecTimeout { exec } => self.exec_timeout(exec),
            Ev::Start { machine, by } => self.start(machine, &by),
            Ev::Paged { alarm } => crate::simulate::people::paged(self, &alarm),
            Ev::OperatorAct => crate::simulate::people::act(self),
            Ev::Approve { exec } => {
                // The operator approves only when writes through the public name fail for them
                // too: a partition that leaves users on a working primary is not an outage.
                let region = self
                    .w
                    .answer()
                    .and_then(|i| self.w.records.get(i))
                    .map(|r| r.region.clone());
                if region.is_some_and(|r| self.w.serves(&r) && self.w.writable(&r)) {
                    let key = self
                        .execs
                        .get(exec)
                        .and_then(|e| self.w.machines.get(e.machine))
                        .map(|m| (m.region.clone(), m.key.clone()))
                        .unwrap_or_default();
                    self.log(
                        &key.0,
                        "operator",
                        "declines the failover: writes through the public name succeed",
                        &key.1,
                    );
                    return;
                }
                if let Some(e) = self.execs.get_mut(exec) {
                    if matches!(e.run.pending, Pending::Token) && e.run.status == Status::Running {
                        e.run.answer(Ok(json!(true)));
                        let key = self
                            .w
                            .machines
                            .get(e.machine)
                            .map(|m| (m.region.clone(), m.key.clone()))
                            .unwrap_or_default();
                        self.log(
                            &key.0,
                            "operator",
                            "approves the failover (send-task-success)",
                            &key.1,
                        );
                        self.advance(exec);
                    }
                }
            }
            Ev::DeployDone { stack } => {
                if let Some(s) = self.w.stacks.get_mut(&stack) {
                    s.1 = true;
                    let r = s.0.clone();
                    self.log(&r, "cloudformation", "the stack is deployed", &stack);
                }
                self.refresh_checks();
                self.at(self.now, Ev::OperatorAct);
            }
            Ev::Invert { check, inverted } => {
                if let Some(c) = self.w.checks.iter_mut().find(|c| c.key == check) {
                    c.inverted = inverted;
                    self.log(
                        "global",
                        "route53",
                        format!("health check `Inverted` is now {inverted}"),
                        &check,
                    );
                }
            }
            Ev::Failback => crate::simulate::people::failback(self),
            Ev::Wake => {}
        }
    }

    fn change(&mut self, c: Change) {
        match c {
            Change::RegionDown(primary, down) => {
                let region = if primary {
                    self.w.primary_region.clone()
                } else {
                    self.w.secondary_region.clone()
                };
                self.w.down.insert(region.clone(), down);
                self.log(
                    &region,
                    "region",
                    if down {
                        "the region goes down"
                    } else {
                        "the region is back"
                    },
                    "",
                );
                if !down && primary {
                    // A demoted primary comes back as a read-only secondary.
                    if self.w.writer.as_deref() != Some(region.as_str()) && self.w.writer.is_some()
                    {
                        self.log(
                            &region,
                            "aurora",
                            "the old primary rejoins as a read-only secondary",
                            "",
                        );
                    }
                }
            }
            Change::Partition(on) => {
                self.w.partitioned = on;
                self.log(
                    "both",
                    "network",
                    if on {
                        "the regions cannot reach each other"
                    } else {
                        "the regions reach each other again"
                    },
                    "",
                );
            }
            Change::PrimaryDatabaseDown(down) => {
                self.w.primary_db_down = down;
                let key = self
                    .w
                    .clusters
                    .iter()
                    .find(|c| c.region == self.w.primary_region)
                    .map(|c| c.key.clone())
                    .unwrap_or_default();
                let r = self.w.primary_region.clone();
                self.log(
                    &r,
                    "aurora",
                    if down {
                        "the primary cluster is down"
                    } else {
                        "the primary cluster is back"
                    },
                    &key,
                );
            }
        }
        self.refresh_checks();
    }

    pub fn start(&mut self, machine: usize, by: &str) {
        let Some(m) = self.w.machines.get(machine) else {
            return;
        };
        if !self.w.up(&m.region) || !self.w.deployed(&m.stack) {
            return;
        }
        let (region, key, timeout) = (m.region.clone(), m.key.clone(), m.machine.timeout_seconds);
        let id = format!("{key}:{}", self.execs.len() + 1);
        let run = Execution::new(&m.machine, json!({}), &id);
        self.execs.push(Exec {
            machine,
            run,
            notified: false,
        });
        self.log(
            &region,
            "stepfunctions",
            format!("execution started by {by}"),
            &key,
        );
        let exec = self.execs.len() - 1;
        if let Some(t) = timeout {
            self.at(self.now + t, Ev::ExecTimeout { exec });
        }
        self.advance(exec);
    }

    fn exec_timeout(&mut self, exec: usize) {
        let Some(e) = self.execs.get_mut(exec) else {
            return;
        };
        if e.run.status != Status::Running {
            return;
        }
        e.run.status = Status::Failed {
            error: "States.Timeout".into(),
            state: e.run.state.clone(),
        };
        let key = self
            .w
            .machines
            .get(e.machine)
            .map(|m| (m.region.clone(), m.key.clone()))
            .unwrap_or_default();
        let state = e.run.state.clone();
        self.log(
            &key.0,
            "stepfunctions",
            format!("execution timed out in `{state}`"),
            &key.1,
        );
        let m = format!("the execution timed out while in `{state}`: its `TimeoutSeconds` is shorter than the run");
        self.violate(&v::EXECUTION_TIMEOUT, &key.1, m);
        self.finished(exec);
    }

    /// Resumes an execution until it waits, and schedules what it waits for.
    pub fn advance(&mut self, exec: usize) {
        let Some(e) = self.execs.get_mut(exec) else {
            return;
        };
        let Some(m) = self.w.machines.get(e.machine).cloned() else {
            return;
        };
        if !self.w.up(&m.region) {
            return;
        }
        let mut run = std::mem::replace(&mut e.run, Execution::new(&m.machine, Value::Null, ""));
        let next = {
            let mut calls = crate::simulate::integrations::Calls {
                run: self,
                exec,
                machine: &m,
            };
            run.resume(&m.machine, &mut calls)
        };
        for t in run.trace.drain(..) {
            self.timeline.push(TimelineEvent {
                t: self.now,
                region: m.region.clone(),
                component: "stepfunctions".into(),
                event: format!("{}: {}", t.state, t.event),
                resource: format!("{}#{}", m.key, t.state),
            });
        }
        let generation = run.generation;
        if let Some(e) = self.execs.get_mut(exec) {
            e.run = run;
        }
        match next {
            Next::ResumeAfter(d) => self.at(self.now + d, Ev::Resume { exec, generation }),
            Next::AwaitToken(Some(t)) => {
                self.at(self.now + t, Ev::TaskTimeout { exec, generation })
            }
            Next::AwaitToken(None) => {}
            Next::Done => self.finished(exec),
        }
    }

    fn finished(&mut self, exec: usize) {
        let Some(e) = self.execs.get(exec) else {
            return;
        };
        let Some(m) = self.w.machines.get(e.machine).cloned() else {
            return;
        };
        let unretried = e.run.unretried.clone();
        let (status, notified) = (e.run.status.clone(), e.notified);
        for (state, error) in unretried {
            if matches!(
                error.as_str(),
                "ThrottlingException" | "ServiceUnavailable" | "Lambda.ServiceException"
            ) {
                let msg = format!("`{state}` failed with `{error}` and has no `Retry` for it");
                self.violate(&v::NO_RETRY, &format!("{}#{state}", m.key), msg);
            }
        }
        match status {
            Status::Succeeded if !m.failback => {
                self.failover_done.get_or_insert(self.now);
            }
            Status::Failed { error, state } => {
                if error == "States.Runtime" {
                    let msg =
                        format!("`{state}` failed with an uncatchable `States.Runtime` error");
                    self.violate(&v::RUNTIME_ERROR, &format!("{}#{state}", m.key), msg);
                }
                if !notified {
                    let msg = format!(
                        "the execution ended in `{state}` with `{error}` without notifying anyone"
                    );
                    self.violate(&v::SILENT_END, &format!("{}#{state}", m.key), msg);
                }
            }
            _ => {}
        }
    }
}
