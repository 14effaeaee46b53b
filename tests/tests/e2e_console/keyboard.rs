//! The console by keyboard alone: WAI-ARIA tabs, a skip link, focus rings, Escape.

use super::super::e2e_support::{Session, END, ENTER, ESCAPE, HOME, LEFT, RIGHT, TAB};

/// The id of the focused element.
async fn focused(s: &Session) -> String {
    let v = s
        .client
        .execute(
            "return document.activeElement ? document.activeElement.id : '';",
            vec![],
        )
        .await
        .unwrap();
    v.as_str().unwrap_or_default().to_string()
}

#[tokio::test]
#[ignore = "needs a trunk release build and chromedriver: run by scripts/test.sh"]
async fn every_tab_list_follows_the_wai_aria_tabs_pattern() {
    let s = Session::start().await;
    // Structure: every tab is in a tab list, controls a tab panel labelled by the selected tab,
    // and exactly one tab per list is in the Tab order.
    s.click("#tab-templates").await;
    s.wait_for("#templates pre.code").await;
    let problems = s
        .client
        .execute(
            r#"
            const problems = [];
            const lists = document.querySelectorAll('[role=tablist]');
            if (lists.length < 3) problems.push('only ' + lists.length + ' tab lists');
            for (const list of lists) {
                const tabs = [...list.querySelectorAll('[role=tab]')];
                if (!list.getAttribute('aria-label')) problems.push('unlabelled tab list');
                const inOrder = tabs.filter(t => t.tabIndex === 0);
                if (inOrder.length !== 1) problems.push(list.getAttribute('aria-label') + ': ' + inOrder.length + ' tabs in the Tab order');
                const selected = tabs.filter(t => t.getAttribute('aria-selected') === 'true');
                if (selected.length !== 1 || selected[0] !== inOrder[0]) problems.push(list.getAttribute('aria-label') + ': the selected tab is not the focusable one');
                for (const t of tabs) {
                    const panel = document.getElementById(t.getAttribute('aria-controls'));
                    if (!panel || panel.getAttribute('role') !== 'tabpanel') problems.push(t.id + ' controls no tab panel');
                }
                const panel = selected[0] && document.getElementById(selected[0].getAttribute('aria-controls'));
                if (panel && panel.getAttribute('aria-labelledby') !== selected[0].id) problems.push(selected[0].id + ' does not label its panel');
            }
            return problems;"#,
            vec![],
        )
        .await
        .unwrap();
    let problems: Vec<String> = serde_json::from_value(problems).unwrap();
    assert!(problems.is_empty(), "{problems:#?}");
    // The views: arrows move and select, wrapping; Home and End go to the ends.
    s.click("#tab-findings").await;
    for (key, id, panel) in [
        (RIGHT, "tab-recovery", "#recovery"),
        (RIGHT, "tab-outage", "#outage"),
        (RIGHT, "tab-cost", "#cost"),
        (END, "tab-templates", "#templates"),
        (RIGHT, "tab-findings", "#findings"),
        (LEFT, "tab-templates", "#templates"),
        (HOME, "tab-findings", "#findings"),
    ] {
        s.press(&[], key).await;
        s.eventually(&format!(
            "document.activeElement.id === '{id}' && document.activeElement.getAttribute('aria-selected') === 'true'"
        ))
        .await;
        s.wait_for(panel).await;
    }
    // The editors, and the template's stacks.
    s.click("#group-tab-1").await;
    s.press(&[], RIGHT).await;
    s.eventually("document.activeElement.id === 'group-tab-2'")
        .await;
    s.wait_for("[id='database'], [id='tables']").await;
    s.press(&[], END).await;
    s.eventually("document.activeElement.id === 'group-tab-6'")
        .await;
    s.wait_for("[id='objectives.rtoSeconds']").await;
    s.click("#tab-templates").await;
    s.click("#stack-primary").await;
    s.press(&[], RIGHT).await;
    s.eventually("document.activeElement.id === 'stack-secondary-app' && document.getElementById('stack-panel').getAttribute('aria-label').startsWith('secondary-app')").await;
    s.assert_no_console_errors().await;
    s.stop().await;
}

#[tokio::test]
#[ignore = "needs a trunk release build and chromedriver: run by scripts/test.sh"]
async fn a_skip_link_reaches_the_results_and_every_control_shows_its_focus() {
    let s = Session::start().await;
    // The first Tab press lands on the skip link; Enter moves the focus to the results.
    s.press(&[], TAB).await;
    s.eventually("document.activeElement.classList.contains('skip-link') && document.activeElement.getBoundingClientRect().top >= 0").await;
    s.press(&[], ENTER).await;
    s.eventually("document.activeElement.id === 'results'")
        .await;
    s.press(&[], TAB).await;
    s.eventually("document.activeElement.getAttribute('role') === 'tab' && document.activeElement.closest('#results')").await;
    // From the top, every control reached with Tab shows a focus ring (a visually hidden
    // file input shows it on its label: Import).
    s.client.refresh().await.unwrap();
    s.wait_for("#card-findings").await;
    let mut seen = Vec::new();
    let mut missing = Vec::new();
    for _ in 0..80 {
        s.press(&[], TAB).await;
        let v = s
            .client
            .execute(
                r#"
                const el = document.activeElement;
                const shown = el.classList.contains('visually-hidden') ? document.querySelector(`label[for='${el.id}']`) : el;
                const st = getComputedStyle(shown);
                const ring = st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2;
                return [el.id || el.tagName + '.' + el.className, ring];"#,
                vec![],
            )
            .await
            .unwrap();
        let (id, ring): (String, bool) = serde_json::from_value(v).unwrap();
        // Past the last control the focus leaves the page (the body), then starts over.
        if !ring && id != "BODY." {
            missing.push(id.clone());
        }
        seen.push(id);
    }
    assert!(seen.iter().any(|id| id == "import-file"), "{seen:?}");
    assert!(missing.is_empty(), "no focus ring on {missing:?}");
    s.assert_no_console_errors().await;
    s.stop().await;
}

#[tokio::test]
#[ignore = "needs a trunk release build and chromedriver: run by scripts/test.sh"]
async fn escape_closes_the_suppress_form_and_gives_the_focus_back() {
    let s = Session::start().await;
    s.set_field("primary.vpc.nat", "shared").await;
    let finding = "li.finding[data-rule='W1005']";
    s.click(&format!("{finding} button.suppress")).await;
    s.wait_for(&format!("{finding} .suppress-form")).await;
    s.eventually("document.activeElement.closest('.suppress-form') !== null")
        .await;
    s.press(&[], ESCAPE).await;
    s.wait_gone(&format!("{finding} .suppress-form")).await;
    s.eventually("document.activeElement.classList.contains('suppress')")
        .await;
    assert!(focused(&s).await.starts_with("suppress-W1005"));
    s.assert_no_console_errors().await;
    s.stop().await;
}

#[tokio::test]
#[ignore = "needs a trunk release build and chromedriver: run by scripts/test.sh"]
async fn a_new_list_item_is_scrolled_to_and_focused() {
    let s = Session::start().await;
    s.click("#group-tab-3").await;
    let n = s
        .js_number("return document.querySelectorAll(\"fieldset.item[id^='functions[']\").length;")
        .await;
    s.click("fieldset[id='functions'] > button.add").await;
    let id = format!("functions[{n}]");
    s.eventually(&format!("document.activeElement.id === '{id}'"))
        .await;
    let visible = s
        .js_number(
            "const r = document.activeElement.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight ? 1 : 0;",
        )
        .await;
    assert_eq!(visible, 1.0, "{id} is off-screen");
    assert_eq!(focused(&s).await, id);
    s.assert_no_console_errors().await;
    s.stop().await;
}
