//! Design-time analysis: RPO per data store, RTO measured by simulating a regional outage of
//! the synthesized stacks (explained as phases), and monthly cost as line items priced from the
//! price table. Every number says how it was made and where its inputs come from.

pub mod billing;
mod cost;
mod cost_ops;
mod free_tiers;
mod rpo;
mod rto;
pub(crate) mod suggest;

pub use cost::{CostLine, CostReport, MissingPrice, HOURS_PER_MONTH, SECONDS_PER_MONTH};
pub use rpo::{bound_text, RpoReport, StoreKind, StoreRpo};
pub use rto::{Phase, RtoReport};

use serde::{Deserialize, Serialize};

use crate::model::Topology;
use crate::prices::PriceTable;

/// RPO, RTO and cost of one topology.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Analysis {
    pub rpo: RpoReport,
    pub rto: RtoReport,
    pub cost: CostReport,
}

/// Analyses a topology with the given prices.
pub fn analyze(topology: &Topology, prices: &PriceTable) -> Analysis {
    Analysis {
        rpo: rpo::rpo(topology),
        rto: rto::rto(topology),
        cost: cost::cost(topology, prices),
    }
}

/// The same analysis, with the `region-outage` simulation its RTO comes from (`None` when
/// the topology has nothing to time): the console shows that very run in its Outage view
/// instead of playing it again.
pub fn analyze_simulated(
    topology: &Topology,
    prices: &PriceTable,
) -> (Analysis, Option<crate::simulate::Simulation>) {
    let (rto, simulation) = rto::rto_simulated(topology);
    let analysis = Analysis {
        rpo: rpo::rpo(topology),
        rto,
        cost: cost::cost(topology, prices),
    };
    (analysis, simulation)
}

/// Analyses topology after topology, as an editor does: the stacks are synthesized and read
/// for the simulator again only when an edit changes what synthesis reads
/// ([`crate::synth::synthesis_input`]), so an edit of the objectives, the budget, the
/// workload's cost figures or a suppression plays the outage on the stacks already read. The
/// results are those of [`analyze_simulated`] and [`crate::simulate::simulate_topology`].
#[derive(Debug, Default)]
pub struct Analyzer {
    /// The last synthesis input and its stacks, read.
    last: Option<(Topology, crate::simulate::Prepared)>,
    syntheses: u64,
}

impl Analyzer {
    pub fn new() -> Analyzer {
        Analyzer::default()
    }

    /// How many times it synthesized and read the stacks (once per change of the synthesis
    /// input).
    pub fn syntheses(&self) -> u64 {
        self.syntheses
    }

    /// What [`analyze_simulated`] says about `topology`.
    pub fn analyze_simulated(
        &mut self,
        topology: &Topology,
        prices: &PriceTable,
    ) -> (Analysis, Option<crate::simulate::Simulation>) {
        let prepared = self.prepared(topology);
        let (rto, simulation) = rto::rto_prepared(topology, prepared);
        let analysis = Analysis {
            rpo: rpo::rpo(topology),
            rto,
            cost: cost::cost(topology, prices),
        };
        (analysis, simulation)
    }

    /// What [`crate::simulate::simulate_topology`] says about `topology` in `scenario`.
    pub fn simulate(
        &mut self,
        topology: &Topology,
        scenario: crate::simulate::Scenario,
    ) -> crate::simulate::Simulation {
        self.prepared(topology).play(
            scenario,
            &crate::simulate::durations_of(topology),
            &crate::simulate::Objectives::of(topology),
        )
    }

    /// The stacks of `topology`, read, from the last call's when its synthesis input is the
    /// same.
    fn prepared(&mut self, topology: &Topology) -> &crate::simulate::Prepared {
        let input = crate::synth::synthesis_input(topology);
        if self.last.as_ref().is_some_and(|(last, _)| *last != input) {
            self.last = None;
        }
        if self.last.is_none() {
            self.syntheses += 1;
        }
        &self
            .last
            .get_or_insert_with(|| {
                let read = crate::simulate::Input::from_owned_synthesis(
                    crate::synth::synthesize(&input),
                    &input,
                );
                let prepared = crate::simulate::Prepared::new(&read);
                (input, prepared)
            })
            .1
    }
}

/// RPO and cost only: what budget and RPO suggestions compare (the RTO, which synthesizes and
/// simulates, is left empty).
pub(crate) fn analyze_without_rto(topology: &Topology, prices: &PriceTable) -> Analysis {
    Analysis {
        rpo: rpo::rpo(topology),
        rto: RtoReport {
            scenario: String::new(),
            phases: Vec::new(),
            total_seconds: None,
            unmeasured: None,
        },
        cost: cost::cost(topology, prices),
    }
}

/// Formats seconds for people: `45 s`, `12 min 30 s`, `4 h`.
pub fn human_seconds(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "unbounded".into();
    }
    let s = seconds.round();
    if s < 60.0 {
        format!("{s} s")
    } else if s < 3600.0 {
        let (m, r) = ((s / 60.0).floor(), s % 60.0);
        if r == 0.0 {
            format!("{m} min")
        } else {
            format!("{m} min {r} s")
        }
    } else {
        let (h, r) = ((s / 3600.0).floor(), ((s % 3600.0) / 60.0).round());
        if r == 0.0 {
            format!("{h} h")
        } else {
            format!("{h} h {r} min")
        }
    }
}

/// Formats dollars with cents and thousands separators: `$1,234.56`.
pub fn usd(amount: f64) -> String {
    let cents = (amount * 100.0).round();
    let negative = cents < 0.0;
    let cents = cents.abs();
    let whole = (cents / 100.0).floor();
    let frac = cents - whole * 100.0;
    let digits = format!("{whole:.0}");
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{}${grouped}.{frac:02.0}", if negative { "-" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(human_seconds(45.0), "45 s");
        assert_eq!(human_seconds(750.0), "12 min 30 s");
        assert_eq!(human_seconds(14_400.0), "4 h");
        assert_eq!(human_seconds(f64::INFINITY), "unbounded");
        assert_eq!(usd(1234.567), "$1,234.57");
        assert_eq!(usd(0.5), "$0.50");
        assert_eq!(usd(-12.0), "-$12.00");
    }
}
