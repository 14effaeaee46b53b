//! CloudWatch and Route 53's checkers: the probe schedule, alarm evaluation, and what the
//! health checks will conclude.

use serde_json::Value;

use super::{Ev, Run};
use crate::simulate::world::{AlarmState, CheckKind};

impl Run<'_> {
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
            if target == c.observed {
                // Back to what the checkers believe: whatever they were counting toward is off.
                if c.pending.take().is_some() {
                    c.generation += 1;
                }
                continue;
            }
            if c.pending == Some(target) {
                // Already counting toward this conclusion since it became true.
                continue;
            }
            c.generation += 1;
            c.pending = Some(target);
            {
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

    pub(super) fn tick(&mut self, i: usize) {
        let Some(s) = self.w.schedules.get(i) else {
            return;
        };
        let (every, input_url) = (
            s.every,
            s.input
                .get("url")
                .and_then(Value::as_str)
                .map(str::to_string),
        );
        let publishes = s.input.get("metric").and_then(Value::as_bool) == Some(true);
        let probe = self
            .w
            .deployed(&s.stack)
            .then(|| self.w.probe_by_ref(&s.function))
            .flatten()
            .map(|p| (p.region.clone(), p.default_url.clone()));
        self.at(self.now + every, Ev::Tick { schedule: i });
        let Some((region, default_url)) = probe else {
            return;
        };
        if !self.w.up(&region) || !publishes {
            return;
        }
        // Tandem's probe publishes nothing while it has no URL to check.
        let Some(url) = input_url.or(default_url).filter(|u| !u.is_empty()) else {
            return;
        };
        let healthy = crate::simulate::people::probe_get(self, &region, &url).is_some();
        self.w
            .metrics
            .entry((region, "PrimaryHealthy".into()))
            .or_default()
            .push((self.now, if healthy { 1.0 } else { 0.0 }));
    }

    pub(super) fn evaluate_alarm(&mut self, i: usize) {
        let Some(a) = self.w.alarms.get(i) else {
            return;
        };
        let period = a.period;
        let live = self.w.up(&a.region) && self.w.deployed(&a.stack);
        self.queue_alarm(self.now + period, i);
        if !live {
            return;
        }
        let Some(a) = self.w.alarms.get(i) else {
            return;
        };
        let from = self.now.saturating_sub(period);
        // The datapoints of the period just ended; each metric's points are in time order.
        let points = self
            .w
            .metrics
            .iter()
            .find(|((r, m), _)| *r == a.region && *m == a.metric)
            .map(|(_, v)| {
                let lo = v.partition_point(|(t, _)| *t < from);
                let hi = v.partition_point(|(t, _)| *t < self.now);
                v.get(lo..hi).unwrap_or_default()
            })
            .unwrap_or_default();
        let values = points.iter().map(|(_, x)| *x);
        let value = match a.statistic.as_str() {
            _ if points.is_empty() => None,
            "Maximum" => values.reduce(f64::max),
            "Sum" => Some(values.sum()),
            "Average" => Some(values.sum::<f64>() / points.len() as f64),
            _ => values.reduce(f64::min),
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
        let window = alarm.history.len().min(alarm.evaluation_periods);
        let counted = alarm.history.iter().rev().take(window).filter_map(|b| {
            match (b, alarm.treat_missing.as_str()) {
                (Some(x), _) => Some(*x),
                (None, "breaching") => Some(true),
                (None, "notBreaching") => Some(false),
                (None, _) => None,
            }
        });
        let (counted, breaches) = counted.fold((0, 0), |(n, b), x| (n + 1, b + usize::from(x)));
        let next = if breaches >= alarm.datapoints_to_alarm {
            AlarmState::Alarm
        } else if counted == 0 {
            if alarm.treat_missing == "missing" && window >= alarm.evaluation_periods {
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
        let a = alarm.clone();
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
                .filter(|r| {
                    (r.alarm == key || r.alarm.ends_with(&format!(":alarm:{}", a.name)))
                        && self.w.deployed(&r.stack)
                })
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
}
