//! Route 53's data plane: health-check status and the failover records' answer.

use super::{AlarmState, CheckKind, World};

impl World {
    /// The status an endpoint or metric check is heading to (before `Inverted`).
    pub fn check_target(&self, i: usize) -> Option<bool> {
        let c = self.checks.get(i)?;
        match &c.kind {
            CheckKind::Endpoint { region, .. } => Some(self.api_healthy(region)),
            CheckKind::Metric {
                region,
                name,
                insufficient,
            } => {
                let alarm = self.alarms.iter().find(|a| {
                    &a.region == region
                        && (&a.name == name || &a.key == name)
                        && self.deployed(&a.stack)
                });
                let state = alarm.map_or(AlarmState::Insufficient, |a| a.state);
                Some(match state {
                    AlarmState::Alarm => false,
                    AlarmState::Ok => true,
                    AlarmState::Insufficient => insufficient.unwrap_or(c.observed),
                })
            }
            CheckKind::Calculated { .. } => None,
        }
    }

    /// Whether Route 53 considers a check healthy now.
    pub fn healthy(&self, key: &str) -> bool {
        self.healthy_at(key, 0)
    }

    fn healthy_at(&self, key: &str, depth: u32) -> bool {
        let Some(c) = self.checks.iter().find(|c| c.key == key) else {
            return true;
        };
        let base = match &c.kind {
            CheckKind::Calculated {
                children,
                threshold,
            } if depth < 4 => {
                children
                    .iter()
                    .filter(|k| self.healthy_at(k, depth + 1))
                    .count()
                    >= *threshold
            }
            _ => c.observed,
        };
        base != c.inverted
    }

    /// The public name the failover records answer.
    pub fn public_name(&self) -> Option<&str> {
        self.records.first().map(|r| r.name.as_str())
    }

    /// The record Route 53 answers with now (failover routing; when every record is unhealthy
    /// Route 53 answers as if all were healthy).
    pub fn answer(&self) -> Option<usize> {
        let live = |primary: bool| {
            self.records
                .iter()
                .position(|r| r.primary == primary && self.deployed(&r.stack))
        };
        let ok = |i: usize| {
            self.records
                .get(i)
                .is_some_and(|r| r.check.as_deref().is_none_or(|c| self.healthy(c)))
        };
        match (live(true), live(false)) {
            (Some(p), _) if ok(p) => Some(p),
            (Some(p), Some(s)) => Some(if ok(s) { s } else { p }),
            (Some(p), None) => Some(p),
            (None, s) => s,
        }
    }

    pub fn ttl(&self) -> u64 {
        self.records
            .iter()
            .map(|r| r.ttl)
            .max()
            .unwrap_or(60)
            .max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Alarm, HealthCheck};
    use super::*;

    /// A switch check whose alarm fired (the failover) and then lost its data.
    fn after_failover(insufficient: Option<bool>) -> World {
        let mut w = World::default();
        w.stacks.insert("base".into(), ("us-east-2".into(), true));
        w.alarms.push(Alarm {
            key: "base/FailoverSwitchAlarm".into(),
            stack: "base".into(),
            region: "us-east-2".into(),
            name: "x-failover-switch".into(),
            namespace: "Tandem".into(),
            metric: "FailoverSwitch".into(),
            statistic: "Maximum".into(),
            period: 60,
            evaluation_periods: 1,
            datapoints_to_alarm: 1,
            threshold: 1.0,
            comparison: "GreaterThanOrEqualToThreshold".into(),
            treat_missing: "ignore".into(),
            actions: Vec::new(),
            state: AlarmState::Insufficient,
            history: Vec::new(),
        });
        w.checks.push(HealthCheck {
            key: "primary/SwitchHealthCheck".into(),
            kind: CheckKind::Metric {
                region: "us-east-2".into(),
                name: "x-failover-switch".into(),
                insufficient,
            },
            inverted: false,
            // Unhealthy since the switch fired: DNS answers the secondary.
            observed: false,
            pending: None,
            generation: 1,
        });
        w
    }

    #[test]
    fn last_known_status_keeps_dns_on_the_secondary_when_the_switch_alarm_loses_data() {
        // `LastKnownStatus` (no fixed status) keeps the check unhealthy.
        assert_eq!(after_failover(None).check_target(0), Some(false));
        // `Healthy` would send clients back to the dead primary.
        assert_eq!(after_failover(Some(true)).check_target(0), Some(true));
    }
}
