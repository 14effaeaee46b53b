//! Autosave to localStorage, versioned, in two slots: a corrupt or unreadable save never costs
//! the last good one. Saving moves the current save to `previous` only if it still loads. The
//! other designs kept in this browser (a shared link opened beside the work) are stored beside
//! it, the one edited left out (the two slots hold it).

use tandem_engine::Topology;

pub use super::codec::Restored;
use super::codec::{autosave_decode as decode, autosave_encode, autosave_restore};
use super::codec::{designs_decode, designs_encode};

const CURRENT: &str = "tandem.autosave.current";
const PREVIOUS: &str = "tandem.autosave.previous";
const VIEW: &str = "tandem.view";
/// The other designs kept in this browser (the one edited is in the autosave slots).
const DESIGNS: &str = "tandem.designs";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The newest autosave that still loads.
pub fn load() -> Option<Restored> {
    let s = storage()?;
    let current = s.get_item(CURRENT).ok().flatten();
    let previous = s.get_item(PREVIOUS).ok().flatten();
    autosave_restore(current.as_deref(), previous.as_deref())
}

/// Saves the topology; the save it replaces becomes `previous` if it was good.
pub fn save(topology: &Topology) {
    let Some(s) = storage() else { return };
    let Some(text) = autosave_encode(topology) else {
        return;
    };
    if let Ok(Some(old)) = s.get_item(CURRENT) {
        if old != text && decode(&old).is_ok() {
            let _ = s.set_item(PREVIOUS, &old);
        }
    }
    let _ = s.set_item(CURRENT, &text);
}

/// The id of the view shown last (`cost`), so a reload shows it again.
pub fn load_view() -> Option<String> {
    storage()?.get_item(VIEW).ok().flatten()
}

pub fn save_view(id: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(VIEW, id);
    }
}

/// Every design kept in this browser, `current` (the autosave) among them, which of them is
/// edited, and a notice if a stored one could not be read.
pub fn load_designs(current: Topology) -> (Vec<Topology>, usize, Option<String>) {
    let text = storage().and_then(|s| s.get_item(DESIGNS).ok().flatten());
    designs_decode(text.as_deref(), current)
}

/// Saves the designs other than the edited one (which `save` keeps).
pub fn save_designs(designs: &[&Topology], active: usize) {
    let Some(s) = storage() else { return };
    if let Some(text) = designs_encode(designs, active) {
        let _ = s.set_item(DESIGNS, &text);
    }
}
