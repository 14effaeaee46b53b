//! The JSONPath subset the States Language uses (`$.a.b`, `$.a[0]`, `[?(@.F == true)]`,
//! `$$` for the context object), payload templates (`"key.$"`) and the intrinsic functions
//! synthesis emits (`States.Format`, `States.JsonToString`).

use serde_json::{Map, Value};

/// A path that names nothing: the service's `States.Runtime` failure.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Absent(pub String);

#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Field(String),
    Index(usize),
    Filter(String, Value),
}

fn segments(path: &str) -> Option<Vec<Seg>> {
    let mut out = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            out.push(Seg::Field(r.get(..end)?.to_string()));
            rest = r.get(end..)?;
        } else if let Some(r) = rest.strip_prefix("[?(@.") {
            let end = r.find(")]")?;
            let expr = r.get(..end)?;
            let (field, value) = expr.split_once("==")?;
            let value = value.trim();
            let value = serde_json::from_str(value)
                .unwrap_or_else(|_| Value::String(value.trim_matches('\'').to_string()));
            out.push(Seg::Filter(field.trim().to_string(), value));
            rest = r.get(end + 2..)?;
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            out.push(Seg::Index(r.get(..end)?.trim().parse().ok()?));
            rest = r.get(end + 1..)?;
        } else {
            return None;
        }
    }
    Some(out)
}

/// Reads `path` (`$...` against `data`, `$$...` against `context`).
pub(crate) fn read(path: &str, data: &Value, context: &Value) -> Result<Value, Absent> {
    let absent = || Absent(path.to_string());
    let (root, rest) = match path.strip_prefix("$$") {
        Some(r) => (context, r),
        None => (data, path.strip_prefix('$').ok_or_else(absent)?),
    };
    let segs = segments(rest).ok_or_else(absent)?;
    // A filter makes the rest of the path apply to every match, and the answer a list.
    let mut nodes: Vec<Value> = vec![root.clone()];
    let mut many = false;
    for seg in segs {
        let mut next = Vec::new();
        for n in &nodes {
            match &seg {
                Seg::Field(f) => {
                    if let Some(v) = n.get(f.as_str()) {
                        next.push(v.clone());
                    }
                }
                Seg::Index(i) => {
                    if let Some(v) = n.get(*i) {
                        next.push(v.clone());
                    }
                }
                Seg::Filter(f, want) => {
                    many = true;
                    for item in n.as_array().into_iter().flatten() {
                        if item.get(f.as_str()) == Some(want) {
                            next.push(item.clone());
                        }
                    }
                }
            }
        }
        if next.is_empty() && !many {
            return Err(absent());
        }
        nodes = next;
    }
    if many {
        Ok(Value::Array(nodes))
    } else {
        nodes.into_iter().next().ok_or_else(absent)
    }
}

/// Sets `path` in `data` (a `ResultPath`), creating objects on the way.
pub(crate) fn write(data: &mut Value, path: &str, value: Value) {
    let Some(segs) = path.strip_prefix('$').and_then(segments) else {
        return;
    };
    if segs.is_empty() {
        *data = value;
        return;
    }
    let mut cur = data;
    let last = segs.len() - 1;
    for (i, seg) in segs.into_iter().enumerate() {
        let Seg::Field(f) = seg else { return };
        if !cur.is_object() {
            *cur = Value::Object(Map::new());
        }
        let Some(obj) = cur.as_object_mut() else {
            return;
        };
        if i == last {
            obj.insert(f, value);
            return;
        }
        cur = obj.entry(f).or_insert_with(|| Value::Object(Map::new()));
    }
}

/// Evaluates a payload template: keys ending in `.$` take a path or an intrinsic.
pub(crate) fn template(t: &Value, data: &Value, context: &Value) -> Result<Value, Absent> {
    match t {
        Value::Object(o) => {
            let mut out = Map::new();
            for (k, v) in o {
                match (k.strip_suffix(".$"), v.as_str()) {
                    (Some(key), Some(expr)) => {
                        out.insert(key.to_string(), expression(expr, data, context)?);
                    }
                    _ => {
                        out.insert(k.clone(), template(v, data, context)?);
                    }
                }
            }
            Ok(Value::Object(out))
        }
        Value::Array(a) => a
            .iter()
            .map(|v| template(v, data, context))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        other => Ok(other.clone()),
    }
}

fn expression(expr: &str, data: &Value, context: &Value) -> Result<Value, Absent> {
    if expr.starts_with('$') {
        return read(expr, data, context);
    }
    let Some((name, args)) = expr.split_once('(') else {
        return Ok(Value::String(expr.to_string()));
    };
    let args = args.strip_suffix(')').unwrap_or(args);
    let mut values = Vec::new();
    for arg in split_args(args) {
        let arg = arg.trim();
        if let Some(s) = arg.strip_prefix('\'').and_then(|a| a.strip_suffix('\'')) {
            values.push(Value::String(s.to_string()));
        } else if arg.starts_with('$') {
            values.push(read(arg, data, context)?);
        } else {
            values.push(serde_json::from_str(arg).unwrap_or(Value::String(arg.to_string())));
        }
    }
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Ok(match name.trim() {
        "States.Format" => {
            let mut it = values.iter();
            let format = it.next().map(text).unwrap_or_default();
            let mut out = String::new();
            let mut parts = format.split("{}").peekable();
            while let Some(p) = parts.next() {
                out.push_str(p);
                if parts.peek().is_some() {
                    out.push_str(&it.next().map(text).unwrap_or_default());
                }
            }
            Value::String(out)
        }
        "States.JsonToString" => {
            Value::String(values.first().map(Value::to_string).unwrap_or_default())
        }
        // Integer addition; a non-number argument is the service's `States.Runtime`.
        "States.MathAdd" => {
            let mut sum: i64 = 0;
            for v in &values {
                sum = sum.saturating_add(v.as_i64().ok_or_else(|| Absent(expr.to_string()))?);
            }
            Value::from(sum)
        }
        _ => Value::String(expr.to_string()),
    })
}

fn split_args(args: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in args.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                cur.push(c);
            }
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filters_make_a_list_and_indexing_an_empty_one_is_absent() {
        let d = json!({"GlobalClusters": [{"GlobalClusterMembers": [
            {"DbClusterArn": "a", "IsWriter": false}, {"DbClusterArn": "b", "IsWriter": true}]}]});
        let path = "$.GlobalClusters[0].GlobalClusterMembers[?(@.IsWriter == true)].DbClusterArn";
        assert_eq!(read(path, &d, &json!({})).unwrap(), json!(["b"]));
        let none = json!({"writers": []});
        assert!(read("$.writers[0]", &none, &json!({})).is_err());
    }

    #[test]
    fn templates_and_intrinsics() {
        let d = json!({"error": {"Error": "x"}, "s": {"status": 0}});
        let ctx = json!({"Task": {"Token": "tok"}});
        let add = template(
            &json!({"w.$": "States.MathAdd($.v.w, 1)"}),
            &json!({"v": {"w": 2}}),
            &json!({}),
        )
        .unwrap();
        assert_eq!(add, json!({"w": 3}));
        let t = json!({"a.$": "$.s.status", "m.$": "States.Format('x {} y {}', 'r', $$.Task.Token)", "j.$": "States.JsonToString($.error)", "k": 1});
        let out = template(&t, &d, &ctx).unwrap();
        assert_eq!(
            out,
            json!({"a": 0, "m": "x r y tok", "j": "{\"Error\":\"x\"}", "k": 1})
        );
        let mut d2 = json!({});
        write(&mut d2, "$.a.b", json!(1));
        assert_eq!(d2, json!({"a": {"b": 1}}));
    }
}
