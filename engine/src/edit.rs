//! Machine-applicable fixes: edits to a topology's JSON, addressed by field path. They sit
//! below both the rules (whose findings offer them) and the analysis (whose suggestions try
//! them), so neither imports the other for them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{load_value, LoadError, Topology};

/// A one-click fix: a title for the button and the edits it makes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub(crate) fn set(title: impl Into<String>, path: impl Into<String>, value: Value) -> Fix {
        Fix {
            title: title.into(),
            edits: vec![Edit::Set {
                path: path.into(),
                value,
            }],
        }
    }

    pub(crate) fn and_set(mut self, path: impl Into<String>, value: Value) -> Fix {
        self.edits.push(Edit::Set {
            path: path.into(),
            value,
        });
        self
    }
}

/// One change at a field path (`secondary.vpc.cidr`, `functions[2].runtime`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "op", deny_unknown_fields)]
pub enum Edit {
    /// Set the field (creating it in its object when absent).
    Set { path: String, value: Value },
    /// Remove an object field or an array element.
    Remove { path: String },
    /// Append to the array at the path (creating it when absent).
    Push { path: String, value: Value },
}

/// Applies a fix and re-reads the result, so a fix can never produce an invalid topology.
pub fn apply_fix(topology: &Topology, fix: &Fix) -> Result<Topology, LoadError> {
    let mut value = serde_json::to_value(topology).map_err(|e| LoadError::Field {
        path: "(top level)".into(),
        message: e.to_string(),
    })?;
    for edit in &fix.edits {
        apply_edit(&mut value, edit)?;
    }
    let edited = load_value(value)?;
    // Choosing a strategy applies the knobs that define it, in the same edit.
    if edited.strategy == topology.strategy || !sets_strategy(fix) {
        return Ok(edited);
    }
    let knobs = crate::editor::strategy_edits(&edited, edited.strategy);
    if knobs.is_empty() {
        return Ok(edited);
    }
    let mut value = serde_json::to_value(&edited).map_err(|e| LoadError::Field {
        path: "(top level)".into(),
        message: e.to_string(),
    })?;
    for edit in &knobs {
        apply_edit(&mut value, edit)?;
    }
    load_value(value)
}

fn sets_strategy(fix: &Fix) -> bool {
    fix.edits
        .iter()
        .any(|e| matches!(e, Edit::Set { path, .. } if path == "strategy"))
}

/// Applies one edit to a topology's JSON.
pub fn apply_edit(root: &mut Value, edit: &Edit) -> Result<(), LoadError> {
    let path = match edit {
        Edit::Set { path, .. } | Edit::Remove { path } | Edit::Push { path, .. } => path,
    };
    let segments = parse_path(path)?;
    let bad = |message: &str| LoadError::Field {
        path: path.clone(),
        message: message.into(),
    };
    let Some((last, parents)) = segments.split_last() else {
        return Err(bad("an edit needs a field path"));
    };
    let mut node = root;
    for segment in parents {
        node = match segment {
            Segment::Key(key) => node
                .as_object_mut()
                .ok_or_else(|| bad("not inside an object"))?
                .entry(key.clone())
                .or_insert_with(|| Value::Object(Default::default())),
            Segment::Index(i) => node
                .as_array_mut()
                .and_then(|a| a.get_mut(*i))
                .ok_or_else(|| bad("no such list element"))?,
        };
    }
    match (edit, last) {
        (Edit::Set { value, .. }, Segment::Key(key)) => {
            node.as_object_mut()
                .ok_or_else(|| bad("not inside an object"))?
                .insert(key.clone(), value.clone());
        }
        (Edit::Set { value, .. }, Segment::Index(i)) => {
            let slot = node
                .as_array_mut()
                .and_then(|a| a.get_mut(*i))
                .ok_or_else(|| bad("no such list element"))?;
            *slot = value.clone();
        }
        (Edit::Remove { .. }, Segment::Key(key)) => {
            node.as_object_mut()
                .ok_or_else(|| bad("not inside an object"))?
                .remove(key);
        }
        (Edit::Remove { .. }, Segment::Index(i)) => {
            let list = node.as_array_mut().ok_or_else(|| bad("not a list"))?;
            if *i >= list.len() {
                return Err(bad("no such list element"));
            }
            list.remove(*i);
        }
        (Edit::Push { value, .. }, Segment::Key(key)) => {
            let obj = node
                .as_object_mut()
                .ok_or_else(|| bad("not inside an object"))?;
            let list = obj
                .entry(key.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            list.as_array_mut()
                .ok_or_else(|| bad("not a list"))?
                .push(value.clone());
        }
        (Edit::Push { value, .. }, Segment::Index(i)) => {
            let list = node
                .as_array_mut()
                .and_then(|a| a.get_mut(*i))
                .and_then(Value::as_array_mut)
                .ok_or_else(|| bad("not a list"))?;
            list.push(value.clone());
        }
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Key(String),
    Index(usize),
}

/// Parses `functions[2].runtime` into its segments.
pub(crate) fn parse_path(path: &str) -> Result<Vec<Segment>, LoadError> {
    let bad = || LoadError::Field {
        path: path.into(),
        message: "not a field path".into(),
    };
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (
                part.get(..i).ok_or_else(bad)?,
                part.get(i..).ok_or_else(bad)?,
            ),
            None => (part, ""),
        };
        if key.is_empty() {
            return Err(bad());
        }
        out.push(Segment::Key(key.to_string()));
        while let Some(stripped) = rest.strip_prefix('[') {
            let end = stripped.find(']').ok_or_else(bad)?;
            let index = stripped
                .get(..end)
                .ok_or_else(bad)?
                .parse()
                .map_err(|_| bad())?;
            out.push(Segment::Index(index));
            rest = stripped.get(end + 1..).ok_or_else(bad)?;
        }
        if !rest.is_empty() {
            return Err(bad());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_parse() {
        assert_eq!(
            parse_path("functions[2].calls[0]").unwrap(),
            vec![
                Segment::Key("functions".into()),
                Segment::Index(2),
                Segment::Key("calls".into()),
                Segment::Index(0)
            ]
        );
        assert!(parse_path("a..b").is_err());
        assert!(parse_path("a[x]").is_err());
        assert!(parse_path("a[1").is_err());
    }

    #[test]
    fn edits_apply() {
        let mut v = json!({"a": {"list": [1, 2, 3]}});
        apply_edit(
            &mut v,
            &Edit::Set {
                path: "a.b".into(),
                value: json!(5),
            },
        )
        .unwrap();
        apply_edit(
            &mut v,
            &Edit::Remove {
                path: "a.list[1]".into(),
            },
        )
        .unwrap();
        apply_edit(
            &mut v,
            &Edit::Push {
                path: "a.list".into(),
                value: json!(9),
            },
        )
        .unwrap();
        apply_edit(
            &mut v,
            &Edit::Push {
                path: "a.new".into(),
                value: json!("x"),
            },
        )
        .unwrap();
        assert_eq!(v, json!({"a": {"list": [1, 3, 9], "b": 5, "new": ["x"]}}));
        assert!(apply_edit(
            &mut v,
            &Edit::Remove {
                path: "a.list[7]".into()
            }
        )
        .is_err());
    }

    #[test]
    fn a_fix_that_breaks_the_model_is_an_error_not_a_topology() {
        let t = crate::presets::reference();
        let fix = Fix::set("bad", "secondary.vpc.cidr", json!("10.0.0.0/33"));
        let err = apply_fix(&t, &fix).unwrap_err();
        assert_eq!(err.path(), Some("secondary.vpc.cidr"));
    }
}
