use serde_json::json;

use super::{Ctx, Finding, Fix, Rule, RuleMeta};
use crate::catalog::{aurora_version_supported, AURORA_POSTGRES_DEFAULT};

pub(crate) const RULE: Rule = Rule {
    meta: RuleMeta {
        id: "E3007",
        title: "Aurora PostgreSQL version not available for new clusters",
        description: "Only versions CloudFormation accepts for a new cluster can be used: deprecated ones (15.4 among them, cfn-lint W3690) and minors it does not list (17.8, cfn-lint E3690) fail the deploy; a global database also needs the same version in both regions.",
        source: "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraPostgreSQLReleaseNotes/aurorapostgresql-release-calendar.html",
        defects: &[5],
    },
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(db) = &ctx.t.database else { return };
    if !aurora_version_supported(&db.engine_version) {
        out.push(
            Finding::new(
                &RULE.meta,
                "database.engineVersion",
                format!(
                    "engine version `{}` of Aurora PostgreSQL cannot be used for new clusters",
                    db.engine_version
                ),
                format!("use a supported version such as `{AURORA_POSTGRES_DEFAULT}`"),
            )
            .with_fix(Fix::set(
                format!("Use {AURORA_POSTGRES_DEFAULT}"),
                "database.engineVersion",
                json!(AURORA_POSTGRES_DEFAULT),
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check_rule;

    #[test]
    fn fires_on_the_design_documents_version() {
        let mut t = crate::presets::reference();
        t.database.as_mut().unwrap().engine_version = "15.4".into();
        check_rule("E3007", &t, "database.engineVersion");
    }
}
