//! The console's state and every transition of it (yew's `Reducible`, as in the todomvc example).

use std::rc::Rc;

use tandem_engine::analysis::Analysis;
use tandem_engine::presets;
use tandem_engine::rules::{apply_fix, CheckReport, Edit, Fix};
use tandem_engine::{analyze, PriceTable, Topology};
use yew::Reducible;

/// How many past topologies undo keeps.
const HISTORY: usize = 100;

/// The topology being edited, what the engine says about it, and the undo history.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub topology: Topology,
    pub analysis: Analysis,
    pub report: CheckReport,
    pub undo: Vec<Topology>,
    pub redo: Vec<Topology>,
    /// A field whose last edit the engine rejected: its path and why.
    pub field_error: Option<(String, String)>,
}

impl State {
    pub fn new(topology: Topology) -> State {
        let (analysis, report) = evaluate(&topology);
        State {
            topology,
            analysis,
            report,
            undo: Vec::new(),
            redo: Vec::new(),
            field_error: None,
        }
    }

    fn with(&self, topology: Topology) -> State {
        let (analysis, report) = evaluate(&topology);
        let mut undo = self.undo.clone();
        undo.push(self.topology.clone());
        if undo.len() > HISTORY {
            undo.remove(0);
        }
        State {
            topology,
            analysis,
            report,
            undo,
            redo: Vec::new(),
            field_error: None,
        }
    }
}

impl Default for State {
    fn default() -> State {
        State::new(presets::reference())
    }
}

fn evaluate(topology: &Topology) -> (Analysis, CheckReport) {
    let prices = PriceTable::builtin();
    let analysis = analyze(topology, prices);
    let report = tandem_engine::rules::check_analyzed(topology, &analysis, prices);
    (analysis, report)
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Start over from a built-in topology.
    Preset(&'static str),
    /// Set one field; the engine validates it.
    Edit {
        path: String,
        value: serde_json::Value,
    },
    ApplyFix(Fix),
    Undo,
    Redo,
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let next = match action {
            Action::Preset(id) => match presets::preset(id) {
                Some(p) => self.with(p.topology()),
                None => return self,
            },
            Action::Edit { path, value } => {
                let fix = Fix {
                    title: String::new(),
                    edits: vec![Edit::Set {
                        path: path.clone(),
                        value,
                    }],
                };
                match apply_fix(&self.topology, &fix) {
                    Ok(t) => self.with(t),
                    Err(e) => State {
                        field_error: Some((path, e.to_string())),
                        ..(*self).clone()
                    },
                }
            }
            Action::ApplyFix(fix) => match apply_fix(&self.topology, &fix) {
                Ok(t) => self.with(t),
                Err(e) => State {
                    field_error: Some((String::new(), e.to_string())),
                    ..(*self).clone()
                },
            },
            Action::Undo => {
                let mut s = (*self).clone();
                let Some(prev) = s.undo.pop() else {
                    return self;
                };
                s.redo.push(s.topology.clone());
                let (analysis, report) = evaluate(&prev);
                State {
                    topology: prev,
                    analysis,
                    report,
                    field_error: None,
                    ..s
                }
            }
            Action::Redo => {
                let mut s = (*self).clone();
                let Some(next) = s.redo.pop() else {
                    return self;
                };
                s.undo.push(s.topology.clone());
                let (analysis, report) = evaluate(&next);
                State {
                    topology: next,
                    analysis,
                    report,
                    field_error: None,
                    ..s
                }
            }
        };
        Rc::new(next)
    }
}
