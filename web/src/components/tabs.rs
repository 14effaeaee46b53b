//! A tab list as the WAI-ARIA tabs pattern has it: `tablist`, `tab` and `tabpanel` roles, one
//! tab in the Tab order (roving tabindex), arrow keys move between tabs and select them (Left
//! and Right wrap around), Home and End go to the first and the last.
//! <https://www.w3.org/WAI/ARIA/apg/patterns/tabs/>

use wasm_bindgen::JsCast;
use yew::prelude::*;

/// One tab: its element id, its text and the id of the panel it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Tab {
    pub id: String,
    pub title: String,
    pub panel: String,
}

/// Where a key press moves the selection in a list of `len` tabs, from `at`.
pub fn next_index(key: &str, at: usize, len: usize) -> Option<usize> {
    if len == 0 {
        return None;
    }
    match key {
        "ArrowRight" => Some((at + 1) % len),
        "ArrowLeft" => Some((at + len - 1) % len),
        "Home" => Some(0),
        "End" => Some(len - 1),
        _ => None,
    }
}

/// Renders the tab list; `select` gets the index of the tab chosen by click or key.
pub fn tab_list(
    label: &str,
    class: &str,
    tabs: &[Tab],
    selected: usize,
    select: Callback<usize>,
) -> Html {
    let ids: Vec<String> = tabs.iter().map(|t| t.id.clone()).collect();
    let onkeydown = {
        let select = select.clone();
        let len = tabs.len();
        Callback::from(move |e: KeyboardEvent| {
            let Some(next) = next_index(&e.key(), selected, len) else {
                return;
            };
            e.prevent_default();
            select.emit(next);
            let el = ids.get(next).and_then(|id| {
                web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id(id))
            });
            if let Some(el) = el.and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = el.focus();
            }
        })
    };
    html! {
        <div class={classes!("tabs", class.to_string())} role="tablist" aria-label={label.to_string()} {onkeydown}>
            { for tabs.iter().enumerate().map(|(i, t)| {
                let on = i == selected;
                let onclick = {
                    let select = select.clone();
                    Callback::from(move |_| select.emit(i))
                };
                html! {
                    <button type="button" role="tab" id={t.id.clone()} aria-selected={on.to_string()}
                        aria-controls={t.panel.clone()} tabindex={if on { "0" } else { "-1" }}
                        class={classes!(on.then_some("active"))} {onclick}>{ &t.title }</button>
                }
            }) }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::next_index;

    #[test]
    fn arrows_wrap_and_home_and_end_go_to_the_ends() {
        assert_eq!(next_index("ArrowRight", 4, 5), Some(0));
        assert_eq!(next_index("ArrowLeft", 0, 5), Some(4));
        assert_eq!(next_index("ArrowRight", 1, 5), Some(2));
        assert_eq!(next_index("Home", 3, 5), Some(0));
        assert_eq!(next_index("End", 0, 5), Some(4));
        assert_eq!(next_index("a", 0, 5), None);
        assert_eq!(next_index("End", 0, 0), None);
    }
}
