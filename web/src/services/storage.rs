//! Autosave to localStorage, versioned, in two slots: a corrupt or unreadable save never costs
//! the last good one. Saving moves the current save to `previous` only if it still loads.

use tandem_engine::Topology;

pub use super::codec::Restored;
use super::codec::{autosave_decode as decode, autosave_encode, autosave_restore};

const CURRENT: &str = "tandem.autosave.current";
const PREVIOUS: &str = "tandem.autosave.previous";
const VIEW: &str = "tandem.view";

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
