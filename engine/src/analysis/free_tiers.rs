//! AWS's always-free tiers (from the price table), applied to the cost lines only when the
//! topology's `workload.freeTiers` is on.

use super::cost::CostLine;
use crate::prices::PriceTable;

/// Applies each always-free allowance to the lines of its item in order (primary first, as
/// the lines are built), once per account: the allowance is shared across regions. Each line
/// it reaches says so in its formula.
pub(super) fn apply(lines: &mut [CostLine], prices: &PriceTable) {
    for tier in &prices.free_tiers {
        let mut left = tier.quantity;
        for line in lines.iter_mut().filter(|l| l.price_item == tier.item) {
            if left <= 0.0 {
                break;
            }
            let free = line.quantity.min(left);
            if free <= 0.0 {
                continue;
            }
            // Rounded to a billionth so the shares read as the allowance split (0.343, not
            // 0.34299999999999997).
            left = ((left - free) * 1e9).round() / 1e9;
            line.free_quantity = free;
            line.amount = (line.quantity - free) * line.unit_price;
            line.formula = format!(
                "{} - {free} {} free ({}, always-free tier)",
                line.formula, line.unit, tier.description
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::cost::cost;
    use crate::prices::PriceTable;

    #[test]
    fn free_tiers_are_off_by_default_and_stated_per_line_when_on() {
        let mut t = crate::presets::reference();
        let prices = PriceTable::builtin();
        let off = cost(&t, prices);
        assert!(off.lines.iter().all(|l| l.free_quantity == 0.0));
        t.workload.free_tiers = true;
        let on = cost(&t, prices);
        assert!(on.total < off.total);
        // Lambda: 1 million free requests, shared by every function in both regions.
        let free: f64 = on
            .lines
            .iter()
            .filter(|l| l.price_item == "lambda.requestsMillion")
            .map(|l| l.free_quantity)
            .sum();
        assert!((free - 1.0).abs() < 1e-9, "{free}");
        let first = on
            .lines
            .iter()
            .find(|l| l.price_item == "lambda.requestsMillion")
            .unwrap();
        assert_eq!(first.free_quantity, 1.0);
        assert!((first.amount - (5.0 - 1.0) * 0.2).abs() < 1e-9);
        assert!(
            first.formula.contains("always-free tier"),
            "{}",
            first.formula
        );
        // Alarms: 10 free, the reference has 5 + 5 + 2.
        let alarms: f64 = on
            .lines
            .iter()
            .filter(|l| l.price_item == "cloudwatch.alarmMonth")
            .map(|l| l.amount)
            .sum();
        assert!((alarms - 2.0 * 0.1).abs() < 1e-9, "{alarms}");
    }
}
