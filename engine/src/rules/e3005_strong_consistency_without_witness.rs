use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::catalog::MRSC_REGIONS;
use crate::model::Consistency;

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E3005",
        title: "Strong consistency without a witness",
        description: "A multi-region strongly consistent (MRSC) global table needs three regions, or two replicas and a witness, all from us-east-1, us-east-2 and us-west-2.",
        source: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let t = ctx.t;
    let (p, s) = (t.primary.region.as_str(), t.secondary.region.as_str());
    let pair_ok = MRSC_REGIONS.contains(&p) && MRSC_REGIONS.contains(&s);
    let free_witness = MRSC_REGIONS.iter().find(|r| **r != p && **r != s);
    for (i, table) in t.tables.iter().enumerate() {
        if !table.replicated || table.consistency != Consistency::Strong {
            continue;
        }
        let witness_ok = table
            .witness_region
            .as_deref()
            .is_some_and(|w| MRSC_REGIONS.contains(&w) && w != p && w != s);
        if pair_ok && witness_ok {
            continue;
        }
        let (path, message) = if !pair_ok {
            (
                format!("tables[{i}].consistency"),
                format!("table `{}` is strongly consistent, but `{p}` and `{s}` are not both MRSC regions", table.id),
            )
        } else {
            (
                format!("tables[{i}].witnessRegion"),
                match &table.witness_region {
                    None => format!(
                        "strongly consistent table `{}` has no witness region",
                        table.id
                    ),
                    Some(w) => format!("`{w}` cannot witness table `{}`", table.id),
                },
            )
        };
        let fix = match free_witness {
            Some(w) if pair_ok => Fix::set(
                format!("Use `{w}` as witness"),
                format!("tables[{i}].witnessRegion"),
                json!(w),
            ),
            _ => Fix::set(
                "Use eventual consistency",
                format!("tables[{i}].consistency"),
                json!("eventual"),
            ),
        };
        out.push(
            Finding::new(
                &RULE.meta,
                path,
                message,
                "MRSC needs us-east-1, us-east-2 and us-west-2: two replicas and the third as witness",
            )
            .with_fix(fix),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Consistency;
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_without_witness_and_outside_the_set() {
        let mut t = crate::presets::reference();
        t.tables[0].consistency = Consistency::Strong;
        check_rule("E3005", &t, "tables[0].witnessRegion");
        t.tables[0].witness_region = Some("us-east-1".into());
        check_rule("E3005", &t, "tables[0].witnessRegion");
        t.secondary.region = "us-west-1".into();
        check_rule("E3005", &t, "tables[0].consistency");
    }
}
