//! Several designs in one browser, and what a shared link does to them: a link that differs
//! from the design being edited waits for the user's choice (keep mine, open the link, or open
//! both, the link as a new design beside this one) instead of replacing anything.

use std::collections::BTreeMap;
use std::rc::Rc;

use tandem_engine::Topology;

use super::{Banner, State};

/// The choices a shared link offers when it differs from the design being edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkChoice {
    /// Leave the link unopened.
    KeepMine,
    /// Open the link in place of the design being edited (one undoable step).
    Open,
    /// Open the link as a new design; the one being edited is kept as it is.
    OpenBoth,
}

impl State {
    /// A shared link's topology: the same design again changes nothing; over an untouched
    /// preset (no work to lose) it opens at once, undoably; a different design waits for the
    /// user's choice; one that does not load says why and changes nothing.
    pub(super) fn open_link(&self, text: &str) -> State {
        match tandem_engine::load(text) {
            Ok(t) if t == *self.topology => State {
                banner: Some(Banner::Notice(
                    "The shared link shows the design already open".into(),
                )),
                ..self.clone()
            },
            Ok(t) if self.is_untouched() => State {
                banner: Some(Banner::Notice(format!(
                    "Opened the shared link `{}`",
                    t.name
                ))),
                drafts: BTreeMap::new(),
                ..self.with(t, None)
            },
            Ok(t) => State {
                banner: None,
                link: Some(Rc::new(t)),
                ..self.clone()
            },
            Err(e) => State {
                banner: Some(Banner::Error(format!(
                    "Could not open the shared link: {e}. Your work is unchanged."
                ))),
                ..self.clone()
            },
        }
    }

    /// The user's answer to the waiting link; `None` when no link waits.
    pub(super) fn choose(&self, choice: LinkChoice) -> Option<State> {
        let link = self.link.clone()?;
        let mine = &self.topology.name;
        Some(match choice {
            LinkChoice::KeepMine => State {
                link: None,
                banner: Some(Banner::Notice(format!(
                    "Kept `{mine}`; the shared design `{}` was not opened",
                    link.name
                ))),
                ..self.clone()
            },
            LinkChoice::Open => State {
                link: None,
                banner: Some(Banner::Notice(format!(
                    "Opened the shared link `{}` in place of `{mine}`; Undo brings `{mine}` back",
                    link.name
                ))),
                drafts: BTreeMap::new(),
                ..self.with((*link).clone(), None)
            },
            LinkChoice::OpenBoth => {
                let mut designs = self.designs.clone();
                if let Some(slot) = designs.get_mut(self.active) {
                    *slot = self.topology.clone();
                }
                designs.push(link.clone());
                let notice = format!(
                    "Opened the shared link `{}` as design {}; `{mine}` is kept as design {}: switch with Design in the top bar",
                    link.name,
                    designs.len(),
                    self.active + 1
                );
                State {
                    link: None,
                    banner: Some(Banner::Notice(notice)),
                    active: designs.len() - 1,
                    designs,
                    ..self.fresh(link)
                }
            }
        })
    }

    /// Edit design `i` instead; the one being edited is kept as it is. Each design's history
    /// starts when it is switched to.
    pub(super) fn switch_design(&self, i: usize) -> Option<State> {
        if i == self.active {
            return None;
        }
        let next = self.designs.get(i)?.clone();
        let mut designs = self.designs.clone();
        if let Some(slot) = designs.get_mut(self.active) {
            *slot = self.topology.clone();
        }
        Some(State {
            banner: Some(Banner::Notice(format!(
                "Editing design {}: `{}`",
                i + 1,
                next.name
            ))),
            designs,
            active: i,
            ..self.fresh(next)
        })
    }

    /// Closes the design being edited when there are others; it stays reopenable until the
    /// next close.
    pub(super) fn close_design(&self) -> Option<State> {
        if self.designs.len() < 2 {
            return None;
        }
        let mut designs = self.designs.clone();
        designs.remove(self.active);
        let active = self.active.min(designs.len() - 1);
        let next = designs.get(active)?.clone();
        Some(State {
            banner: Some(Banner::Notice(format!(
                "Closed `{}`; editing `{}`",
                self.topology.name, next.name
            ))),
            closed: Some(self.topology.clone()),
            designs,
            active,
            ..self.fresh(next)
        })
    }

    /// Reopens the design closed last, as a new design.
    pub(super) fn reopen_design(&self) -> Option<State> {
        let closed = self.closed.clone()?;
        let mut designs = self.designs.clone();
        if let Some(slot) = designs.get_mut(self.active) {
            *slot = self.topology.clone();
        }
        designs.push(closed.clone());
        Some(State {
            banner: Some(Banner::Notice(format!("Reopened `{}`", closed.name))),
            closed: None,
            active: designs.len() - 1,
            designs,
            ..self.fresh(closed)
        })
    }

    /// Whether there is no work a link could replace: one design, a built-in preset as it
    /// comes.
    fn is_untouched(&self) -> bool {
        self.designs.len() < 2
            && tandem_engine::presets::PRESETS
                .iter()
                .any(|p| p.topology() == *self.topology)
    }

    /// This state editing `topology` from a clean slate: its own numbers, no history, no
    /// unapplied text.
    fn fresh(&self, topology: Rc<Topology>) -> State {
        let super::Evaluated {
            analysis,
            report,
            outage,
        } = super::evaluate(&topology, &self.prices);
        State {
            topology,
            analysis,
            report,
            outage,
            undo: Vec::new(),
            redo: Vec::new(),
            last_edit: None,
            drafts: BTreeMap::new(),
            focus: None,
            resource: None,
            ..self.clone()
        }
    }
}
