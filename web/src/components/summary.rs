use tandem_engine::analysis::{bound_text, human_seconds, usd};
use tandem_engine::rules::Severity;
use yew::prelude::*;

use crate::state::StateHandle;

/// The four numbers a team looks at first: findings, RPO, RTO and monthly cost.
#[component]
pub fn Summary() -> Html {
    let Some(state) = use_context::<StateHandle>() else {
        return html! {};
    };
    let a = &state.analysis;
    let o = &state.topology.objectives;
    let errors = state.report.count(Severity::Error);
    let warnings = state.report.count(Severity::Warning);
    let rpo = a
        .rpo
        .typical_seconds
        .map_or("unbounded".to_string(), human_seconds);
    let rpo_bound = a.rpo.worst_bound_store().map_or("0 s".to_string(), |s| {
        format!("{} ({})", bound_text(s), s.store)
    });
    let rpo_ok = a
        .rpo
        .typical_seconds
        .is_some_and(|s| s <= f64::from(o.rpo_seconds));
    let rto_ok = a.rto.meets(f64::from(o.rto_seconds));
    // A total that lacks prices is a lower bound: never green.
    let cost_ok = a.cost.total <= o.monthly_budget_usd.get() && a.cost.complete();
    let card = |id: &str, title: &str, value: String, sub: String, ok: bool| {
        html! {
            <section class={classes!("card", if ok { "ok" } else { "bad" })} id={id.to_string()} aria-live="polite">
                <h2>{ title }</h2>
                <div class="value">{ value }</div>
                <div class="sub">{ sub }</div>
            </section>
        }
    };
    html! {
        <div class="summary">
            { card("card-findings", "Findings", count(errors, "error"), count(warnings, "warning"), errors == 0) }
            { card("card-rpo", "RPO (typical)", rpo, format!("bound {} · objective {}", rpo_bound, human_seconds(f64::from(o.rpo_seconds))), rpo_ok) }
            { card("card-rto", "RTO", a.rto.total_text(), format!("objective {}", human_seconds(f64::from(o.rto_seconds))), rto_ok) }
            { card("card-cost", "Monthly cost", tandem_engine::report::cost_headline(&a.cost), format!("budget {}", usd(o.monthly_budget_usd.get())), cost_ok) }
        </div>
    }
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
