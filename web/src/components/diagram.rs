//! An SVG of both regions: AZs and subnet tiers, the resources in them, and the replication
//! and forwarding arrows between regions. Each element is coloured by the worst finding on
//! its fields, and a click (or Enter) opens its editor. The canvas zooms (buttons, or `+`,
//! `-` and `0` on it) and pans (drag its background, scroll, or the arrow keys on it).

use std::cell::RefCell;
use std::rc::Rc;

use tandem_engine::model::{NatMode, Placement, Side, Tier, Topology};
use tandem_engine::network::plan_subnets;
use tandem_engine::rules::{CheckReport, Severity};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::state::{Action, StateHandle};

/// The drawing's size in CSS pixels: drawn at 1:1 (scrolling sideways in a narrow window)
/// so its 13 px text stays 13 px at any window width.
const W: f64 = 1300.0;
const REGION_W: f64 = 560.0;

/// The zoom levels, smallest first; `ZOOM_1` is 1:1, where text is 13 px.
const ZOOMS: [f64; 7] = [0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0];
const ZOOM_1: usize = 3;

/// The scale at zoom level `i` (1:1 past the ends).
fn scale(i: usize) -> f64 {
    ZOOMS.get(i).copied().unwrap_or(1.0)
}

/// Where a drag of the canvas's background started: pointer and scroll positions.
#[derive(Clone, Copy)]
struct Drag {
    x: i32,
    y: i32,
    left: i32,
    top: i32,
}

/// The canvas's zoom controls and handlers: zoom keeps the visible centre where it was.
struct Canvas {
    zoom: UseStateHandle<usize>,
    scroll: NodeRef,
    drag: Rc<RefCell<Option<Drag>>>,
    panning: UseStateHandle<bool>,
}

impl Canvas {
    fn set(&self, to: usize) -> Callback<MouseEvent> {
        let (zoom, scroll) = (self.zoom.clone(), self.scroll.clone());
        Callback::from(move |_| zoom_to(&zoom, &scroll, to))
    }

    fn onkeydown(&self) -> Callback<KeyboardEvent> {
        let (zoom, scroll) = (self.zoom.clone(), self.scroll.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            let to = match e.key().as_str() {
                "+" | "=" => (*zoom + 1).min(ZOOMS.len() - 1),
                "-" | "_" => zoom.saturating_sub(1),
                "0" => ZOOM_1,
                _ => return,
            };
            e.prevent_default();
            zoom_to(&zoom, &scroll, to);
        })
    }

    fn onpointerdown(&self) -> Callback<PointerEvent> {
        let (drag, scroll, panning) =
            (self.drag.clone(), self.scroll.clone(), self.panning.clone());
        Callback::from(move |e: PointerEvent| {
            // Only the background pans: a press on a resource or an arrow is a click on it.
            let on_item = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|el| el.closest(".node, .arrow").ok().flatten())
                .is_some();
            let Some(el) = scroll.cast::<web_sys::Element>() else {
                return;
            };
            if on_item || e.button() != 0 {
                return;
            }
            let _ = el.set_pointer_capture(e.pointer_id());
            *drag.borrow_mut() = Some(Drag {
                x: e.client_x(),
                y: e.client_y(),
                left: el.scroll_left(),
                top: el.scroll_top(),
            });
            panning.set(true);
        })
    }

    fn onpointermove(&self) -> Callback<PointerEvent> {
        let (drag, scroll) = (self.drag.clone(), self.scroll.clone());
        Callback::from(move |e: PointerEvent| {
            let (Some(d), Some(el)) = (*drag.borrow(), scroll.cast::<web_sys::Element>()) else {
                return;
            };
            el.set_scroll_left(d.left - (e.client_x() - d.x));
            el.set_scroll_top(d.top - (e.client_y() - d.y));
        })
    }

    fn onpointerup(&self) -> Callback<PointerEvent> {
        let (drag, panning) = (self.drag.clone(), self.panning.clone());
        Callback::from(move |_: PointerEvent| {
            *drag.borrow_mut() = None;
            panning.set(false);
        })
    }
}

/// Zooms to level `to`, scrolling so the point at the canvas's centre stays there.
fn zoom_to(zoom: &UseStateHandle<usize>, scroll: &NodeRef, to: usize) {
    let from = **zoom;
    if to == from || to >= ZOOMS.len() {
        return;
    }
    if let Some(el) = scroll.cast::<web_sys::Element>() {
        let ratio = scale(to) / scale(from);
        let (w, h) = (f64::from(el.client_width()), f64::from(el.client_height()));
        let cx = (f64::from(el.scroll_left()) + w / 2.0) * ratio - w / 2.0;
        let cy = (f64::from(el.scroll_top()) + h / 2.0) * ratio - h / 2.0;
        // Applied once the new size is drawn.
        let el2 = el.clone();
        gloo::timers::callback::Timeout::new(0, move || {
            el2.set_scroll_left(cx.max(0.0) as i32);
            el2.set_scroll_top(cy.max(0.0) as i32);
        })
        .forget();
    }
    zoom.set(to);
}

fn severity_class(report: &CheckReport, paths: &[String]) -> &'static str {
    let worst = report
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .filter(|f| {
            paths.iter().any(|p| {
                f.path == *p
                    || f.path.starts_with(&format!("{p}."))
                    || f.path.starts_with(&format!("{p}["))
            })
        })
        .map(|f| f.severity)
        .min();
    match worst {
        Some(Severity::Error) => "sev-error",
        Some(Severity::Warning) => "sev-warning",
        _ => "sev-ok",
    }
}

struct Ctx<'a> {
    state: &'a StateHandle,
}

impl Ctx<'_> {
    /// A clickable box with a label.
    #[allow(clippy::too_many_arguments)]
    fn node(
        &self,
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        text: &str,
        path: &str,
        extra: &[String],
        kind: &str,
    ) -> Html {
        let mut paths = vec![path.to_string()];
        paths.extend(extra.iter().cloned());
        let class = severity_class(&self.state.report, &paths);
        let go = {
            let state = self.state.clone();
            let path = path.to_string();
            Callback::from(move |_| state.dispatch(Action::Focus(path.clone())))
        };
        let key = {
            let state = self.state.clone();
            let path = path.to_string();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" || e.key() == " " {
                    e.prevent_default();
                    state.dispatch(Action::Focus(path.clone()));
                }
            })
        };
        html! {
            <g class={classes!("node", kind.to_string(), class)} tabindex="0" role="button" aria-label={format!("{text}: edit {path}")} onclick={go} onkeydown={key} data-path={path.to_string()}>
                <title>{ format!("{text} ({path})") }</title>
                <rect x={x.to_string()} y={y.to_string()} width={w.to_string()} height={h.to_string()} rx="4" />
                <text x={(x + w / 2.0).to_string()} y={(y + h / 2.0 + 4.0).to_string()} text-anchor="middle">{ text.to_string() }</text>
            </g>
        }
    }
}

#[component]
pub fn Diagram() -> Html {
    let canvas = Canvas {
        zoom: use_state(|| ZOOM_1),
        scroll: use_node_ref(),
        drag: use_mut_ref(|| None),
        panning: use_state(|| false),
    };
    let Some(state) = use_context::<StateHandle>() else {
        return html! {};
    };
    let t = &state.topology;
    let c = Ctx { state: &state };
    let mut nodes: Vec<Html> = Vec::new();
    let mut height: f64 = 0.0;
    let mut anchors: Vec<(Side, f64)> = Vec::new();
    for side in Side::BOTH {
        let x0 = if side == Side::Primary {
            10.0
        } else {
            W - REGION_W - 10.0
        };
        let (h, a) = region(&c, t, side, x0, &mut nodes);
        height = height.max(h);
        anchors.extend(a.into_iter().map(|y| (side, y)));
    }
    // Cross-region arrows: data replication and event forwarding, between the two regions.
    let mut arrows: Vec<Html> = Vec::new();
    let (ax0, ax1) = (10.0 + REGION_W, W - REGION_W - 10.0);
    let mut y = 150.0;
    let mut arrow = |label: String, path: String, active: bool| {
        let class = severity_class(&state.report, std::slice::from_ref(&path));
        let go = {
            let state = state.clone();
            let path = path.clone();
            Callback::from(move |_| state.dispatch(Action::Focus(path.clone())))
        };
        arrows.push(html! {
            <g class={classes!("arrow", class, (!active).then_some("inactive"))} onclick={go} data-path={path.clone()}>
                <title>{ format!("{label} ({path})") }</title>
                <line x1={(ax0 + 4.0).to_string()} y1={y.to_string()} x2={(ax1 - 8.0).to_string()} y2={y.to_string()} marker-end="url(#arrowhead)" />
                <text x={((ax0 + ax1) / 2.0).to_string()} y={(y - 5.0).to_string()} text-anchor="middle">{ label }</text>
            </g>
        });
        y += 42.0;
    };
    if let Some(db) = &t.database {
        arrow(
            if db.global {
                "Aurora global".into()
            } else {
                "snapshots".into()
            },
            "database".into(),
            true,
        );
    }
    for (i, table) in t.tables.iter().enumerate() {
        arrow(
            format!(
                "{} ({})",
                table.id,
                if table.replicated { "global" } else { "backup" }
            ),
            format!("tables[{i}]"),
            table.replicated,
        );
    }
    for (i, b) in t.buckets.iter().enumerate() {
        let rtc = b.replication.as_ref().is_some_and(|r| r.rtc);
        arrow(
            format!("{}{}", b.id, if rtc { " (RTC)" } else { "" }),
            format!("buckets[{i}]"),
            b.replication.is_some(),
        );
    }
    if let Some(e) = &t.events {
        arrow("events".into(), "events".into(), e.forwarding.is_some());
    }
    let _ = anchors;
    let height = height.max(y) + 20.0;
    html! {
        <section class="view diagram" id="diagram" aria-label="Diagram">
            <p class="hint">{ "Click a resource (or press Enter on it) to edit it." }</p>
            <ul class="legend" aria-label="Legend">
                <li><span class="swatch sev-error-swatch"></span>{ "an error finding" }</li>
                <li><span class="swatch sev-warning-swatch"></span>{ "a warning finding (amber means a warning, nothing else)" }</li>
                <li><span class="swatch primary-swatch"></span>{ "primary region" }</li>
                <li><span class="swatch secondary-swatch"></span>{ "secondary region" }</li>
                <li><span class="swatch arrow-swatch"></span>{ "replicated" }</li>
                <li><span class="swatch inactive-swatch"></span>{ "not replicated" }</li>
            </ul>
            <div class="diagram-zoom" role="group" aria-label="Zoom">
                <button id="diagram-zoom-out" type="button" aria-label="Zoom out" disabled={*canvas.zoom == 0} onclick={canvas.set(canvas.zoom.saturating_sub(1))}>{ "−" }</button>
                <output id="diagram-zoom-level" aria-live="polite">{ format!("{:.0}%", scale(*canvas.zoom) * 100.0) }</output>
                <button id="diagram-zoom-in" type="button" aria-label="Zoom in" disabled={*canvas.zoom + 1 == ZOOMS.len()} onclick={canvas.set((*canvas.zoom + 1).min(ZOOMS.len() - 1))}>{ "+" }</button>
                <button id="diagram-zoom-reset" type="button" disabled={*canvas.zoom == ZOOM_1} onclick={canvas.set(ZOOM_1)}>{ "Actual size" }</button>
                <span class="hint">{ "Drag the background, scroll, or use the arrow keys on the canvas to pan; + and − zoom." }</span>
            </div>
            <div class={classes!("diagram-scroll", canvas.panning.then_some("panning"))} ref={canvas.scroll.clone()} tabindex="0" role="region" aria-label="Diagram canvas" onkeydown={canvas.onkeydown()} onpointerdown={canvas.onpointerdown()} onpointermove={canvas.onpointermove()} onpointerup={canvas.onpointerup()} onpointercancel={canvas.onpointerup()}>
            <svg viewBox={format!("0 0 {W} {height}")} width={W.to_string()} height={height.to_string()} style={format!("width: {}px", W * scale(*canvas.zoom))} role="group" aria-label="Both regions and what replicates between them">
                <defs>
                    <marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" />
                    </marker>
                </defs>
                { dns(&c, t) }
                { for nodes }
                { for arrows }
            </svg>
            </div>
        </section>
    }
}

fn dns(c: &Ctx<'_>, t: &Topology) -> Html {
    let text = format!(
        "Route 53: {} (TTL {} s, health check every {} s x {})",
        t.dns.record_name,
        t.dns.ttl_seconds,
        t.dns.health_check.interval_seconds,
        t.dns.health_check.failure_threshold
    );
    c.node(
        W / 2.0 - 330.0,
        6.0,
        660.0,
        26.0,
        &text,
        "dns",
        &["dns.records".into()],
        "dns",
    )
}

/// Draws one region; returns its height and the y of its data stores.
fn region(c: &Ctx<'_>, t: &Topology, side: Side, x0: f64, out: &mut Vec<Html>) -> (f64, Vec<f64>) {
    let r = t.region(side);
    let key = side.key();
    let vpc = &r.vpc;
    let y0 = 44.0;
    let mut y = y0 + 28.0;
    // The VPC grid: tiers x AZs.
    let subnets = plan_subnets(vpc).unwrap_or_default();
    let tiers: Vec<Tier> = Tier::ALL
        .into_iter()
        .filter(|tier| vpc.tiers.get(*tier).is_some())
        .collect();
    let azs = vpc.az_count.clamp(1, 3);
    let grid_x = x0 + 80.0;
    let cell_w = (REGION_W - 100.0) / f64::from(azs);
    let mut inner: Vec<Html> = Vec::new();
    for az in 0..azs {
        inner.push(html! { <text class="az" x={(grid_x + cell_w * f64::from(az) + cell_w / 2.0).to_string()} y={(y + 10.0).to_string()} text-anchor="middle">{ format!("AZ {}", az + 1) }</text> });
    }
    y += 16.0;
    for tier in &tiers {
        inner.push(html! { <text class="tier" x={(x0 + 14.0).to_string()} y={(y + 26.0).to_string()}>{ tier.key() }</text> });
        for az in 0..azs {
            let cidr = subnets
                .iter()
                .find(|s| s.tier == *tier && s.az == az)
                .map_or("does not fit".to_string(), |s| s.cidr.to_string());
            let mut label = cidr;
            if *tier == Tier::Public
                && (vpc.nat == NatMode::PerAz || (vpc.nat == NatMode::Shared && az == 0))
            {
                label.push_str(" · NAT");
            }
            if *tier == Tier::Isolated && t.database.is_some() && az == 0 {
                label.push_str(" · Aurora");
            }
            out.push(c.node(
                grid_x + cell_w * f64::from(az) + 3.0,
                y + 6.0,
                cell_w - 6.0,
                30.0,
                &label,
                &format!("{key}.vpc.tiers.{}", tier.key()),
                &[],
                "subnet",
            ));
        }
        y += 40.0;
    }
    // Functions and endpoints inside the VPC.
    let in_vpc: Vec<(usize, &str)> = t
        .functions
        .iter()
        .enumerate()
        .filter(|(_, f)| f.placement != Placement::OutsideVpc)
        .map(|(i, f)| (i, f.id.as_str()))
        .collect();
    let chip_w = (REGION_W - 40.0) / 3.0;
    for (n, (i, id)) in in_vpc.iter().enumerate() {
        let col = n % 3;
        if col == 0 && n > 0 {
            y += 32.0;
        }
        out.push(c.node(
            x0 + 14.0 + chip_w * col as f64,
            y + 4.0,
            chip_w - 8.0,
            26.0,
            &format!("λ {id}"),
            &format!("functions[{i}]"),
            &[],
            "function",
        ));
    }
    if !in_vpc.is_empty() {
        y += 34.0;
    }
    let endpoints: Vec<String> = vpc
        .gateway_endpoints
        .iter()
        .chain(vpc.interface_endpoints.iter())
        .map(|s| s.key().to_string())
        .collect();
    if !endpoints.is_empty() {
        out.push(c.node(
            x0 + 14.0,
            y + 4.0,
            REGION_W - 28.0,
            24.0,
            &format!("endpoints: {}", endpoints.join(", ")),
            &format!("{key}.vpc.interfaceEndpoints"),
            &[format!("{key}.vpc.gatewayEndpoints")],
            "endpoints",
        ));
        y += 32.0;
    }
    let vpc_h = y - y0 + 6.0;
    let vpc_box = {
        let go = {
            let state = c.state.clone();
            let path = format!("{key}.vpc.cidr");
            Callback::from(move |_| state.dispatch(Action::Focus(path.clone())))
        };
        let class = severity_class(
            &c.state.report,
            &[
                format!("{key}.vpc.cidr"),
                format!("{key}.vpc.nat"),
                format!("{key}.vpc.azCount"),
                format!("{key}.region"),
            ],
        );
        html! {
            <g class={classes!("vpc", class)} data-path={format!("{key}.vpc")}>
                <rect x={(x0 + 4.0).to_string()} y={(y0 + 22.0).to_string()} width={(REGION_W - 8.0).to_string()} height={vpc_h.to_string()} rx="6" onclick={go} />
                <text x={(x0 + 12.0).to_string()} y={(y0 + 36.0).to_string()} class="vpc-label">{ format!("VPC {}", vpc.cidr) }</text>
            </g>
        }
    };
    // Regional services below the VPC.
    y += 14.0;
    let mut store_ys = Vec::new();
    let mut services: Vec<(String, String)> = Vec::new();
    if let Some(db) = &t.database {
        let present = side == Side::Primary || db.global;
        if present {
            let n = if side == Side::Primary {
                db.primary_instances
            } else {
                db.secondary_instances
            };
            services.push((
                format!(
                    "Aurora {} ({} inst.)",
                    if side == Side::Primary {
                        "writer"
                    } else {
                        "secondary"
                    },
                    n
                ),
                "database".into(),
            ));
        }
    }
    for (i, table) in t.tables.iter().enumerate() {
        if side == Side::Primary || table.replicated {
            services.push((format!("DynamoDB {}", table.id), format!("tables[{i}]")));
        }
    }
    for (i, b) in t.buckets.iter().enumerate() {
        if side == Side::Primary || b.replication.is_some() {
            services.push((format!("S3 {}", b.id), format!("buckets[{i}]")));
        }
    }
    if t.api.is_some() {
        services.push(("API Gateway".into(), "api".into()));
    }
    for (i, q) in t.queues.iter().enumerate() {
        services.push((format!("SQS {}", q.id), format!("queues[{i}]")));
    }
    for (i, topic) in t.topics.iter().enumerate() {
        services.push((format!("SNS {}", topic.id), format!("topics[{i}]")));
    }
    if t.events.is_some() {
        services.push(("EventBridge bus".into(), "events".into()));
    }
    let runs_failover = match t.failover.orchestrator {
        tandem_engine::model::Orchestrator::PrimaryOnly => side == Side::Primary,
        tandem_engine::model::Orchestrator::SecondaryOnly => side == Side::Secondary,
        tandem_engine::model::Orchestrator::Both => true,
    };
    if runs_failover {
        services.push(("Step Functions failover".into(), "failover".into()));
    }
    for (n, (label, path)) in services.iter().enumerate() {
        let col = n % 2;
        if col == 0 && n > 0 {
            y += 32.0;
        }
        let half = (REGION_W - 28.0) / 2.0;
        store_ys.push(y + 17.0);
        out.push(c.node(
            x0 + 14.0 + half * col as f64,
            y + 4.0,
            half - 6.0,
            26.0,
            label,
            path,
            &[],
            "service",
        ));
    }
    y += 40.0;
    let role = if side == Side::Primary {
        "primary"
    } else {
        "secondary"
    };
    let region_class = severity_class(&c.state.report, &[format!("{key}.region")]);
    out.insert(0, html! {
        <g class={classes!("region", role, region_class)} data-path={format!("{key}.region")}>
            <rect x={x0.to_string()} y={y0.to_string()} width={REGION_W.to_string()} height={(y - y0).to_string()} rx="8" />
            <text x={(x0 + 10.0).to_string()} y={(y0 + 16.0).to_string()} class="region-label">{ format!("{} · {}", r.region, role) }</text>
        </g>
    });
    out.insert(1, vpc_box);
    out.insert(2, html! { <>{ for inner }</> });
    (y, store_ys)
}
