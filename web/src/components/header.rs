use tandem_engine::presets::PRESETS;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::app::StateHandle;
use crate::state::Action;

#[component]
pub fn Header() -> Html {
    let Some(state) = use_context::<StateHandle>() else {
        return html! {};
    };
    let on_preset = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<HtmlSelectElement>() else {
                return;
            };
            if let Some(p) = PRESETS.iter().find(|p| p.id == select.value()) {
                state.dispatch(Action::Preset(p.id));
            }
        })
    };
    let undo = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::Undo))
    };
    let redo = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::Redo))
    };
    let t = &state.topology;
    html! {
        <header class="topbar">
            <div class="brand">
                <img src="favicon.svg" alt="" width="28" height="28" />
                <h1>{ "Tandem" }</h1>
                <span class="tagline">{ "two-region DR console" }</span>
            </div>
            <div class="topology-name" id="topology-name">
                { format!("{} · {} → {}", t.name, t.primary.region, t.secondary.region) }
            </div>
            <div class="actions">
                <label for="preset">{ "Preset" }</label>
                <select id="preset" onchange={on_preset}>
                    <option value="" selected=true disabled=true>{ "Load a preset…" }</option>
                    { for PRESETS.iter().map(|p| html! {
                        <option value={p.id} title={p.summary}>{ p.title }</option>
                    }) }
                </select>
                <button id="undo" onclick={undo} disabled={state.undo.is_empty()}>{ "Undo" }</button>
                <button id="redo" onclick={redo} disabled={state.redo.is_empty()}>{ "Redo" }</button>
            </div>
        </header>
    }
}
