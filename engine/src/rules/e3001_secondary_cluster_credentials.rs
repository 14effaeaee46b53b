use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::model::CredentialPlacement;

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E3001",
        title: "Credentials on the secondary cluster",
        description: "A cluster joining a global database inherits the primary's users; the RDS API rejects MasterUsername and MasterUserPassword on it (\"Cannot specify password for cross region replication cluster\").",
        source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-rds-dbcluster.html",
        defects: &[4],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(db) = ctx.t.global_database() else {
        return;
    };
    if db.master_credentials == CredentialPlacement::BothClusters {
        out.push(
            Finding::new(
                &RULE.meta,
                "database.masterCredentials",
                "the secondary cluster declares master credentials, which a global database member cannot have",
                "give credentials to the primary cluster only; replicate its secret to the secondary region",
            )
            .with_fix(Fix::set(
                "Credentials on the primary only",
                "database.masterCredentials",
                json!("primaryOnly"),
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::model::CredentialPlacement;
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_both_clusters() {
        let mut t = crate::presets::reference();
        t.database.as_mut().unwrap().master_credentials = CredentialPlacement::BothClusters;
        check_rule("E3001", &t, "database.masterCredentials");
    }
}
