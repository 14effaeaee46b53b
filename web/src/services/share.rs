//! Shareable links: the topology, deflated and base64url-encoded, in the URL fragment
//! (`#t=...`). The fragment never leaves the browser. Encoding and decoding are in `codec`.

use tandem_engine::Topology;

use super::codec;

pub use codec::share_decode as decode;

pub fn encode(topology: &Topology) -> String {
    codec::share_encode(topology)
}

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The topology JSON in the page's URL, if any.
pub fn from_location() -> Option<Result<String, String>> {
    let hash = window()?.location().hash().ok()?;
    decode(&hash)
}

/// Puts the topology in the URL (without reloading) and returns the full link.
pub fn to_location(topology: &Topology) -> Option<String> {
    let w = window()?;
    let fragment = encode(topology);
    let _ =
        w.history()
            .ok()?
            .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&fragment));
    w.location().href().ok()
}

/// Removes the topology from the URL (after it was loaded, so reloading shows the autosave).
pub fn clear_location() {
    if let Some(w) = window() {
        if let (Ok(history), Ok(path)) = (w.history(), w.location().pathname()) {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
        }
    }
}
