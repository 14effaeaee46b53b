use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::model::DeclaredIn;

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E3004",
        title: "A global table declared in both regions",
        description: "An AWS::DynamoDB::GlobalTable is owned by one stack in one region and lists a replica per region; declaring it in the second region's stack too fails because the table already exists there.",
        source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-dynamodb-globaltable.html",
        defects: &[],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for (i, table) in ctx.t.tables.iter().enumerate() {
        if table.replicated && table.declared_in == DeclaredIn::BothStacks {
            let path = format!("tables[{i}].declaredIn");
            out.push(
                Finding::new(
                    &RULE.meta,
                    &path,
                    format!("global table `{}` is declared in both stacks", table.id),
                    "declare it once, in the primary stack, with a replica for each region",
                )
                .with_fix(Fix::set(
                    "Declare it in the primary stack",
                    path,
                    json!("primaryStack"),
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::DeclaredIn;
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_both_stacks() {
        let mut t = crate::presets::reference();
        t.tables[0].declared_in = DeclaredIn::BothStacks;
        check_rule("E3004", &t, "tables[0].declaredIn");
    }
}
