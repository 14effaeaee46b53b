//! Writes the seed corpora under `fuzz/corpus/<target>/` from the presets and the test fixtures:
//!
//!   cargo +nightly run --manifest-path fuzz/Cargo.toml --example seeds
//!
//! Seeds are named `seed-*`; running it again rewrites them and leaves every other file alone.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use tandem_engine::rules::Edit;
use tandem_engine::{apply_fix, presets, to_json, Fix};
use tandem_fuzz::codec::{autosave_encode, share_encode};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut topologies: Vec<(String, String)> = Vec::new();
    for p in presets::PRESETS {
        topologies.push((format!("preset-{}", p.id), to_json(&p.topology())));
    }
    // Fixtures that are edits of a preset become the topologies they describe.
    for dir in ["bad", "analysis"] {
        for path in json_files(&root.join("tests/fixtures").join(dir))? {
            let fixture: Value = serde_json::from_str(&fs::read_to_string(&path)?)?;
            let base = fixture
                .get("base")
                .and_then(Value::as_str)
                .unwrap_or("reference");
            let Some(preset) = presets::preset(base) else {
                continue;
            };
            let edits: Vec<Edit> =
                serde_json::from_value(fixture.get("edits").cloned().unwrap_or_default())?;
            let fix = Fix {
                title: "fixture".into(),
                edits,
            };
            if let Ok(t) = apply_fix(&preset.topology(), &fix) {
                topologies.push((format!("{dir}-{}", stem(&path)), to_json(&t)));
            }
        }
    }
    // Fixtures the loader must reject are seeds as they are.
    let mut rejected = Vec::new();
    for path in json_files(&root.join("tests/fixtures/invalid"))? {
        rejected.push((
            format!("invalid-{}", stem(&path)),
            fs::read_to_string(&path)?,
        ));
    }
    for target in ["load", "check_analyze", "synth", "simulate"] {
        for (name, text) in topologies.iter().chain(&rejected) {
            write(&corpus.join(target), name, text.as_bytes())?;
        }
    }

    let prices = fs::read_to_string(root.join("engine/data/prices.json"))?;
    write(&corpus.join("prices"), "builtin", prices.as_bytes())?;

    let dir = corpus.join("share_link");
    for p in presets::PRESETS {
        let t = p.topology();
        let mut link = vec![0u8];
        link.extend_from_slice(share_encode(&t).as_bytes());
        write(&dir, &format!("link-{}", p.id), &link)?;
        let mut payload = vec![1u8];
        payload.extend_from_slice(to_json(&t).as_bytes());
        write(&dir, &format!("payload-{}", p.id), &payload)?;
    }
    write(&dir, "damaged", b"\0#t=!!!")?;

    let dir = corpus.join("autosave");
    let saves: Vec<(String, String)> = presets::PRESETS
        .iter()
        .filter_map(|p| autosave_encode(&p.topology()).map(|s| (p.id.to_string(), s)))
        .collect();
    for (i, (id, save)) in saves.iter().enumerate() {
        write(&dir, &format!("current-{id}"), save.as_bytes())?;
        if let Some((older, previous)) = saves.get((i + 1) % saves.len()) {
            let both = format!("{save}\u{1e}{previous}");
            write(&dir, &format!("both-{id}-{older}"), both.as_bytes())?;
            let fallback = format!("{{\"format\":1,\"topology\":{{}}}}\u{1e}{previous}");
            write(&dir, &format!("fallback-{older}"), fallback.as_bytes())?;
        }
    }
    fs::create_dir_all(corpus.join("apply_fix"))?;
    Ok(())
}

fn json_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    Ok(files)
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    fs::write(dir.join(format!("seed-{name}")), bytes)
}
