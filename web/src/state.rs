//! The console's state and every transition of it (yew's `Reducible`, as in the todomvc
//! example). Components read the state from a context and dispatch `Action`s; nothing else
//! changes it. Every number and finding in it comes from the engine.

use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::{json, Value};
use tandem_engine::analysis::Analysis;
use tandem_engine::analysis::Analyzer;
use tandem_engine::editor::Group;
use tandem_engine::presets;
use tandem_engine::rules::{apply_fix, CheckReport, Edit, Fix};
use tandem_engine::simulate::{Scenario, Simulation};
use tandem_engine::{PriceTable, Topology};
use yew::functional::UseReducerHandle;
use yew::Reducible;

/// How many past topologies undo keeps.
const HISTORY: usize = 200;

/// The right-hand views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Findings,
    Recovery,
    Cost,
    Diagram,
    Templates,
    Tradeoffs,
    Outage,
}

impl View {
    pub const ALL: [View; 7] = [
        View::Findings,
        View::Recovery,
        View::Outage,
        View::Cost,
        View::Tradeoffs,
        View::Diagram,
        View::Templates,
    ];

    pub fn title(self) -> &'static str {
        match self {
            View::Findings => "Findings",
            View::Recovery => "Recovery",
            View::Cost => "Cost",
            View::Diagram => "Diagram",
            View::Templates => "Templates",
            View::Tradeoffs => "Trade-offs",
            View::Outage => "Outage",
        }
    }

    /// The view with this id (`cost`), as `id` writes it.
    pub fn from_id(id: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.id() == id)
    }

    pub fn id(self) -> &'static str {
        match self {
            View::Findings => "findings",
            View::Recovery => "recovery",
            View::Cost => "cost",
            View::Diagram => "diagram",
            View::Templates => "templates",
            View::Tradeoffs => "tradeoffs",
            View::Outage => "outage",
        }
    }
}

/// What a user typed into a field and has not applied yet (Enter or leaving the field
/// applies it), with why the engine refuses it, if it does. Half-typed text never becomes
/// the topology.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The text as typed, kept in the field until it is applied or dropped.
    pub raw: String,
    /// Why it cannot be applied, in plain words naming the field.
    pub error: Option<String>,
}

/// Text typed into a field: its path, its label (for messages), the text, and the value read
/// from it (or why it cannot be read, e.g. a duration that does not parse).
#[derive(Debug, Clone, PartialEq)]
pub struct Typed {
    pub path: String,
    pub label: String,
    pub raw: String,
    pub value: Result<Value, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Banner {
    Notice(String),
    Error(String),
}

/// The topology being edited, what the engine says about it, and the console around it.
///
/// Everything large is behind an `Rc`: every action makes a new state from the last, and at
/// ten times the reference a deep copy of the topology, its analysis and its history on each
/// keystroke cost more than the render.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub topology: Rc<Topology>,
    pub analysis: Rc<Analysis>,
    pub report: Rc<CheckReport>,
    /// The regional outage the RTO was measured on, which the Outage view shows as it is.
    pub outage: Option<Rc<Simulation>>,
    pub prices: Rc<PriceTable>,
    /// `None` for the built-in table, else the loaded file's name.
    pub prices_name: Option<String>,
    pub undo: Vec<Rc<Topology>>,
    pub redo: Vec<Rc<Topology>>,
    /// The path of the last field edited: typing in one field is one undo step.
    pub last_edit: Option<String>,
    /// Fields holding typed text that is not applied (yet), by path.
    pub drafts: BTreeMap<String, Draft>,
    pub group: Group,
    pub view: View,
    /// A field to focus, with a counter so focusing the same field twice works.
    pub focus: Option<(String, u64)>,
    /// A template resource to show (`stack/Logical`), with a counter like `focus`.
    pub resource: Option<(String, u64)>,
    pub banner: Option<Banner>,
    /// Every design kept in this browser, in the order they were opened; the one edited is
    /// `designs[active]`, whose entry is stale while `topology` is the live one.
    pub designs: Vec<Rc<Topology>>,
    pub active: usize,
    /// A shared link's design waiting for the user's choice: keep mine, open the link, or open
    /// both (the link as a new design beside this one).
    pub link: Option<Rc<Topology>>,
    /// The design last closed, until it is reopened or another one is closed.
    pub closed: Option<Rc<Topology>>,
}

/// An `Rc` compared by identity, as a memo's key: the state makes a new `Rc` exactly when
/// the value changes, so identity says "changed" without comparing ten times the reference.
#[derive(Debug)]
pub struct Same<T>(pub Rc<T>);

impl<T> PartialEq for Same<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The console's state, shared through a context.
pub type StateHandle = UseReducerHandle<State>;

impl State {
    pub fn new(topology: Topology, banner: Option<Banner>) -> State {
        let prices = Rc::new(PriceTable::builtin().clone());
        let topology = Rc::new(topology);
        let Evaluated {
            analysis,
            report,
            outage,
        } = evaluate(&topology, &prices);
        State {
            outage,
            designs: vec![topology.clone()],
            active: 0,
            link: None,
            closed: None,
            topology,
            analysis,
            report,
            prices,
            prices_name: None,
            undo: Vec::new(),
            redo: Vec::new(),
            last_edit: None,
            drafts: BTreeMap::new(),
            group: Group::Network,
            view: View::Findings,
            focus: None,
            resource: None,
            banner,
        }
    }

    /// The state with `topology` as the new current one, `previous` on the undo stack.
    fn with(&self, topology: Topology, edited: Option<String>) -> State {
        let topology = Rc::new(topology);
        let Evaluated {
            analysis,
            report,
            outage,
        } = evaluate(&topology, &self.prices);
        let mut undo = self.undo.clone();
        let coalesce = edited.is_some() && edited == self.last_edit;
        if !coalesce {
            undo.push(self.topology.clone());
            if undo.len() > HISTORY {
                undo.remove(0);
            }
        }
        let mut drafts = self.drafts.clone();
        if let Some(path) = &edited {
            drafts.remove(path);
        }
        State {
            topology,
            analysis,
            report,
            outage,
            undo,
            redo: Vec::new(),
            last_edit: edited,
            drafts,
            ..self.clone()
        }
    }

    /// The topology with `value` at `path`, as the engine validates it, without applying it.
    fn try_set(&self, path: &str, value: Value) -> Result<Topology, String> {
        let fix = Fix {
            title: String::new(),
            edits: vec![Edit::Set {
                path: path.to_string(),
                value,
            }],
        };
        apply_fix(&self.topology, &fix).map_err(|e| match e.path() {
            // The engine names the field by its path; the message names it by its label.
            Some(p) if p == path => match e {
                tandem_engine::model::LoadError::Field { message, .. } => message,
                other => other.to_string(),
            },
            _ => e.to_string(),
        })
    }

    /// Text typed into a field: kept as a draft, with the engine's verdict; never applied.
    fn draft(&self, typed: Typed) -> State {
        let error = match typed.value {
            Ok(value) => self
                .try_set(&typed.path, value)
                .err()
                .map(|e| crate::labels::plain_error(&typed.label, &e)),
            Err(e) => Some(format!("{} {e}", typed.label)),
        };
        let mut drafts = self.drafts.clone();
        drafts.insert(
            typed.path,
            Draft {
                raw: typed.raw,
                error,
            },
        );
        State {
            drafts,
            ..self.clone()
        }
    }

    /// Enter or leaving the field: applies the typed value if the engine accepts it, else keeps
    /// the text and says why.
    fn commit(&self, typed: Typed) -> State {
        let accepted = match &typed.value {
            Ok(value) => self.try_set(&typed.path, value.clone()),
            Err(e) => Err(e.clone()),
        };
        match accepted {
            Ok(t) if t == *self.topology => {
                let mut drafts = self.drafts.clone();
                drafts.remove(&typed.path);
                State {
                    drafts,
                    ..self.clone()
                }
            }
            Ok(t) => self.with(t, Some(typed.path)),
            Err(_) => self.draft(typed),
        }
    }

    fn edit(&self, edits: Vec<Edit>, field: String, coalesce: bool) -> State {
        let raw = match edits.first() {
            Some(Edit::Set {
                value: Value::String(s),
                ..
            }) => s.clone(),
            Some(Edit::Set { value, .. }) => value.to_string(),
            _ => String::new(),
        };
        let fix = Fix {
            title: String::new(),
            edits,
        };
        match apply_fix(&self.topology, &fix) {
            Ok(t) => self.with(t, coalesce.then_some(field)),
            Err(e) => {
                let mut drafts = self.drafts.clone();
                drafts.insert(
                    field,
                    Draft {
                        raw,
                        error: Some(e.to_string()),
                    },
                );
                State {
                    drafts,
                    ..self.clone()
                }
            }
        }
    }

    fn reprice(&self, prices: Rc<PriceTable>, name: Option<String>) -> State {
        let Evaluated {
            analysis,
            report,
            outage,
        } = evaluate(&self.topology, &prices);
        State {
            prices,
            prices_name: name,
            analysis,
            report,
            outage,
            ..self.clone()
        }
    }
}

impl Default for State {
    fn default() -> State {
        State::new(presets::reference(), None)
    }
}

/// What the engine says about a topology: its analysis, its findings, and the regional
/// outage its RTO was measured on.
struct Evaluated {
    analysis: Rc<Analysis>,
    report: Rc<CheckReport>,
    outage: Option<Rc<Simulation>>,
}

thread_local! {
    /// The engine's analyzer: it keeps the stacks it last synthesized and read, and plays the
    /// outage on them again while edits leave the synthesis input alone (the objectives, the
    /// budget, the workload's cost figures, suppressions).
    static ANALYZER: std::cell::RefCell<Analyzer> = std::cell::RefCell::new(Analyzer::new());
}

/// The engine's simulation of `scenario` on `topology`, on the stacks the analyzer holds when
/// they are this topology's.
pub fn simulate(topology: &Topology, scenario: Scenario) -> Simulation {
    ANALYZER.with(|a| a.borrow_mut().simulate(topology, scenario))
}

fn evaluate(topology: &Topology, prices: &PriceTable) -> Evaluated {
    let started = now();
    let (analysis, outage) = ANALYZER.with(|a| a.borrow_mut().analyze_simulated(topology, prices));
    let report = tandem_engine::rules::check_analyzed(topology, &analysis, prices);
    record_engine_ms(started);
    Evaluated {
        analysis: Rc::new(analysis),
        report: Rc::new(report),
        outage: outage.map(Rc::new),
    }
}

/// Milliseconds on the page's clock (0 natively).
fn now() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.performance())
            .map_or(0.0, |p| p.now())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

/// How long the engine took on the last edit, as `window.__tandemEngineMs`: the end-to-end
/// measurement splits an edit's time into the engine's and the page's with it.
fn record_engine_ms(started: f64) {
    #[cfg(target_arch = "wasm32")]
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &"__tandemEngineMs".into(), &(now() - started).into());
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = started;
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Start over from a built-in topology.
    Preset(&'static str),
    /// Text typed into a field, not applied: the field keeps it with the engine's verdict.
    Type(Typed),
    /// Apply what was typed into a field (Enter, or leaving it), if the engine accepts it.
    /// Consecutive edits of one field are one undo step.
    Commit(Typed),
    /// Drop the unapplied text of the field at this path (Escape): it shows the topology again.
    DropDraft(String),
    /// Set one field (a choice, a checkbox); the engine validates it.
    Edit {
        path: String,
        value: Value,
    },
    /// Append to a list.
    Push {
        path: String,
        value: Value,
    },
    /// Append the engine's new item (`editor::new_item`) to the list at `path`.
    AddItem {
        path: String,
    },
    /// Remove a field or a list element.
    Remove {
        path: String,
    },
    ApplyFix(Fix),
    Suppress {
        rule: String,
        path: String,
        reason: String,
    },
    /// Remove the suppression of `rule` at `path`.
    Unsuppress {
        rule: String,
        path: String,
    },
    /// A topology file's text, from import, drag and drop or a shared link.
    Import {
        text: String,
        source: String,
    },
    /// A shared link's topology: opened at once if nothing differs, else held until the user
    /// chooses what to do with it (`Link`).
    OpenLink {
        text: String,
    },
    /// What to do with the shared link waiting for a choice.
    Link(LinkChoice),
    /// Edit another of the designs kept in this browser.
    SwitchDesign(usize),
    /// Close the design being edited (one of several), keeping it reopenable until the next
    /// close.
    CloseDesign,
    ReopenDesign,
    /// A price table file's text.
    Prices {
        text: String,
        name: String,
    },
    BuiltinPrices,
    Undo,
    Redo,
    /// Show the field at `path`: its editor tab, scrolled into view and focused.
    Focus(String),
    /// Show a template resource (`stack/Logical`, as a simulation names it): the Templates
    /// view, on its stack, the resource highlighted and scrolled to.
    ShowResource(String),
    Group(Group),
    View(View),
    Banner(Banner),
    DismissBanner,
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let next = match action {
            Action::Preset(id) => match presets::preset(id) {
                Some(p) => State {
                    banner: Some(Banner::Notice(format!("Loaded the {} preset", p.title))),
                    drafts: BTreeMap::new(),
                    ..self.with(p.topology(), None)
                },
                None => return self,
            },
            Action::Type(typed) => self.draft(typed),
            Action::Commit(typed) => self.commit(typed),
            Action::DropDraft(path) => {
                let mut drafts = self.drafts.clone();
                if drafts.remove(&path).is_none() {
                    return self;
                }
                State {
                    drafts,
                    ..(*self).clone()
                }
            }
            Action::Edit { path, value } => self.edit(
                vec![Edit::Set {
                    path: path.clone(),
                    value,
                }],
                path,
                true,
            ),
            Action::Push { path, value } => self.edit(
                vec![Edit::Push {
                    path: path.clone(),
                    value,
                }],
                path,
                false,
            ),
            Action::AddItem { path } => {
                match tandem_engine::editor::new_item(&self.topology, &path) {
                    Some(value) => self.edit(
                        vec![Edit::Push {
                            path: path.clone(),
                            value,
                        }],
                        path,
                        false,
                    ),
                    None => return self,
                }
            }
            // Removing a list item moves the ones after it: drafts would land on other items.
            Action::Remove { path } => State {
                drafts: BTreeMap::new(),
                ..self.edit(vec![Edit::Remove { path: path.clone() }], path, false)
            },
            Action::ApplyFix(fix) => match apply_fix(&self.topology, &fix) {
                Ok(t) => State {
                    banner: Some(Banner::Notice(format!("Applied: {}", fix.title))),
                    ..self.with(t, None)
                },
                Err(e) => State {
                    banner: Some(Banner::Error(format!("The fix could not be applied: {e}"))),
                    ..(*self).clone()
                },
            },
            Action::Suppress { rule, path, reason } => {
                if reason.trim().is_empty() {
                    State {
                        banner: Some(Banner::Error("A suppression needs a reason".into())),
                        ..(*self).clone()
                    }
                } else {
                    let value = json!({ "rule": rule, "reason": reason.trim(), "path": path });
                    self.edit(
                        vec![Edit::Push {
                            path: "suppressions".into(),
                            value,
                        }],
                        "suppressions".into(),
                        false,
                    )
                }
            }
            Action::Unsuppress { rule, path } => {
                let index =
                    self.topology.suppressions.iter().position(|s| {
                        s.rule == rule && s.path.as_deref().is_none_or(|p| p == path)
                    });
                match index {
                    Some(i) => self.edit(
                        vec![Edit::Remove {
                            path: format!("suppressions[{i}]"),
                        }],
                        "suppressions".into(),
                        false,
                    ),
                    None => return self,
                }
            }
            Action::Import { text, source } => match tandem_engine::load(&text) {
                Ok(t) => State {
                    banner: Some(Banner::Notice(format!("Imported {source}"))),
                    drafts: BTreeMap::new(),
                    ..self.with(t, None)
                },
                Err(e) => State {
                    banner: Some(Banner::Error(format!(
                        "Could not import {source}: {e}. Your work is unchanged."
                    ))),
                    ..(*self).clone()
                },
            },
            Action::OpenLink { text } => self.open_link(&text),
            Action::Link(choice) => match self.choose(choice) {
                Some(next) => next,
                None => return self,
            },
            Action::SwitchDesign(i) => match self.switch_design(i) {
                Some(next) => next,
                None => return self,
            },
            Action::CloseDesign => match self.close_design() {
                Some(next) => next,
                None => return self,
            },
            Action::ReopenDesign => match self.reopen_design() {
                Some(next) => next,
                None => return self,
            },
            Action::Prices { text, name } => match PriceTable::from_json(&text) {
                Ok(p) => State {
                    banner: Some(Banner::Notice(format!("Pricing with {name}"))),
                    ..self.reprice(Rc::new(p), Some(name))
                },
                Err(e) => State {
                    banner: Some(Banner::Error(format!(
                        "Could not read the price table {name}: {e}"
                    ))),
                    ..(*self).clone()
                },
            },
            Action::BuiltinPrices => self.reprice(Rc::new(PriceTable::builtin().clone()), None),
            // Typed text not applied yet is the newest change: undo drops it first.
            Action::Undo if !self.drafts.is_empty() => State {
                drafts: BTreeMap::new(),
                last_edit: None,
                ..(*self).clone()
            },
            Action::Undo => {
                let mut s = (*self).clone();
                let Some(prev) = s.undo.pop() else {
                    return self;
                };
                s.redo.push(s.topology.clone());
                let Evaluated {
                    analysis,
                    report,
                    outage,
                } = evaluate(&prev, &s.prices);
                State {
                    topology: prev,
                    analysis,
                    report,
                    outage,
                    drafts: BTreeMap::new(),
                    last_edit: None,
                    ..s
                }
            }
            Action::Redo => {
                let mut s = (*self).clone();
                let Some(next) = s.redo.pop() else {
                    return self;
                };
                s.undo.push(s.topology.clone());
                let Evaluated {
                    analysis,
                    report,
                    outage,
                } = evaluate(&next, &s.prices);
                State {
                    topology: next,
                    analysis,
                    report,
                    outage,
                    drafts: BTreeMap::new(),
                    last_edit: None,
                    ..s
                }
            }
            Action::Focus(path) => {
                let n = self.focus.as_ref().map_or(0, |(_, n)| n + 1);
                State {
                    group: Group::of(&path),
                    focus: Some((path, n)),
                    last_edit: None,
                    ..(*self).clone()
                }
            }
            Action::ShowResource(resource) => {
                let n = self.resource.as_ref().map_or(0, |(_, n)| n + 1);
                State {
                    view: View::Templates,
                    resource: Some((resource, n)),
                    ..(*self).clone()
                }
            }
            Action::Group(group) => State {
                group,
                last_edit: None,
                ..(*self).clone()
            },
            Action::View(view) => State {
                view,
                ..(*self).clone()
            },
            Action::Banner(banner) => State {
                banner: Some(banner),
                ..(*self).clone()
            },
            Action::DismissBanner => State {
                banner: None,
                ..(*self).clone()
            },
        };
        Rc::new(next)
    }
}

mod designs;
pub use designs::LinkChoice;

#[cfg(test)]
mod tests;
