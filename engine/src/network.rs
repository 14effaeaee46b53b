//! Subnet planning shared by the network rules and the synthesizer: one subnet per tier and AZ,
//! carved out of the VPC block, largest first so every subnet is aligned.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::model::{Tier, Vpc};

/// The largest AWS VPC block (/16) and smallest subnet (/28).
pub const VPC_MIN_PREFIX: u8 = 16;
pub const VPC_MAX_PREFIX: u8 = 28;

/// A planned subnet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subnet {
    pub tier: Tier,
    pub az: u8,
    pub cidr: Ipv4Net,
}

/// Why a VPC's subnets cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    AzCount(u8),
    MaskOutOfRange { tier: Tier, mask: u8 },
    TooLarge { needed: u64, available: u64 },
}

/// Plans every subnet of the VPC, or says why it cannot.
pub fn plan_subnets(vpc: &Vpc) -> Result<Vec<Subnet>, PlanError> {
    if !(1..=3).contains(&vpc.az_count) {
        return Err(PlanError::AzCount(vpc.az_count));
    }
    let base = vpc.cidr.trunc().net();
    let mut wanted = Vec::new();
    for tier in Tier::ALL {
        let Some(mask) = vpc.tiers.get(tier) else {
            continue;
        };
        if mask < base.prefix_len() || mask > VPC_MAX_PREFIX {
            return Err(PlanError::MaskOutOfRange { tier, mask });
        }
        for az in 0..vpc.az_count {
            wanted.push((tier, az, mask));
        }
    }
    let needed: u64 = wanted
        .iter()
        .map(|(_, _, m)| 1u64 << (32 - u32::from(*m)))
        .sum();
    let available = 1u64 << (32 - u32::from(base.prefix_len()));
    if needed > available {
        return Err(PlanError::TooLarge { needed, available });
    }
    // Largest subnets first keeps every one aligned; the output is in tier and AZ order.
    let mut order: Vec<usize> = (0..wanted.len()).collect();
    order.sort_by_key(|&i| wanted.get(i).map(|w| (w.2, w.0, w.1)));
    let mut next = u64::from(u32::from(base.network()));
    let mut planned = vec![None; wanted.len()];
    for i in order {
        let Some(&(tier, az, mask)) = wanted.get(i) else {
            continue;
        };
        let addr = u32::try_from(next).map_err(|_| PlanError::TooLarge { needed, available })?;
        let cidr = Ipv4Net::new(Ipv4Addr::from(addr), mask)
            .map_err(|_| PlanError::MaskOutOfRange { tier, mask })?;
        if let Some(slot) = planned.get_mut(i) {
            *slot = Some(Subnet { tier, az, cidr });
        }
        next += 1u64 << (32 - u32::from(mask));
    }
    Ok(planned.into_iter().flatten().collect())
}

/// The subnet mask that fits `subnets` equal subnets in the VPC, if any.
pub fn fitting_mask(vpc_prefix: u8, subnets: u32) -> Option<u8> {
    let bits = subnets.max(1).next_power_of_two().trailing_zeros();
    let mask = u32::from(vpc_prefix) + bits;
    u8::try_from(mask).ok().filter(|m| *m <= VPC_MAX_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_vpc_plans_nine_aligned_subnets() {
        let t = crate::presets::reference();
        let subnets = plan_subnets(&t.primary.vpc).unwrap();
        assert_eq!(subnets.len(), 9);
        assert_eq!(subnets[0].cidr.to_string(), "10.0.0.0/24");
        assert_eq!(subnets[8].cidr.to_string(), "10.0.8.0/24");
        for (i, a) in subnets.iter().enumerate() {
            for b in &subnets[i + 1..] {
                assert!(!a.cidr.contains(&b.cidr.network()) && !b.cidr.contains(&a.cidr.network()));
            }
        }
    }

    #[test]
    fn mixed_sizes_stay_aligned() {
        let mut vpc = crate::presets::reference().primary.vpc;
        vpc.cidr = "10.0.0.0/22".parse().unwrap();
        vpc.tiers.public = Some(27);
        vpc.tiers.private = Some(25);
        vpc.tiers.isolated = Some(26);
        let subnets = plan_subnets(&vpc).unwrap();
        for s in &subnets {
            assert_eq!(s.cidr, s.cidr.trunc(), "{s:?}");
        }
        vpc.tiers.private = Some(23);
        assert!(matches!(
            plan_subnets(&vpc),
            Err(PlanError::TooLarge { .. })
        ));
        vpc.tiers.private = Some(21);
        assert!(matches!(
            plan_subnets(&vpc),
            Err(PlanError::MaskOutOfRange { .. })
        ));
    }

    #[test]
    fn fitting_mask_rounds_up() {
        assert_eq!(fitting_mask(16, 9), Some(20));
        assert_eq!(fitting_mask(24, 8), Some(27));
        assert_eq!(fitting_mask(27, 9), None);
    }
}
