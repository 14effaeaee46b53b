//! End-to-end tests of how the console is used (issue 14): keyboard undo after a fix, typed
//! values applied only when valid, words instead of identifiers, the keyboard alone, share
//! links and the diagram. Driven as a user would: real key presses through WebDriver.

use super::e2e_support::{Session, CTRL, ENTER, SHIFT, TAB};

const E1002: &str = "li.finding[data-rule='E1002']";
const CIDR: &str = "secondary.vpc.cidr";

#[tokio::test]
#[ignore = "needs a trunk release build and chromedriver: run by scripts/test.sh"]
async fn ctrl_z_after_a_fix_undoes_exactly_the_fix_and_redo_returns_to_it() {
    let s = Session::start().await;
    s.type_and_enter(CIDR, "10.0.0.0/16").await;
    s.wait_for(E1002).await;
    s.click(&format!("{E1002} button.fix")).await;
    s.wait_gone(E1002).await;
    let fixed = s.value(CIDR).await;
    assert_ne!(fixed, "10.0.0.0/16");
    // The fix's button is gone; the focus is wherever that left it. One Ctrl+Z undoes the fix.
    s.press(&[CTRL], 'z').await;
    s.wait_for(E1002).await;
    assert_eq!(s.value(CIDR).await, "10.0.0.0/16");
    s.eventually("!document.getElementById('redo').disabled")
        .await;
    // Redo returns exactly to the fixed state, and there is nothing more to redo.
    s.press(&[CTRL, SHIFT], 'z').await;
    s.wait_gone(E1002).await;
    assert_eq!(s.value(CIDR).await, fixed);
    assert_eq!(s.saved(CIDR).await, serde_json::json!(fixed));
    s.eventually("document.getElementById('redo').disabled")
        .await;
    // In the field that was typed into, Ctrl+Z is the console's undo too, not the field's own
    // (which would edit the text and be recorded as a new edit).
    s.keys(CIDR, "").await;
    s.eventually("document.activeElement.id === 'secondary.vpc.cidr'")
        .await;
    s.press(&[CTRL], 'z').await;
    s.wait_for(E1002).await;
    assert_eq!(s.value(CIDR).await, "10.0.0.0/16");
    s.press(&[CTRL], 'y').await;
    s.wait_gone(E1002).await;
    assert_eq!(s.value(CIDR).await, fixed);
    // The history holds exactly the typing and the fix: two undos reach the reference.
    s.press(&[CTRL], 'z').await;
    s.wait_for(E1002).await;
    s.press(&[CTRL], 'z').await;
    s.eventually("document.getElementById('secondary.vpc.cidr').value === '10.1.0.0/16'")
        .await;
    s.eventually("document.getElementById('undo').disabled")
        .await;
    assert_eq!(s.saved(CIDR).await, serde_json::json!("10.1.0.0/16"));
    s.assert_no_console_errors().await;
    s.stop().await;
}

#[tokio::test]
#[ignore = "needs a trunk release build and chromedriver: run by scripts/test.sh"]
async fn a_half_typed_cidr_is_shown_invalid_at_the_field_and_never_applied() {
    let s = Session::start().await;
    s.keys(CIDR, &format!("{CTRL}a")).await;
    // Key by key: `10.0.0.0/3` on the way is a valid CIDR (overlapping the primary's), but
    // nothing the user has not finished typing becomes the topology.
    for c in "10.0.0.0/33".chars() {
        s.keys(CIDR, &c.to_string()).await;
        assert_eq!(
            s.saved(CIDR).await,
            serde_json::json!("10.1.0.0/16"),
            "after typing {c}"
        );
        let findings = s
            .js_number(
                "return document.querySelectorAll(\"li.finding[data-path^='secondary.vpc']\").length;",
            )
            .await;
        assert_eq!(
            findings, 0.0,
            "a finding about a half-typed value after {c}"
        );
    }
    let invalid = "document.getElementById('secondary.vpc.cidr').closest('.field').classList.contains('invalid')";
    s.eventually(invalid).await;
    let error = s.text("[id='secondary.vpc.cidr-error']").await;
    assert!(
        error.starts_with("CIDR") && error.contains("10.0.0.0/33"),
        "{error}"
    );
    // Enter, then leaving the field, with an invalid value: the text and the error stay.
    s.keys(CIDR, &ENTER.to_string()).await;
    s.keys(CIDR, &TAB.to_string()).await;
    s.eventually("document.activeElement.id !== 'secondary.vpc.cidr'")
        .await;
    assert_eq!(s.value(CIDR).await, "10.0.0.0/33");
    s.eventually(invalid).await;
    assert_eq!(s.text("[id='secondary.vpc.cidr-error']").await, error);
    assert_eq!(s.saved(CIDR).await, serde_json::json!("10.1.0.0/16"));
    assert!(s.text("#card-findings").await.contains("0 errors"));
    s.screenshot("11-half-typed-cidr").await;
    // A valid value is applied on Enter, not before.
    s.keys(CIDR, &format!("{CTRL}a{}", super::e2e_support::NULL))
        .await;
    s.keys(CIDR, "10.2.0.0/16").await;
    assert_eq!(s.saved(CIDR).await, serde_json::json!("10.1.0.0/16"));
    s.keys(CIDR, &ENTER.to_string()).await;
    s.eventually(
        "JSON.parse(localStorage.getItem('tandem.autosave.current')).topology.secondary.vpc.cidr === '10.2.0.0/16'",
    )
    .await;
    s.eventually(&format!("!{invalid}")).await;
    s.assert_no_console_errors().await;
    s.stop().await;
}

#[tokio::test]
#[ignore = "needs a trunk release build and chromedriver: run by scripts/test.sh"]
async fn dropdowns_and_errors_read_as_words_and_durations_keep_one_unit() {
    let s = Session::start().await;
    let mut options: Vec<String> = Vec::new();
    for tab in 1..=6 {
        s.click(&format!(".edit-pane .tabs [role='tab']:nth-child({tab})"))
            .await;
        s.wait_for(".editor fieldset, .editor .field").await;
        let found = s
            .client
            .execute(
                r#"
                const problems = [];
                const options = [];
                for (const o of document.querySelectorAll('.editor select option')) {
                    options.push(o.textContent);
                    if (/\b[a-z]+[A-Z]\w*/.test(o.textContent) || !o.textContent.trim()) problems.push('option: ' + o.textContent);
                }
                for (const el of document.querySelectorAll('.editor input, .editor select, .editor textarea')) {
                    const name = el.getAttribute('aria-label') || [...(el.labels || [])].map(l => l.textContent.trim()).join(' ');
                    if (!name.trim()) problems.push('no label: ' + el.id);
                }
                return [problems, options];"#,
                vec![],
            )
            .await
            .unwrap();
        let (problems, found): (Vec<String>, Vec<String>) = serde_json::from_value(found).unwrap();
        assert!(problems.is_empty(), "editor tab {tab}: {problems:#?}");
        options.extend(found);
    }
    for words in ["Warm standby", "Per AZ", "Failover allowing data loss"] {
        assert!(
            options.iter().any(|o| o.starts_with(words)),
            "{words} in {options:?}"
        );
    }
    // Errors in plain words naming the field; the typed text stays as typed.
    s.click(".edit-pane .tabs [role='tab']:nth-child(1)").await;
    let az = "primary.vpc.azCount";
    s.type_and_enter(az, "-1").await;
    let error = s.text("[id='primary.vpc.azCount-error']").await;
    assert_eq!(error, "AZ count must be a whole number from 0 to 255");
    s.type_and_enter(az, "2.5").await;
    assert_eq!(s.value(az).await, "2.5");
    let error = s.text("[id='primary.vpc.azCount-error']").await;
    assert_eq!(error, "AZ count must be a whole number from 0 to 255");
    assert_eq!(s.saved(az).await, serde_json::json!(3));
    let labels = s
        .client
        .execute(
            "return ['primary.vpc.tiers.public', 'primary.vpc.azCount'].map(id => document.querySelector(`label[for='${id}']`).textContent);",
            vec![],
        )
        .await
        .unwrap();
    let labels: Vec<String> = serde_json::from_value(labels).unwrap();
    assert!(labels[0].contains("prefix length"), "{labels:?}");
    assert!(labels[1].contains("whole number"), "{labels:?}");
    // Objectives: entered and shown as the summary shows them, with units accepted.
    s.click(".edit-pane .tabs [role='tab']:nth-child(6)").await;
    let rto = "objectives.rtoSeconds";
    assert_eq!(s.value(rto).await, "30 min");
    assert!(s.text("#card-rto").await.contains("objective 30 min"));
    assert!(s
        .text("label[for='objectives.rtoSeconds']")
        .await
        .contains("duration"));
    assert!(s
        .text("label[for='objectives.monthlyBudgetUsd']")
        .await
        .contains("USD"));
    for (typed, shown, seconds) in [
        ("15 min", "15 min", 900),
        ("1h", "1 h", 3600),
        ("90s", "1 min 30 s", 90),
    ] {
        s.type_and_enter(rto, typed).await;
        s.eventually(&format!(
            "document.getElementById('card-rto').textContent.includes('objective {shown}')"
        ))
        .await;
        assert_eq!(s.value(rto).await, shown);
        assert_eq!(s.saved(rto).await, serde_json::json!(seconds));
    }
    s.screenshot("12-objectives-in-one-unit").await;
    s.assert_no_console_errors().await;
    s.stop().await;
}

mod axe;
mod diagram;
mod keyboard;
mod links;
mod outage;
mod views;
