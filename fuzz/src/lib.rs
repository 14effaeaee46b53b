//! What the fuzz targets share: the console's codec (the real file, included by path), the
//! invariants every target asserts, and the structure-aware input of `apply_fix`.
//!
//! A target panics only when the engine breaks a promise: a panic inside the engine (it must
//! never panic, whatever the input), or an invariant below that does not hold.

use tandem_engine::synth::{self, TemplateFormat};
use tandem_engine::{presets, Topology};

pub mod edits;

/// The console's share-link and autosave codec, compiled from `web/src/services/codec.rs`.
#[path = "../../web/src/services/codec.rs"]
pub mod codec;

/// Every preset, the reference first.
pub fn all_presets() -> Vec<Topology> {
    presets::PRESETS.iter().map(|p| p.topology()).collect()
}

/// A loaded topology reads back equal from the JSON the engine writes for it.
pub fn assert_round_trip(t: &Topology) {
    let json = tandem_engine::to_json(t);
    match tandem_engine::load(&json) {
        Ok(back) => assert!(
            back == *t,
            "a topology does not read back equal from {json}"
        ),
        Err(e) => panic!("a loaded topology's own JSON does not load: {e}\n{json}"),
    }
}

/// Synthesizes both formats and checks that every JSON and YAML file parses, and that each
/// YAML template reads back equal to its JSON twin.
pub fn synth_all(t: &Topology) {
    let synthesis = synth::synthesize(t);
    let json_files = synthesis.files(TemplateFormat::Json);
    let yaml_files = synthesis.files(TemplateFormat::Yaml);
    for file in json_files.iter().chain(&yaml_files) {
        assert!(!file.contents.is_empty(), "`{}` is empty", file.name);
        if file.name.ends_with(".json") {
            if let Err(e) = serde_json::from_str::<serde_json::Value>(&file.contents) {
                panic!("`{}` is not JSON: {e}\n{}", file.name, file.contents);
            }
        }
    }
    for stack in &synthesis.stacks {
        let yaml = synth::to_yaml(&stack.template);
        match serde_saphyr::from_str::<serde_json::Value>(&yaml) {
            Ok(back) => assert!(
                back == stack.template,
                "the YAML of `{}` does not read back equal\n{yaml}",
                stack.id
            ),
            Err(e) => panic!("the YAML of `{}` does not parse: {e}\n{yaml}", stack.id),
        }
    }
}
