//! Shareable links: the topology, deflated and base64url-encoded, in the URL fragment
//! (`#t=...`). The fragment never leaves the browser.

use std::io::{Read, Write};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;
use tandem_engine::Topology;

const PREFIX: &str = "#t=";

pub fn encode(topology: &Topology) -> String {
    let json = serde_json::to_vec(topology).unwrap_or_default();
    let mut enc = DeflateEncoder::new(Vec::new(), Compression::best());
    let _ = enc.write_all(&json);
    let bytes = enc.finish().unwrap_or_default();
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The topology JSON in a fragment, or why it cannot be read. `None`: no topology in it.
pub fn decode(fragment: &str) -> Option<Result<String, String>> {
    let data = fragment.strip_prefix(PREFIX)?;
    Some((|| {
        let bytes = URL_SAFE_NO_PAD
            .decode(data.trim())
            .map_err(|e| format!("the link is damaged ({e})"))?;
        let mut text = String::new();
        DeflateDecoder::new(bytes.as_slice())
            .take(16 * 1024 * 1024)
            .read_to_string(&mut text)
            .map_err(|e| format!("the link is damaged ({e})"))?;
        Ok(text)
    })())
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

#[cfg(test)]
mod tests {
    #[test]
    fn links_round_trip() {
        let t = tandem_engine::presets::reference();
        let link = super::encode(&t);
        assert!(link.len() < 4000, "{}", link.len());
        let text = super::decode(&link).unwrap().unwrap();
        assert_eq!(tandem_engine::load(&text).unwrap(), t);
        assert!(super::decode("#t=!!!").unwrap().is_err());
        assert!(super::decode("#other").is_none());
    }
}
