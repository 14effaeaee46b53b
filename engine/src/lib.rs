//! Tandem's engine: a two-region AWS disaster-recovery topology in, findings, RPO/RTO, cost and
//! CloudFormation out.
//!
//! The engine is pure: no clock, no IO, no randomness, no browser. The same input gives
//! byte-identical output natively and in WebAssembly. The stages, in pipeline order:
//!
//! - [`model`]: the typed topology, loading (with field-path errors) and migration;
//! - [`rules`]: the policy engine, findings and fixes;
//! - [`analysis`]: RPO per store, RTO phases, cost line items from [`prices`] (which
//!   [`offers`] can build from AWS Price List bulk offer files);
//! - [`optimize`]: the Pareto front of designs over cost, RTO and RPO, each as edits;
//! - [`presets`]: the reference topology and the four DR strategies.

pub mod analysis;
pub mod catalog;
pub mod edit;
pub mod editor;
#[cfg(feature = "ffi")]
pub mod ffi;
pub mod model;
pub mod network;
pub mod offers;
pub mod optimize;
pub mod presets;
pub mod prices;
pub mod report;
pub mod rules;
pub mod simulate;
pub mod synth;

pub use analysis::{analyze, Analysis};
pub use model::{load, to_json, LoadError, Topology};
pub use optimize::{optimize, Limits, OptimizeReport};
pub use prices::PriceTable;
pub use rules::{apply_fix, check, check_with, CheckReport, Finding, Fix, Severity};
