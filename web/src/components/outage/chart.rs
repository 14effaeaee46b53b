//! The Outage view's lanes as SVG: the public name's answer, the writer region, each alarm,
//! each state machine's steps and each store's data at risk, on one time axis with the
//! violations marked and a cursor at the scrubbed second.

use tandem_engine::analysis::human_seconds;
use tandem_engine::simulate::{Simulation, StoreLoss};
use yew::prelude::*;

use super::lanes::{self, Segment};

/// The drawing's width in its own units, and its label column's, wide and compact (a narrow
/// window: shorter labels, cut with an ellipsis, so the whole time axis fits). CSS never draws
/// it narrower than this (its box scrolls), so 12 px text is never shrunk.
const WIDE: (f64, f64) = (660.0, 240.0);
const COMPACT: (f64, f64) = (360.0, 112.0);
const RIGHT: f64 = 14.0;
const ROW: f64 = 24.0;
const TOP: f64 = 8.0;
/// At most 7.5 px a character at 12 px (capitals included).
const CHAR: f64 = 7.5;

/// Text cut to fit `width` units, with an ellipsis when cut.
fn fit(text: &str, width: f64) -> Option<String> {
    let room = ((width - 8.0) / CHAR).floor();
    if room < 3.0 {
        return None;
    }
    let n = room as usize;
    if text.chars().count() <= n {
        Some(text.to_string())
    } else {
        Some(format!(
            "{}…",
            text.chars().take(n.saturating_sub(1)).collect::<String>()
        ))
    }
}

/// What the chart shows and where the cursor is.
pub struct Chart<'a> {
    pub sim: &'a Simulation,
    pub end: u64,
    pub t: u64,
    pub primary: &'a str,
    pub secondary: &'a str,
    /// The stores the engine finds beyond the RPO objective (rule E6009).
    pub over_rpo: &'a [&'a str],
    /// What every physical name starts with (`trading-prod-`), left out of lane titles.
    pub name_prefix: &'a str,
    pub compact: bool,
}

/// The class of a store's data-at-risk bar: in flight (reported, not judged), beyond the RPO
/// objective (the engine's E6009 names the store), or within it.
pub fn loss_class(l: &StoreLoss, over_rpo: &[&str]) -> &'static str {
    if !l.durable {
        "loss-flight"
    } else if over_rpo.contains(&l.store.as_str()) {
        "loss-bad"
    } else {
        "loss-ok"
    }
}

pub fn loss_text(l: &StoreLoss) -> String {
    let amount = l.seconds.map_or("an unbounded amount".to_string(), |s| {
        human_seconds(s as f64)
    });
    format!(
        "loses {amount}{}",
        if l.durable { "" } else { " (in flight)" }
    )
}

impl Chart<'_> {
    fn size(&self) -> (f64, f64) {
        if self.compact {
            COMPACT
        } else {
            WIDE
        }
    }

    fn x(&self, t: u64) -> f64 {
        let (width, left) = self.size();
        let end = self.end.max(1) as f64;
        left + (t.min(self.end) as f64) / end * (width - left - RIGHT)
    }

    fn region_class(&self, value: &str) -> &'static str {
        if value == self.primary {
            "in-primary"
        } else if value == self.secondary {
            "in-secondary"
        } else {
            "in-other"
        }
    }

    fn row(&self, y: f64, title: &str, full: &str, bars: Html) -> Html {
        let (width, left) = self.size();
        html! {
            <g class="lane">
                <title>{ full.to_string() }</title>
                <text x={(left - 8.0).to_string()} y={(y + 16.0).to_string()} text-anchor="end">{ fit(title, left - 4.0).unwrap_or_default() }</text>
                <line class="lane-rule" x1={left.to_string()} x2={(width - RIGHT).to_string()} y1={(y + ROW - 1.0).to_string()} y2={(y + ROW - 1.0).to_string()} />
                { bars }
            </g>
        }
    }

    /// A group's heading across the label column.
    fn heading(&self, y: f64, text: &str) -> Html {
        html! { <text class="lane-heading" x="4" y={(y + 16.0).to_string()}>{ text.to_string() }</text> }
    }

    fn segments(
        &self,
        y: f64,
        segments: &[Segment],
        class: impl Fn(usize, &str) -> String,
    ) -> Html {
        html! {
            { for segments.iter().enumerate().map(|(i, s)| {
                let (x0, x1) = (self.x(s.start), self.x(s.end));
                let w = (x1 - x0).max(2.0);
                html! {
                    <g class={class(i, &s.value)}>
                        <title>{ format!("{}: from {} to {}", s.value, human_seconds(s.start as f64), human_seconds(s.end as f64)) }</title>
                        <rect x={x0.to_string()} y={(y + 3.0).to_string()} width={w.to_string()} height={(ROW - 7.0).to_string()} rx="2" />
                        if let Some(label) = fit(&s.value, w) {
                            <text x={(x0 + 4.0).to_string()} y={(y + 16.0).to_string()}>{ label }</text>
                        }
                    </g>
                }
            }) }
        }
    }

    pub fn render(&self) -> Html {
        let (width, left) = self.size();
        let sim = self.sim;
        let mut rows: Vec<Html> = Vec::new();
        let mut y = TOP;
        let dns = lanes::steps(&sim.dns, self.end);
        rows.push(self.row(
            y,
            if self.compact {
                "Public name"
            } else {
                "Public name answers"
            },
            "The region the public name answers",
            self.segments(y, &dns, |_, v| format!("seg {}", self.region_class(v))),
        ));
        y += ROW;
        let writer = lanes::steps(&sim.writer, self.end);
        rows.push(self.row(
            y,
            if self.compact {
                "Writer"
            } else {
                "Writer region"
            },
            "The region whose database accepts writes",
            self.segments(y, &writer, |_, v| format!("seg {}", self.region_class(v))),
        ));
        y += ROW;
        let alarms = lanes::alarms(sim, self.end);
        if !alarms.is_empty() {
            rows.push(self.heading(y, "Alarms"));
            y += ROW;
        }
        for lane in alarms {
            let title = lane
                .title
                .strip_prefix(self.name_prefix)
                .unwrap_or(&lane.title);
            let full = format!("Alarm `{}` ({})", lane.title, lane.resource);
            let segs = self.segments(y, &lane.segments, |_, v| {
                format!("seg alarm-{}", v.to_lowercase())
            });
            rows.push(self.row(y, title, &full, segs));
            y += ROW;
        }
        let machines = lanes::machines(sim);
        if !machines.is_empty() {
            rows.push(self.heading(y, "State machine steps"));
            y += ROW;
        }
        for lane in machines {
            let title = lane.title.clone();
            let full = format!("The steps of `{}`", lane.resource);
            let segs = self.segments(y, &lane.segments, |i, _| format!("seg step-{}", i % 2));
            rows.push(self.row(y, &title, &full, segs));
            y += ROW;
        }
        rows.push(self.heading(
            y,
            if self.compact {
                "Data at risk"
            } else {
                "Data at risk, by store"
            },
        ));
        y += ROW;
        for l in &sim.data_loss {
            let title = l
                .store
                .rsplit_once('/')
                .map_or(l.store.as_str(), |(_, n)| n);
            let text = loss_text(l);
            let (x0, x1) = (self.x(0), self.x(self.end));
            let bar = html! {
                <g class={classes!("seg", loss_class(l, self.over_rpo))}>
                    <rect x={x0.to_string()} y={(y + 3.0).to_string()} width={(x1 - x0).to_string()} height={(ROW - 7.0).to_string()} rx="2" />
                    <text x={(x0 + 4.0).to_string()} y={(y + 16.0).to_string()}>{ text.clone() }</text>
                </g>
            };
            rows.push(self.row(y, title, &format!("`{}` ({}) {text}", l.store, l.kind), bar));
            y += ROW;
        }
        let axis = y + 4.0;
        let height = axis + 40.0;
        let ticks: Vec<Html> = (0..=4)
            .map(|i| {
                let t = self.end * i / 4;
                let anchor = match i {
                    0 => "start",
                    4 => "end",
                    _ => "middle",
                };
                html! {
                    <g class="tick">
                        <line x1={self.x(t).to_string()} x2={self.x(t).to_string()} y1={axis.to_string()} y2={(axis + 5.0).to_string()} />
                        <text x={self.x(t).to_string()} y={(axis + 18.0).to_string()} text-anchor={anchor}>{ human_seconds(t as f64) }</text>
                    </g>
                }
            })
            .collect();
        let marks: Vec<Html> = sim
            .violations
            .iter()
            .map(|v| {
                let x = self.x(v.t);
                html! {
                    <g class="violation-mark" data-rule={v.id.clone()}>
                        <title>{ format!("{} at {}: {}", v.id, human_seconds(v.t as f64), v.message) }</title>
                        <line x1={x.to_string()} x2={x.to_string()} y1={TOP.to_string()} y2={axis.to_string()} />
                        <path d={format!("M{x} {} l6 9 l-6 9 l-6 -9 z", axis + 20.0)} />
                    </g>
                }
            })
            .collect();
        let cursor = self.x(self.t);
        html! {
            <svg class={classes!("lanes", self.compact.then_some("compact"))} viewBox={format!("0 0 {width} {height}")} role="img"
                aria-label={format!("The outage's lanes from 0 s to {}, at {}; {} violations marked", human_seconds(self.end as f64), human_seconds(self.t as f64), sim.violations.len())}>
                { for rows }
                <line class="axis" x1={left.to_string()} x2={(width - RIGHT).to_string()} y1={axis.to_string()} y2={axis.to_string()} />
                { for ticks }
                { for marks }
                <line class="cursor" x1={cursor.to_string()} x2={cursor.to_string()} y1={TOP.to_string()} y2={(axis + 5.0).to_string()} />
            </svg>
        }
    }
}
