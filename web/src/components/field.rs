//! Form fields bound to a topology path. The engine validates every edit; a rejected value
//! shows the engine's message at the field and leaves the topology as it was.

use serde_json::Value;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::app::StateHandle;
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct NumberFieldProps {
    pub label: AttrValue,
    /// The topology path (`objectives.rpoSeconds`).
    pub path: AttrValue,
    pub value: f64,
    #[prop_or_default]
    pub unit: AttrValue,
}

/// A number input; the id is the path, so a finding's link can focus it.
#[component]
pub fn NumberField(props: &NumberFieldProps) -> Html {
    let Some(state) = use_context::<StateHandle>() else {
        return html! {};
    };
    let path = props.path.to_string();
    let error = state
        .field_error
        .as_ref()
        .filter(|(p, _)| *p == path)
        .map(|(_, e)| e.clone());
    let onchange = {
        let state = state.clone();
        let path = path.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let value = match input.value().trim().parse::<f64>() {
                Ok(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Value::from(n as i64),
                Ok(n) => Value::from(n),
                Err(_) => Value::from(input.value()),
            };
            state.dispatch(Action::Edit {
                path: path.clone(),
                value,
            });
        })
    };
    let error_id = format!("{path}-error");
    html! {
        <div class={classes!("field", error.is_some().then_some("invalid"))}>
            <label for={path.clone()}>{ &props.label }</label>
            <input id={path.clone()} type="text" inputmode="decimal" value={props.value.to_string()}
                aria-invalid={error.is_some().to_string()} aria-describedby={error_id.clone()} {onchange} />
            <span class="unit">{ &props.unit }</span>
            if let Some(e) = error {
                <span class="error" id={error_id} role="alert">{ e }</span>
            }
        </div>
    }
}
