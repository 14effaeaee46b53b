//! Every duration the simulator uses, as data with a source per entry (like the price table).

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// One entry of the table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DurationEntry {
    pub id: String,
    pub seconds: u64,
    pub source: String,
    pub note: String,
}

/// The duration table (`engine/data/simulation-durations.json` unless replaced).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Durations {
    pub version: u32,
    pub durations: Vec<DurationEntry>,
}

const BUILTIN: &str = include_str!("../../data/simulation-durations.json");

impl Durations {
    /// The built-in table; `None` only if the embedded file were malformed (a test forbids it).
    pub fn builtin() -> Option<Durations> {
        // Parsed once: every analysis plays a simulation, and the optimizer runs hundreds.
        static TABLE: OnceLock<Option<Durations>> = OnceLock::new();
        TABLE
            .get_or_init(|| serde_json::from_str(BUILTIN).ok())
            .clone()
    }

    /// Seconds of `id`; an entry missing from a replaced table counts as 0 s.
    pub fn get(&self, id: &str) -> u64 {
        self.durations
            .iter()
            .find(|d| d.id == id)
            .map_or(0, |d| d.seconds)
    }

    /// A copy with `id` set to `seconds`.
    pub fn with(mut self, id: &str, seconds: u64) -> Durations {
        if let Some(d) = self.durations.iter_mut().find(|d| d.id == id) {
            d.seconds = seconds;
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_table_loads_and_every_entry_has_a_source() {
        let d = Durations::builtin().unwrap();
        assert!(d.durations.iter().all(|e| e.source.starts_with("https://")));
        assert_eq!(d.get("aurora.globalFailover"), 60);
    }
}
