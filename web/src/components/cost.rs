//! Cost: bars per region and per service, the total against the budget, every line with its
//! price's source and date (a link).

use tandem_engine::analysis::usd;
use tandem_engine::model::Side;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::state::{Action, StateHandle};

#[component]
pub fn Cost() -> Html {
    let Some(state) = use_context::<StateHandle>() else {
        return html! {};
    };
    let c = &state.analysis.cost;
    let t = &state.topology;
    let budget = t.objectives.monthly_budget_usd.get();
    let max = c.total.max(budget).max(0.01);
    let bar = |label: String, amount: f64, class: &str| {
        html! {
            <div class="bar-row">
                <span class="bar-label">{ label }</span>
                <span class="bar-track"><span class={classes!("bar", class.to_string())} style={format!("width: {:.2}%", amount / max * 100.0)}></span></span>
                <span class="bar-value">{ usd(amount) }</span>
            </div>
        }
    };
    let service_max = c.by_service.first().map_or(1.0, |(_, a)| a.max(0.01));
    let load_prices = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            crate::services::file::read_file(&input, {
                let state = state.clone();
                move |name, text| state.dispatch(Action::Prices { text, name })
            });
            input.set_value("");
        })
    };
    let builtin = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::BuiltinPrices))
    };
    html! {
        <section class="view cost" id="cost" aria-label="Cost">
            <h3>{ format!("{} a month", tandem_engine::report::cost_headline(c)) }<span class="objective">{ format!(" budget {}", usd(budget)) }</span></h3>
            <div class="bars">
                { bar(format!("{} (primary)", t.primary.region), c.region_total(Side::Primary), "primary") }
                { bar(format!("{} (secondary)", t.secondary.region), c.region_total(Side::Secondary), "secondary") }
                { bar("Total".into(), c.total, if c.total <= budget && c.complete() { "ok" } else { "bad" }) }
                <div class="budget-marker" style={format!("left: calc(10em + (100% - 16em) * {:.4})", budget / max)} title={format!("budget {}", usd(budget))}></div>
            </div>
            <h4>{ "By service" }</h4>
            <div class="bars services">
                { for c.by_service.iter().map(|(s, a)| html! {
                    <div class="bar-row">
                        <span class="bar-label">{ s }</span>
                        <span class="bar-track"><span class="bar service" style={format!("width: {:.2}%", a / service_max * 100.0)}></span></span>
                        <span class="bar-value">{ usd(*a) }</span>
                    </div>
                }) }
            </div>
            if !c.missing.is_empty() {
                <div class="warning not-priced">
                    <p>{ format!("Not priced, so the total is a lower bound: {} items have no price in this table (see W5002)", c.unpriced_count()) }</p>
                    <ul>
                        { for c.missing.iter().map(|m| html! {
                            <li>{ format!("{}: `{}` (no price in the table)", m.region, m.item) }</li>
                        }) }
                    </ul>
                </div>
            }
            <div class="prices">
                <span>{ match &state.prices_name { Some(n) => format!("Prices: {n}"), None => "Prices: built-in table".to_string() } }</span>
                <input id="price-file" class="visually-hidden" type="file" accept=".json,application/json" onchange={load_prices} />
                <label class="button" for="price-file">{ "Load a price table…" }</label>
                if state.prices_name.is_some() { <button onclick={builtin}>{ "Use the built-in table" }</button> }
            </div>
            <details class="lines" open=true>
                <summary>{ format!("{} priced lines, each with its price's source", c.lines.len()) }</summary>
                <table>
                    <thead><tr><th>{ "Region" }</th><th>{ "Service" }</th><th>{ "Item" }</th><th>{ "Quantity" }</th><th>{ "Unit price" }</th><th>{ "Amount" }</th><th>{ "Source" }</th></tr></thead>
                    <tbody>
                        { for c.lines.iter().map(|l| html! {
                            <tr title={format!("{} — source: {} (as of {}). {}", l.price_item, l.price_source, l.price_as_of, l.formula)}>
                                <td>{ &l.region }</td><td>{ &l.service }</td><td>{ &l.item }</td>
                                <td class="num">{ format!("{} {}", trim(l.quantity), l.unit) }{ if l.free_quantity > 0.0 { format!(" (less {} free)", trim(l.free_quantity)) } else { String::new() } }</td>
                                <td class="num">{ format!("${}", trim(l.unit_price)) }</td>
                                <td class="num">{ usd(l.amount) }</td>
                                <td>{ source(&l.price_source, &l.price_as_of, &l.price_item) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </details>
        </section>
    }
}

/// A price's source as a link (reachable by keyboard, unlike a tooltip), with its date.
fn source(url: &str, as_of: &str, item: &str) -> Html {
    let text = format!("as of {as_of}");
    if url.starts_with("https://") {
        html! { <a href={url.to_string()} target="_blank" rel="noopener" aria-label={format!("Source of the price of {item}, as of {as_of}")}>{ text }</a> }
    } else {
        html! { <span title={url.to_string()}>{ format!("{url}, {text}") }</span> }
    }
}

/// A quantity without trailing zeros: `2190`, `52.56`, `0.0000166667`.
fn trim(x: f64) -> String {
    let s = format!("{x:.10}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}
