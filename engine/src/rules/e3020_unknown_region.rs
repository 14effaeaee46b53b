use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::catalog::{closest_region, is_aws_region};
use crate::model::Side;

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E3020",
        title: "Not an AWS Region",
        description: "Regions must be AWS Regions that exist, by code (`us-east-1`); Tandem checks them against its list of regions (`engine/data/regions.json`, with its source). A typo such as `us-east-9` cannot be deployed to and has no prices.",
        source: "https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html",
        defects: &[],
    },
    check,
};

fn finding(path: String, code: &str) -> Finding {
    let f = Finding::new(
        &RULE.meta,
        path.clone(),
        format!("`{code}` is not an AWS Region"),
        "write the code of an existing region, e.g. `us-east-1`",
    );
    match closest_region(code) {
        Some(near) => f.with_fix(Fix::set(
            format!("use `{near}`"),
            path,
            serde_json::Value::from(near),
        )),
        None => f,
    }
}

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for side in Side::BOTH {
        let code = &ctx.t.region(side).region;
        if !is_aws_region(code) {
            out.push(finding(format!("{}.region", side.key()), code));
        }
    }
    for (i, table) in ctx.t.tables.iter().enumerate() {
        if let Some(code) = &table.witness_region {
            if !is_aws_region(code) {
                out.push(finding(format!("tables[{i}].witnessRegion"), code));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check_rule, findings_of};

    #[test]
    fn fires_on_a_name_and_on_a_typo() {
        let mut t = crate::presets::reference();
        t.secondary.region = "Ohio".into();
        check_rule("E3020", &t, "secondary.region");
        // Well formed, but AWS has no such region.
        t.secondary.region = "us-east-9".into();
        check_rule("E3020", &t, "secondary.region");
        let f = findings_of("E3020", &t);
        assert!(f.iter().all(|f| f.fix.is_some()), "{f:?}");
        // A real region without prices is not this rule's business (W5002).
        t.secondary.region = "eu-west-1".into();
        assert!(findings_of("E3020", &t).is_empty());
    }
}
