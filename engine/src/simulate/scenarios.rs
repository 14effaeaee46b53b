//! The outage scenarios, by stable name: what happens to the world and when.

use serde::{Deserialize, Serialize};

/// One change the scenario makes to the world.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Change {
    RegionDown(bool, bool),
    Partition(bool),
    PrimaryDatabaseDown(bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    RegionOutage,
    DatabaseOutage,
    Partition,
    SecondaryOutage,
    Flapping,
    LateApproval,
    Failback,
}

/// Six hours: every scenario runs this long.
pub const HORIZON: u64 = 6 * 3600;

impl Scenario {
    pub const ALL: [Scenario; 7] = [
        Scenario::RegionOutage,
        Scenario::DatabaseOutage,
        Scenario::Partition,
        Scenario::SecondaryOutage,
        Scenario::Flapping,
        Scenario::LateApproval,
        Scenario::Failback,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::RegionOutage => "region-outage",
            Scenario::DatabaseOutage => "database-outage",
            Scenario::Partition => "partition",
            Scenario::SecondaryOutage => "secondary-outage",
            Scenario::Flapping => "flapping",
            Scenario::LateApproval => "late-approval",
            Scenario::Failback => "failback",
        }
    }

    pub fn parse(name: &str) -> Option<Scenario> {
        Scenario::ALL.into_iter().find(|s| s.name() == name)
    }

    pub fn description(self) -> &'static str {
        match self {
            Scenario::RegionOutage => "the primary region is down for 6 h",
            Scenario::DatabaseOutage => "only the primary's Aurora cluster is down",
            Scenario::Partition => {
                "the regions cannot reach each other; users still reach the primary"
            }
            Scenario::SecondaryOutage => "the secondary region is down",
            Scenario::Flapping => "the primary is down 90 s, up 5 min, then down again",
            Scenario::LateApproval => {
                "the primary region is down and the operator approves after 3 h"
            }
            Scenario::Failback => {
                "the primary returns after 2 h and the runbook's failback is played"
            }
        }
    }

    /// `(t, change)`: `RegionDown(primary?, down?)`.
    pub(crate) fn changes(self) -> Vec<(u64, Change)> {
        use Change::*;
        match self {
            Scenario::RegionOutage | Scenario::LateApproval => vec![(0, RegionDown(true, true))],
            Scenario::DatabaseOutage => vec![(0, PrimaryDatabaseDown(true))],
            Scenario::Partition => vec![(0, Partition(true))],
            Scenario::SecondaryOutage => vec![(0, RegionDown(false, true))],
            Scenario::Flapping => vec![
                (0, RegionDown(true, true)),
                (90, RegionDown(true, false)),
                (390, RegionDown(true, true)),
            ],
            Scenario::Failback => {
                vec![(0, RegionDown(true, true)), (7200, RegionDown(true, false))]
            }
        }
    }

    /// The operator's approval delay, when the scenario overrides the topology's.
    pub(crate) fn approval_override(self) -> Option<u64> {
        (self == Scenario::LateApproval).then_some(3 * 3600)
    }

    /// Whether control-plane calls in the surviving region are throttled at first.
    pub(crate) fn surge(self) -> bool {
        matches!(
            self,
            Scenario::RegionOutage
                | Scenario::Flapping
                | Scenario::LateApproval
                | Scenario::Failback
        )
    }

    /// Whether the recovery objective applies (a late approval is late by design).
    pub(crate) fn judges_rto(self) -> bool {
        !matches!(self, Scenario::LateApproval)
    }
}
