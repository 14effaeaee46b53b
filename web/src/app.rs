//! The console's shell: state in a context, the layout, and the effects that touch the
//! browser (autosave, the URL, keyboard shortcuts, drag and drop).

use gloo::events::{EventListener, EventListenerOptions};
use tandem_engine::editor::Group;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::cost::Cost;
use crate::components::diagram::Diagram;
use crate::components::editor::Editor;
use crate::components::findings::Findings;
use crate::components::header::Header;
use crate::components::outage::Outage;
use crate::components::recovery::Recovery;
use crate::components::summary::Summary;
use crate::components::tabs::{tab_list, Tab};
use crate::components::templates::Templates;
use crate::components::tradeoffs::Tradeoffs;
use crate::services::dom::focus_element;
use crate::services::file::read_web_file;
use crate::services::{share, storage};
use crate::state::{Action, Banner, LinkChoice, State, StateHandle, View};

/// The question a shared link asks when it differs from the design being edited. Escape keeps
/// the work, as "Keep mine" does.
fn link_dialog(state: &StateHandle) -> Html {
    let Some(link) = state.link.as_ref() else {
        return html! {};
    };
    let choose = |c: LinkChoice| {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::Link(c)))
    };
    let onkeydown = {
        let state = state.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                state.dispatch(Action::Link(LinkChoice::KeepMine));
            }
        })
    };
    let t = &state.topology;
    html! {
        <section class="link-dialog" id="link-dialog" role="dialog" aria-labelledby="link-title" aria-describedby="link-what" {onkeydown}>
            <h2 id="link-title">{ "A shared link opened a different design" }</h2>
            <p id="link-what">
                { format!("The link holds `{}` ({}, {} → {}). You are editing `{}`. What should happen?",
                    link.name, link.environment, link.primary.region, link.secondary.region, t.name) }
            </p>
            <div class="choices">
                <button id="link-keep" onclick={choose(LinkChoice::KeepMine)}>{ format!("Keep `{}`", t.name) }</button>
                <button id="link-open" onclick={choose(LinkChoice::Open)} title="Undo brings your design back">{ "Open the link instead" }</button>
                <button id="link-both" onclick={choose(LinkChoice::OpenBoth)} title="Your design is kept as it is; switch between them with Design in the top bar">{ "Open both" }</button>
            </div>
        </section>
    }
}

/// Where the console starts: a shared link, else the autosave, else the reference topology,
/// on the view shown last, with the other designs kept in this browser. A link that differs
/// from saved work waits for the user's choice; a link that cannot be read shows why and keeps
/// the autosaved work.
fn initial() -> State {
    let saved = storage::load();
    let has_saved = saved.is_some();
    let (base, notice) = match saved {
        Some(r) => (r.topology, r.notice),
        None => (tandem_engine::presets::reference(), None),
    };
    let (designs, active, designs_notice) = storage::load_designs(base.clone());
    let notice = notice.or(designs_notice).map(Banner::Notice);
    let mut state = State::new(base, notice);
    state.designs = designs.into_iter().map(std::rc::Rc::new).collect();
    state.active = active;
    let mut state = match share::from_location() {
        Some(Ok(text)) => {
            share::clear_location();
            let action = if has_saved {
                Action::OpenLink { text }
            } else {
                Action::Import {
                    text,
                    source: "the shared link".into(),
                }
            };
            (*yew::Reducible::reduce(std::rc::Rc::new(state), action)).clone()
        }
        Some(Err(e)) => {
            share::clear_location();
            State {
                banner: Some(Banner::Error(format!(
                    "Could not open the shared link: {e}. Your work is unchanged."
                ))),
                ..state
            }
        }
        None => state,
    };
    if let Some(view) = storage::load_view().as_deref().and_then(View::from_id) {
        state.view = view;
    }
    state
}

/// The history action a key press asks for: Ctrl+Z undo; Ctrl+Shift+Z and Ctrl+Y redo (Cmd on
/// a Mac).
fn history_key(e: &web_sys::KeyboardEvent) -> Option<Action> {
    if !(e.ctrl_key() || e.meta_key()) || e.alt_key() {
        return None;
    }
    match (e.key().as_str(), e.shift_key()) {
        ("z" | "Z", false) => Some(Action::Undo),
        ("z" | "Z", true) | ("y" | "Y", false) => Some(Action::Redo),
        _ => None,
    }
}

/// A text field outside the editors (a suppression's reason) keeps the browser's own undo;
/// the editors' fields are the topology, whose history is the console's.
fn keeps_own_undo(target: Option<web_sys::EventTarget>) -> bool {
    target
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA")
                && el.closest(".editor").ok().flatten().is_none()
        })
}

#[component]
pub fn App() -> Html {
    let state = use_reducer(initial);
    // Autosave every change of the topology, and of the list of designs (by identity: the
    // list changes only when a design is opened, switched to or closed).
    {
        // In a task of its own, after the new numbers are on screen: saving writes the whole
        // topology and reads the save it replaces back (ten times the reference takes a few
        // ms). A burst of edits saves once, its last state.
        let topology = state.topology.clone();
        use_effect_with(topology, |t| {
            let t = t.clone();
            let save = gloo::timers::callback::Timeout::new(0, move || storage::save(&t));
            move || drop(save)
        });
        // Leaving the page saves at once, in case the task above has not run yet.
        let latest = use_mut_ref(|| state.topology.clone());
        *latest.borrow_mut() = state.topology.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                EventListener::new(&w, "pagehide", move |_| storage::save(&latest.borrow()))
            });
            move || drop(listener)
        });
        let designs: Vec<std::rc::Rc<tandem_engine::Topology>> = state.designs.clone();
        let ids: Vec<usize> = designs
            .iter()
            .map(|d| std::rc::Rc::as_ptr(d) as usize)
            .collect();
        use_effect_with((ids, state.active), move |(_, active)| {
            let list: Vec<&tandem_engine::Topology> = designs.iter().map(|d| d.as_ref()).collect();
            storage::save_designs(&list, *active);
        });
    }
    // A shared link's question takes the keyboard focus when it appears.
    use_effect_with(state.link.is_some(), |asks| {
        if *asks {
            focus_element("link-keep");
        }
    });
    // The view shown survives a reload.
    use_effect_with(state.view, |view| storage::save_view(view.id()));
    // A link pasted into the address bar of this tab opens without a reload; if it differs
    // from the work, the user chooses what to do with it.
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                EventListener::new(&w, "hashchange", move |_| match share::from_location() {
                    Some(Ok(text)) => {
                        share::clear_location();
                        state.dispatch(Action::OpenLink { text });
                    }
                    // The link stays in the address bar, so a reload says the same.
                    Some(Err(e)) => state.dispatch(Action::Banner(Banner::Error(format!(
                        "Could not open the shared link: {e}. Your work is unchanged."
                    )))),
                    None => {}
                })
            });
            move || drop(listener)
        });
    }
    // Undo and redo from the keyboard: Ctrl+Z (or Cmd+Z), Ctrl+Shift+Z and Ctrl+Y, everywhere
    // but text fields that are not part of the topology (a suppression's reason), which keep
    // their own. The listener is not passive, so the browser's own undo, which would edit the
    // last field typed into and be recorded as a new edit, never runs.
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            let document = web_sys::window().and_then(|w| w.document());
            let listeners = document.map(|d| {
                let keys = {
                    let state = state.clone();
                    EventListener::new_with_options(
                        &d,
                        "keydown",
                        EventListenerOptions::enable_prevent_default(),
                        move |e| {
                            let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                                return;
                            };
                            let Some(action) = history_key(e) else {
                                return;
                            };
                            if keeps_own_undo(e.target()) {
                                return;
                            }
                            e.prevent_default();
                            state.dispatch(action);
                        },
                    )
                };
                // The browser's Edit menu on a topology field: the console's history too.
                let menu = EventListener::new_with_options(
                    &d,
                    "beforeinput",
                    EventListenerOptions::enable_prevent_default(),
                    move |e| {
                        let Some(e) = e.dyn_ref::<web_sys::InputEvent>() else {
                            return;
                        };
                        let action = match e.input_type().as_str() {
                            "historyUndo" => Action::Undo,
                            "historyRedo" => Action::Redo,
                            _ => return,
                        };
                        if keeps_own_undo(e.target()) {
                            return;
                        }
                        e.prevent_default();
                        state.dispatch(action);
                    },
                );
                (keys, menu)
            });
            // Time to interactive, for the end-to-end test and the curious.
            if let Some(w) = web_sys::window() {
                if let Some(p) = w.performance() {
                    let _ = js_sys::Reflect::set(&w, &"__tandemReady".into(), &p.now().into());
                }
            }
            move || drop(listeners)
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
    let group_tabs = {
        let tabs: Vec<Tab> = Group::ALL
            .iter()
            .enumerate()
            .map(|(i, g)| Tab {
                id: format!("group-tab-{}", i + 1),
                title: g.title().to_string(),
                panel: "editor-panel".into(),
            })
            .collect();
        let selected = Group::ALL
            .iter()
            .position(|g| *g == state.group)
            .unwrap_or(0);
        let state = state.clone();
        let select = Callback::from(move |i: usize| {
            if let Some(g) = Group::ALL.get(i) {
                state.dispatch(Action::Group(*g));
            }
        });
        tab_list("Editors", "group-tabs", &tabs, selected, select)
    };
    let view_tabs = {
        let tabs: Vec<Tab> = View::ALL
            .iter()
            .map(|v| Tab {
                id: format!("tab-{}", v.id()),
                title: if *v == View::Findings {
                    format!("{} ({})", v.title(), state.report.findings.len())
                } else {
                    v.title().to_string()
                },
                panel: "view-panel".into(),
            })
            .collect();
        let selected = View::ALL.iter().position(|v| *v == state.view).unwrap_or(0);
        let state = state.clone();
        let select = Callback::from(move |i: usize| {
            if let Some(v) = View::ALL.get(i) {
                state.dispatch(Action::View(*v));
            }
        });
        tab_list("Views", "view-tabs", &tabs, selected, select)
    };
    let view = match state.view {
        View::Findings => html! { <Findings /> },
        View::Recovery => html! { <Recovery /> },
        View::Cost => html! { <Cost /> },
        View::Diagram => html! { <Diagram /> },
        View::Templates => html! { <Templates /> },
        View::Tradeoffs => html! { <Tradeoffs /> },
        View::Outage => html! { <Outage /> },
    };
    // The skip link focuses the results without putting `#results` in the address (the
    // fragment holds share links).
    let skip = Callback::from(|e: MouseEvent| {
        e.prevent_default();
        focus_element("results");
    });
    let group_index = Group::ALL
        .iter()
        .position(|g| *g == state.group)
        .unwrap_or(0)
        + 1;
    html! {
        <ContextProvider<StateHandle> context={state.clone()}>
            <div class="app" {ondragover} {ondrop}>
                <a class="skip-link" href="#results" onclick={skip}>{ "Skip to the results" }</a>
                <Header />
                { for banner }
                { link_dialog(&state) }
                <main class="layout">
                    <Summary />
                    <section class="edit-pane" aria-label="Edit the topology">
                        { group_tabs }
                        <div id="editor-panel" role="tabpanel" aria-labelledby={format!("group-tab-{group_index}")}>
                            <Editor group={state.group} />
                        </div>
                    </section>
                    <section class="view-pane" id="results" tabindex="-1" aria-label="What the engine says">
                        { view_tabs }
                        <div id="view-panel" role="tabpanel" aria-labelledby={format!("tab-{}", state.view.id())}>
                            { view }
                        </div>
                    </section>
                </main>
                <footer class="foot">{ "Everything runs in this page: no server, no AWS credentials, nothing leaves the browser. Drop a topology JSON file anywhere to import it." }</footer>
            </div>
        </ContextProvider<StateHandle>>
    }
}
