//! Focus: bringing a field of the page into view and giving it the keyboard.

use wasm_bindgen::JsCast;

/// A path and its enclosing paths, nearest first:
/// `functions[0].calls[4]` -> `functions[0].calls[4]`, `functions[0].calls`, `functions[0]`, `functions`.
pub fn path_and_parents(path: &str) -> Vec<String> {
    let mut out = vec![path.to_string()];
    let mut p = path.to_string();
    while let Some(i) = p.rfind(['.', '[']) {
        p.truncate(i);
        if p.is_empty() {
            break;
        }
        out.push(p.clone());
    }
    out
}

/// Focuses and shows the field at this path, or the nearest enclosing one that is on screen
/// (a finding about one entry of a list shows the list).
pub fn focus_element(path: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(el) = path_and_parents(path)
        .iter()
        .find_map(|p| document.get_element_by_id(p))
    else {
        return;
    };
    let options = web_sys::ScrollIntoViewOptions::new();
    options.set_block(web_sys::ScrollLogicalPosition::Center);
    el.scroll_into_view_with_scroll_into_view_options(&options);
    if let Some(h) = el.dyn_ref::<web_sys::HtmlElement>() {
        let _ = h.focus();
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn paths_climb_to_their_parents() {
        assert_eq!(
            super::path_and_parents("functions[0].calls[4]"),
            [
                "functions[0].calls[4]",
                "functions[0].calls",
                "functions[0]",
                "functions"
            ]
        );
        assert_eq!(super::path_and_parents("name"), ["name"]);
    }
}
