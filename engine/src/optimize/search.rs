//! The search: few analyses, each of a distinct topology.
//!
//! 1. *Screen* each independent group (detection, DNS, network, capacity, promotion) in the
//!    input's context and with the other failover decision (some settings pay off only with
//!    one: a faster health check shortens the RTO only when Route 53 moves traffic without a
//!    person): analyse each setting alone and drop the rejected ones and those another
//!    setting of the same group dominates. Their effects add up (cost lines, RTO phases) or
//!    enter a maximum (RPO) largely independently of the other groups, so a setting dominated
//!    in both contexts is taken to stay dominated in any design: this is what keeps the search small, and
//!    where it could miss a design (the front is exact over the candidates it analyses). A
//!    group left with one setting is fixed at it.
//! 2. Search the *standby* group whole (its knobs interact), with the fixed settings applied,
//!    and keep its front.
//! 3. For each group left with several settings, combine every point of the front with each
//!    of them and keep the new front (dominated partial designs are pruned after every group).
//! 4. The answer is the front of every design analysed on the way, so nothing analysed is
//!    lost; the others are reported, by their numbers, as dominated.
//!
//! Equal topologies are analysed once (keyed by their canonical JSON), so a combination that
//! changes nothing costs no analysis. For the reference, 37 analyses find the front of all 672
//! combinations; a test compares the two fronts by brute force.

use std::collections::BTreeMap;

use serde_json::Value;

use super::knobs::{groups, other_decision, Choice};
use super::{GroupStats, Numbers, Point, SearchStats};
use crate::analysis::analyze;
use crate::model::{load_value, Topology};
use crate::prices::PriceTable;
use crate::rules::{apply_edit, check_design, Severity};

struct Evaluator<'a> {
    input: Value,
    prices: &'a PriceTable,
    /// Every distinct topology analysed: the first way it was reached, or `None` when it has
    /// an error finding.
    cache: BTreeMap<String, Option<Point>>,
    stats: SearchStats,
}

impl Evaluator<'_> {
    /// `base` combined with `choice`, analysed; `None` when the result does not load or has
    /// an error finding. A topology reached before answers as it did then.
    fn point(&mut self, base: &Point, choice: &Choice) -> Option<Point> {
        let mut edits = base.edits.clone();
        edits.extend(choice.edits.iter().cloned());
        let mut value = self.input.clone();
        let applied = edits.iter().all(|e| apply_edit(&mut value, e).is_ok());
        let Some(t) = applied.then(|| load_value(value).ok()).flatten() else {
            self.stats.unloadable += 1;
            return None;
        };
        // Compact JSON of the loaded topology: equal designs give equal keys.
        let key = serde_json::to_string(&t).unwrap_or_default();
        if let Some(hit) = self.cache.get(&key) {
            return hit.clone();
        }
        self.stats.evaluated += 1;
        let analysis = analyze(&t, self.prices);
        let report = check_design(&t, &analysis, self.prices);
        let point = if report.has_errors() {
            self.stats.rejected += 1;
            None
        } else {
            let mut warnings: Vec<String> = report
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Warning)
                .map(|f| f.rule.clone())
                .collect();
            warnings.dedup();
            let mut changes = base.changes.clone();
            changes.extend(choice.labels.iter().cloned());
            Some(Point {
                numbers: Numbers::of(&analysis),
                changes,
                edits,
                warnings,
            })
        };
        self.cache.insert(key, point.clone());
        point
    }
}

/// The points no other point dominates; of points with equal numbers, the one with the fewest
/// edits (then the first) stays.
pub(super) fn pareto(points: Vec<Point>) -> Vec<Point> {
    let beaten = |i: usize, p: &Point| {
        points.iter().enumerate().any(|(j, q)| {
            q.numbers.dominates(&p.numbers)
                || (q.numbers.ties(&p.numbers) && (q.edits.len(), j) < (p.edits.len(), i))
        })
    };
    let keep: Vec<bool> = points
        .iter()
        .enumerate()
        .map(|(i, p)| !beaten(i, p))
        .collect();
    points
        .into_iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(p))
        .collect()
}

fn empty() -> Point {
    Point {
        numbers: Numbers {
            cost: 0.0,
            cost_complete: true,
            rto_seconds: None,
            rpo_typical_seconds: None,
            rpo_bound_seconds: None,
        },
        changes: Vec::new(),
        edits: Vec::new(),
        warnings: Vec::new(),
    }
}

/// The front over every group, what it took, and the numbers of every other valid design
/// analysed on the way (each beaten or equalled by a point of the front).
pub(super) fn search(t: &Topology, prices: &PriceTable) -> (Vec<Point>, SearchStats, Vec<Numbers>) {
    let mut ev = Evaluator {
        input: serde_json::to_value(t).unwrap_or(Value::Null),
        prices,
        cache: BTreeMap::new(),
        stats: SearchStats::default(),
    };
    let all = groups(t, &ev.input);
    let Some((standby, independent)) = all.split_first() else {
        return (Vec::new(), ev.stats, Vec::new());
    };
    // 1. Screen the independent groups; fix those with one setting left. Each is screened in
    // the input's context and with the other decision: a 10 s health check shortens nothing
    // when a person decides, and detection when Route 53 does.
    let flipped = other_decision(t, &ev.input);
    let mut aside = Evaluator {
        input: ev.input.clone(),
        prices,
        cache: BTreeMap::new(),
        stats: SearchStats::default(),
    };
    let contexts = [
        empty(),
        Point {
            edits: flipped.edits,
            changes: flipped.labels,
            ..empty()
        },
    ];
    let mut fixed = Choice {
        labels: Vec::new(),
        edits: Vec::new(),
    };
    let mut open: Vec<Vec<Choice>> = Vec::new();
    let mut group_stats = Vec::new();
    for group in independent {
        let mut keep = vec![false; group.choices.len()];
        for (n, context) in contexts.iter().enumerate() {
            let mut screened = Vec::new();
            for (i, choice) in group.choices.iter().enumerate() {
                // The other decision only informs the screening: its designs may lie outside
                // the knobs' combinations, so they never join the designs the front is made of.
                let p = if n == 0 {
                    ev.point(context, choice)
                } else {
                    aside.point(context, choice)
                };
                if let Some(p) = p {
                    screened.push((p, i));
                }
            }
            let front = pareto(screened.iter().map(|(p, _)| p.clone()).collect());
            for (p, i) in &screened {
                if front.iter().any(|f| f.edits == p.edits) {
                    if let Some(k) = keep.get_mut(*i) {
                        *k = true;
                    }
                }
            }
        }
        let kept: Vec<Choice> = group
            .choices
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(c, _)| c.clone())
            .collect();
        group_stats.push(GroupStats {
            name: group.name.into(),
            choices: group.choices.len(),
            kept: kept.len(),
        });
        match kept.len() {
            // Nothing valid in the input's context (the input itself has an error): keep
            // the input's setting and let the combined designs decide.
            0 => {}
            1 => {
                for one in kept {
                    fixed.edits.extend(one.edits);
                    fixed.labels.extend(one.labels);
                }
            }
            _ => open.push(kept),
        }
    }
    // 2. The standby group, whole, on top of the fixed settings.
    let base = Point {
        edits: fixed.edits,
        changes: fixed.labels,
        ..empty()
    };
    let mut front = Vec::new();
    for choice in &standby.choices {
        if let Some(p) = ev.point(&base, choice) {
            front.push(p);
        }
    }
    front = pareto(front);
    group_stats.insert(
        0,
        GroupStats {
            name: standby.name.into(),
            choices: standby.choices.len(),
            kept: front.len(),
        },
    );
    // 3. Every point of the front with each remaining setting of the open groups.
    for choices in &open {
        let mut next = Vec::new();
        for p in &front {
            for choice in choices {
                if let Some(q) = ev.point(p, choice) {
                    next.push(q);
                }
            }
        }
        front = pareto(next);
    }
    ev.stats.groups = group_stats;
    ev.stats.evaluated += aside.stats.evaluated;
    // The front of everything analysed: the last front, plus any design met on the way that
    // nothing beats (none, when the screening's assumption holds).
    let analysed: Vec<Point> = front
        .into_iter()
        .chain(ev.cache.into_values().flatten())
        .collect();
    let front = pareto(analysed.clone());
    let mut others: Vec<Numbers> = analysed
        .into_iter()
        .filter(|p| !front.iter().any(|f| f.edits == p.edits))
        .map(|p| p.numbers)
        .collect();
    others.sort_by(|a, b| {
        a.cost.total_cmp(&b.cost).then(
            a.rto_seconds
                .unwrap_or(f64::INFINITY)
                .total_cmp(&b.rto_seconds.unwrap_or(f64::INFINITY)),
        )
    });
    others.dedup();
    (front, ev.stats, others)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Edit;

    fn p(cost: f64, rto: f64, edits: usize) -> Point {
        Point {
            numbers: Numbers {
                cost,
                rto_seconds: Some(rto),
                rpo_typical_seconds: Some(1.0),
                ..empty().numbers
            },
            edits: (0..edits)
                .map(|i| Edit::Remove {
                    path: format!("x{i}"),
                })
                .collect(),
            ..empty()
        }
    }

    /// The front of every combination of every group's settings, by brute force.
    fn exhaustive(t: &Topology) -> (Vec<[f64; 4]>, usize) {
        let mut ev = Evaluator {
            input: serde_json::to_value(t).unwrap(),
            prices: PriceTable::builtin(),
            cache: BTreeMap::new(),
            stats: SearchStats::default(),
        };
        let mut combos = vec![empty()];
        for g in groups(t, &ev.input) {
            combos = combos
                .iter()
                .flat_map(|p| {
                    g.choices.iter().map(|c| {
                        let mut q = p.clone();
                        q.edits.extend(c.edits.iter().cloned());
                        q
                    })
                })
                .collect();
        }
        let all = combos.len();
        let valid: Vec<Point> = combos
            .iter()
            .filter_map(|p| {
                ev.point(
                    &empty(),
                    &Choice {
                        labels: Vec::new(),
                        edits: p.edits.clone(),
                    },
                )
            })
            .collect();
        let mut front: Vec<[f64; 4]> = pareto(valid).iter().map(|p| p.numbers.metrics()).collect();
        front.sort_by(|a, b| a.partial_cmp(b).unwrap());
        (front, all)
    }

    /// The screening assumes a setting dominated alone stays dominated in any design; for a
    /// replicated and a backed-up preset, the whole product of settings (672 designs each today)
    /// proves the pruned search loses no point.
    #[test]
    fn the_pruned_search_finds_the_front_of_every_combination() {
        for id in ["reference", "backup-restore"] {
            let preset = crate::presets::preset(id).unwrap();
            let t = preset.topology();
            let (front, stats, _) = search(&t, PriceTable::builtin());
            let mut pruned: Vec<[f64; 4]> = front.iter().map(|p| p.numbers.metrics()).collect();
            pruned.sort_by(|a, b| a.partial_cmp(b).unwrap());
            let (exact, combinations) = exhaustive(&t);
            assert_eq!(pruned, exact, "{}", preset.id);
            assert!(
                stats.evaluated * 5 < combinations,
                "{}: {} analysed of {combinations}",
                preset.id,
                stats.evaluated
            );
        }
    }

    #[test]
    fn pareto_drops_the_dominated_and_keeps_the_simplest_of_equals() {
        let front = pareto(vec![
            p(10.0, 100.0, 1),
            p(20.0, 50.0, 1),
            p(20.0, 60.0, 0),  // dominated by the second
            p(10.0, 100.0, 0), // equal to the first, fewer edits: kept instead
            p(5.0, 200.0, 2),
        ]);
        let kept: Vec<(f64, f64, usize)> = front
            .iter()
            .map(|q| {
                (
                    q.numbers.cost,
                    q.numbers.rto_seconds.unwrap_or(-1.0),
                    q.edits.len(),
                )
            })
            .collect();
        assert_eq!(
            kept,
            vec![(20.0, 50.0, 1), (10.0, 100.0, 0), (5.0, 200.0, 2)]
        );
    }
}
