//! The pure halves of the share link and the autosave: text in, text or a topology out.
//!
//! Nothing here touches the browser, so it compiles natively and the fuzz crate tests this very
//! file (`fuzz/src/lib.rs` includes it by path). Keep it that way: only `tandem_engine`,
//! `serde_json`, `flate2` and `base64`, referred to by absolute paths, and no `crate::` paths.

use std::io::{Read, Write};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;
use serde_json::{json, Value};
use tandem_engine::Topology;

/// The URL fragment a share link starts with.
pub const SHARE_PREFIX: &str = "#t=";
/// The most a share link inflates to; longer text is cut here and then fails to load.
pub const SHARE_MAX_BYTES: u64 = 16 * 1024 * 1024;
/// The autosave envelope's format; the topology inside carries its own schemaVersion.
pub const AUTOSAVE_FORMAT: u64 = 1;

/// A share link's fragment: the topology's JSON, deflated and base64url-encoded.
pub fn share_encode(topology: &Topology) -> String {
    let json = serde_json::to_vec(topology).unwrap_or_default();
    let mut enc = DeflateEncoder::new(Vec::new(), Compression::best());
    let _ = enc.write_all(&json);
    let bytes = enc.finish().unwrap_or_default();
    format!("{SHARE_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The topology JSON in a fragment, or why it cannot be read. `None`: no topology in it.
pub fn share_decode(fragment: &str) -> Option<Result<String, String>> {
    let data = fragment.strip_prefix(SHARE_PREFIX)?;
    Some((|| {
        let bytes = URL_SAFE_NO_PAD
            .decode(data.trim())
            .map_err(|e| format!("the link is damaged ({e})"))?;
        let mut text = String::new();
        DeflateDecoder::new(bytes.as_slice())
            .take(SHARE_MAX_BYTES)
            .read_to_string(&mut text)
            .map_err(|e| format!("the link is damaged ({e})"))?;
        Ok(text)
    })())
}

/// The text an autosave slot holds for a topology.
pub fn autosave_encode(topology: &Topology) -> Option<String> {
    serde_json::to_string(&json!({ "format": AUTOSAVE_FORMAT, "topology": topology })).ok()
}

/// The topology in an autosave slot's text, or why it cannot be used.
pub fn autosave_decode(text: &str) -> Result<Topology, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if v.get("format").and_then(Value::as_u64) != Some(AUTOSAVE_FORMAT) {
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

/// The newest of the two slots that still loads.
pub fn autosave_restore(current: Option<&str>, previous: Option<&str>) -> Option<Restored> {
    match current.map(autosave_decode) {
        Some(Ok(topology)) => Some(Restored {
            topology,
            notice: None,
        }),
        Some(Err(e)) => match previous.map(autosave_decode) {
            Some(Ok(topology)) => Some(Restored {
                topology,
                notice: Some(format!(
                    "The last autosave could not be read ({e}); restored the one before it"
                )),
            }),
            _ => None,
        },
        None => previous
            .and_then(|p| autosave_decode(p).ok())
            .map(|topology| Restored {
                topology,
                notice: None,
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_round_trip() {
        let t = tandem_engine::presets::reference();
        let link = share_encode(&t);
        assert!(link.len() < 4000, "{}", link.len());
        let text = share_decode(&link).unwrap().unwrap();
        assert_eq!(tandem_engine::load(&text).unwrap(), t);
        assert!(share_decode("#t=!!!").unwrap().is_err());
        assert!(share_decode("#other").is_none());
    }

    #[test]
    fn a_bad_current_slot_falls_back_to_the_previous_one() {
        let t = tandem_engine::presets::warm_standby();
        let good = autosave_encode(&t).unwrap();
        let restored = autosave_restore(Some(&good), None).unwrap();
        assert_eq!(restored.topology, t);
        assert!(restored.notice.is_none());
        let restored = autosave_restore(Some("{"), Some(&good)).unwrap();
        assert_eq!(restored.topology, t);
        assert!(restored.notice.unwrap().contains("could not be read"));
        assert!(autosave_restore(Some(r#"{"format":2}"#), Some("[]")).is_none());
        assert!(autosave_restore(None, Some(&good)).is_some());
        assert!(autosave_restore(None, None).is_none());
    }
}
