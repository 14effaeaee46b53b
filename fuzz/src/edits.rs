//! The structure-aware input of the `apply_fix` target: a preset and a sequence of steps, each a
//! fix of edits or the fix of a finding. Paths and values are mostly drawn from what the presets
//! contain (every field path, every leaf value), so most edits reach real fields and most
//! values have the right shape; the rest are free-form, to probe the path parser and the loader.

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use serde_json::{Map, Value};
use tandem_engine::rules::Edit;
use tandem_engine::Fix;

#[derive(Debug, Arbitrary)]
pub struct Input {
    pub preset: u8,
    pub steps: Vec<Step>,
}

#[derive(Debug, Arbitrary)]
pub enum Step {
    /// One fix made of these edits.
    Fix(Vec<EditSpec>),
    /// The fix of the n-th finding that has one (modulo their number).
    Finding(u8),
}

#[derive(Debug, Arbitrary)]
pub struct EditSpec {
    pub op: Op,
    pub path: PathSpec,
    pub value: ValueSpec,
}

#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Op {
    Set,
    Remove,
    Push,
}

#[derive(Debug, Arbitrary)]
pub enum PathSpec {
    /// A path that exists in some preset.
    Known(u16),
    /// A known path with a segment appended.
    Under(u16, Segment),
    /// Segments put together.
    Built(Vec<Segment>),
    /// Any text, for the path parser.
    Raw(String),
}

#[derive(Debug, Arbitrary)]
pub enum Segment {
    /// A key that occurs in some preset.
    Key(u16),
    Index(u8),
    Raw(String),
}

#[derive(Debug, Arbitrary)]
pub enum ValueSpec {
    /// A leaf value that occurs in some preset (enum values, regions, ids, numbers).
    Known(u16),
    /// The value a preset has at a known path (whole objects and lists).
    Subtree(u16),
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<ValueSpec>),
    Object(Vec<(Segment, ValueSpec)>),
}

/// What the presets contain: every path (with its value) and every key and leaf value.
#[derive(Debug, Default)]
pub struct Vocabulary {
    pub paths: Vec<(String, Value)>,
    pub keys: Vec<String>,
    pub leaves: Vec<Value>,
}

pub fn vocabulary() -> &'static Vocabulary {
    static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
    VOCABULARY.get_or_init(|| {
        let mut v = Vocabulary::default();
        for t in crate::all_presets() {
            if let Ok(value) = serde_json::to_value(&t) {
                walk(&value, String::new(), &mut v);
            }
        }
        v.paths.sort_by(|a, b| a.0.cmp(&b.0));
        v.paths.dedup_by(|a, b| a.0 == b.0);
        v.keys.sort();
        v.keys.dedup();
        v.leaves.dedup();
        v
    })
}

fn walk(value: &Value, path: String, v: &mut Vocabulary) {
    if !path.is_empty() {
        v.paths.push((path.clone(), value.clone()));
    }
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                v.keys.push(key.clone());
                let child_path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                walk(child, child_path, v);
            }
        }
        Value::Array(list) => {
            for (i, child) in list.iter().enumerate() {
                walk(child, format!("{path}[{i}]"), v);
            }
        }
        leaf => {
            if !v.leaves.contains(leaf) {
                v.leaves.push(leaf.clone());
            }
        }
    }
}

fn pick<T>(list: &[T], i: u16) -> Option<&T> {
    if list.is_empty() {
        None
    } else {
        list.get(usize::from(i) % list.len())
    }
}

impl Segment {
    fn render(&self, out: &mut String) {
        match self {
            Segment::Key(i) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(pick(&vocabulary().keys, *i).map_or("x", String::as_str));
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
            Segment::Raw(s) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(s);
            }
        }
    }

    fn key(&self) -> String {
        match self {
            Segment::Key(i) => pick(&vocabulary().keys, *i).cloned().unwrap_or_default(),
            Segment::Index(i) => i.to_string(),
            Segment::Raw(s) => s.clone(),
        }
    }
}

impl PathSpec {
    pub fn render(&self) -> String {
        let known = |i: &u16| pick(&vocabulary().paths, *i).map(|p| p.0.clone());
        match self {
            PathSpec::Known(i) => known(i).unwrap_or_default(),
            PathSpec::Under(i, segment) => {
                let mut out = known(i).unwrap_or_default();
                segment.render(&mut out);
                out
            }
            PathSpec::Built(segments) => {
                let mut out = String::new();
                for s in segments {
                    s.render(&mut out);
                }
                out
            }
            PathSpec::Raw(s) => s.clone(),
        }
    }
}

impl ValueSpec {
    pub fn render(&self, depth: u8) -> Value {
        let v = vocabulary();
        match self {
            ValueSpec::Known(i) => pick(&v.leaves, *i).cloned().unwrap_or(Value::Null),
            ValueSpec::Subtree(i) => pick(&v.paths, *i).map_or(Value::Null, |p| p.1.clone()),
            ValueSpec::Null => Value::Null,
            ValueSpec::Bool(b) => Value::Bool(*b),
            ValueSpec::Int(n) => Value::from(*n),
            ValueSpec::Float(f) => {
                serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
            }
            ValueSpec::Str(s) => Value::String(s.clone()),
            ValueSpec::List(items) if depth < 4 => {
                Value::Array(items.iter().map(|i| i.render(depth + 1)).collect())
            }
            ValueSpec::Object(fields) if depth < 4 => {
                let mut map = Map::new();
                for (k, value) in fields {
                    map.insert(k.key(), value.render(depth + 1));
                }
                Value::Object(map)
            }
            ValueSpec::List(_) | ValueSpec::Object(_) => Value::Null,
        }
    }
}

impl EditSpec {
    pub fn render(&self) -> Edit {
        let path = self.path.render();
        match self.op {
            Op::Set => Edit::Set {
                path,
                value: self.value.render(0),
            },
            Op::Remove => Edit::Remove { path },
            Op::Push => Edit::Push {
                path,
                value: self.value.render(0),
            },
        }
    }
}

/// A fix made of these edits.
pub fn fix_of(edits: &[EditSpec]) -> Fix {
    Fix {
        title: "fuzz".into(),
        edits: edits.iter().map(EditSpec::render).collect(),
    }
}
