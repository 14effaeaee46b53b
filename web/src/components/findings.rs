use tandem_engine::rules::Finding;
use yew::prelude::*;

use crate::app::StateHandle;
use crate::state::Action;

#[component]
pub fn Findings() -> Html {
    let Some(state) = use_context::<StateHandle>() else {
        return html! {};
    };
    let findings = &state.report.findings;
    html! {
        <section class="panel findings" id="findings" aria-label="Findings">
            <h2>{ format!("Findings ({})", findings.len()) }</h2>
            if findings.is_empty() {
                <p class="empty">{ "No findings." }</p>
            }
            <ul>
                { for findings.iter().map(|f| finding(f, &state)) }
            </ul>
        </section>
    }
}

fn finding(f: &Finding, state: &StateHandle) -> Html {
    let fix = f.fix.clone().map(|fix| {
        let state = state.clone();
        let title = fix.title.clone();
        let onclick = Callback::from(move |_| state.dispatch(Action::ApplyFix(fix.clone())));
        html! { <button class="fix" {onclick}>{ format!("Fix: {title}") }</button> }
    });
    html! {
        <li class={classes!("finding", f.severity.label())} data-rule={f.rule.clone()}>
            <span class="rule">{ &f.rule }</span>
            <span class="message">{ &f.message }</span>
            <code class="path">{ &f.path }</code>
            <p class="help">{ &f.help }</p>
            { for fix }
        </li>
    }
}
