//! The diagram's colours mean what its legend says, its text is readable, it zooms and pans by
//! mouse and keyboard, and the RTO chart's labels are never clipped.

use super::super::e2e_support::Session;

/// WebDriver's ArrowRight key.
const ARROW_RIGHT: char = '\u{e014}';

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

/// The canvas's horizontal scroll, in CSS pixels.
const SCROLLED: &str = "return document.querySelector('#diagram .diagram-scroll').scrollLeft;";

#[tokio::test]
#[ignore = "needs a trunk release build and chromedriver: run by scripts/test.sh"]
async fn the_diagram_zooms_and_pans_by_mouse_and_keyboard() {
    let s = Session::start().await;
    s.client.set_window_size(900, 900).await.unwrap();
    s.click("#tab-diagram").await;
    s.wait_for("#diagram svg").await;
    let width = "return document.querySelector('#diagram svg').getBoundingClientRect().width;";
    assert_eq!(s.js_number(width).await.round(), 1300.0);
    assert_eq!(s.text("#diagram-zoom-level").await, "100%");
    // The buttons: in, and the text grows with it.
    s.click("#diagram-zoom-in").await;
    s.wait_text("#diagram-zoom-level", "125%").await;
    assert_eq!(s.js_number(width).await.round(), 1625.0);
    let smallest = s.js_number(SMALLEST).await;
    assert!(smallest >= 16.0, "text of {smallest:.1} px at 125%");
    // The keyboard, on the focused canvas: - twice, then 0 for actual size.
    s.client
        .execute(
            "document.querySelector('#diagram .diagram-scroll').focus();",
            vec![],
        )
        .await
        .unwrap();
    s.press(&[], '-').await;
    s.press(&[], '-').await;
    s.wait_text("#diagram-zoom-level", "80%").await;
    assert_eq!(s.js_number(width).await.round(), 1040.0);
    s.press(&[], '0').await;
    s.wait_text("#diagram-zoom-level", "100%").await;
    // Zooming kept the centre where it was: back at 1:1 the canvas is scrolled to it.
    assert!(s.js_number(SCROLLED).await > 0.0);
    // Panning by keyboard: from the left edge, the arrow keys scroll the focused canvas.
    s.client
        .execute(
            "document.querySelector('#diagram .diagram-scroll').scrollLeft = 0;",
            vec![],
        )
        .await
        .unwrap();
    s.press(&[], ARROW_RIGHT).await;
    s.eventually("document.querySelector('#diagram .diagram-scroll').scrollLeft > 0")
        .await;
    // Panning by dragging the background 150 px to the left; a press on a resource is left
    // to its click (it opens the editor), so it does not pan.
    let drag = r#"
        const canvas = document.querySelector('#diagram .diagram-scroll');
        canvas.scrollLeft = 0;
        const at = arguments[0];
        const target = at ? document.querySelector(at) : document.querySelector('#diagram svg');
        const opts = (x) => ({ clientX: x, clientY: 300, button: 0, pointerId: 7, bubbles: true });
        target.dispatchEvent(new PointerEvent('pointerdown', opts(600)));
        canvas.dispatchEvent(new PointerEvent('pointermove', opts(450)));
        canvas.dispatchEvent(new PointerEvent('pointerup', opts(450)));
        return canvas.scrollLeft;"#;
    let v = s
        .client
        .execute(drag, vec![serde_json::Value::Null])
        .await
        .unwrap();
    assert_eq!(v.as_f64(), Some(150.0), "dragging the background");
    let v = s
        .client
        .execute(drag, vec![serde_json::json!("#diagram g.node")])
        .await
        .unwrap();
    assert_eq!(v.as_f64(), Some(0.0), "dragging from a resource");
    s.screenshot("22-diagram-zoomed").await;
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
