//! The Outage view (issue 14): a scenario chosen, scrubbed by keyboard and played; the
//! measured RTO is the one the engine computes natively; a violation opens its template
//! resource and its field; readable at 1280 and 420 wide.

use tandem_engine::analysis::human_seconds;
use tandem_engine::presets;
use tandem_engine::simulate::{simulate_topology, Scenario};

use super::super::e2e_support::{Session, END, HOME};

/// The smallest text in the lanes, in CSS pixels as drawn.
const SMALLEST: &str = r#"
    const svg = document.querySelector('#outage svg.lanes');
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return Math.min(...[...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale));"#;

const OVERFLOW: &str =
    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;";

/// Texts of the lanes drawn outside the drawing.
const CLIPPED: &str = r#"
    const svg = document.querySelector('#outage svg.lanes');
    const box = svg.viewBox.baseVal;
    return [...svg.querySelectorAll('text')].filter(t => {
        const b = t.getBBox();
        return b.x < box.x - 0.5 || b.x + b.width > box.x + box.width + 0.5;
    }).map(t => t.textContent);"#;

/// How far the lanes' box scrolls sideways: the whole time axis should fit.
const LANES_OVERFLOW: &str =
    "const b = document.querySelector('#outage .lanes-scroll'); return b.scrollWidth - b.clientWidth;";

#[tokio::test]
#[ignore = "needs a trunk release build and chromedriver: run by scripts/test.sh"]
async fn the_outage_view_plays_the_engines_simulation_and_links_violations_to_templates() {
    let s = Session::start().await;
    s.click("#tab-outage").await;
    s.wait_for("#outage svg.lanes").await;
    let reference = presets::reference();
    let native = simulate_topology(&reference, Scenario::RegionOutage);
    let rto = native.rto_seconds.expect("the reference recovers");
    assert_eq!(s.text("#outage-rto").await, human_seconds(rto as f64));
    // Every scenario, chosen from the list: the engine's RTO, losses and violations for it.
    for scenario in Scenario::ALL {
        let native = simulate_topology(&reference, scenario);
        s.set_field("outage-scenario", scenario.name()).await;
        let seconds = native.rto_seconds.map_or(String::new(), |r| r.to_string());
        s.eventually(&format!(
            "document.getElementById('outage-scenario').value === '{}' && \
             (document.getElementById('outage-rto').getAttribute('data-seconds') || '') === '{seconds}'",
            scenario.name()
        ))
        .await;
        if let Some(r) = native.rto_seconds {
            assert_eq!(s.text("#outage-rto").await, human_seconds(r as f64));
        }
        let losses = s
            .client
            .execute(
                "return [...document.querySelectorAll('#outage-losses li')].map(li => li.dataset.store + ' ' + (li.dataset.seconds || 'unbounded'));",
                vec![],
            )
            .await
            .unwrap();
        let losses: Vec<String> = serde_json::from_value(losses).unwrap();
        let expected: Vec<String> = native
            .data_loss
            .iter()
            .map(|l| {
                format!(
                    "{} {}",
                    l.store,
                    l.seconds.map_or("unbounded".into(), |x| x.to_string())
                )
            })
            .collect();
        assert_eq!(losses, expected, "{}", scenario.name());
        let shown = s
            .js_number("return document.querySelectorAll('li.violation').length;")
            .await;
        assert_eq!(
            shown as usize,
            native.violations.len(),
            "{}",
            scenario.name()
        );
        if scenario == Scenario::Failback {
            s.screenshot("21-outage-failback").await;
        }
    }
    s.set_field("outage-scenario", "region-outage").await;
    s.eventually(&format!(
        "document.getElementById('outage-rto').getAttribute('data-seconds') === '{rto}'"
    ))
    .await;
    // Scrubbing by keyboard: Home is the outage's start, End after the last change.
    let first_dns = &native.dns.first().unwrap().value;
    let last_dns = native.dns.last().unwrap();
    let last_writer = &native.writer.last().unwrap().value;
    s.keys("outage-time", &HOME.to_string()).await;
    s.eventually("document.getElementById('outage-time').value === '0'")
        .await;
    assert_eq!(&s.text("#outage-dns").await, first_dns);
    s.keys("outage-time", &END.to_string()).await;
    s.eventually(&format!(
        "document.getElementById('outage-dns').textContent === '{}'",
        last_dns.value
    ))
    .await;
    assert_eq!(&s.text("#outage-writer").await, last_writer);
    // The second before the public name's last change still answers what it answered before.
    let before = &native.dns.iter().rev().nth(1).unwrap().value;
    assert_ne!(before, &last_dns.value);
    s.set_field("outage-time", &(last_dns.t - 1).to_string())
        .await;
    s.eventually(&format!(
        "document.getElementById('outage-dns').textContent === '{before}'"
    ))
    .await;
    // Every event up to the scrubbed second is listed, and none after it.
    let shown = s
        .js_number(
            "return document.querySelectorAll('#outage-readout table.events tbody tr').length;",
        )
        .await;
    let expected = native.timeline.iter().filter(|e| e.t < last_dns.t).count();
    assert_eq!(shown as usize, expected);
    // Play from the start, then pause: time moved, and stays put once paused.
    s.keys("outage-time", &HOME.to_string()).await;
    s.click("#outage-play").await;
    s.eventually("Number(document.getElementById('outage-time').value) > 0")
        .await;
    s.click("#outage-play").await;
    s.eventually("document.getElementById('outage-play').textContent === 'Play'")
        .await;
    let paused = s
        .js_number("return Number(document.getElementById('outage-time').value);")
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let later = s
        .js_number("return Number(document.getElementById('outage-time').value);")
        .await;
    assert_eq!(paused, later, "time moves while paused");
    // Readable at 1280 and at 420 wide, without the page scrolling sideways.
    s.keys("outage-time", &END.to_string()).await;
    let smallest = s.js_number(SMALLEST).await;
    assert!(smallest >= 12.0, "text of {smallest:.1} px at 1280 wide");
    let lanes = s.js_number(LANES_OVERFLOW).await;
    assert!(
        lanes <= 1.0,
        "the lanes scroll sideways by {lanes}px at 1280 wide"
    );
    let cut = s.client.execute(CLIPPED, vec![]).await.unwrap();
    let cut: Vec<String> = serde_json::from_value(cut).unwrap();
    assert!(cut.is_empty(), "clipped at 1280 wide: {cut:?}");
    s.screenshot("17-outage-1280").await;
    s.client.set_window_size(420, 900).await.unwrap();
    s.eventually("window.innerWidth <= 420").await;
    let smallest = s.js_number(SMALLEST).await;
    assert!(smallest >= 12.0, "text of {smallest:.1} px at 420 wide");
    let overflow = s.js_number(OVERFLOW).await;
    assert!(overflow <= 1.0, "the page scrolls sideways by {overflow}px");
    s.eventually("document.querySelector('#outage svg.lanes.compact') !== null")
        .await;
    let lanes = s.js_number(LANES_OVERFLOW).await;
    assert!(
        lanes <= 1.0,
        "the lanes scroll sideways by {lanes}px at 420 wide"
    );
    let cut = s.client.execute(CLIPPED, vec![]).await.unwrap();
    let cut: Vec<String> = serde_json::from_value(cut).unwrap();
    assert!(cut.is_empty(), "clipped at 420 wide: {cut:?}");
    let smallest = s.js_number(SMALLEST).await;
    assert!(
        smallest >= 12.0,
        "text of {smallest:.1} px in the compact lanes"
    );
    s.client
        .execute(
            "document.getElementById('outage').scrollIntoView({block: 'start'});",
            vec![],
        )
        .await
        .unwrap();
    s.screenshot("18-outage-420").await;
    s.client.set_window_size(1280, 900).await.unwrap();
    s.eventually("window.innerWidth > 1000").await;
    // A one-minute RTO objective: the engine finds violations; the view lists exactly them.
    s.click("#group-tab-6").await;
    s.type_and_enter("objectives.rtoSeconds", "1 min").await;
    let mut strict = reference.clone();
    strict.objectives.rto_seconds = 60;
    let violations = simulate_topology(&strict, Scenario::RegionOutage).violations;
    let e6008 = violations
        .iter()
        .find(|v| v.id == "E6008")
        .expect("a one-minute objective is missed");
    s.wait_for("li.violation[data-rule='E6008']").await;
    let listed = s
        .client
        .execute(
            "return [...document.querySelectorAll('li.violation')].map(li => li.dataset.rule + ' ' + li.dataset.resource);",
            vec![],
        )
        .await
        .unwrap();
    let listed: Vec<String> = serde_json::from_value(listed).unwrap();
    let expected: Vec<String> = violations
        .iter()
        .map(|v| format!("{} {}", v.id, v.resource))
        .collect();
    assert_eq!(listed, expected);
    let marks = s
        .js_number("return document.querySelectorAll('#outage svg.lanes .violation-mark').length;")
        .await;
    assert_eq!(marks as usize, violations.len());
    assert!(s.text("#outage .verdict").await.contains("missed"));
    s.client
        .execute(
            "document.getElementById('outage-violations').scrollIntoView({block: 'center'});",
            vec![],
        )
        .await
        .unwrap();
    s.screenshot("19-outage-violations").await;
    // The field that decides it, focused in its editor.
    s.click("#group-tab-1").await;
    s.click("li.violation[data-rule='E6008'] .field-link").await;
    s.eventually("document.activeElement && document.activeElement.id === 'objectives.rtoSeconds'")
        .await;
    // Its template resource: the Templates view on its stack, the resource marked and on screen.
    s.click("li.violation[data-rule='E6008'] .template-link")
        .await;
    let (stack, rest) = e6008.resource.split_once('/').unwrap();
    let logical = rest.split(['#', '.']).next().unwrap();
    s.wait_for("#template-target").await;
    assert_eq!(s.text("#template-target").await, format!("\"{logical}\""));
    s.eventually(&format!(
        "document.getElementById('stack-{stack}').getAttribute('aria-selected') === 'true'"
    ))
    .await;
    s.eventually(
        "(() => { const m = document.getElementById('template-target').getBoundingClientRect(); \
         const p = document.getElementById('stack-panel').getBoundingClientRect(); \
         return m.top >= p.top && m.bottom <= p.bottom && m.top >= 0 && m.bottom <= window.innerHeight; })()",
    )
    .await;
    s.screenshot("20-outage-violation-template").await;
    // Opening the Templates view again later starts on the primary stack, unmarked.
    s.click("#tab-outage").await;
    s.wait_for("#outage svg.lanes").await;
    s.click("#tab-templates").await;
    s.wait_for("#templates pre.code").await;
    s.eventually(
        "document.getElementById('stack-primary').getAttribute('aria-selected') === 'true'",
    )
    .await;
    assert!(s
        .client
        .find_all(fantoccini::Locator::Css("#template-target"))
        .await
        .unwrap()
        .is_empty());
    s.assert_no_console_errors().await;
    s.stop().await;
}
