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
