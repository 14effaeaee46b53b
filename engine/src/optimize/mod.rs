//! The optimizer: every design within reach of the input that no other design beats on monthly
//! cost, RTO, typical RPO and RPO bound at once (the Pareto front), each with its numbers and
//! the `Edit`s that turn the input into it.
//!
//! Candidates are topologies built by applying a choice of knob settings (`knobs`) to the
//! input's JSON and loading the result, so each one loads; a candidate with an error finding
//! other than the three objective rules (E4001, E4002, E5001: the front is the trade-off
//! against those objectives) is rejected. Every number is `analysis::analyze`'s, so a point
//! always equals what the analysis says of its topology. `Limits` (a budget, a longest RTO,
//! a largest typical RPO, as E4001 reads RPO) filter the front; `search` explains how the
//! candidates are chosen.

mod knobs;
mod render;
mod search;

pub use render::{optimize_markdown, optimize_text, rto_text};

use serde::{Deserialize, Serialize};

use crate::analysis::Analysis;
use crate::model::Topology;
use crate::prices::PriceTable;
use crate::rules::Edit;

/// The JSON document's schema name.
pub const SCHEMA: &str = "tandem-optimize/1";

/// Upper limits a point must meet; none by default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Limits {
    /// Monthly cost in USD.
    #[serde(default)]
    pub max_cost: Option<f64>,
    #[serde(default)]
    pub max_rto_seconds: Option<f64>,
    /// Typical RPO, the value objective rule E4001 holds to the RPO objective.
    #[serde(default)]
    pub max_rpo_seconds: Option<f64>,
}

/// A design's numbers, as the analysis gives them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Numbers {
    /// Monthly cost in USD (a lower bound when `costComplete` is false).
    pub cost: f64,
    pub cost_complete: bool,
    /// The simulated `region-outage` RTO; `null`: writes never recover within 6 h, or there is
    /// nothing to measure (no API behind a public name).
    pub rto_seconds: Option<f64>,
    /// `null`: unbounded.
    pub rpo_typical_seconds: Option<f64>,
    /// `null`: unbounded.
    pub rpo_bound_seconds: Option<f64>,
}

impl Numbers {
    pub fn of(a: &Analysis) -> Numbers {
        Numbers {
            cost: a.cost.total,
            cost_complete: a.cost.complete(),
            rto_seconds: a.rto.total_seconds,
            rpo_typical_seconds: a.rpo.typical_seconds,
            rpo_bound_seconds: a.rpo.bound_seconds,
        }
    }

    /// Cost in cents (designs a fraction of a cent apart are the same trade-off, and sums of
    /// the same lines in another order must not decide), RTO, typical RPO, RPO bound;
    /// unbounded is infinite.
    fn metrics(&self) -> [f64; 4] {
        let or_inf = |x: Option<f64>| x.unwrap_or(f64::INFINITY);
        [
            (self.cost * 100.0).round(),
            or_inf(self.rto_seconds),
            or_inf(self.rpo_typical_seconds),
            or_inf(self.rpo_bound_seconds),
        ]
    }

    /// No worse on every number and better on at least one.
    pub fn dominates(&self, other: &Numbers) -> bool {
        let (a, b) = (self.metrics(), other.metrics());
        a.iter().zip(&b).all(|(x, y)| x <= y) && a.iter().zip(&b).any(|(x, y)| x < y)
    }

    /// The same on every number.
    pub fn ties(&self, other: &Numbers) -> bool {
        self.metrics() == other.metrics()
    }

    pub fn within(&self, limits: &Limits) -> bool {
        limits.max_cost.is_none_or(|m| self.cost <= m)
            && limits
                .max_rto_seconds
                .is_none_or(|m| self.rto_seconds.is_some_and(|r| r <= m))
            && limits
                .max_rpo_seconds
                .is_none_or(|m| self.rpo_typical_seconds.is_some_and(|r| r <= m))
    }
}

/// One design on the front.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Point {
    #[serde(flatten)]
    pub numbers: Numbers,
    /// What differs from the input, in words (empty: the input itself).
    pub changes: Vec<String>,
    /// The edits that turn the input into this design, in order.
    pub edits: Vec<Edit>,
    /// Ids of the warning rules the design triggers.
    pub warnings: Vec<String>,
}

/// How one group of knobs fared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupStats {
    pub name: String,
    /// Settings offered, the input's own included.
    pub choices: usize,
    /// Settings left after dropping the rejected and the dominated (the standby group is
    /// searched whole: its count is of its settings on the front it starts).
    pub kept: usize,
}

/// What the search did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchStats {
    pub groups: Vec<GroupStats>,
    /// Distinct topologies analysed (equal topologies are analysed once).
    pub evaluated: usize,
    /// Of those, how many had an error finding (objective rules aside).
    pub rejected: usize,
    /// Candidates whose edits did not give a topology that loads.
    pub unloadable: usize,
    /// Points on the front before the limits.
    pub front: usize,
}

/// The answer: the input's numbers and the front within the limits, cheapest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OptimizeReport {
    pub schema: String,
    pub limits: Limits,
    pub current: Numbers,
    /// Error findings of the input, objective rules aside (its numbers are still shown).
    pub current_errors: usize,
    /// The index of the point that is the input itself, when it is on the front.
    pub current_point: Option<usize>,
    pub points: Vec<Point>,
    /// The numbers of every other design analysed without an error finding, cheapest first:
    /// each is beaten or equalled by a point of the front (before the limits).
    pub dominated: Vec<Numbers>,
    pub search: SearchStats,
}

/// The Pareto front of designs reachable from `topology` by the optimizer's knobs.
pub fn optimize(topology: &Topology, prices: &PriceTable, limits: &Limits) -> OptimizeReport {
    let analysis = crate::analysis::analyze(topology, prices);
    let current_errors = crate::rules::check_design(topology, &analysis, prices)
        .count(crate::rules::Severity::Error);
    let (front, mut stats, dominated) = search::search(topology, prices);
    stats.front = front.len();
    let mut points: Vec<Point> = front
        .into_iter()
        .filter(|p| p.numbers.within(limits))
        .collect();
    points.sort_by(|a, b| {
        let (x, y) = (a.numbers.metrics(), b.numbers.metrics());
        x.iter()
            .zip(&y)
            .map(|(p, q)| p.total_cmp(q))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.edits.len().cmp(&b.edits.len()))
    });
    OptimizeReport {
        schema: SCHEMA.into(),
        limits: *limits,
        current: Numbers::of(&analysis),
        current_errors,
        current_point: points.iter().position(|p| p.edits.is_empty()),
        points,
        dominated,
        search: stats,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{apply_fix, check_with, Fix, OBJECTIVE_RULES};

    /// Every point: loads from its edits, has no error finding but the objective ones, and
    /// its numbers are the analysis of that topology; no point beats or ties another.
    fn assert_sound(t: &Topology, r: &OptimizeReport) {
        let prices = PriceTable::builtin();
        for (i, p) in r.points.iter().enumerate() {
            let fix = Fix {
                title: "point".into(),
                edits: p.edits.clone(),
            };
            let applied = apply_fix(t, &fix).unwrap();
            assert_eq!(
                Numbers::of(&crate::analysis::analyze(&applied, prices)),
                p.numbers
            );
            let errors: Vec<_> = check_with(&applied, prices)
                .findings
                .into_iter()
                .filter(|f| {
                    f.severity == crate::rules::Severity::Error
                        && !OBJECTIVE_RULES.contains(&f.rule.as_str())
                })
                .collect();
            assert!(errors.is_empty(), "point {i}: {errors:#?}");
            for q in &r.points {
                assert!(!q.numbers.dominates(&p.numbers), "{q:?} beats {p:?}");
            }
            assert_eq!(
                r.points
                    .iter()
                    .filter(|q| q.numbers.ties(&p.numbers))
                    .count(),
                1
            );
        }
    }

    #[test]
    fn the_reference_front_is_sound_deterministic_and_small_to_search() {
        let t = crate::presets::reference();
        let r = optimize(&t, PriceTable::builtin(), &Limits::default());
        assert!(r.points.len() >= 3, "{:#?}", r.points);
        assert_sound(&t, &r);
        assert_eq!(r, optimize(&t, PriceTable::builtin(), &Limits::default()));
        // The current design is dominated (a 30 s TTL is free and faster, for one).
        assert_eq!(r.current_point, None);
        assert!(r.points.iter().any(|p| p.numbers.dominates(&r.current)));
        assert!(r.search.evaluated <= 60, "{:?}", r.search);
        assert!(!r.dominated.is_empty());
        for d in &r.dominated {
            assert!(
                r.points
                    .iter()
                    .any(|p| p.numbers.dominates(d) || p.numbers.ties(d)),
                "{d:?}"
            );
        }
    }

    #[test]
    fn limits_at_the_objectives_leave_designs_without_any_error_finding() {
        for preset in crate::presets::PRESETS {
            let t = preset.topology();
            let limits = Limits {
                max_cost: Some(t.objectives.monthly_budget_usd.get()),
                max_rto_seconds: Some(f64::from(t.objectives.rto_seconds)),
                max_rpo_seconds: Some(f64::from(t.objectives.rpo_seconds)),
            };
            let r = optimize(&t, PriceTable::builtin(), &limits);
            assert!(!r.points.is_empty(), "{}", preset.id);
            assert_sound(&t, &r);
            for p in &r.points {
                let applied = apply_fix(
                    &t,
                    &Fix {
                        title: "point".into(),
                        edits: p.edits.clone(),
                    },
                )
                .unwrap();
                assert!(
                    !check_with(&applied, PriceTable::builtin()).has_errors(),
                    "{}: {:?}",
                    preset.id,
                    p.changes
                );
            }
        }
    }

    #[test]
    fn a_limit_nothing_meets_leaves_an_empty_front() {
        let t = crate::presets::reference();
        let r = optimize(
            &t,
            PriceTable::builtin(),
            &Limits {
                max_cost: Some(1.0),
                ..Limits::default()
            },
        );
        assert!(r.points.is_empty());
        assert!(r.search.front > 0);
    }

    fn n(cost: f64, rto: f64, rpo: Option<f64>, bound: Option<f64>) -> Numbers {
        Numbers {
            cost,
            cost_complete: true,
            rto_seconds: Some(rto),
            rpo_typical_seconds: rpo,
            rpo_bound_seconds: bound,
        }
    }

    #[test]
    fn dominance_counts_unbounded_as_worst() {
        let a = n(10.0, 60.0, Some(1.0), None);
        assert!(n(10.0, 60.0, Some(1.0), Some(900.0)).dominates(&a));
        assert!(!a.dominates(&a));
        assert!(a.ties(&a));
        assert!(!n(9.0, 61.0, Some(1.0), None).dominates(&a));
        assert!(!a.dominates(&n(9.0, 61.0, Some(1.0), None)));
    }

    #[test]
    fn limits_filter_and_an_unbounded_rpo_meets_no_rpo_limit() {
        let a = n(10.0, 60.0, None, None);
        assert!(a.within(&Limits::default()));
        let rpo = Limits {
            max_rpo_seconds: Some(1e9),
            ..Limits::default()
        };
        assert!(!a.within(&rpo));
        let cost = Limits {
            max_cost: Some(9.99),
            ..Limits::default()
        };
        assert!(!a.within(&cost));
        assert!(a.within(&Limits {
            max_cost: Some(10.0),
            max_rto_seconds: Some(60.0),
            max_rpo_seconds: None
        }));
    }
}
