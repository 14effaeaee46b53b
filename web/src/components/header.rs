//! The top bar: presets, undo and redo, import, export and the shareable link.

use tandem_engine::presets::PRESETS;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::services::{download::download, share};
use crate::state::{Action, Banner, StateHandle};

#[component]
pub fn Header() -> Html {
    let Some(state) = use_context::<StateHandle>() else {
        return html! {};
    };
    let on_preset = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Some(p) = PRESETS.iter().find(|p| p.id == select.value()) {
                state.dispatch(Action::Preset(p.id));
            }
            select.set_value("");
        })
    };
    let dispatch = |a: Action| {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(a.clone()))
    };
    let import = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            crate::services::file::read_file(&input, {
                let state = state.clone();
                move |name, text| {
                    state.dispatch(Action::Import {
                        text,
                        source: format!("`{name}`"),
                    })
                }
            });
            input.set_value("");
        })
    };
    let export = {
        let state = state.clone();
        Callback::from(move |_| {
            let name = format!(
                "{}-{}.topology.json",
                state.topology.name, state.topology.environment
            );
            let json = tandem_engine::to_json(&state.topology);
            if let Err(e) = download(&name, "application/json", json.as_bytes()) {
                state.dispatch(Action::Banner(Banner::Error(format!("Export failed: {e}"))));
            }
        })
    };
    let share_link = {
        let state = state.clone();
        Callback::from(move |_| {
            let banner = match share::to_location(&state.topology) {
                Some(link) => {
                    if let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) {
                        let _ = clipboard.write_text(&link);
                    }
                    Banner::Notice(format!("The link to this topology is in the address bar (and copied): {} characters, nothing sent anywhere", link.len()))
                }
                None => Banner::Error("Could not make a link".into()),
            };
            state.dispatch(Action::Banner(banner));
        })
    };
    let t = &state.topology;
    let designs = designs(&state);
    html! {
        <header class="topbar">
            <div class="brand">
                <img src="favicon.svg" alt="" width="28" height="28" />
                <h1>{ "Tandem" }</h1>
                <span class="tagline">{ "two-region DR console" }</span>
            </div>
            <div class="topology-name" id="topology-name">
                { format!("{} · {} · {} → {}", t.name, t.environment, t.primary.region, t.secondary.region) }
            </div>
            <nav class="actions" aria-label="Topology">
                <label for="preset" class="visually-hidden">{ "Load a preset" }</label>
                <select id="preset" onchange={on_preset}>
                    <option value="" selected=true disabled=true>{ "Load a preset…" }</option>
                    { for PRESETS.iter().map(|p| html! { <option value={p.id} title={p.summary}>{ p.title }</option> }) }
                </select>
                <button id="undo" onclick={dispatch(Action::Undo)} disabled={state.undo.is_empty()} title="Undo (Ctrl+Z)">{ "Undo" }</button>
                <button id="redo" onclick={dispatch(Action::Redo)} disabled={state.redo.is_empty()} title="Redo (Ctrl+Shift+Z)">{ "Redo" }</button>
                // The file input comes first: its keyboard focus ring is drawn on the label after it.
                <input id="import-file" class="visually-hidden" type="file" accept=".json,application/json" onchange={import} />
                <label class="button" for="import-file" title="Import a topology JSON file (or drop one on the page)">{ "Import" }</label>
                <button id="export" onclick={export}>{ "Export" }</button>
                <button id="share" onclick={share_link}>{ "Share link" }</button>
            </nav>
            { designs }
        </header>
    }
}

/// The designs kept in this browser, when there is more than one (a shared link opened beside
/// the work): switch between them, close one, reopen the one closed last.
fn designs(state: &StateHandle) -> Html {
    if state.designs.len() < 2 && state.closed.is_none() {
        return html! {};
    }
    let on_switch = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = select.value().parse::<usize>() {
                state.dispatch(Action::SwitchDesign(i));
            }
        })
    };
    let dispatch = |a: Action| {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(a.clone()))
    };
    let names = state.designs.iter().enumerate().map(|(i, d)| {
        let d = if i == state.active {
            &state.topology
        } else {
            d
        };
        html! {
            <option value={i.to_string()} selected={i == state.active}>
                { format!("{}. {} · {}", i + 1, d.name, d.environment) }
            </option>
        }
    });
    let reopen = state.closed.as_ref().map(|c| {
        html! { <button id="reopen-design" onclick={dispatch(Action::ReopenDesign)}>{ format!("Reopen `{}`", c.name) }</button> }
    });
    html! {
        <nav class="designs" aria-label="Designs in this browser">
            if state.designs.len() > 1 {
                <label for="design">{ "Design" }</label>
                <select id="design" onchange={on_switch}>{ for names }</select>
                <button id="close-design" onclick={dispatch(Action::CloseDesign)} title="Close this design; Reopen brings it back until the next close or a reload">{ "Close" }</button>
            }
            { for reopen }
        </nav>
    }
}
