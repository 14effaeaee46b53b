//! Autosave to localStorage, versioned, in two slots: a corrupt or unreadable save never costs
//! the last good one. Saving moves the current save to `previous` only if it still loads.

use serde_json::{json, Value};
use tandem_engine::Topology;

const CURRENT: &str = "tandem.autosave.current";
const PREVIOUS: &str = "tandem.autosave.previous";
/// The envelope's format; the topology inside carries its own schemaVersion.
const FORMAT: u64 = 1;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn decode(text: &str) -> Result<Topology, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if v.get("format").and_then(Value::as_u64) != Some(FORMAT) {
        return Err("unknown autosave format".into());
    }
    let t = v
        .get("topology")
        .cloned()
        .ok_or("no topology in the autosave")?;
    tandem_engine::model::load_value(t).map_err(|e| e.to_string())
}

/// What was restored, and a notice when the newest save was unusable.
#[derive(Debug)]
pub struct Restored {
    pub topology: Topology,
    pub notice: Option<String>,
}

/// The newest autosave that still loads.
pub fn load() -> Option<Restored> {
    let s = storage()?;
    let current = s.get_item(CURRENT).ok().flatten();
    let previous = s.get_item(PREVIOUS).ok().flatten();
    match current.as_deref().map(decode) {
        Some(Ok(topology)) => Some(Restored {
            topology,
            notice: None,
        }),
        Some(Err(e)) => match previous.as_deref().map(decode) {
            Some(Ok(topology)) => Some(Restored {
                topology,
                notice: Some(format!(
                    "The last autosave could not be read ({e}); restored the one before it"
                )),
            }),
            _ => None,
        },
        None => previous
            .as_deref()
            .and_then(|p| decode(p).ok())
            .map(|topology| Restored {
                topology,
                notice: None,
            }),
    }
}

/// Saves the topology; the save it replaces becomes `previous` if it was good.
pub fn save(topology: &Topology) {
    let Some(s) = storage() else { return };
    let Ok(text) = serde_json::to_string(&json!({ "format": FORMAT, "topology": topology })) else {
        return;
    };
    if let Ok(Some(old)) = s.get_item(CURRENT) {
        if old != text && decode(&old).is_ok() {
            let _ = s.set_item(PREVIOUS, &old);
        }
    }
    let _ = s.set_item(CURRENT, &text);
}
