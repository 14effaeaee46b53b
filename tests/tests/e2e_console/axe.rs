//! axe-core (npm, installed by `scripts/setup.sh`) over every view and every editor tab: no
//! violation of its default rules.

use super::super::e2e_support::Session;

/// axe's script: `$TANDEM_AXE`, else where `scripts/setup.sh` installs it.
pub(super) fn axe_source() -> String {
    let path = std::env::var("TANDEM_AXE").unwrap_or_else(|_| {
        let tools = std::env::var("TANDEM_TOOLS").unwrap_or_else(|_| {
            format!(
                "{}/.cache/tandem-tools",
                std::env::var("HOME").unwrap_or_default()
            )
        });
        format!("{tools}/node_modules/axe-core/axe.min.js")
    });
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("axe-core at {path} ({e}): run scripts/setup.sh"))
}

pub(super) async fn violations(s: &Session) -> Vec<String> {
    let v = s
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             axe.run(document).then(r => done(r.violations.map(v => `${v.id} (${v.impact}): ${v.nodes.length} × ${v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(' | ')}`)), e => done([String(e)]));",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(v).unwrap()
}

#[tokio::test]
#[ignore = "needs a trunk release build and chromedriver: run by scripts/test.sh"]
async fn axe_finds_no_violation_on_any_view_or_editor_tab() {
    let s = Session::start().await;
    s.client.execute(&axe_source(), vec![]).await.unwrap();
    let mut found = Vec::new();
    for (tab, view) in [
        ("#tab-findings", "#findings"),
        ("#tab-recovery", "#recovery svg"),
        ("#tab-outage", "#outage svg.lanes"),
        ("#tab-cost", "#cost .bars"),
        ("#tab-diagram", "#diagram svg"),
        ("#tab-templates", "#templates pre.code"),
    ] {
        s.click(tab).await;
        s.wait_for(view).await;
        found.extend(
            violations(&s)
                .await
                .into_iter()
                .map(|v| format!("{tab}: {v}")),
        );
    }
    for n in 2..=6 {
        s.click(&format!("#group-tab-{n}")).await;
        s.wait_for(".editor .field").await;
        found.extend(
            violations(&s)
                .await
                .into_iter()
                .map(|v| format!("editor {n}: {v}")),
        );
    }
    assert!(found.is_empty(), "{found:#?}");
    // The check can fail: an image without a text alternative is a violation.
    s.client
        .execute(
            "const img = document.createElement('img'); img.src = 'favicon.svg'; document.querySelector('#results').appendChild(img);",
            vec![],
        )
        .await
        .unwrap();
    let broken = violations(&s).await;
    assert!(
        broken.iter().any(|v| v.starts_with("image-alt")),
        "{broken:?}"
    );
    s.stop().await;
}
