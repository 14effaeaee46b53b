//! Trade-offs: the optimizer's front as a scatter of monthly cost against RTO (typical RPO as
//! colour), with the dominated designs in grey, the current design, the RTO objective and the
//! budget drawn in. Hovering a point shows its numbers and changes; choosing one shows its
//! edits, and Apply makes them one undoable step. Every number is the engine's (`tandem_engine::optimize`).
//!
//! The search runs in a task after the render that shows an edit's new numbers, so the
//! numbers never wait for it; an edit before it ran cancels it (one search per burst). Until
//! it has run, the front shown is the previous design's, marked as such, and cannot be applied.

use std::rc::Rc;

use tandem_engine::analysis::{human_seconds, usd};
use tandem_engine::optimize::{optimize, rto_text, Limits, Numbers, Point};
use tandem_engine::rules::Edit;
use tandem_engine::Fix;
use tandem_engine::{OptimizeReport, Topology};
use yew::prelude::*;

use crate::state::{Action, StateHandle};

fn rpo(s: Option<f64>) -> String {
    s.map_or("unbounded".into(), human_seconds)
}

/// A colour class by typical RPO: seconds, minutes, hours, unbounded.
fn rpo_class(n: &Numbers) -> &'static str {
    match n.rpo_typical_seconds {
        Some(s) if s <= 60.0 => "rpo-seconds",
        Some(s) if s <= 3600.0 => "rpo-minutes",
        Some(_) => "rpo-hours",
        None => "rpo-unbounded",
    }
}

fn describe(n: &Numbers) -> String {
    format!(
        "{} a month, RTO {}, RPO {} typical, {} bound",
        usd(n.cost),
        rto_text(n.rto_seconds),
        rpo(n.rpo_typical_seconds),
        rpo(n.rpo_bound_seconds)
    )
}

fn edit_text(e: &Edit) -> String {
    match e {
        Edit::Set { path, value } => format!("{path} = {value}"),
        Edit::Remove { path } => format!("remove {path}"),
        Edit::Push { path, value } => format!("{path} += {value}"),
    }
}

fn changes(p: &Point) -> String {
    if p.changes.is_empty() {
        "the current design".into()
    } else {
        p.changes.join("; ")
    }
}

#[component]
pub fn Tradeoffs() -> Html {
    let selected = use_state(|| None::<usize>);
    let state = use_context::<StateHandle>();
    // The front and the design it was searched for.
    let searched = use_state(|| None::<Rc<(Rc<Topology>, OptimizeReport)>>);
    {
        let searched = searched.clone();
        let deps = state
            .as_ref()
            .map(|s| (s.topology.clone(), s.prices.clone()));
        use_effect_with(deps, move |deps| {
            let deps = deps.clone();
            let run = gloo::timers::callback::Timeout::new(0, move || {
                if let Some((t, p)) = deps {
                    let report = optimize(&t, &p, &Limits::default());
                    searched.set(Some(Rc::new((t, report))));
                }
            });
            move || drop(run)
        });
    }
    let Some(state) = state else {
        return html! {};
    };
    let Some(done) = (*searched).clone() else {
        return html! {
            <section class="view tradeoffs" id="tradeoffs" aria-label="Trade-offs" aria-busy="true">
                <p class="hint">{ "Searching for the designs no other beats…" }</p>
            </section>
        };
    };
    let stale = !Rc::ptr_eq(&done.0, &state.topology) && done.0 != state.topology;
    let r = &done.1;
    let o = &state.topology.objectives;
    let budget = o.monthly_budget_usd.get();
    let objective = f64::from(o.rto_seconds);
    let numbers = || {
        r.points
            .iter()
            .map(|p| &p.numbers)
            .chain(&r.dominated)
            .chain([&r.current])
    };
    let max_rto = numbers()
        .filter_map(|n| n.rto_seconds)
        .chain([objective])
        .fold(1.0, f64::max)
        * 1.05;
    let max_cost = numbers()
        .map(|n| n.cost)
        .chain([budget])
        .fold(1.0, f64::max)
        * 1.05;
    let (width, height, left, bottom) = (640.0, 320.0, 80.0, 30.0);
    let x = |s: f64| left + s / max_rto * (width - left - 10.0);
    let y = |c: f64| (height - bottom) - c / max_cost * (height - bottom - 10.0);
    let choose = |i: usize| {
        let selected = selected.clone();
        Callback::from(move |_| selected.set(Some(i)))
    };
    let dots: Vec<Html> = r
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let n = &p.numbers;
            html! {
                <circle class={classes!("point", rpo_class(n), (*selected == Some(i)).then_some("selected"))}
                    cx={x(n.rto_seconds.unwrap_or(max_rto)).to_string()} cy={y(n.cost).to_string()} r="6" onclick={choose(i)}>
                    <title>{ format!("#{}: {}\n{}", i + 1, describe(n), changes(p)) }</title>
                </circle>
            }
        })
        .collect();
    let greyed: Vec<Html> = r
        .dominated
        .iter()
        .map(|n| {
            html! {
                <circle class="dominated" cx={x(n.rto_seconds.unwrap_or(max_rto)).to_string()} cy={y(n.cost).to_string()} r="4">
                    <title>{ format!("dominated: {}", describe(n)) }</title>
                </circle>
            }
        })
        .collect();
    let current_class = if r.current_point.is_some() {
        "current"
    } else {
        "current dominated"
    };
    let (cx, cy) = (
        x(r.current.rto_seconds.unwrap_or(max_rto)),
        y(r.current.cost),
    );
    let detail = (*selected).and_then(|i| r.points.get(i).map(|p| (i, p))).map(|(i, p)| {
        let fix = Fix {
            title: format!("trade-off #{} ({})", i + 1, changes(p)),
            edits: p.edits.clone(),
        };
        let apply = {
            let state = state.clone();
            let selected = selected.clone();
            Callback::from(move |_| {
                state.dispatch(Action::ApplyFix(fix.clone()));
                selected.set(None);
            })
        };
        html! {
            <div class="tradeoff-detail" id="tradeoff-detail">
                <h4>{ format!("#{}: {}", i + 1, describe(&p.numbers)) }</h4>
                <p>{ changes(p) }</p>
                <ul class="edits">
                    { for p.edits.iter().map(|e| html! { <li><code>{ edit_text(e) }</code></li> }) }
                </ul>
                <button class="apply" id="apply-tradeoff" onclick={apply} disabled={p.edits.is_empty() || stale}>
                    { format!("Apply these {} edits", p.edits.len()) }
                </button>
            </div>
        }
    });
    html! {
        <section class="view tradeoffs" id="tradeoffs" aria-label="Trade-offs" aria-busy={stale.to_string()}>
            if stale {
                <p class="hint" id="tradeoffs-stale">{ "Updating: the front below is the previous design's until the search for this one has run." }</p>
            }
            <h3>{ format!("{} designs no other beats on cost, RTO and RPO", r.points.len()) }
                <span class="objective">{ format!(" ({} analysed)", r.search.evaluated) }</span></h3>
            <p class="current-numbers">{ format!("Current design: {}{}", describe(&r.current),
                if r.current_point.is_some() { "" } else { " — dominated: some design below is at least as good on every number" }) }</p>
            <svg class="scatter" viewBox={format!("0 0 {width} {height}")} role="img"
                aria-label="Monthly cost against RTO for each design on the front">
                <line class="axis" x1={left.to_string()} x2={(width - 10.0).to_string()} y1={(height - bottom).to_string()} y2={(height - bottom).to_string()} />
                <line class="axis" x1={left.to_string()} x2={left.to_string()} y1="10" y2={(height - bottom).to_string()} />
                <text x={(width - 10.0).to_string()} y={(height - 8.0).to_string()} text-anchor="end">{ format!("RTO (to {})", human_seconds(max_rto)) }</text>
                <text x={(left - 6.0).to_string()} y="20" text-anchor="end">{ usd(max_cost) }</text>
                <text x={(left - 6.0).to_string()} y={(height - bottom).to_string()} text-anchor="end">{ "$0" }</text>
                <line class="objective-line" x1={x(objective).to_string()} x2={x(objective).to_string()} y1="10" y2={(height - bottom).to_string()} />
                <text class="objective-label" x={x(objective).to_string()} y="10" text-anchor="middle">{ "RTO objective" }</text>
                <line class="objective-line" x1={left.to_string()} x2={(width - 10.0).to_string()} y1={y(budget).to_string()} y2={y(budget).to_string()} />
                <text class="objective-label" x={(width - 10.0).to_string()} y={(y(budget) - 4.0).to_string()} text-anchor="end">{ "budget" }</text>
                <rect class={current_class} x={(cx - 6.0).to_string()} y={(cy - 6.0).to_string()} width="12" height="12">
                    <title>{ format!("current design: {}", describe(&r.current)) }</title>
                </rect>
                { for greyed }
                { for dots }
            </svg>
            <p class="legend">{ "Colour: typical RPO in " }
                <span class="rpo-seconds">{ "seconds" }</span>{ ", " }<span class="rpo-minutes">{ "minutes" }</span>{ ", " }
                <span class="rpo-hours">{ "hours" }</span>{ ", " }<span class="rpo-unbounded">{ "unbounded" }</span>
                { ". Grey: designs analysed that a coloured one beats. The square is the current design (grey when dominated)." }</p>
            { for detail }
            <table class="front">
                <thead><tr><th>{ "#" }</th><th>{ "Cost a month" }</th><th>{ "RTO" }</th><th>{ "RPO typical" }</th><th>{ "RPO bound" }</th><th>{ "Changes" }</th></tr></thead>
                <tbody>
                    { for r.points.iter().enumerate().map(|(i, p)| html! {
                        <tr class={classes!((*selected == Some(i)).then_some("selected"))} data-point={i.to_string()} onclick={choose(i)}>
                            <td>{ (i + 1).to_string() }</td>
                            <td class="cost">{ usd(p.numbers.cost) }</td>
                            <td class="rto">{ rto_text(p.numbers.rto_seconds) }</td>
                            <td class="rpo">{ rpo(p.numbers.rpo_typical_seconds) }</td>
                            <td>{ rpo(p.numbers.rpo_bound_seconds) }</td>
                            <td>{ changes(p) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </section>
    }
}
