//! The optimizer's text and Markdown reports (JSON is the report itself, serialized).

use std::fmt::Write;

use super::{Numbers, OptimizeReport, Point};
use crate::analysis::{human_seconds, usd};
use crate::model::Topology;

fn rpo(seconds: Option<f64>) -> String {
    seconds.map_or("unbounded".into(), human_seconds)
}

fn cost(n: &Numbers) -> String {
    if n.cost_complete {
        usd(n.cost)
    } else {
        format!("at least {}", usd(n.cost))
    }
}

fn changes(p: &Point) -> String {
    if p.changes.is_empty() {
        "the current design".into()
    } else {
        p.changes.join("; ")
    }
}

fn summary(t: &Topology, r: &OptimizeReport) -> String {
    let s = &r.search;
    let mut out = format!(
        "{} design{} on the front for `{}` ({} topologies analysed, {} rejected by error rules",
        r.points.len(),
        if r.points.len() == 1 { "" } else { "s" },
        t.name,
        s.evaluated,
        s.rejected
    );
    if s.front > r.points.len() {
        let _ = write!(out, ", {} outside the limits", s.front - r.points.len());
    }
    out.push(')');
    out
}

fn current(r: &OptimizeReport) -> String {
    let c = &r.current;
    let mut out = format!(
        "current: {} a month, RTO {}, RPO {} typical, {} bound",
        cost(c),
        rto_text(c.rto_seconds),
        rpo(c.rpo_typical_seconds),
        rpo(c.rpo_bound_seconds)
    );
    match (r.current_point, r.current_errors) {
        (_, n) if n > 0 => {
            let _ = write!(
                out,
                " ({n} error finding{}: `tandem check` lists them)",
                if n == 1 { "" } else { "s" }
            );
        }
        (Some(i), _) => {
            let _ = write!(out, " (on the front, #{})", i + 1);
        }
        (None, _) => {
            out.push_str(" (not on the front: a point below is at least as good on every number)")
        }
    }
    out
}

/// The front as a table for a terminal.
pub fn optimize_text(t: &Topology, r: &OptimizeReport) -> String {
    let mut out = format!("{}\n{}\n\n", summary(t, r), current(r));
    let _ = writeln!(
        out,
        "{:>3}  {:>12}  {:>12}  {:>12}  {:>16}  changes",
        "#", "cost/month", "RTO", "RPO typical", "RPO bound"
    );
    for (i, p) in r.points.iter().enumerate() {
        let _ = writeln!(
            out,
            "{:>3}  {:>12}  {:>12}  {:>12}  {:>16}  {}",
            i + 1,
            cost(&p.numbers),
            rto_text(p.numbers.rto_seconds),
            rpo(p.numbers.rpo_typical_seconds),
            rpo(p.numbers.rpo_bound_seconds),
            changes(p)
        );
    }
    if r.points.is_empty() {
        out.push_str(if r.search.front == 0 {
            "  (no design without an error finding: fix the input's first)\n"
        } else {
            "  (no design meets the limits)\n"
        });
    }
    out
}

/// The front as a Markdown table (the README's reference front).
pub fn optimize_markdown(t: &Topology, r: &OptimizeReport) -> String {
    let mut out = format!("{}.\n\n{}.\n\n", summary(t, r), current(r));
    out.push_str("| # | cost a month | RTO | RPO typical | RPO bound | changes from the current design |\n|---|---|---|---|---|---|\n");
    for (i, p) in r.points.iter().enumerate() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            i + 1,
            cost(&p.numbers),
            rto_text(p.numbers.rto_seconds),
            rpo(p.numbers.rpo_typical_seconds),
            rpo(p.numbers.rpo_bound_seconds),
            changes(p)
        );
    }
    out
}

/// The RTO for people; `-` when there is none (never recovered, or nothing to measure).
pub fn rto_text(s: Option<f64>) -> String {
    s.map_or("-".to_string(), human_seconds)
}
