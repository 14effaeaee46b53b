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

fn finding(path: String, code: &str, avoid: &[&str]) -> Finding {
    let f = Finding::new(
        &RULE.meta,
        path.clone(),
        format!("`{code}` is not an AWS Region"),
        "write the code of an existing region, e.g. `us-east-1`",
    );
    match closest_region(code, avoid) {
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
            let other = ctx.t.region(side.other()).region.as_str();
            out.push(finding(format!("{}.region", side.key()), code, &[other]));
        }
    }
    for (i, table) in ctx.t.tables.iter().enumerate() {
        if let Some(code) = &table.witness_region {
            if !is_aws_region(code) {
                let used = [
                    ctx.t.primary.region.as_str(),
                    ctx.t.secondary.region.as_str(),
                ];
                out.push(finding(format!("tables[{i}].witnessRegion"), code, &used));
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
        // The nearest region that is not already the primary.
        assert_eq!(f[0].fix.as_ref().unwrap().title, "use `us-east-2`");
        // A real region without prices is not this rule's business (W5002).
        t.secondary.region = "eu-west-1".into();
        assert!(findings_of("E3020", &t).is_empty());
    }
}
