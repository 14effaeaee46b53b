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
/// The most a share link inflates to: one byte past the loader's limit, so an oversized link
/// is refused by the loader's own message ("... is too large for a topology") without
/// inflating more than that.
pub const SHARE_MAX_BYTES: u64 = tandem_engine::model::MAX_INPUT_BYTES as u64 + 1;
/// The longest link fragment read. The reference topology's link is about 3,000 characters;
/// browsers and chat tools cut links long before this.
pub const SHARE_MAX_CHARS: usize = 256 * 1024;
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
        if data.len() > SHARE_MAX_CHARS {
            return Err(format!(
                "the link is {} characters long; Tandem reads links of at most {SHARE_MAX_CHARS}: share the topology as a file instead",
                data.len()
            ));
        }
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

/// The format of the list of designs kept beside the autosave.
pub const DESIGNS_FORMAT: u64 = 1;

/// The designs kept in this browser, as stored: the one being edited is `null` (it lives in
/// the autosave slots, which keep a previous good copy), the others as topologies.
pub fn designs_encode(designs: &[&Topology], active: usize) -> Option<String> {
    let list: Vec<Value> = designs
        .iter()
        .enumerate()
        .map(|(i, t)| {
            if i == active {
                Ok(Value::Null)
            } else {
                serde_json::to_value(t)
            }
        })
        .collect::<Result<_, _>>()
        .ok()?;
    serde_json::to_string(&json!({ "format": DESIGNS_FORMAT, "active": active, "designs": list }))
        .ok()
}

/// The designs stored by `designs_encode`, with `current` (the autosave) as the one being
/// edited, and a notice for any stored design that could not be read. Without a list, or
/// with one that cannot be read, `current` is the only design.
pub fn designs_decode(
    text: Option<&str>,
    current: Topology,
) -> (Vec<Topology>, usize, Option<String>) {
    let Some(text) = text else {
        return (vec![current], 0, None);
    };
    let v: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return (
                vec![current],
                0,
                Some(format!("The list of other designs could not be read ({e})")),
            )
        }
    };
    let (Some(DESIGNS_FORMAT), Some(list), Some(active)) = (
        v.get("format").and_then(Value::as_u64),
        v.get("designs").and_then(Value::as_array),
        v.get("active").and_then(Value::as_u64),
    ) else {
        return (
            vec![current],
            0,
            Some("The list of other designs is in an unknown format".into()),
        );
    };
    let mut designs = Vec::new();
    let mut at = None;
    let mut unreadable = Vec::new();
    let mut current = Some(current);
    for (i, entry) in list.iter().enumerate() {
        if entry.is_null() {
            // The design being edited: only one entry can be it.
            if u64::try_from(i).ok() == Some(active) {
                if let Some(c) = current.take() {
                    at = Some(designs.len());
                    designs.push(c);
                }
            }
            continue;
        }
        match tandem_engine::model::load_value(entry.clone()) {
            Ok(t) => designs.push(t),
            Err(e) => unreadable.push(format!("design {} ({e})", i + 1)),
        }
    }
    if let Some(c) = current {
        at = Some(designs.len());
        designs.push(c);
    }
    let notice = (!unreadable.is_empty()).then(|| {
        format!(
            "Some saved designs could not be read and were left out: {}",
            unreadable.join("; ")
        )
    });
    (designs, at.unwrap_or(0), notice)
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
    fn designs_round_trip_around_the_autosaved_one() {
        let (a, b, c) = (
            tandem_engine::presets::reference(),
            tandem_engine::presets::pilot_light(),
            tandem_engine::presets::warm_standby(),
        );
        let text = designs_encode(&[&a, &b, &c], 1).unwrap();
        // The design being edited is not stored twice: the autosave holds it.
        assert!(!text.contains(&format!("\"{}\"", b.name)), "{text}");
        let (designs, active, notice) = designs_decode(Some(&text), b.clone());
        assert_eq!(designs, vec![a.clone(), b.clone(), c.clone()]);
        assert_eq!(active, 1);
        assert!(notice.is_none());
        // Nothing stored: the autosave is the only design.
        assert_eq!(designs_decode(None, a.clone()), (vec![a.clone()], 0, None));
    }

    #[test]
    fn an_unreadable_design_is_left_out_with_a_notice_and_the_others_kept() {
        let (a, b) = (
            tandem_engine::presets::reference(),
            tandem_engine::presets::pilot_light(),
        );
        let mut v: Value = serde_json::from_str(&designs_encode(&[&a, &b], 1).unwrap()).unwrap();
        v["designs"][0]["objectives"]["rtoSeconds"] = json!(-1);
        let (designs, active, notice) = designs_decode(Some(&v.to_string()), b.clone());
        assert_eq!(designs, vec![b.clone()]);
        assert_eq!(active, 0);
        let notice = notice.unwrap();
        assert!(
            notice.contains("design 1") && notice.contains("rtoSeconds"),
            "{notice}"
        );
        // A list that is not one keeps the autosave as the only design, and says so.
        let (designs, _, notice) = designs_decode(Some("{"), a.clone());
        assert_eq!(designs, vec![a]);
        assert!(notice.unwrap().contains("could not be read"));
    }

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

    /// A topology as schema version 1 wrote it (NAT as a gateway count, approval minutes
    /// beside the decision).
    fn version_1_json() -> String {
        let mut v = serde_json::to_value(tandem_engine::presets::reference()).unwrap();
        v["schemaVersion"] = 1.into();
        for side in ["primary", "secondary"] {
            let vpc = v[side]["vpc"].as_object_mut().unwrap();
            vpc.remove("nat");
            vpc.insert("natGateways".into(), 3.into());
        }
        v["failover"]["decision"] = "manual".into();
        v["failover"]["approvalMinutes"] = 10.into();
        v.to_string()
    }

    fn link_of(text: &str) -> String {
        let mut enc = DeflateEncoder::new(Vec::new(), Compression::best());
        enc.write_all(text.as_bytes()).unwrap();
        format!(
            "{SHARE_PREFIX}{}",
            URL_SAFE_NO_PAD.encode(enc.finish().unwrap())
        )
    }

    #[test]
    fn a_link_written_by_schema_version_1_opens_migrated() {
        let text = share_decode(&link_of(&version_1_json())).unwrap().unwrap();
        let t = tandem_engine::load(&text).unwrap();
        assert_eq!(t, tandem_engine::presets::reference());
        assert_eq!(t.schema_version, tandem_engine::model::SCHEMA_VERSION);
    }

    #[test]
    fn an_autosave_written_by_schema_version_1_restores_migrated() {
        let slot = format!(r#"{{"format":1,"topology":{}}}"#, version_1_json());
        let restored = autosave_restore(Some(&slot), None).unwrap();
        assert_eq!(restored.topology, tandem_engine::presets::reference());
        assert!(restored.notice.is_none());
    }

    #[test]
    fn a_newer_autosave_is_refused_and_the_previous_slot_kept() {
        let previous = autosave_encode(&tandem_engine::presets::pilot_light()).unwrap();
        let mut v = serde_json::to_value(tandem_engine::presets::reference()).unwrap();
        v["schemaVersion"] = 99.into();
        let current = format!(r#"{{"format":1,"topology":{v}}}"#);
        let restored = autosave_restore(Some(&current), Some(&previous)).unwrap();
        assert_eq!(restored.topology, tandem_engine::presets::pilot_light());
        let notice = restored.notice.unwrap();
        assert!(notice.contains("version 99 is newer"), "{notice}");
    }

    #[test]
    fn oversized_links_are_refused_with_their_size() {
        let long = format!("{SHARE_PREFIX}{}", "A".repeat(SHARE_MAX_CHARS + 1));
        let e = share_decode(&long).unwrap().unwrap_err();
        assert!(e.starts_with("the link is 262145 characters long"), "{e}");
        // A small link that inflates past the loader's limit: the loader says so.
        let bomb = link_of(&" ".repeat(5 * 1024 * 1024));
        assert!(bomb.len() < SHARE_MAX_CHARS);
        let text = share_decode(&bomb).unwrap().unwrap();
        let e = tandem_engine::load(&text).unwrap_err().to_string();
        assert!(e.contains("too large for a topology"), "{e}");
    }
}
