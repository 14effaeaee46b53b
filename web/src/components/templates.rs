//! Templates: a highlighted preview per stack (JSON or YAML), every file to download, and
//! everything as one zip. Synthesis runs only while this view is open, after the numbers of an
//! edit are on screen; highlighting only when the text shown changes.

use std::rc::Rc;

use tandem_engine::synth::{synthesize, OutputFile, TemplateFormat};
use yew::prelude::*;

use crate::app::StateHandle;
use crate::components::tabs::{tab_list, Tab};
use crate::services::download::{download, mime_of, zip};
use crate::state::{Action, Banner};
use tandem_engine::synth::quote::{file_name, zip_path};

/// The stacks, in deploy order.
const STACKS: [&str; 3] = ["secondary-base", "primary", "secondary-app"];

#[component]
pub fn Templates() -> Html {
    let Some(state) = use_context::<StateHandle>() else {
        return html! {};
    };
    let format = use_state(|| TemplateFormat::Json);
    let selected = use_state(|| "primary".to_string());
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
    let highlighted: Rc<AttrValue> = {
        let f = *format;
        use_memo((shown, f), |(text, f)| AttrValue::from(highlight(text, *f)))
    };
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
}
