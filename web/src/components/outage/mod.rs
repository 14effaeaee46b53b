//! Outage: play one of the engine's outage scenarios against the synthesized stacks and
//! watch it as lanes (what the public name answers, which region writes, each alarm, each
//! state machine's steps, each store's data at risk) on one time axis; scrub or play it; the
//! violations are marked on the axis and listed, each linking to its template resource and,
//! where one field decides it, to that field. The regional outage is the run the analysis
//! measured the RTO on; another scenario is played only while this view is shown, once per
//! topology and scenario. Every number and verdict is the engine's (`tandem_engine::simulate`).

mod chart;
pub mod lanes;

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Interval;
use tandem_engine::analysis::human_seconds;
use tandem_engine::simulate::{Scenario, Simulation, VIOLATIONS};
use tandem_engine::Topology;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::state::{Action, Same, StateHandle};

thread_local! {
    /// The last simulation, so reopening the view on the same topology and scenario costs
    /// nothing.
    static LAST: RefCell<Option<(Topology, Scenario, Rc<Simulation>)>> = const { RefCell::new(None) };
}

/// The simulation of `scenario` on `t`, from the cache when it is the last one asked for.
pub fn simulated(t: &Topology, scenario: Scenario) -> Rc<Simulation> {
    let cached = LAST.with(|c| {
        c.borrow()
            .as_ref()
            .filter(|(lt, ls, _)| *ls == scenario && lt == t)
            .map(|(_, _, s)| s.clone())
    });
    cached.unwrap_or_else(|| {
        let sim = Rc::new(crate::state::simulate(t, scenario));
        LAST.with(|c| *c.borrow_mut() = Some((t.clone(), scenario, sim.clone())));
        sim
    })
}

/// The scrubbed second and whether it plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Clock {
    t: u64,
    playing: bool,
}

enum Tick {
    Seek(u64),
    /// Play on by `by` seconds, stopping at `end`.
    Step {
        by: u64,
        end: u64,
    },
    Toggle {
        end: u64,
    },
}

impl Reducible for Clock {
    type Action = Tick;

    fn reduce(self: Rc<Self>, action: Tick) -> Rc<Self> {
        Rc::new(match action {
            Tick::Seek(t) => Clock { t, playing: false },
            Tick::Step { by, end } => {
                let t = (self.t + by).min(end);
                Clock {
                    t,
                    playing: self.playing && t < end,
                }
            }
            // Play from the start again once the end is reached.
            Tick::Toggle { end } if !self.playing && self.t >= end => Clock {
                t: 0,
                playing: true,
            },
            Tick::Toggle { .. } => Clock {
                t: self.t,
                playing: !self.playing,
            },
        })
    }
}

/// A window too narrow for the wide chart (the console's narrow layout starts at 900 px; the
/// wide chart needs about 700).
fn is_narrow() -> bool {
    web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|v| v.as_f64())
        .is_some_and(|w| w < 600.0)
}

/// The readout's and the list's words for a second.
fn at_text(t: u64) -> String {
    human_seconds(t as f64)
}

#[component]
pub fn Outage() -> Html {
    let state = use_context::<StateHandle>();
    let scenario = use_state(|| Scenario::RegionOutage);
    // The regional outage is the very run the RTO was measured on: shown as it is. Other
    // scenarios are played here, once per topology and scenario.
    let deps = state.as_ref().map(|s| {
        let measured = s
            .outage
            .clone()
            .filter(|_| *scenario == Scenario::RegionOutage);
        (Same(s.topology.clone()), *scenario, measured.map(Same))
    });
    let sim = use_memo(deps, |deps| {
        deps.as_ref().map(|(t, s, measured)| match measured {
            Some(m) => m.0.clone(),
            None => simulated(&t.0, *s),
        })
    });
    let clock = use_reducer(Clock::default);
    let narrow = use_state_eq(is_narrow);
    {
        let narrow = narrow.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                gloo::events::EventListener::new(&w, "resize", move |_| narrow.set(is_narrow()))
            });
            move || drop(listener)
        });
    }
    let end = (*sim).as_ref().map_or(60, |s| lanes::end_of(s));
    // Playing: a tenth of a second a frame, the whole run in ten seconds.
    {
        let clock = clock.clone();
        use_effect_with((clock.playing, end), move |(playing, end)| {
            let end = *end;
            let interval = playing.then(|| {
                Interval::new(100, move || {
                    clock.dispatch(Tick::Step {
                        by: (end / 100).max(1),
                        end,
                    })
                })
            });
            move || drop(interval)
        });
    }
    let (Some(state), Some(sim)) = (state, (*sim).clone()) else {
        return html! {};
    };
    let t = clock.t.min(end);
    let o = &state.topology.objectives;
    let rules = |ids: &[&str]| sim.violations.iter().any(|v| ids.contains(&v.id.as_str()));
    let choose = {
        let scenario = scenario.clone();
        let clock = clock.clone();
        Callback::from(move |e: Event| {
            let value = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
                .map(|s| s.value());
            if let Some(s) = value.as_deref().and_then(Scenario::parse) {
                scenario.set(s);
                clock.dispatch(Tick::Seek(0));
            }
        })
    };
    let scrub = {
        let clock = clock.clone();
        Callback::from(move |e: InputEvent| {
            let value = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|i| i.value().parse::<u64>().ok());
            if let Some(v) = value {
                clock.dispatch(Tick::Seek(v));
            }
        })
    };
    let toggle = {
        let clock = clock.clone();
        Callback::from(move |_| clock.dispatch(Tick::Toggle { end }))
    };
    let seek = |to: u64| {
        let clock = clock.clone();
        Callback::from(move |_| clock.dispatch(Tick::Seek(to)))
    };
    // The readout: each lane's value at the scrubbed second.
    let dns = lanes::steps(&sim.dns, end);
    let writer = lanes::steps(&sim.writer, end);
    let alarms = lanes::alarms(&sim, end);
    let machines = lanes::machines(&sim);
    let now = |segments: &[lanes::Segment]| lanes::at(segments, t).unwrap_or("—").to_string();
    let events = lanes::events_until(&sim, t);
    let rto_met = !rules(&["E6007", "E6008"]);
    let rto_text = sim.rto_seconds.map_or(
        "never: writes do not succeed again within the 6 h played".to_string(),
        |s| human_seconds(s as f64),
    );
    let over_rpo: Vec<&str> = sim
        .violations
        .iter()
        .filter(|v| v.id == "E6009")
        .map(|v| v.resource.as_str())
        .collect();
    let name_prefix = format!(
        "{}-{}-",
        state.topology.naming.prefix, state.topology.environment
    );
    let chart = chart::Chart {
        sim: &sim,
        end,
        t,
        primary: &state.topology.primary.region,
        secondary: &state.topology.secondary.region,
        over_rpo: &over_rpo,
        name_prefix: &name_prefix,
        compact: *narrow,
    };
    let violations: Vec<Html> = sim.violations.iter().map(|v| {
        let title = VIOLATIONS.iter().find(|m| m.id == v.id).map_or("", |m| m.title);
        let template = lanes::stack_and_logical(&v.resource).map(|(stack, logical)| {
            let state = state.clone();
            let resource = v.resource.clone();
            let onclick = Callback::from(move |_| state.dispatch(Action::ShowResource(resource.clone())));
            html! { <button class="link template-link" {onclick}>{ format!("Show `{logical}` in the {stack} template") }</button> }
        });
        let field = lanes::field_of(&v.id).map(|path| {
            let state = state.clone();
            let key = path.rsplit('.').next().unwrap_or(path);
            let label = crate::labels::field_label(path, key);
            let onclick = Callback::from(move |_| state.dispatch(Action::Focus(path.to_string())));
            html! { <button class="link field-link" data-path={path} {onclick}>{ format!("Edit {label}") }</button> }
        });
        html! {
            <li class="violation" data-rule={v.id.clone()} data-resource={v.resource.clone()}>
                <span class="rule">{ &v.id }</span>
                <strong>{ title }</strong>
                <button class="link at" onclick={seek(v.t.min(end))} title="Move the timeline to this second">{ format!("at {}", at_text(v.t)) }</button>
                <p class="message">{ &v.message }</p>
                <div class="violation-links">{ for template }{ for field }</div>
            </li>
        }
    }).collect();
    html! {
        <section class="view outage" id="outage" aria-label="Outage">
            <div class="toolbar">
                <label for="outage-scenario">{ "Scenario" }</label>
                <select id="outage-scenario" onchange={choose}>
                    { for Scenario::ALL.iter().map(|s| html! {
                        <option value={s.name()} selected={*s == *scenario}>{ format!("{}: {}", s.name(), s.description()) }</option>
                    }) }
                </select>
            </div>
            <dl class="outage-results">
                <dt>{ "Measured RTO" }</dt>
                <dd><span id="outage-rto" data-seconds={sim.rto_seconds.map(|s| s.to_string())}>{ rto_text }</span>
                    <span class={classes!("verdict", if rto_met { "ok" } else { "bad" })}>{ format!(" — objective {}: {}", human_seconds(f64::from(o.rto_seconds)), if rto_met { "met" } else { "missed" }) }</span></dd>
                <dt>{ "Data loss" }</dt>
                <dd>
                    <ul class="losses" id="outage-losses">
                        { for sim.data_loss.iter().map(|l| {
                            let beyond = over_rpo.contains(&l.store.as_str());
                            html! {
                                <li class={chart::loss_class(l, &over_rpo)} data-store={l.store.clone()} data-seconds={l.seconds.map(|s| s.to_string())}>
                                    { format!("`{}` {}", l.store, chart::loss_text(l)) }
                                    if l.durable { { format!(" — objective {}: {}", human_seconds(f64::from(o.rpo_seconds)), if beyond { "missed" } else { "met" }) } }
                                </li>
                            }
                        }) }
                    </ul>
                </dd>
                <dt>{ "Client writes" }</dt>
                <dd>{ format!("{} s served, {} s rejected, {} s failed", sim.requests.served, sim.requests.rejected, sim.requests.errors) }</dd>
            </dl>
            <div class="scrubber">
                <button id="outage-play" onclick={toggle}>{ if clock.playing { "Pause" } else { "Play" } }</button>
                <label for="outage-time">{ "Time" }</label>
                <input type="range" id="outage-time" min="0" max={end.to_string()} step="1" value={t.to_string()}
                    aria-valuetext={at_text(t)} oninput={scrub} />
                <output for="outage-time" id="outage-at">{ at_text(t) }</output>
            </div>
            <div class="lanes-scroll" tabindex="0" role="group" aria-label="Lanes">{ chart.render() }</div>
            <p class="legend">{ "Regions: " }<span class="swatch in-primary-swatch"></span>{ format!(" {} (primary) ", state.topology.primary.region) }
                <span class="swatch in-secondary-swatch"></span>{ format!(" {} (secondary). Data: ", state.topology.secondary.region) }
                <span class="swatch loss-bad-swatch"></span>{ " beyond the RPO objective, " }<span class="swatch loss-flight-swatch"></span>{ " in flight (not judged); each store's bar is the engine's loss for the whole scenario, not second by second. Red marks: violations." }</p>
            <div class="readout" id="outage-readout">
                <h3>{ format!("At {}", at_text(t)) }</h3>
                <ul>
                    <li>{ "The public name answers " }<strong id="outage-dns">{ now(&dns) }</strong></li>
                    <li>{ "Writer region: " }<strong id="outage-writer">{ now(&writer) }</strong></li>
                    { for alarms.iter().map(|a| html! { <li>{ format!("Alarm `{}`: ", a.title) }<strong>{ now(&a.segments) }</strong></li> }) }
                    { for machines.iter().map(|m| html! { <li>{ format!("`{}` step: ", m.title) }<strong>{ lanes::at(&m.segments, t).filter(|_| m.segments.iter().any(|s| s.start <= t && t < s.end)).unwrap_or("not running").to_string() }</strong></li> }) }
                </ul>
                <div class="events-scroll" tabindex="0" role="group" aria-label="Events up to this second">
                <table class="steps timeline events">
                    <caption>{ format!("{} of {} events up to {} (newest first)", events.len(), sim.timeline.len(), at_text(t)) }</caption>
                    <thead><tr><th>{ "At" }</th><th>{ "Where" }</th><th>{ "What happens" }</th></tr></thead>
                    <tbody>
                        { for events.iter().rev().map(|e| html! {
                            <tr><td>{ at_text(e.t) }</td><td>{ format!("{} {}", e.region, e.component) }</td><td>{ &e.event }{ if e.resource.is_empty() { String::new() } else { format!(" ({})", e.resource) } }</td></tr>
                        }) }
                    </tbody>
                </table>
                </div>
            </div>
            <h3>{ if sim.violations.is_empty() { "No violation in this scenario".to_string() } else { format!("{} violations", sim.violations.len()) } }</h3>
            <ul class="violations" id="outage-violations">{ for violations }</ul>
            if !sim.notes.is_empty() {
                <ul class="notes">{ for sim.notes.iter().map(|n| html! { <li class="hint">{ n }</li> }) }</ul>
            }
        </section>
    }
}
