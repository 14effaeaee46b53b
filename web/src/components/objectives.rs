use yew::prelude::*;

use super::field::NumberField;
use crate::app::StateHandle;

#[component]
pub fn Objectives() -> Html {
    let Some(state) = use_context::<StateHandle>() else {
        return html! {};
    };
    let o = &state.topology.objectives;
    html! {
        <section class="panel" id="objectives" aria-label="Objectives">
            <h2>{ "Objectives" }</h2>
            <NumberField label="RPO" path="objectives.rpoSeconds" value={f64::from(o.rpo_seconds)} unit="s" />
            <NumberField label="RTO" path="objectives.rtoSeconds" value={f64::from(o.rto_seconds)} unit="s" />
            <NumberField label="Monthly budget" path="objectives.monthlyBudgetUsd" value={o.monthly_budget_usd.get()} unit="USD" />
        </section>
    }
}
