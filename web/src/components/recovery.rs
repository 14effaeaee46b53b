//! Recovery: RPO per data store, and RTO as a waterfall of phases against the objective.

use tandem_engine::analysis::{bound_text, human_seconds};
use yew::prelude::*;

use crate::state::{Action, StateHandle};

const COLORS: [&str; 7] = [
    "#1f77b4", "#e07b00", "#7b4fb8", "#2a9d8f", "#c62828", "#5b6b7b", "#8c6d31",
];

#[component]
pub fn Recovery() -> Html {
    let Some(state) = use_context::<StateHandle>() else {
        return html! {};
    };
    let a = &state.analysis;
    let o = &state.topology.objectives;
    let fmt = |s: Option<f64>| s.map_or("unbounded".to_string(), human_seconds);
    let worst = a.rpo.worst;
    // An RTO that never ends is drawn to the end of the simulated horizon.
    let rto = a
        .rto
        .phases
        .last()
        .map_or(0.0, |p| p.start_seconds + p.seconds);
    let rto_text = a.rto.total_text();
    let objective = f64::from(o.rto_seconds);
    let scale = rto.max(objective).max(1.0);
    // Room for the longest phase title on the left and the longest duration on the right
    // (at most 7.5 px a character at 12 px), so no label is ever clipped.
    let chars = |t: &str| t.chars().count() as f64;
    let left = a
        .rto
        .phases
        .iter()
        .map(|p| chars(&p.title))
        .fold(chars("Total"), f64::max)
        * 7.5
        + 14.0;
    let right = a
        .rto
        .phases
        .iter()
        .map(|p| chars(&human_seconds(p.seconds)))
        .fold(chars("objective"), f64::max)
        * 7.5
        + 12.0;
    let width = (left + 420.0 + right).max(640.0);
    let row = 26.0;
    // The last row's room holds the objective's label, descenders included.
    let height = row * (a.rto.phases.len() as f64 + 2.0) + 18.0;
    let x = |s: f64| left + s / scale * (width - left - right);
    let label_x = (left - 10.0).to_string();
    let mut start = 0.0;
    let bars: Vec<Html> = a.rto.phases.iter().enumerate().map(|(i, p)| {
        let y = 10.0 + row * i as f64;
        let (x0, x1) = (x(start), x(start + p.seconds));
        start += p.seconds;
        let color = COLORS.get(i % COLORS.len()).copied().unwrap_or("#1f77b4");
        let state = state.clone();
        let path = p.path.clone();
        let onclick = Callback::from(move |_| state.dispatch(Action::Focus(path.clone())));
        html! {
            <g class="phase" {onclick}>
                <title>{ format!("{}: {} ({}) — {}", p.title, human_seconds(p.seconds), p.formula, p.source) }</title>
                <text x={label_x.clone()} y={(y + 17.0).to_string()} text-anchor="end">{ &p.title }</text>
                <rect x={x0.to_string()} y={(y + 4.0).to_string()} width={(x1 - x0).max(1.5).to_string()} height="18" fill={color} rx="2" />
                <text x={(x1 + 4.0).to_string()} y={(y + 17.0).to_string()} class="value">{ human_seconds(p.seconds) }</text>
            </g>
        }
    }).collect();
    let total_y = 10.0 + row * a.rto.phases.len() as f64;
    let ok = a.rto.meets(objective);
    html! {
        <section class="view recovery" id="recovery" aria-label="Recovery">
            <h3>{ tandem_engine::report::rpo_headline(a) }<span class="objective">{ format!(" objective {}", human_seconds(f64::from(o.rpo_seconds))) }</span></h3>
            <table class="rpo">
                <thead><tr><th>{ "Store" }</th><th>{ "Typical loss" }</th><th>{ "Bound" }</th><th>{ "Why" }</th></tr></thead>
                <tbody>
                    { for a.rpo.stores.iter().enumerate().map(|(i, s)| html! {
                        <tr class={classes!((Some(i) == worst).then_some("worst"), (!s.durable).then_some("in-flight"))}>
                            <td>{ &s.store }{ if s.durable { "" } else { " (in flight)" } }</td>
                            <td>{ fmt(s.typical_seconds) }</td>
                            <td>{ bound_text(s) }</td>
                            <td><a href={s.source.clone()} target="_blank" rel="noopener">{ &s.basis }</a></td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <h3>{ format!("RTO {rto_text}") }<span class="objective">{ format!(" objective {}, measured in a simulated regional outage", human_seconds(objective)) }</span></h3>
            <svg class="waterfall" viewBox={format!("0 0 {width} {height}")} role="img"
                aria-label={format!("RTO {rto_text} against an objective of {}", human_seconds(objective))}>
                { for bars }
                <g class="total">
                    <text x={label_x.clone()} y={(total_y + 17.0).to_string()} text-anchor="end">{ "Total" }</text>
                    <rect x={x(0.0).to_string()} y={(total_y + 4.0).to_string()} width={(x(rto) - x(0.0)).max(1.5).to_string()} height="18" class={if ok { "ok" } else { "bad" }} rx="2" />
                </g>
                <line x1={x(objective).to_string()} x2={x(objective).to_string()} y1="4" y2={(height - 18.0).to_string()} class="objective-line" />
                <text x={x(objective).to_string()} y={(height - 6.0).to_string()} text-anchor="middle" class="objective-label">{ "objective" }</text>
            </svg>
            <table class="steps timeline">
                <caption>{ format!("Simulated timeline: `{}` of the synthesized stacks", a.rto.scenario) }</caption>
                <thead><tr><th>{ "At" }</th><th>{ "Phase" }</th><th>{ "Where" }</th><th>{ "What happens" }</th></tr></thead>
                <tbody>
                    { for a.rto.phases.iter().flat_map(|p| p.events.iter().map(move |e| (p, e))).map(|(p, e)| html! {
                        <tr><td>{ human_seconds(e.t as f64) }</td><td>{ &p.title }</td><td>{ format!("{} {}", e.region, e.component) }</td><td>{ &e.event }{ if e.resource.is_empty() { String::new() } else { format!(" ({})", e.resource) } }</td></tr>
                    }) }
                </tbody>
            </table>
        </section>
    }
}
