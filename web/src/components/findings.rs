//! Findings grouped by severity and area; each links to its field, shows the rule's help,
//! offers the engine's fix, and can be suppressed with a reason.

use tandem_engine::rules::{Area, Finding, Severity};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::state::{Action, StateHandle};

const AREAS: [Area; 6] = [
    Area::Topology,
    Area::Network,
    Area::Security,
    Area::CrossRegion,
    Area::Objectives,
    Area::Cost,
];

#[component]
pub fn Findings() -> Html {
    let Some(state) = use_context::<StateHandle>() else {
        return html! {};
    };
    let findings = &state.report.findings;
    let suppressed = &state.report.suppressed;
    html! {
        <section class="view findings" id="findings" aria-label="Findings">
            if findings.is_empty() {
                <p class="empty">{ "No findings: the topology passes every rule." }</p>
            }
            { for [Severity::Error, Severity::Warning, Severity::Info].into_iter().map(|sev| {
                let of_sev: Vec<&Finding> = findings.iter().filter(|f| f.severity == sev).collect();
                if of_sev.is_empty() {
                    return html! {};
                }
                html! {
                    <div class={classes!("severity", sev.label())}>
                        <h3>{ format!("{} ({})", plural(sev), of_sev.len()) }</h3>
                        { for AREAS.iter().map(|area| {
                            let in_area: Vec<&&Finding> = of_sev.iter().filter(|f| f.area == *area).collect();
                            if in_area.is_empty() {
                                return html! {};
                            }
                            html! {
                                <div class="area">
                                    <h4>{ area.label() }</h4>
                                    <ul>{ for in_area.iter().map(|f| html! { <FindingItem finding={(**f).clone()} /> }) }</ul>
                                </div>
                            }
                        }) }
                    </div>
                }
            }) }
            if !suppressed.is_empty() {
                <details class="suppressed">
                    <summary>{ format!("Suppressed ({})", suppressed.len()) }</summary>
                    <ul>
                        { for suppressed.iter().map(|f| {
                            let state = state.clone();
                            let (rule, path) = (f.rule.clone(), f.path.clone());
                            let reason = state.topology.suppressions.iter().find(|s| s.rule == f.rule && s.path.as_deref().is_none_or(|p| p == f.path)).map(|s| s.reason.clone()).unwrap_or_default();
                            let onclick = Callback::from(move |_| state.dispatch(Action::Unsuppress { rule: rule.clone(), path: path.clone() }));
                            html! {
                                <li class="finding">
                                    <span class="rule">{ &f.rule }</span>
                                    <span class="message">{ &f.message }</span>
                                    <span class="reason">{ format!("accepted: {reason}") }</span>
                                    <button {onclick}>{ "Unsuppress" }</button>
                                </li>
                            }
                        }) }
                    </ul>
                </details>
            }
        </section>
    }
}

fn plural(s: Severity) -> &'static str {
    match s {
        Severity::Error => "Errors",
        Severity::Warning => "Warnings",
        Severity::Info => "Notes",
    }
}

#[derive(Properties, PartialEq)]
struct FindingProps {
    finding: Finding,
}

#[component]
fn FindingItem(props: &FindingProps) -> Html {
    let Some(state) = use_context::<StateHandle>() else {
        return html! {};
    };
    let suppressing = use_state(|| false);
    let reason = use_node_ref();
    let f = &props.finding;
    let go = {
        let state = state.clone();
        let path = f.path.clone();
        Callback::from(move |_| state.dispatch(Action::Focus(path.clone())))
    };
    let fix = f.fix.clone().map(|fix| {
        let state = state.clone();
        let title = fix.title.clone();
        let onclick = Callback::from(move |_| state.dispatch(Action::ApplyFix(fix.clone())));
        html! { <button class="fix" {onclick}>{ format!("Fix: {title}") }</button> }
    });
    let toggle = {
        let suppressing = suppressing.clone();
        Callback::from(move |_| suppressing.set(!*suppressing))
    };
    let confirm = {
        let state = state.clone();
        let reason = reason.clone();
        let suppressing = suppressing.clone();
        let (rule, path) = (f.rule.clone(), f.path.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let text = reason
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            state.dispatch(Action::Suppress {
                rule: rule.clone(),
                path: path.clone(),
                reason: text,
            });
            suppressing.set(false);
        })
    };
    let suppressible = f.area != tandem_engine::rules::Area::Topology;
    let reason_id = format!("reason-{}-{}", f.rule, f.path);
    let button_id = format!("suppress-{}-{}", f.rule, f.path);
    // Opening the form puts the focus in it; closing it (Escape, Cancel, Suppress) puts the
    // focus back on the button that opened it, if it is still there.
    {
        let (reason_id, button_id) = (reason_id.clone(), button_id.clone());
        let opened = use_mut_ref(|| false);
        use_effect_with(*suppressing, move |on| {
            let was = std::mem::replace(&mut *opened.borrow_mut(), *on);
            if *on {
                crate::services::dom::focus_element(&reason_id);
            } else if was {
                crate::services::dom::focus_element(&button_id);
            }
        });
    }
    let escape = {
        let suppressing = suppressing.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                suppressing.set(false);
            }
        })
    };
    html! {
        <li class={classes!("finding", f.severity.label())} data-rule={f.rule.clone()} data-path={f.path.clone()}>
            <span class="rule" title={tandem_engine::rules::rule(&f.rule).map(|m| m.title).unwrap_or_default()}>{ &f.rule }</span>
            <span class="message">{ &f.message }</span>
            <button class="path link" onclick={go} title="Show this field">{ &f.path }</button>
            <p class="help">{ &f.help }</p>
            <div class="finding-actions">
                { for fix }
                if suppressible {
                    <button class="suppress" id={button_id} aria-expanded={suppressing.to_string()} onclick={toggle}>{ if *suppressing { "Cancel" } else { "Suppress…" } }</button>
                }
            </div>
            if *suppressing {
                <form class="suppress-form" onsubmit={confirm} onkeydown={escape}>
                    <label for={reason_id.clone()}>{ "Why does the team accept this?" }</label>
                    <input id={reason_id} ref={reason} type="text" required=true placeholder="reason (required)" />
                    <button type="submit">{ "Suppress" }</button>
                </form>
            }
        </li>
    }
}
