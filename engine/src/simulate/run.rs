//! The event loop: one clock in seconds, a queue ordered by (time, sequence number).

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};

use serde_json::{json, Value};

use super::asl::eval::{Execution, Next, Pending, Status};
use super::durations::Durations;
use super::scenarios::{Change, Scenario, HORIZON};
use super::violations::{self as v, Violation};
use super::world::{AlarmState, CheckKind, World};
use super::{ChangePoint, Objectives, Requests, TimelineEvent};

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
    ClientResolve,
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
    pub failover_done: Option<u64>,
    pub lossy: Option<(u64, bool)>,
    pub split_brain_writes: u64,
    pub split_brain: Option<String>,
    read_only_since: Option<u64>,
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
            failover_done: None,
            lossy: None,
            split_brain_writes: 0,
            split_brain: None,
            read_only_since: None,
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
        // Before the outage: the client has resolved, schedules have ticked once.
        self.at(0, Ev::ClientResolve);
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

    /// Counts the request outcome for every second in [from, to): state is constant between events.
    fn account(&mut self, from: u64, to: u64) {
        let secs = to.saturating_sub(from);
        if secs == 0 {
            return;
        }
        let region = self
            .client
            .and_then(|i| self.w.records.get(i))
            .map(|r| r.region.clone());
        let outcome = match region {
            Some(ref r)
                if self.w.serves(r)
                    && (self.w.writable(r) || self.split_brain.as_deref() == Some(r.as_str())) =>
            {
                0
            }
            Some(ref r) if self.w.serves(r) && self.w.has_database(r) => 1,
            _ => 2,
        };
        match outcome {
            0 => {
                self.requests.served += secs;
                if self.first_failure.is_some() && self.recovered.is_none() {
                    self.recovered = Some(from);
                }
                if let (Some(r), Some(sb)) = (&region, &self.split_brain) {
                    if r == sb {
                        self.split_brain_writes += secs;
                    }
                }
            }
            1 => self.requests.rejected += secs,
            _ => self.requests.errors += secs,
        }
        if outcome != 0 {
            // Recovery is the start of the last stretch of served writes: failing again undoes it.
            self.first_failure.get_or_insert(from);
            self.recovered = None;
        }
    }

    /// After each event: DNS and writer change points, and the continuous checks.
    fn observe(&mut self) {
        let answer = self.w.answer();
        let label = answer
            .and_then(|i| self.w.records.get(i))
            .map(|r| r.region.clone());
        let label = label.unwrap_or_else(|| "none".into());
        if self.dns.last().map(|c| &c.value) != Some(&label) {
            self.dns.push(ChangePoint {
                t: self.now,
                value: label.clone(),
            });
        }
        let writer = match (&self.w.promoting, &self.w.writer) {
            (Some(_), _) => "promoting".to_string(),
            (None, Some(w)) => w.clone(),
            (None, None) => "none".to_string(),
        };
        if self.writer.last().map(|c| &c.value) != Some(&writer) {
            self.writer.push(ChangePoint {
                t: self.now,
                value: writer,
            });
        }
        let Some(i) = answer else { return };
        let Some(rec) = self.w.records.get(i).cloned() else {
            return;
        };
        if self.failover_done.is_some() && !self.w.serves(&rec.region) {
            let m = format!("after the failover run succeeded the public name `{}` answers `{}`, which does not serve", rec.name, rec.region);
            self.violate(&v::DNS_DEAD_REGION, &rec.key, m);
        }
        let read_only = self.w.serves(&rec.region)
            && self.w.has_database(&rec.region)
            && !self.w.writable(&rec.region)
            && self.split_brain.as_deref() != Some(rec.region.as_str());
        match (read_only, self.read_only_since) {
            (true, None) => self.read_only_since = Some(self.now),
            (false, Some(_)) => self.read_only_since = None,
            _ => {}
        }
        if let Some(since) = self.read_only_since {
            // Tolerated: a read-only window within the RTO objective while the writer cannot
            // serve anyway; one TTL when a working writer elsewhere is being bypassed.
            let ttl = self.w.ttl();
            let bypassed = self
                .w
                .writer
                .as_deref()
                .is_some_and(|w| w != rec.region && self.w.serves(w) && self.w.writable(w));
            let tolerance = if bypassed {
                ttl
            } else {
                self.objectives.rto_seconds.unwrap_or(ttl)
            };
            if self.now > since + tolerance {
                let m = format!("the public name `{}` answers `{}` while its database rejects writes, from t={since} s for more than {tolerance} s", rec.name, rec.region);
                // The PRIMARY record's health check decides where traffic goes: it is what moved.
                let primary = self
                    .w
                    .records
                    .iter()
                    .find(|r| r.primary)
                    .map_or(rec.key.clone(), |r| r.key.clone());
                let before = self.now;
                self.now = since;
                self.violate(&v::DNS_READ_ONLY, &primary, m);
                self.now = before;
            } else {
                let due = since + tolerance + 1;
                if self.reported.insert(format!("wake|{due}")) {
                    self.at(due, Ev::Wake);
                }
            }
        }
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
            Ev::ClientResolve => {
                let answer = self.w.answer();
                if answer != self.client {
                    let region = answer
                        .and_then(|i| self.w.records.get(i))
                        .map(|r| r.region.clone())
                        .unwrap_or_default();
                    self.log(
                        "client",
                        "client",
                        format!("resolves the public name to `{region}`"),
                        "",
                    );
                }
                self.client = answer;
                if self.now.is_multiple_of(self.w.ttl()) {
                    let next = self.now + self.w.ttl();
                    self.at(next, Ev::ClientResolve);
                }
            }
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
            Ev::Paged { alarm } => super::people::paged(self, &alarm),
            Ev::OperatorAct => super::people::act(self),
            Ev::Approve { exec } => {
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
            Ev::Failback => super::people::failback(self),
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

    /// Schedules what Route 53's checkers will conclude about endpoints and alarms.
    pub fn refresh_checks(&mut self) {
        let lag = self.d.get("route53.metricCheck");
        for i in 0..self.w.checks.len() {
            let Some(target) = self.w.check_target(i) else {
                continue;
            };
            let Some(c) = self.w.checks.get_mut(i) else {
                continue;
            };
            let delay = match &c.kind {
                CheckKind::Endpoint {
                    interval,
                    threshold,
                    ..
                } => interval * threshold,
                _ => lag,
            };
            c.generation += 1;
            if target != c.observed {
                let generation = c.generation;
                self.at(
                    self.now + delay,
                    Ev::CheckEval {
                        check: i,
                        generation,
                        value: target,
                    },
                );
            }
        }
    }

    fn tick(&mut self, i: usize) {
        let Some(s) = self.w.schedules.get(i).cloned() else {
            return;
        };
        self.at(self.now + s.every, Ev::Tick { schedule: i });
        if !self.w.deployed(&s.stack) {
            return;
        }
        let Some(p) = self.w.probes.iter().find(|p| p.key == s.function).cloned() else {
            return;
        };
        if !self.w.up(&p.region) || s.input.get("metric").and_then(Value::as_bool) != Some(true) {
            return;
        }
        let url = s
            .input
            .get("url")
            .and_then(Value::as_str)
            .map(str::to_string)
            .or(p.default_url.clone());
        let healthy = url.is_some_and(|u| super::people::probe_get(self, &p.region, &u));
        self.w
            .metrics
            .entry((p.region.clone(), "PrimaryHealthy".into()))
            .or_default()
            .push((self.now, if healthy { 1.0 } else { 0.0 }));
    }

    fn evaluate_alarm(&mut self, i: usize) {
        let Some(a) = self.w.alarms.get(i).cloned() else {
            return;
        };
        self.queue_alarm(self.now + a.period, i);
        if !self.w.up(&a.region) || !self.w.deployed(&a.stack) {
            return;
        }
        let from = self.now.saturating_sub(a.period);
        let values: Vec<f64> = self
            .w
            .metrics
            .get(&(a.region.clone(), a.metric.clone()))
            .map(|v| {
                v.iter()
                    .filter(|(t, _)| *t >= from && *t < self.now)
                    .map(|(_, x)| *x)
                    .collect()
            })
            .unwrap_or_default();
        let value = match a.statistic.as_str() {
            _ if values.is_empty() => None,
            "Maximum" => values.iter().copied().reduce(f64::max),
            "Sum" => Some(values.iter().sum()),
            "Average" => Some(values.iter().sum::<f64>() / values.len() as f64),
            _ => values.iter().copied().reduce(f64::min),
        };
        let breaching = value.map(|x| match a.comparison.as_str() {
            "GreaterThanOrEqualToThreshold" => x >= a.threshold,
            "GreaterThanThreshold" => x > a.threshold,
            "LessThanOrEqualToThreshold" => x <= a.threshold,
            _ => x < a.threshold,
        });
        let Some(alarm) = self.w.alarms.get_mut(i) else {
            return;
        };
        alarm.history.push(breaching);
        let window: Vec<Option<bool>> = alarm
            .history
            .iter()
            .rev()
            .take(alarm.evaluation_periods)
            .copied()
            .collect();
        let counted: Vec<bool> = window
            .iter()
            .filter_map(|b| match (b, alarm.treat_missing.as_str()) {
                (Some(x), _) => Some(*x),
                (None, "breaching") => Some(true),
                (None, "notBreaching") => Some(false),
                (None, _) => None,
            })
            .collect();
        let breaches = counted.iter().filter(|b| **b).count();
        let next = if breaches >= alarm.datapoints_to_alarm {
            AlarmState::Alarm
        } else if counted.is_empty() {
            if alarm.treat_missing == "missing" && window.len() >= alarm.evaluation_periods {
                AlarmState::Insufficient
            } else {
                alarm.state
            }
        } else {
            AlarmState::Ok
        };
        if next == alarm.state {
            return;
        }
        alarm.state = next;
        let (region, key) = (a.region.clone(), a.key.clone());
        self.log(
            &region,
            "cloudwatch",
            format!("alarm `{}` goes to {}", a.name, next.label()),
            &key,
        );
        if next == AlarmState::Alarm {
            for topic in &a.actions {
                if self.w.paging_topics.contains(topic) {
                    let at = self.now + self.d.get("email.delivery");
                    self.at(at, Ev::Paged { alarm: key.clone() });
                }
            }
            let rules: Vec<(usize, String)> = self
                .w
                .rules
                .iter()
                .filter(|r| r.alarm == key && self.w.deployed(&r.stack))
                .filter_map(|r| {
                    self.w
                        .machines
                        .iter()
                        .position(|m| m.key == r.machine)
                        .map(|m| (m, r.key.clone()))
                })
                .collect();
            for (m, rule) in rules {
                self.at(
                    self.now + self.d.get("eventbridge.delivery"),
                    Ev::Start {
                        machine: m,
                        by: rule,
                    },
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
            let mut calls = super::integrations::Calls {
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
