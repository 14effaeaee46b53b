//! The Outage view's lanes, read from the engine's `Simulation`: what each lane holds from
//! which second to which. Nothing here simulates or judges; it only regroups the engine's
//! change points and timeline events by lane.

use tandem_engine::simulate::{ChangePoint, Simulation, TimelineEvent};

/// A value held from `start` to `end` (seconds, `end` exclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub start: u64,
    pub end: u64,
    pub value: String,
}

/// One row of the chart: a title, the resource it is about (if any), its segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lane {
    pub title: String,
    pub resource: String,
    pub segments: Vec<Segment>,
}

/// The last second the chart shows: a little after the last thing that happens (an event, a
/// change point, a violation), at least a minute.
pub fn end_of(sim: &Simulation) -> u64 {
    let last = sim
        .timeline
        .iter()
        .map(|e| e.t)
        .chain(sim.dns.iter().map(|c| c.t))
        .chain(sim.writer.iter().map(|c| c.t))
        .chain(sim.violations.iter().map(|v| v.t))
        .chain(sim.rto_seconds)
        .max()
        .unwrap_or(0);
    // A tenth more, rounded up to a whole minute.
    (last + last / 10).max(60).div_ceil(60) * 60
}

/// Change points as segments up to `end`.
pub fn steps(changes: &[ChangePoint], end: u64) -> Vec<Segment> {
    changes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.t <= end)
        .map(|(i, c)| Segment {
            start: c.t,
            end: changes.get(i + 1).map_or(end, |n| n.t.min(end)).max(c.t),
            value: c.value.clone(),
        })
        .collect()
}

/// The value a lane holds at second `t`.
pub fn at(segments: &[Segment], t: u64) -> Option<&str> {
    segments
        .iter()
        .rev()
        .find(|s| s.start <= t)
        .map(|s| s.value.as_str())
}

/// The name and the new state in an alarm event (``alarm `n` goes to ALARM``).
fn alarm_change(e: &TimelineEvent) -> Option<(String, String)> {
    let rest = e.event.strip_prefix("alarm `")?;
    let (name, rest) = rest.split_once('`')?;
    let state = rest.trim_start().strip_prefix("goes to ")?;
    Some((name.to_string(), state.trim().to_string()))
}

/// One lane per alarm that changes state in the run, titled by its name.
pub fn alarms(sim: &Simulation, end: u64) -> Vec<Lane> {
    let mut lanes: Vec<(Lane, Vec<ChangePoint>)> = Vec::new();
    for e in sim.timeline.iter().filter(|e| e.component == "cloudwatch") {
        let Some((name, state)) = alarm_change(e) else {
            continue;
        };
        let point = ChangePoint {
            t: e.t,
            value: state,
        };
        match lanes.iter_mut().find(|(l, _)| l.resource == e.resource) {
            Some((_, points)) => points.push(point),
            None => lanes.push((
                Lane {
                    title: name,
                    resource: e.resource.clone(),
                    segments: Vec::new(),
                },
                vec![point],
            )),
        }
    }
    lanes
        .into_iter()
        .map(|(mut l, points)| {
            l.segments = steps(&points, end);
            l
        })
        .collect()
}

/// One lane per state machine that runs: the state each execution is in, from entering it to
/// entering the next (or the execution's end).
pub fn machines(sim: &Simulation) -> Vec<Lane> {
    let mut lanes: Vec<Lane> = Vec::new();
    for e in sim
        .timeline
        .iter()
        .filter(|e| e.component == "stepfunctions")
    {
        let Some((machine, state)) = e.resource.split_once('#') else {
            continue;
        };
        let lane = match lanes.iter_mut().position(|l| l.resource == machine) {
            Some(i) => lanes.get_mut(i),
            None => {
                lanes.push(Lane {
                    title: machine
                        .rsplit_once('/')
                        .map_or(machine, |(_, m)| m)
                        .to_string(),
                    resource: machine.to_string(),
                    segments: Vec::new(),
                });
                lanes.last_mut()
            }
        };
        let Some(lane) = lane else {
            continue;
        };
        let open = lane.segments.last_mut().filter(|s| s.end == u64::MAX);
        let ends = e.event.contains("execution succeeded")
            || e.event.contains("execution failed")
            || e.event.contains("timed out");
        if e.event.ends_with(": entered") {
            if let Some(s) = open {
                s.end = e.t;
            }
            lane.segments.push(Segment {
                start: e.t,
                end: u64::MAX,
                value: state.to_string(),
            });
        } else if ends {
            if let Some(s) = open {
                s.end = e.t;
            }
        }
    }
    // An execution still running when the timeline ends: its state lasts to the last event.
    let last = sim.timeline.last().map_or(0, |e| e.t);
    for s in lanes.iter_mut().flat_map(|l| l.segments.iter_mut()) {
        if s.end == u64::MAX {
            s.end = last;
        }
    }
    lanes
}

/// The events up to and including second `t`.
pub fn events_until(sim: &Simulation, t: u64) -> Vec<&TimelineEvent> {
    sim.timeline.iter().filter(|e| e.t <= t).collect()
}

/// The stack and logical id of a violation's resource (`stack/Logical`, `stack/Logical.Attr`
/// or `stack/Logical#State`), when it names one.
pub fn stack_and_logical(resource: &str) -> Option<(&str, &str)> {
    let (stack, rest) = resource.split_once('/')?;
    let logical = rest.split(['#', '.']).next().unwrap_or(rest);
    (!stack.is_empty() && !logical.is_empty()).then_some((stack, logical))
}

/// The topology field whose value decides a violation, where there is exactly one: the
/// objective it is judged against. Other violations are about the synthesized templates (or
/// hand-edited ones): no single field changes them, so none is offered.
pub fn field_of(rule: &str) -> Option<&'static str> {
    match rule {
        "E6008" => Some("objectives.rtoSeconds"),
        "E6009" => Some("objectives.rpoSeconds"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(t: u64, v: &str) -> ChangePoint {
        ChangePoint { t, value: v.into() }
    }

    #[test]
    fn change_points_become_segments_and_are_read_at_a_second() {
        let s = steps(&[point(0, "a"), point(30, "b")], 100);
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].start, s[0].end, s[1].end), (0, 30, 100));
        assert_eq!(at(&s, 29), Some("a"));
        assert_eq!(at(&s, 30), Some("b"));
    }

    #[test]
    fn resources_name_their_stack_and_logical_id() {
        assert_eq!(
            stack_and_logical("secondary-app/FailoverStateMachine#PromoteDatabase"),
            Some(("secondary-app", "FailoverStateMachine"))
        );
        assert_eq!(
            stack_and_logical("primary/Api.Arn"),
            Some(("primary", "Api"))
        );
        assert_eq!(stack_and_logical(""), None);
    }
}
