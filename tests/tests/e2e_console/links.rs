//! Share links in a tab where the console is open, the choice a link that differs from the
//! work asks for (keep mine, open the link, open both), and what a reload keeps.

use super::super::e2e_support::{Session, CTRL, ESCAPE};
use super::axe::{axe_source, violations};

/// A link to a design called `linked`, with the tab's own work then called `mine` and the
/// link gone from the address bar.
async fn linked_and_mine(s: &Session) -> String {
    s.type_and_enter("name", "linked").await;
    s.eventually("document.getElementById('topology-name').textContent.startsWith('linked')")
        .await;
    s.click("#share").await;
    let link = s.client.current_url().await.unwrap().to_string();
    assert!(link.contains("#t="), "{link}");
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
    link
}

async fn editing(s: &Session, name: &str) {
    s.eventually(&format!(
        "document.getElementById('topology-name').textContent.startsWith('{name}')"
    ))
    .await;
}

#[tokio::test]
#[ignore = "needs a trunk release build and chromedriver: run by scripts/test.sh"]
async fn a_pasted_link_asks_first_and_open_both_keeps_mine_as_a_design_to_switch_to() {
    let s = Session::start().await;
    let link = linked_and_mine(&s).await;
    // Pasting the link into the address bar: no reload, and nothing replaced until the user
    // chooses; the question has the keyboard focus.
    s.client.goto(&link).await.unwrap();
    s.wait_for("#link-dialog").await;
    s.eventually("window.__sameDocument === true").await;
    editing(&s, "mine").await;
    let question = s.text("#link-dialog").await;
    assert!(
        question.contains("linked") && question.contains("mine"),
        "{question}"
    );
    s.eventually("document.activeElement && document.activeElement.id === 'link-keep'")
        .await;
    s.client.execute(&axe_source(), vec![]).await.unwrap();
    let found = violations(&s).await;
    assert!(found.is_empty(), "{found:#?}");
    s.screenshot("13-link-asks").await;
    // Open both: the link is edited, mine is kept as design 1.
    s.click("#link-both").await;
    s.wait_gone("#link-dialog").await;
    editing(&s, "linked").await;
    let designs = s.text("#design").await;
    assert!(
        designs.contains("1. mine") && designs.contains("2. linked"),
        "{designs}"
    );
    let found = violations(&s).await;
    assert!(found.is_empty(), "{found:#?}");
    s.screenshot("13-link-opened-beside-work").await;
    // Switch back and forth: each design is as it was left.
    s.click("#design option[value='0']").await;
    editing(&s, "mine").await;
    s.click("#design option[value='1']").await;
    editing(&s, "linked").await;
    // A reload keeps both designs, on the one edited.
    s.client.refresh().await.unwrap();
    s.wait_for("#design").await;
    editing(&s, "linked").await;
    let designs = s.text("#design").await;
    assert!(
        designs.contains("1. mine") && designs.contains("2. linked"),
        "{designs}"
    );
    // Closing a design edits the other, and it can be reopened.
    s.click("#close-design").await;
    editing(&s, "mine").await;
    s.wait_gone("#design").await;
    s.click("#reopen-design").await;
    editing(&s, "linked").await;
    s.assert_no_console_errors().await;
    s.stop().await;
}

#[tokio::test]
#[ignore = "needs a trunk release build and chromedriver: run by scripts/test.sh"]
async fn a_link_can_replace_the_work_undoably_or_be_declined_with_escape() {
    let s = Session::start().await;
    let link = linked_and_mine(&s).await;
    // Open the link instead: one undoable step.
    s.client.goto(&link).await.unwrap();
    s.wait_for("#link-dialog").await;
    s.click("#link-open").await;
    s.wait_gone("#link-dialog").await;
    editing(&s, "linked").await;
    s.press(&[CTRL], 'z').await;
    editing(&s, "mine").await;
    // The same link again, declined with Escape: mine stays, and only one design is kept.
    s.client
        .execute("history.replaceState(null, '', location.pathname);", vec![])
        .await
        .unwrap();
    s.client.goto(&link).await.unwrap();
    s.wait_for("#link-dialog").await;
    s.press(&[], ESCAPE).await;
    s.wait_gone("#link-dialog").await;
    editing(&s, "mine").await;
    assert!(s.text("#banner").await.contains("Kept"));
    s.wait_gone("#design").await;
    s.assert_no_console_errors().await;
    s.stop().await;
}

#[tokio::test]
#[ignore = "needs a trunk release build and chromedriver: run by scripts/test.sh"]
async fn a_link_opened_on_reload_asks_over_the_saved_work_and_reload_keeps_the_view() {
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
    // Opening the link in a new page load over saved work: it asks, and the work is shown
    // until the user chooses.
    s.client
        .execute(
            "history.replaceState(null, '', arguments[0]);",
            vec![serde_json::json!(link)],
        )
        .await
        .unwrap();
    s.client.refresh().await.unwrap();
    s.wait_for("#link-dialog").await;
    editing(&s, "mine").await;
    s.click("#link-keep").await;
    s.wait_gone("#link-dialog").await;
    editing(&s, "mine").await;
    s.assert_no_console_errors().await;
    s.stop().await;
}
