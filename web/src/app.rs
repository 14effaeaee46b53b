//! The console's shell: state in a context, the layout, and the effects that touch the
//! browser (autosave, the URL, keyboard shortcuts, drag and drop).

use tandem_engine::editor::Group;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::cost::Cost;
use crate::components::diagram::Diagram;
use crate::components::editor::Editor;
use crate::components::findings::Findings;
use crate::components::header::Header;
use crate::components::recovery::Recovery;
use crate::components::summary::Summary;
use crate::components::templates::Templates;
use crate::components::tradeoffs::Tradeoffs;
use crate::services::{share, storage};
use crate::state::{Action, Banner, State, View};

/// The console's state, shared through a context.
pub type StateHandle = UseReducerHandle<State>;

/// Where the console starts: a shared link, else the autosave, else the reference topology.
/// A link that cannot be read shows why and keeps the autosaved work.
fn initial() -> State {
    let saved = storage::load();
    let (base, notice) = match saved {
        Some(r) => (r.topology, r.notice.map(Banner::Notice)),
        None => (tandem_engine::presets::reference(), None),
    };
    match share::from_location() {
        Some(Ok(text)) => {
            let state = State::new(base, notice);
            let state = std::rc::Rc::new(state);
            let next = yew::Reducible::reduce(
                state,
                Action::Import {
                    text,
                    source: "the shared link".into(),
                },
            );
            share::clear_location();
            (*next).clone()
        }
        Some(Err(e)) => {
            share::clear_location();
            State::new(
                base,
                Some(Banner::Error(format!(
                    "Could not open the shared link: {e}. Your work is unchanged."
                ))),
            )
        }
        None => State::new(base, notice),
    }
}

/// A path and its enclosing paths, nearest first:
/// `functions[0].calls[4]` -> `functions[0].calls[4]`, `functions[0].calls`, `functions[0]`, `functions`.
pub fn path_and_parents(path: &str) -> Vec<String> {
    let mut out = vec![path.to_string()];
    let mut p = path.to_string();
    while let Some(i) = p.rfind(['.', '[']) {
        p.truncate(i);
        if p.is_empty() {
            break;
        }
        out.push(p.clone());
    }
    out
}

/// Focuses and shows the field at this path, or the nearest enclosing one that is on screen
/// (a finding about one entry of a list shows the list).
pub fn focus_element(path: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(el) = path_and_parents(path)
        .iter()
        .find_map(|p| document.get_element_by_id(p))
    else {
        return;
    };
    let options = web_sys::ScrollIntoViewOptions::new();
    options.set_block(web_sys::ScrollLogicalPosition::Center);
    el.scroll_into_view_with_scroll_into_view_options(&options);
    if let Some(h) = el.dyn_ref::<web_sys::HtmlElement>() {
        let _ = h.focus();
    }
}

/// Reads the first file chosen in `input` as text.
pub fn read_file(input: &HtmlInputElement, done: impl FnOnce(String, String) + 'static) {
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    read_web_file(file, done);
}

pub fn read_web_file(file: web_sys::File, done: impl FnOnce(String, String) + 'static) {
    let file = gloo::file::File::from(file);
    yew::platform::spawn_local(async move {
        let name = file.name();
        match gloo::file::futures::read_as_text(&file).await {
            Ok(text) => done(name, text),
            Err(e) => done(name, format!("<unreadable file: {e}>")),
        }
    });
}

#[component]
pub fn App() -> Html {
    let state = use_reducer(initial);
    // Autosave every change of the topology.
    {
        let topology = state.topology.clone();
        use_effect_with(topology, storage::save);
    }
    // Undo and redo from the keyboard, outside text fields (which keep their own undo).
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            let document = web_sys::window().and_then(|w| w.document());
            let listener = document.map(|d| {
                gloo::events::EventListener::new(&d, "keydown", move |e| {
                    let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                        return;
                    };
                    let in_text = e
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .is_some_and(|el| {
                            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                        });
                    if in_text || !(e.ctrl_key() || e.meta_key()) {
                        return;
                    }
                    match (e.key().as_str(), e.shift_key()) {
                        ("z" | "Z", false) => {
                            e.prevent_default();
                            state.dispatch(Action::Undo);
                        }
                        ("z" | "Z", true) | ("y", _) => {
                            e.prevent_default();
                            state.dispatch(Action::Redo);
                        }
                        _ => {}
                    }
                })
            });
            // Time to interactive, for the end-to-end test and the curious.
            if let Some(w) = web_sys::window() {
                if let Some(p) = w.performance() {
                    let _ = js_sys::Reflect::set(&w, &"__tandemReady".into(), &p.now().into());
                }
            }
            move || drop(listener)
        });
    }
    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
    let ondrop = {
        let state = state.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            let Some(file) = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0))
            else {
                return;
            };
            let state = state.clone();
            read_web_file(file, move |name, text| {
                state.dispatch(Action::Import {
                    text,
                    source: format!("`{name}`"),
                })
            });
        })
    };
    let banner = state.banner.clone().map(|b| {
        let dismiss = {
            let state = state.clone();
            Callback::from(move |_| state.dispatch(Action::DismissBanner))
        };
        let (class, text, role) = match b {
            Banner::Notice(t) => ("notice", t, "status"),
            Banner::Error(t) => ("error", t, "alert"),
        };
        html! {
            <div class={classes!("banner", class)} id="banner" role={role}>
                <span>{ text }</span>
                <button onclick={dismiss} aria-label="Dismiss">{ "×" }</button>
            </div>
        }
    });
    let group_tab = |g: Group| {
        let state = state.clone();
        let selected = state.group == g;
        let onclick = Callback::from(move |_| state.dispatch(Action::Group(g)));
        html! { <button role="tab" aria-selected={selected.to_string()} class={classes!(selected.then_some("active"))} {onclick}>{ g.title() }</button> }
    };
    let view_tab = |v: View| {
        let selected = state.view == v;
        let badge = if v == View::Findings {
            format!(" ({})", state.report.findings.len())
        } else {
            String::new()
        };
        let state = state.clone();
        let onclick = Callback::from(move |_| state.dispatch(Action::View(v)));
        html! { <button role="tab" id={format!("tab-{}", v.id())} aria-selected={selected.to_string()} class={classes!(selected.then_some("active"))} {onclick}>{ format!("{}{badge}", v.title()) }</button> }
    };
    let view = match state.view {
        View::Findings => html! { <Findings /> },
        View::Recovery => html! { <Recovery /> },
        View::Cost => html! { <Cost /> },
        View::Diagram => html! { <Diagram /> },
        View::Templates => html! { <Templates /> },
        View::Tradeoffs => html! { <Tradeoffs /> },
    };
    html! {
        <ContextProvider<StateHandle> context={state.clone()}>
            <div class="app" {ondragover} {ondrop}>
                <Header />
                { for banner }
                <main class="layout">
                    <Summary />
                    <section class="edit-pane" aria-label="Edit the topology">
                        <div class="tabs" role="tablist" aria-label="Editors">{ for Group::ALL.into_iter().map(group_tab) }</div>
                        <Editor group={state.group} />
                    </section>
                    <section class="view-pane" aria-label="What the engine says">
                        <div class="tabs" role="tablist" aria-label="Views">{ for View::ALL.into_iter().map(view_tab) }</div>
                        { view }
                    </section>
                </main>
                <footer class="foot">{ "Everything runs in this page: no server, no AWS credentials, nothing leaves the browser. Drop a topology JSON file anywhere to import it." }</footer>
            </div>
        </ContextProvider<StateHandle>>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn paths_climb_to_their_parents() {
        assert_eq!(
            super::path_and_parents("functions[0].calls[4]"),
            [
                "functions[0].calls[4]",
                "functions[0].calls",
                "functions[0]",
                "functions"
            ]
        );
        assert_eq!(super::path_and_parents("name"), ["name"]);
    }
}
