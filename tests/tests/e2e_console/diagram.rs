//! The diagram's colours mean what its legend says, its text is readable, and the RTO chart's
//! labels are never clipped.

use super::super::e2e_support::Session;

/// Elements of the diagram drawn in amber (a hue between orange and yellow, saturated) that
/// are not part of something with a warning finding; and how many amber ones there are.
const AMBER: &str = r#"
    const amber = (c) => {
        const m = c.match(/rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)/);
        if (!m || m[4] === '0') return false;
        const [r, g, b] = [m[1], m[2], m[3]].map(x => x / 255);
        const max = Math.max(r, g, b), min = Math.min(r, g, b), l = (max + min) / 2;
        if (max === min) return false;
        const s = (max - min) / (1 - Math.abs(2 * l - 1));
        let h = max === r ? ((g - b) / (max - min)) % 6 : max === g ? (b - r) / (max - min) + 2 : (r - g) / (max - min) + 4;
        h = (h * 60 + 360) % 360;
        return h >= 20 && h <= 55 && s >= 0.5 && l >= 0.2 && l <= 0.97;
    };
    const wrong = [];
    let count = 0;
    for (const el of document.querySelectorAll('#diagram svg rect, #diagram svg line, #diagram svg text')) {
        const st = getComputedStyle(el);
        if (amber(st.fill) || amber(st.stroke)) {
            count++;
            if (!el.closest('.sev-warning')) wrong.push((el.closest('[data-path]') || el).getAttribute('data-path') || el.tagName);
        }
    }
    return [wrong, count];"#;

/// The smallest text in the diagram, in CSS pixels as drawn.
const SMALLEST: &str = r#"
    const svg = document.querySelector('#diagram svg');
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return Math.min(...[...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale));"#;

#[tokio::test]
#[ignore = "needs a trunk release build and chromedriver: run by scripts/test.sh"]
async fn the_diagram_is_amber_only_where_there_is_a_warning_and_readable_at_any_width() {
    let s = Session::start().await;
    s.click("#tab-diagram").await;
    s.wait_for("#diagram svg").await;
    let v = s.client.execute(AMBER, vec![]).await.unwrap();
    let (wrong, _): (Vec<String>, u32) = serde_json::from_value(v).unwrap();
    assert!(wrong.is_empty(), "amber without a warning: {wrong:?}");
    // A warning on the primary's NAT: its VPC turns amber (the check above can see amber).
    s.set_field("primary.vpc.nat", "shared").await;
    s.wait_for("li.finding[data-rule='W1005'], #diagram .sev-warning")
        .await;
    s.eventually("document.querySelector('#diagram .sev-warning') !== null")
        .await;
    let v = s.client.execute(AMBER, vec![]).await.unwrap();
    let (wrong, count): (Vec<String>, u32) = serde_json::from_value(v).unwrap();
    assert!(wrong.is_empty(), "amber without a warning: {wrong:?}");
    assert!(count > 0, "the warning is not drawn in amber");
    assert!(s.text("#diagram .legend").await.contains("warning"));
    let smallest = s.js_number(SMALLEST).await;
    assert!(smallest >= 12.0, "text of {smallest:.1} px at 1280 wide");
    s.screenshot("14-diagram-1280").await;
    s.client.set_window_size(420, 900).await.unwrap();
    s.eventually("window.innerWidth <= 420").await;
    let smallest = s.js_number(SMALLEST).await;
    assert!(smallest >= 12.0, "text of {smallest:.1} px at 420 wide");
    let overflow = s
        .js_number(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
        )
        .await;
    assert!(overflow <= 1.0, "the page scrolls sideways by {overflow}px");
    s.screenshot("15-diagram-420").await;
    s.assert_no_console_errors().await;
    s.stop().await;
}

#[tokio::test]
#[ignore = "needs a trunk release build and chromedriver: run by scripts/test.sh"]
async fn no_label_of_the_rto_chart_is_clipped() {
    let s = Session::start().await;
    let clipped = r#"
        const svg = document.querySelector('#recovery svg.waterfall');
        const box = svg.viewBox.baseVal;
        return [...svg.querySelectorAll('text')].filter(t => {
            const b = t.getBBox();
            return b.x < box.x - 0.5 || b.y < box.y - 0.5 || b.x + b.width > box.x + box.width + 0.5 || b.y + b.height > box.y + box.height + 0.5;
        }).map(t => t.textContent);"#;
    for preset in [
        None,
        Some("backup-restore"),
        Some("pilot-light"),
        Some("hot-standby"),
    ] {
        if let Some(p) = preset {
            s.client
                .execute(
                    "const p = document.getElementById('preset'); p.value = arguments[0]; p.dispatchEvent(new Event('change', { bubbles: true }));",
                    vec![serde_json::json!(p)],
                )
                .await
                .unwrap();
            s.wait_for("#banner").await;
        }
        s.click("#tab-recovery").await;
        s.wait_for("#recovery svg.waterfall").await;
        let v = s.client.execute(clipped, vec![]).await.unwrap();
        let cut: Vec<String> = serde_json::from_value(v).unwrap();
        assert!(cut.is_empty(), "{preset:?}: clipped labels {cut:?}");
    }
    s.screenshot("16-recovery-chart").await;
    s.assert_no_console_errors().await;
    s.stop().await;
}
