//! Templates: a highlighted preview per stack (JSON or YAML), every file to download, and
//! everything as one zip. Synthesis runs only while this view is open, after the numbers of an
//! edit are on screen; highlighting only when the text shown changes. A resource asked for by
//! another view (`Action::ShowResource`, a simulation's violation) opens on its stack, marked
//! and scrolled to.

use std::cell::Cell;
use std::rc::Rc;

use tandem_engine::synth::{synthesize, OutputFile, TemplateFormat};
use yew::prelude::*;

use crate::components::tabs::{tab_list, Tab};
use crate::services::download::{download, mime_of, zip};
use crate::state::{Action, Banner, StateHandle};
use tandem_engine::synth::quote::{file_name, zip_path};

/// The stacks, in deploy order.
const STACKS: [&str; 3] = ["secondary-base", "primary", "secondary-app"];

thread_local! {
    /// The counter of the last resource request this view has shown: a request is shown once,
    /// so opening the view again later starts on the primary stack as usual.
    static SHOWN: Cell<Option<u64>> = const { Cell::new(None) };
}

/// The stack and logical id of a resource request the view has not shown yet.
fn take_target(request: Option<&(String, u64)>) -> Option<(String, String)> {
    let (resource, n) = request?;
    if SHOWN.with(Cell::get) == Some(*n) {
        return None;
    }
    SHOWN.with(|c| c.set(Some(*n)));
    let (stack, logical) = crate::components::outage::lanes::stack_and_logical(resource)?;
    STACKS
        .contains(&stack)
        .then(|| (stack.to_string(), logical.to_string()))
}

#[component]
pub fn Templates() -> Html {
    let Some(state) = use_context::<StateHandle>() else {
        return html! {};
    };
    let format = use_state(|| TemplateFormat::Json);
    let target = use_state(|| take_target(state.resource.as_ref()));
    let selected = use_state(|| {
        (*target)
            .as_ref()
            .map_or("primary".to_string(), |(s, _)| s.clone())
    });
    // Synthesis runs in a task after the render that shows the engine's new numbers, so an
    // edit's numbers never wait for it; an edit before it ran cancels it (one run per burst).
    let synthesized = use_state(|| None::<Rc<Vec<OutputFile>>>);
    {
        let synthesized = synthesized.clone();
        let topology = state.topology.clone();
        use_effect_with((topology, *format), move |(t, f)| {
            let (t, f) = (t.clone(), *f);
            let run = gloo::timers::callback::Timeout::new(0, move || {
                synthesized.set(Some(Rc::new(synthesize(&t).files(f))));
            });
            move || drop(run)
        });
    }
    let ext = if *format == TemplateFormat::Json {
        "json"
    } else {
        "yaml"
    };
    let name = format!("{}.template.{ext}", *selected);
    let shown = synthesized
        .as_ref()
        .and_then(|files| files.iter().find(|f| f.name == name))
        .map(|f| f.contents.clone())
        .unwrap_or_default();
    // Highlighting is the slow part of a render: only when the text shown changes, not on
    // every render of the page (every keystroke in a field re-renders it).
    let mark = (*target)
        .as_ref()
        .filter(|(stack, _)| *stack == *selected)
        .map(|(_, logical)| logical.clone());
    let highlighted: Rc<AttrValue> = {
        let f = *format;
        use_memo((shown, f, mark.clone()), |(text, f, mark)| {
            let html = highlight(text, *f);
            AttrValue::from(match mark {
                Some(logical) => mark_resource(&html, logical, *f),
                None => html,
            })
        })
    };
    // The marked resource is scrolled to once its text is on screen.
    use_effect_with((mark.clone(), highlighted.len()), |(mark, _)| {
        if mark.is_some() {
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("template-target"))
            {
                let options = web_sys::ScrollIntoViewOptions::new();
                options.set_block(web_sys::ScrollLogicalPosition::Center);
                el.scroll_into_view_with_scroll_into_view_options(&options);
            }
        }
    });
    let stack_tabs = {
        let tabs: Vec<Tab> = STACKS
            .iter()
            .map(|s| Tab {
                id: format!("stack-{s}"),
                title: (*s).to_string(),
                panel: "stack-panel".into(),
            })
            .collect();
        let at = STACKS.iter().position(|s| *s == *selected).unwrap_or(0);
        let selected = selected.clone();
        let select = Callback::from(move |i: usize| {
            if let Some(s) = STACKS.get(i) {
                selected.set((*s).to_string());
            }
        });
        tab_list("Stack", "stack-tabs", &tabs, at, select)
    };
    let Some(files) = (*synthesized).clone() else {
        return html! {
            <section class="view templates" id="templates" aria-label="Templates">
                <p class="hint" role="status">{ "Generating the templates…" }</p>
            </section>
        };
    };
    let errors = state.report.has_errors();
    let set_format = |f: TemplateFormat| {
        let format = format.clone();
        Callback::from(move |_| format.set(f))
    };
    let get = {
        let state = state.clone();
        move |file: OutputFile| {
            let state = state.clone();
            Callback::from(move |_| {
                if let Err(e) = download(&file.name, mime_of(&file.name), file.contents.as_bytes())
                {
                    state.dispatch(Action::Banner(Banner::Error(format!(
                        "Download failed: {e}"
                    ))));
                }
            })
        }
    };
    let all = {
        let state = state.clone();
        let files = files.clone();
        let prefix = format!(
            "{}-{}",
            state.topology.naming.prefix, state.topology.environment
        );
        Callback::from(move |_| {
            let entries: Vec<(String, String)> = files
                .iter()
                .map(|f| (zip_path(&prefix, &f.name), f.contents.clone()))
                .collect();
            let result = zip(&entries).and_then(|bytes| {
                download(
                    &file_name(&format!("{prefix}-cloudformation.zip")),
                    "application/zip",
                    &bytes,
                )
            });
            if let Err(e) = result {
                state.dispatch(Action::Banner(Banner::Error(format!(
                    "Download failed: {e}"
                ))));
            }
        })
    };
    html! {
        <section class="view templates" id="templates" aria-label="Templates">
            if errors {
                <p class="warning" role="status">{ "The topology has error findings: these templates would not deploy as intended. Fix the errors first." }</p>
            }
            if let Some(logical) = &mark {
                <p class="hint" id="template-target-note" role="status">{ format!("`{logical}` is marked below") }</p>
            }
            <div class="toolbar" role="toolbar" aria-label="Template">
                { stack_tabs }
                <div role="group" aria-label="Format">
                    <button id="format-json" aria-pressed={(*format == TemplateFormat::Json).to_string()} onclick={set_format(TemplateFormat::Json)}>{ "JSON" }</button>
                    <button id="format-yaml" aria-pressed={(*format == TemplateFormat::Yaml).to_string()} onclick={set_format(TemplateFormat::Yaml)}>{ "YAML" }</button>
                </div>
                <button id="download-all" class="primary-action" onclick={all}>{ "Download all (.zip)" }</button>
            </div>
            <ul class="files">
                { for files.iter().map(|f| html! {
                    <li><button class="download" data-file={f.name.clone()} onclick={get(f.clone())}>{ format!("⤓ {}", f.name) }</button><span class="size">{ format!("{:.1} KB", f.contents.len() as f64 / 1024.0) }</span></li>
                }) }
            </ul>
            <pre class="code" id="stack-panel" role="tabpanel" aria-labelledby={format!("stack-{}", *selected)} aria-label={name.clone()} tabindex="0"><code>{ Html::from_html_unchecked((*highlighted).clone()) }</code></pre>
        </section>
    }
}

/// Marks the definition of resource `logical` (its key under `Resources`) in highlighted
/// template text; the text is unchanged when it has no such resource.
pub fn mark_resource(html: &str, logical: &str, format: TemplateFormat) -> String {
    let (section, key) = match format {
        TemplateFormat::Json => (
            "<span class=\"k\">\"Resources\"</span>".to_string(),
            format!("<span class=\"k\">\"{}\"</span>", escape(logical)),
        ),
        TemplateFormat::Yaml => (
            "<span class=\"k\">Resources</span>".to_string(),
            format!("<span class=\"k\">{}</span>", escape(logical)),
        ),
    };
    let Some(from) = html.find(&section).map(|i| i + section.len()) else {
        return html.to_string();
    };
    let Some(at) = html
        .get(from..)
        .and_then(|rest| rest.find(&key))
        .map(|i| from + i)
    else {
        return html.to_string();
    };
    let (before, after) = html.split_at(at);
    let after = after.get(key.len()..).unwrap_or_default();
    format!("{before}<mark id=\"template-target\" class=\"target\">{key}</mark>{after}")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Syntax colouring as HTML: keys, strings, numbers and literals.
pub fn highlight(text: &str, format: TemplateFormat) -> String {
    match format {
        TemplateFormat::Json => highlight_json(text),
        TemplateFormat::Yaml => text
            .lines()
            .map(highlight_yaml_line)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn highlight_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c == '"' {
            let start = i;
            i += 1;
            while let Some(&d) = chars.get(i) {
                if d == '\\' {
                    i += 2;
                    continue;
                }
                i += 1;
                if d == '"' {
                    break;
                }
            }
            let s: String = chars
                .get(start..i.min(chars.len()))
                .map(|x| x.iter().collect())
                .unwrap_or_default();
            let mut j = i;
            while chars.get(j).is_some_and(|c| *c == ' ') {
                j += 1;
            }
            let class = if chars.get(j) == Some(&':') { "k" } else { "s" };
            out.push_str(&format!("<span class=\"{class}\">{}</span>", escape(&s)));
        } else if c.is_ascii_digit() || c == '-' {
            let start = i;
            while chars
                .get(i)
                .is_some_and(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | 'e' | 'E' | '+'))
            {
                i += 1;
            }
            let s: String = chars
                .get(start..i)
                .map(|x| x.iter().collect())
                .unwrap_or_default();
            out.push_str(&format!("<span class=\"n\">{s}</span>"));
        } else if let Some(word) = ["true", "false", "null"].iter().find(|w| {
            chars
                .get(i..i + w.len())
                .is_some_and(|s| s.iter().collect::<String>() == **w)
        }) {
            out.push_str(&format!("<span class=\"l\">{word}</span>"));
            i += word.len();
        } else {
            out.push_str(&escape(&c.to_string()));
            i += 1;
        }
    }
    out
}

fn highlight_yaml_line(line: &str) -> String {
    let indent = line.len() - line.trim_start().len();
    let (lead, rest) = line.split_at(indent);
    let (dash, rest) = match rest.strip_prefix("- ") {
        Some(r) => ("- ", r),
        None => ("", rest),
    };
    match rest
        .find(": ")
        .or_else(|| rest.ends_with(':').then(|| rest.len() - 1))
    {
        Some(k) if !rest.starts_with('\'') && !rest.starts_with('"') => {
            let (key, value) = rest.split_at(k);
            format!(
                "{lead}{dash}<span class=\"k\">{}</span>{}",
                escape(key),
                yaml_value(value)
            )
        }
        _ => format!("{lead}{dash}{}", yaml_value(rest)),
    }
}

fn yaml_value(v: &str) -> String {
    let (sep, body) = match v.strip_prefix(':') {
        Some(b) => (":", b),
        None => ("", v),
    };
    let t = body.trim();
    let class = if t.starts_with('\'') || t.starts_with('"') {
        "s"
    } else if t.parse::<f64>().is_ok() {
        "n"
    } else if matches!(t, "true" | "false" | "null") {
        "l"
    } else {
        ""
    };
    if class.is_empty() {
        format!("{sep}{}", escape(body))
    } else {
        format!("{sep}<span class=\"{class}\">{}</span>", escape(body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_highlighted_and_escaped() {
        let html = highlight(
            "{\"a<b\": \"x&y\", \"n\": 12, \"t\": true}",
            TemplateFormat::Json,
        );
        assert!(html.contains("<span class=\"k\">\"a&lt;b\"</span>"));
        assert!(html.contains("<span class=\"s\">\"x&amp;y\"</span>"));
        assert!(html.contains("<span class=\"n\">12</span>"));
        assert!(html.contains("<span class=\"l\">true</span>"));
    }

    #[test]
    fn a_resource_is_marked_at_its_definition_not_at_a_reference() {
        let text = "{\"Outputs\": {\"Api\": 1}, \"Resources\": {\"Api\": {}}}";
        let html = mark_resource(
            &highlight(text, TemplateFormat::Json),
            "Api",
            TemplateFormat::Json,
        );
        let at = html.find("<mark").unwrap();
        assert!(html[..at].contains("Resources"), "{html}");
        let yaml = "Outputs:\n  Api: 1\nResources:\n  Api:\n    Type: x";
        let html = mark_resource(
            &highlight(yaml, TemplateFormat::Yaml),
            "Api",
            TemplateFormat::Yaml,
        );
        assert!(html.contains("<mark id=\"template-target\" class=\"target\"><span class=\"k\">Api</span></mark>:"), "{html}");
        assert!(html.find("<mark").unwrap() > html.find("Resources").unwrap());
    }
}
