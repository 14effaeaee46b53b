//! End-to-end: the release build of the console, served on loopback, driven in headless
//! Chromium through WebDriver. Needs `trunk build --release` output in `$TANDEM_DIST` and the
//! system chromedriver; `scripts/test.sh` provides both and runs these with `--ignored`.
#![cfg(not(target_arch = "wasm32"))]

mod e2e_support;

use std::time::Duration;

use e2e_support::Session;
use fantoccini::Locator;

#[tokio::test]
#[ignore = "needs a trunk release build and chromedriver: run by scripts/test.sh"]
async fn console_opens_on_the_reference_topology() {
    let s = Session::start().await;
    let c = &s.client;
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Id("card-findings"))
        .await
        .unwrap();
    let title = c.title().await.unwrap();
    assert!(title.contains("Tandem"), "{title}");
    let brand = c
        .find(Locator::Css(".brand h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(brand, "Tandem");
    let name = c
        .find(Locator::Id("topology-name"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        name.contains("us-east-1") && name.contains("us-east-2"),
        "{name}"
    );
    let findings = c
        .find(Locator::Id("card-findings"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(findings.contains("0 errors"), "{findings}");
    s.screenshot("console-reference").await;
    s.assert_no_console_errors().await;
    s.stop().await;
}
