//! Editors for every part of the topology, rendered from its JSON. Each input's id is its
//! field path (`secondary.vpc.cidr`), so a finding can focus it; the engine says which values
//! an enum takes and which fields are optional, and validates every edit.

use serde_json::Value;
use std::collections::BTreeMap;

use tandem_engine::editor::{
    field_kind_in, optional_fields, variant_of, FieldKind, Group, KindContext,
};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::labels::{
    choice_title, duration_text, field_label, label, name, parse_duration, unit, Unit,
};
use crate::state::{Action, Draft, Same, State, StateHandle, Typed};

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// What every field reads besides its own value: how to dispatch, the unapplied text of
/// fields, and what choices read from the rest of the topology.
struct Ed<'a> {
    d: UseReducerDispatcher<State>,
    drafts: &'a BTreeMap<String, Draft>,
    kinds: &'a KindContext,
}

#[derive(Properties, PartialEq)]
struct ListItemProps {
    path: String,
    /// The list's key (`functions`), for the item's legend.
    list_key: String,
    value: Value,
    /// The unapplied text of the item's fields.
    drafts: Vec<(String, Draft)>,
    kinds: KindContext,
    d: UseReducerDispatcher<State>,
}

/// One item of a list of objects (a function, a table), with its fields.
#[component]
fn ListItem(props: &ListItemProps) -> Html {
    let drafts: BTreeMap<String, Draft> = props.drafts.iter().cloned().collect();
    let ed = &Ed {
        d: props.d.clone(),
        drafts: &drafts,
        kinds: &props.kinds,
    };
    let (path, item) = (&props.path, &props.value);
    let name = item
        .get("id")
        .or_else(|| item.get("setIdentifier"))
        .or_else(|| item.get("rule"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let optional = optional_fields(path);
    let Value::Object(map) = item else {
        return html! {};
    };
    html! {
        <fieldset id={path.clone()} tabindex="-1" class="item">
            <legend>{ format!("{} {}", label(&props.list_key).trim_end_matches('s'), name) }{ remove_button(ed, path, &name) }</legend>
            { for map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| field(ed, &join(path, k), k, v, optional.iter().any(|(o, _)| o == k))) }
            <div class="adds">
                { for optional.iter().filter(|(k, _)| map.get(*k).is_none_or(Value::is_null)).map(|(k, v)| add_button(ed, &join(path, k), k, v.clone())) }
            </div>
        </fieldset>
    }
}

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub group: Group,
}

/// One editor tab: the top-level fields of a group.
#[component]
pub fn Editor(props: &EditorProps) -> Html {
    let Some(state) = use_context::<StateHandle>() else {
        return html! {};
    };
    // The topology as JSON, once per change of it (not on every render: typing re-renders).
    let value = use_memo(Same(state.topology.clone()), |t| {
        serde_json::to_value(&*t.0).unwrap_or(Value::Null)
    });
    // Focus the field a finding or the diagram asked for, once it is rendered.
    {
        let focus = state.focus.clone();
        use_effect_with(focus, |focus| {
            if let Some((path, _)) = focus {
                crate::services::dom::focus_element(path);
            }
        });
    }
    let kinds = use_memo(Same(state.topology.clone()), |t| KindContext::of(&t.0));
    let ed = Ed {
        d: state.dispatcher(),
        drafts: &state.drafts,
        kinds: &kinds,
    };
    let ed = &ed;
    let optional: Vec<(&str, Value)> = optional_fields("")
        .into_iter()
        .filter(|(k, _)| props.group.keys().contains(k))
        .collect();
    html! {
        <div class="editor" aria-label={props.group.title()} role="group">
            { for props.group.keys().iter().map(|key| match value.get(*key) {
                Some(v) if !v.is_null() => field(ed, key, key, v, optional.iter().any(|(k, _)| k == key)),
                _ => html! {},
            }) }
            { for optional.iter().filter(|(k, _)| value.get(*k).is_none_or(Value::is_null)).map(|(k, v)| add_button(ed, k, k, v.clone())) }
        </div>
    }
}

fn add_button(ed: &Ed, path: &str, key: &str, value: Value) -> Html {
    let state = ed.d.clone();
    let path = path.to_string();
    let onclick = Callback::from(move |_| {
        state.dispatch(Action::Edit {
            path: path.clone(),
            value: value.clone(),
        })
    });
    html! { <button class="add" {onclick}>{ format!("+ {}", label(key)) }</button> }
}

fn remove_button(ed: &Ed, path: &str, what: &str) -> Html {
    let state = ed.d.clone();
    let path = path.to_string();
    let onclick = Callback::from(move |_| state.dispatch(Action::Remove { path: path.clone() }));
    html! { <button class="remove" {onclick} aria-label={format!("Remove {what}")}>{ "Remove" }</button> }
}

/// One field, by the shape of its value.
fn field(ed: &Ed, path: &str, key: &str, value: &Value, removable: bool) -> Html {
    if let Some(kind) = field_kind_in(ed.kinds, path) {
        return match kind {
            FieldKind::Select(choices) => select(ed, path, key, value, choices),
            FieldKind::MultiSelect(options) => multi(ed, path, key, value, &options),
            FieldKind::Suggest(options) => input(ed, path, key, value, Some(options), removable),
        };
    }
    match value {
        Value::Object(map) => {
            let optional = optional_fields(path);
            html! {
                <fieldset id={path.to_string()} tabindex="-1" class="group">
                    <legend>{ label(key) }{ if removable { remove_button(ed, path, &label(key)) } else { html! {} } }</legend>
                    { for map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| {
                        let child = join(path, k);
                        field(ed, &child, k, v, optional.iter().any(|(o, _)| o == k))
                    }) }
                    <div class="adds">
                        { for optional.iter().filter(|(k, _)| map.get(*k).is_none_or(Value::is_null)).map(|(k, v)| add_button(ed, &join(path, k), k, v.clone())) }
                    </div>
                </fieldset>
            }
        }
        Value::Array(items)
            if items.iter().all(Value::is_string) && !items.is_empty()
                || (items.is_empty() && is_text_list(path)) =>
        {
            lines(ed, path, key, items)
        }
        Value::Array(items) => list(ed, path, key, items),
        Value::Bool(b) => checkbox(ed, path, key, *b, removable),
        _ => input(ed, path, key, value, None, removable),
    }
}

fn is_text_list(path: &str) -> bool {
    let p = tandem_engine::editor::pattern(path);
    matches!(
        p.as_str(),
        "topics[].emails" | "events.forwarding.sources" | "events.forwarding.detailTypes"
    )
}

fn list(ed: &Ed, path: &str, key: &str, items: &[Value]) -> Html {
    // The new item is shown and focused: it is at the end of the list, often off-screen.
    let add = {
        let state = ed.d.clone();
        let path = path.to_string();
        let next = items.len();
        Callback::from(move |_| {
            state.dispatch(Action::AddItem { path: path.clone() });
            state.dispatch(Action::Focus(format!("{path}[{next}]")));
        })
    };
    html! {
        <fieldset id={path.to_string()} tabindex="-1" class="group list">
            <legend>{ format!("{} ({})", label(key), items.len()) }</legend>
            { for items.iter().enumerate().map(|(i, item)| {
                let item_path = format!("{path}[{i}]");
                match item {
                    Value::Object(_) => {
                        // Its own component: drawn again only when its value, its unapplied
                        // text or the context its choices read change, not on every edit
                        // elsewhere (thirty functions are hundreds of fields).
                        let prefix = format!("{item_path}.");
                        let drafts: Vec<(String, Draft)> = ed.drafts.range(item_path.clone()..).take_while(|(k, _)| k.starts_with(&prefix) || **k == item_path).map(|(k, d)| (k.clone(), d.clone())).collect();
                        html! { <ListItem key={item_path.clone()} path={item_path.clone()} list_key={key.to_string()} value={item.clone()} {drafts} kinds={ed.kinds.clone()} d={ed.d.clone()} /> }
                    }
                    other => field(ed, &item_path, &format!("{} {}", label(key), i + 1), other, false),
                }
            }) }
            <button class="add" onclick={add}>{ format!("+ Add to {}", label(key).to_lowercase()) }</button>
        </fieldset>
    }
}

/// What the text in a field means for a field holding `current`: a duration, a number, or
/// text. Only the engine says whether the value is acceptable.
fn read(path: &str, text: &str, current: &Value) -> Result<Value, String> {
    let t = text.trim();
    if current.is_number() {
        if unit(path) == Some(Unit::Duration) {
            return parse_duration(t).map(Value::from);
        }
        if let Ok(n) = t.parse::<i64>() {
            return Ok(Value::from(n));
        }
        if let Ok(f) = t.parse::<f64>() {
            if f.is_finite() {
                return Ok(Value::from(f));
            }
        }
    }
    Ok(Value::String(text.to_string()))
}

/// The field's value as it is written in it (`30 min` for 1800 seconds).
fn written(path: &str, value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) if unit(path) == Some(Unit::Duration) => {
            n.as_u64().map_or_else(|| n.to_string(), duration_text)
        }
        other => other.to_string(),
    }
}

fn input(
    ed: &Ed,
    path: &str,
    key: &str,
    value: &Value,
    suggest: Option<Vec<String>>,
    removable: bool,
) -> Html {
    let draft = ed.drafts.get(path);
    let error = draft.and_then(|d| d.error.clone());
    let committed = written(path, value);
    let pending = draft.is_some_and(|d| d.error.is_none() && d.raw != committed);
    let shown = draft.map_or(committed, |d| d.raw.clone());
    let typed = {
        let path = path.to_string();
        let name = name(&path, key);
        let current = value.clone();
        move |text: String| Typed {
            value: read(&path, &text, &current),
            path: path.clone(),
            label: name.clone(),
            raw: text,
        }
    };
    let oninput = {
        let state = ed.d.clone();
        let typed = typed.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            state.dispatch(Action::Type(typed(input.value())));
        })
    };
    // Enter and leaving the field apply the text. `change` says both, but not after the page
    // set the field's text itself, so Enter and `blur` are heard too; applying the value the
    // topology already has changes nothing.
    let commit = {
        let state = ed.d.clone();
        let typed = typed.clone();
        move |e: &Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            state.dispatch(Action::Commit(typed(input.value())));
        }
    };
    let onchange = {
        let commit = commit.clone();
        Callback::from(move |e: Event| commit(&e))
    };
    let onblur = {
        let commit = commit.clone();
        Callback::from(move |e: FocusEvent| commit(&e))
    };
    let onkeydown = {
        let state = ed.d.clone();
        let path = path.to_string();
        let drafted = draft.is_some();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" => commit(&e),
            // Escape puts back what the topology holds.
            "Escape" if drafted => {
                e.prevent_default();
                state.dispatch(Action::DropDraft(path.clone()));
            }
            _ => {}
        })
    };
    let list_id = format!("{path}-options");
    let error_id = format!("{path}-error");
    let duration = unit(path) == Some(Unit::Duration);
    let inputmode = match value {
        _ if duration => "text",
        Value::Number(n) if n.is_u64() || n.is_i64() => "numeric",
        Value::Number(_) => "decimal",
        _ => "text",
    };
    html! {
        <div class={classes!("field", error.is_some().then_some("invalid"), pending.then_some("pending"))}>
            <label for={path.to_string()}>{ field_label(path, key) }</label>
            <input id={path.to_string()} type="text" value={shown} {oninput} {onchange} {onblur} {onkeydown} {inputmode}
                placeholder={duration.then_some("e.g. 90 s, 15 min, 1 h")}
                list={suggest.as_ref().map(|_| list_id.clone())}
                aria-invalid={error.is_some().to_string()} aria-describedby={error.is_some().then_some(error_id.clone())} />
            if let Some(options) = suggest {
                <datalist id={list_id}>{ for options.iter().map(|o| html! { <option value={o.clone()} /> }) }</datalist>
            }
            if removable { { remove_button(ed, path, &label(key)) } }
            if let Some(message) = error {
                <span class="error" id={error_id} role="alert">{ message }</span>
            } else if pending {
                <span class="hint pending-hint">{ "Enter or leave the field to apply" }</span>
            }
        </div>
    }
}

fn checkbox(ed: &Ed, path: &str, key: &str, checked: bool, removable: bool) -> Html {
    let onchange = {
        let state = ed.d.clone();
        let path = path.to_string();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            state.dispatch(Action::Edit {
                path: path.clone(),
                value: Value::Bool(input.checked()),
            });
        })
    };
    html! {
        <div class="field check">
            <input id={path.to_string()} type="checkbox" {checked} {onchange} />
            <label for={path.to_string()}>{ label(key) }</label>
            if removable { { remove_button(ed, path, &label(key)) } }
        </div>
    }
}

fn select(
    ed: &Ed,
    path: &str,
    key: &str,
    value: &Value,
    choices: Vec<tandem_engine::editor::Choice>,
) -> Html {
    let current = variant_of(value).unwrap_or_default();
    let onchange = {
        let state = ed.d.clone();
        let path = path.to_string();
        let choices = choices.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Some(c) = choices.iter().find(|c| c.label == select.value()) {
                state.dispatch(Action::Edit {
                    path: path.clone(),
                    value: c.value.clone(),
                });
            }
        })
    };
    // An enum with data (`{"manual": {"approvalMinutes": 10}}`) shows its fields below.
    let inner = match value {
        Value::Object(m) => m.iter().next().map(|(variant, data)| {
            let inner_path = join(path, variant);
            match data {
                Value::Object(fields) => html! { <>{ for fields.iter().map(|(k, v)| field(ed, &join(&inner_path, k), k, v, false)) }</> },
                other => field(ed, &inner_path, variant, other, false),
            }
        }),
        _ => None,
    };
    html! {
        <>
            <div class="field">
                <label for={path.to_string()}>{ label(key) }</label>
                <select id={path.to_string()} {onchange}>
                    { for choices.iter().map(|c| html! { <option value={c.label.clone()} selected={c.label == current}>{ choice_title(&c.label) }</option> }) }
                </select>
            </div>
            { for inner }
        </>
    }
}

fn multi(ed: &Ed, path: &str, key: &str, value: &Value, options: &[String]) -> Html {
    let selected: Vec<String> = value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    html! {
        <fieldset id={path.to_string()} tabindex="-1" class="multi">
            <legend>{ label(key) }</legend>
            { for options.iter().map(|o| {
                let on = selected.contains(o);
                let onchange = {
                    let state = ed.d.clone();
                    let path = path.to_string();
                    let selected = selected.clone();
                    let o = o.clone();
                    Callback::from(move |_: Event| {
                        let mut next = selected.clone();
                        if next.contains(&o) { next.retain(|x| x != &o) } else { next.push(o.clone()) }
                        state.dispatch(Action::Edit { path: path.clone(), value: Value::from(next) });
                    })
                };
                let id = format!("{path}:{o}");
                html! { <label class="option" for={id.clone()}><input id={id} type="checkbox" checked={on} {onchange} />{ o }</label> }
            }) }
        </fieldset>
    }
}

fn lines(ed: &Ed, path: &str, key: &str, items: &[Value]) -> Html {
    let text: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
    let oninput = {
        let state = ed.d.clone();
        let path = path.to_string();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            let items: Vec<Value> = area
                .value()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(Value::from)
                .collect();
            state.dispatch(Action::Edit {
                path: path.clone(),
                value: Value::Array(items),
            });
        })
    };
    html! {
        <div class="field">
            <label for={path.to_string()}>{ format!("{} (one per line)", label(key)) }</label>
            <textarea id={path.to_string()} rows="3" value={text.join("\n")} {oninput} />
        </div>
    }
}
