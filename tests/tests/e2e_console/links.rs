//! Share links in a tab where the console is open, and what a reload keeps.

use super::super::e2e_support::{Session, CTRL};

#[tokio::test]
#[ignore = "needs a trunk release build and chromedriver: run by scripts/test.sh"]
async fn a_pasted_link_opens_without_reload_and_the_work_it_replaces_is_restorable() {
    let s = Session::start().await;
    // A link to a design called `linked`...
    s.type_and_enter("name", "linked").await;
    s.eventually("document.getElementById('topology-name').textContent.startsWith('linked')")
        .await;
    s.click("#share").await;
    let link = s.client.current_url().await.unwrap().to_string();
    assert!(link.contains("#t="), "{link}");
    // ...while this tab's own work is `mine`, with the link gone from the address bar.
    s.client
        .execute(
            "history.replaceState(null, '', location.pathname); window.__sameDocument = true;",
            vec![],
        )
        .await
        .unwrap();
    s.type_and_enter("name", "mine").await;
    s.eventually("document.getElementById('topology-name').textContent.startsWith('mine')")
        .await;
    // Pasting the link into the address bar: no reload, the link opens, `mine` is kept.
    s.client.goto(&link).await.unwrap();
    s.eventually("document.getElementById('topology-name').textContent.startsWith('linked')")
        .await;
    s.eventually("window.__sameDocument === true").await;
    let banner = s.text("#banner").await;
    assert!(banner.contains("mine"), "{banner}");
    s.screenshot("13-link-opened-over-work").await;
    s.click("#restore-stashed").await;
    s.eventually("document.getElementById('topology-name').textContent.startsWith('mine')")
        .await;
    // Restoring is one undoable step.
    s.press(&[CTRL], 'z').await;
    s.eventually("document.getElementById('topology-name').textContent.startsWith('linked')")
        .await;
    s.assert_no_console_errors().await;
    s.stop().await;
}

#[tokio::test]
#[ignore = "needs a trunk release build and chromedriver: run by scripts/test.sh"]
async fn a_link_opened_on_reload_keeps_the_saved_work_and_reload_keeps_the_view() {
    let s = Session::start().await;
    s.type_and_enter("name", "linked").await;
    s.click("#share").await;
    let link = s.client.current_url().await.unwrap().to_string();
    s.client
        .execute("history.replaceState(null, '', location.pathname);", vec![])
        .await
        .unwrap();
    s.type_and_enter("name", "mine").await;
    s.click("#tab-cost").await;
    s.wait_for("#cost .bars").await;
    // Reload: the view stays.
    s.client.refresh().await.unwrap();
    s.wait_for("#cost .bars").await;
    s.eventually("document.getElementById('tab-cost').getAttribute('aria-selected') === 'true'")
        .await;
    assert!(s.text("#topology-name").await.starts_with("mine"));
    // Opening the link in a new page load over saved work: restorable too.
    s.client
        .execute(
            "history.replaceState(null, '', arguments[0]);",
            vec![serde_json::json!(link)],
        )
        .await
        .unwrap();
    s.client.refresh().await.unwrap();
    s.wait_for("#card-findings").await;
    s.eventually("document.getElementById('topology-name') && document.getElementById('topology-name').textContent.startsWith('linked')").await;
    s.click("#restore-stashed").await;
    s.eventually("document.getElementById('topology-name').textContent.startsWith('mine')")
        .await;
    s.assert_no_console_errors().await;
    s.stop().await;
}
