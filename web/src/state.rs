//! The console's state and every transition of it (yew's `Reducible`, as in the todomvc
//! example). Components read the state from a context and dispatch `Action`s; nothing else
//! changes it. Every number and finding in it comes from the engine.

use std::rc::Rc;

use serde_json::{json, Value};
use tandem_engine::analysis::Analysis;
use tandem_engine::editor::Group;
use tandem_engine::presets;
use tandem_engine::rules::{apply_fix, CheckReport, Edit, Fix};
use tandem_engine::{analyze, PriceTable, Topology};
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
}

impl View {
    pub const ALL: [View; 6] = [
        View::Findings,
        View::Recovery,
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
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            View::Findings => "findings",
            View::Recovery => "recovery",
            View::Cost => "cost",
            View::Diagram => "diagram",
            View::Templates => "templates",
            View::Tradeoffs => "tradeoffs",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub path: String,
    pub message: String,
    /// The text the user typed, kept in the field while it is wrong.
    pub raw: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Banner {
    Notice(String),
    Error(String),
}

/// The topology being edited, what the engine says about it, and the console around it.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub topology: Topology,
    pub analysis: Analysis,
    pub report: CheckReport,
    pub prices: Rc<PriceTable>,
    /// `None` for the built-in table, else the loaded file's name.
    pub prices_name: Option<String>,
    pub undo: Vec<Topology>,
    pub redo: Vec<Topology>,
    /// The path of the last field edited: typing in one field is one undo step.
    pub last_edit: Option<String>,
    /// A field whose last edit the engine rejected: its path, why, and what the user typed.
    pub field_error: Option<FieldError>,
    pub group: Group,
    pub view: View,
    /// A field to focus, with a counter so focusing the same field twice works.
    pub focus: Option<(String, u64)>,
    pub banner: Option<Banner>,
}

impl State {
    pub fn new(topology: Topology, banner: Option<Banner>) -> State {
        let prices = Rc::new(PriceTable::builtin().clone());
        let (analysis, report) = evaluate(&topology, &prices);
        State {
            topology,
            analysis,
            report,
            prices,
            prices_name: None,
            undo: Vec::new(),
            redo: Vec::new(),
            last_edit: None,
            field_error: None,
            group: Group::Network,
            view: View::Findings,
            focus: None,
            banner,
        }
    }

    /// The state with `topology` as the new current one, `previous` on the undo stack.
    fn with(&self, topology: Topology, edited: Option<String>) -> State {
        let (analysis, report) = evaluate(&topology, &self.prices);
        let mut undo = self.undo.clone();
        let coalesce = edited.is_some() && edited == self.last_edit;
        if !coalesce {
            undo.push(self.topology.clone());
            if undo.len() > HISTORY {
                undo.remove(0);
            }
        }
        State {
            topology,
            analysis,
            report,
            undo,
            redo: Vec::new(),
            last_edit: edited,
            field_error: None,
            ..self.clone()
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
            Err(e) => State {
                field_error: Some(FieldError {
                    path: field,
                    message: e.to_string(),
                    raw,
                }),
                ..self.clone()
            },
        }
    }

    fn reprice(&self, prices: Rc<PriceTable>, name: Option<String>) -> State {
        let (analysis, report) = evaluate(&self.topology, &prices);
        State {
            prices,
            prices_name: name,
            analysis,
            report,
            ..self.clone()
        }
    }
}

impl Default for State {
    fn default() -> State {
        State::new(presets::reference(), None)
    }
}

fn evaluate(topology: &Topology, prices: &PriceTable) -> (Analysis, CheckReport) {
    let analysis = analyze(topology, prices);
    let report = tandem_engine::rules::check_analyzed(topology, &analysis, prices);
    (analysis, report)
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Start over from a built-in topology.
    Preset(&'static str),
    /// Set one field; the engine validates it. Consecutive edits of one field are one undo step.
    Edit {
        path: String,
        value: Value,
    },
    /// Append to a list.
    Push {
        path: String,
        value: Value,
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
                    ..self.with(p.topology(), None)
                },
                None => return self,
            },
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
            Action::Remove { path } => {
                self.edit(vec![Edit::Remove { path: path.clone() }], path, false)
            }
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
                    ..self.with(t, None)
                },
                Err(e) => State {
                    banner: Some(Banner::Error(format!(
                        "Could not import {source}: {e}. Your work is unchanged."
                    ))),
                    ..(*self).clone()
                },
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
            Action::Undo => {
                let mut s = (*self).clone();
                let Some(prev) = s.undo.pop() else {
                    return self;
                };
                s.redo.push(s.topology.clone());
                let (analysis, report) = evaluate(&prev, &s.prices);
                State {
                    topology: prev,
                    analysis,
                    report,
                    field_error: None,
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
                let (analysis, report) = evaluate(&next, &s.prices);
                State {
                    topology: next,
                    analysis,
                    report,
                    field_error: None,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn run(state: State, action: Action) -> State {
        (*Rc::new(state).reduce(action)).clone()
    }

    #[test]
    fn a_replacement_price_table_reprices_and_a_bad_one_is_refused() {
        let state = State::default();
        let mut table = serde_json::to_value(PriceTable::builtin()).unwrap();
        let prices = table["prices"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["region"] == "us-east-1")
            .cloned()
            .collect();
        table["prices"] = Value::Array(prices);
        let next = run(
            state.clone(),
            Action::Prices {
                text: table.to_string(),
                name: "east-1.json".into(),
            },
        );
        assert_eq!(next.prices_name.as_deref(), Some("east-1.json"));
        assert!(next.report.findings.iter().any(|f| f.rule == "W5002"));
        assert!(next.analysis.cost.total < state.analysis.cost.total);
        let refused = run(
            next.clone(),
            Action::Prices {
                text: "{}".into(),
                name: "bad.json".into(),
            },
        );
        assert!(matches!(refused.banner, Some(Banner::Error(_))));
        assert_eq!(refused.prices_name.as_deref(), Some("east-1.json"));
        let back = run(refused, Action::BuiltinPrices);
        assert_eq!(back.analysis.cost.total, state.analysis.cost.total);
    }

    #[test]
    fn a_bad_import_keeps_the_work() {
        let state = run(
            State::default(),
            Action::Edit {
                path: "name".into(),
                value: json!("mine"),
            },
        );
        let next = run(
            state.clone(),
            Action::Import {
                text: "[1]".into(),
                source: "x".into(),
            },
        );
        assert_eq!(next.topology.name, "mine");
        assert!(matches!(next.banner, Some(Banner::Error(ref e)) if e.contains("unchanged")));
        assert_eq!(next.undo.len(), state.undo.len());
    }
}
