//! A CloudFormation template under construction, and the intrinsic-function helpers.
//! Maps keep insertion order, so the same topology always gives byte-identical output.

use serde_json::{json, Map, Value};

#[derive(Debug, Clone, Default)]
pub(crate) struct Template {
    pub description: String,
    pub parameters: Map<String, Value>,
    pub resources: Map<String, Value>,
    pub outputs: Map<String, Value>,
    /// checkov suppressions with their reasons, by logical id.
    pub suppressions: Map<String, Value>,
    /// Notes for reviewers (where AWS accepts only `*`, and similar).
    pub notes: Vec<String>,
}

impl Template {
    pub fn new(description: impl Into<String>) -> Template {
        Template {
            description: description.into(),
            ..Template::default()
        }
    }

    pub fn param(&mut self, id: &str, kind: &str, description: &str) -> Value {
        self.parameters.insert(
            id.into(),
            json!({ "Type": kind, "Description": description }),
        );
        r(id)
    }

    pub fn param_with(&mut self, id: &str, spec: Value) -> Value {
        self.parameters.insert(id.into(), spec);
        r(id)
    }

    pub fn add(&mut self, id: &str, kind: &str, properties: Value) -> Value {
        // Built by hand: `json!` would copy `properties` through serde, the whole tree.
        let mut body = Map::new();
        body.insert("Type".into(), Value::String(kind.into()));
        body.insert("Properties".into(), properties);
        self.resources.insert(id.into(), Value::Object(body));
        r(id)
    }

    /// A resource with attributes beside `Properties` (DependsOn, DeletionPolicy...).
    pub fn add_with(
        &mut self,
        id: &str,
        kind: &str,
        properties: Value,
        attributes: Value,
    ) -> Value {
        let mut body = Map::new();
        body.insert("Type".into(), Value::String(kind.into()));
        if let Value::Object(attrs) = attributes {
            for (k, v) in attrs {
                body.insert(k, v);
            }
        }
        body.insert("Properties".into(), properties);
        self.resources.insert(id.into(), Value::Object(body));
        r(id)
    }

    pub fn output(&mut self, id: &str, value: Value, description: &str) {
        let mut body = Map::new();
        body.insert("Description".into(), Value::String(description.into()));
        body.insert("Value".into(), value);
        self.outputs.insert(id.into(), Value::Object(body));
    }

    /// Records that checkov check `check` does not apply to `id`, and why.
    pub fn skip_check(&mut self, id: &str, check: &str, reason: &str) {
        let entry = self
            .suppressions
            .entry(id.to_string())
            .or_insert_with(|| json!([]));
        if let Some(list) = entry.as_array_mut() {
            list.push(json!({ "id": check, "comment": reason }));
        }
    }

    /// The finished template as JSON. checkov reads its suppressions from each resource's
    /// `Metadata.checkov.skip`.
    pub fn finish(mut self, stack: &str, topology_name: &str) -> Value {
        for (id, skips) in &self.suppressions {
            if let Some(Value::Object(res)) = self.resources.get_mut(id) {
                let meta = res.entry("Metadata").or_insert_with(|| json!({}));
                if let Some(m) = meta.as_object_mut() {
                    m.insert("checkov".into(), json!({ "skip": skips }));
                }
            }
        }
        let mut doc = Map::new();
        doc.insert("AWSTemplateFormatVersion".into(), json!("2010-09-09"));
        doc.insert("Description".into(), json!(self.description));
        doc.insert(
            "Metadata".into(),
            json!({
                "Tandem": {
                    "stack": stack,
                    "topology": topology_name,
                    "generator": concat!("tandem ", env!("CARGO_PKG_VERSION")),
                    "notes": self.notes,
                }
            }),
        );
        if !self.parameters.is_empty() {
            doc.insert("Parameters".into(), Value::Object(self.parameters));
        }
        doc.insert("Resources".into(), Value::Object(self.resources));
        if !self.outputs.is_empty() {
            doc.insert("Outputs".into(), Value::Object(self.outputs));
        }
        Value::Object(doc)
    }
}

/// Replaces each `(from, to)` in every string of `v` (keys stay as they are): the failover
/// definition's region placeholder, and the simulator's `DefinitionSubstitutions`.
pub(crate) fn replace_in_strings(v: &mut Value, pairs: &[(&str, &str)]) {
    match v {
        Value::String(s) => {
            for (from, to) in pairs {
                if s.contains(from) {
                    *s = s.replace(from, to);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|x| replace_in_strings(x, pairs)),
        Value::Object(o) => o.values_mut().for_each(|x| replace_in_strings(x, pairs)),
        _ => {}
    }
}

/// `s` with each `${...}` variable of an `Fn::Sub` string replaced by `f` of the text between
/// the braces; `None` when `f` gives `None` for one. A `${` with no closing brace is kept as
/// text. Synthesis rewrites references with it, the simulator resolves them.
pub(crate) fn map_sub_vars(s: &str, mut f: impl FnMut(&str) -> Option<String>) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(rest.get(..i).unwrap_or_default());
        let after = rest.get(i + 2..).unwrap_or_default();
        let Some(end) = after.find('}') else {
            out.push_str(rest.get(i..).unwrap_or_default());
            return Some(out);
        };
        out.push_str(&f(after.get(..end).unwrap_or_default())?);
        rest = after.get(end + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    Some(out)
}

pub(crate) fn r(id: &str) -> Value {
    json!({ "Ref": id })
}

pub(crate) fn ga(id: &str, attribute: &str) -> Value {
    json!({ "Fn::GetAtt": [id, attribute] })
}

/// `Fn::Sub` where the string has something to substitute; a plain string otherwise.
pub(crate) fn sub(s: &str) -> Value {
    if s.contains("${") {
        json!({ "Fn::Sub": s })
    } else {
        json!(s)
    }
}

pub(crate) fn tags(name: Value) -> Value {
    json!([{ "Key": "Name", "Value": name }, { "Key": "ManagedBy", "Value": "tandem" }])
}

/// `trade-processor` -> `TradeProcessor`.
pub(crate) fn logical(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn sub_variables_are_mapped_and_an_unclosed_one_kept() {
        let up = |v: &str| Some(v.to_uppercase());
        assert_eq!(
            super::map_sub_vars("a-${X.Arn}-${AWS::Region}-b", up).as_deref(),
            Some("a-X.ARN-AWS::REGION-b")
        );
        assert_eq!(
            super::map_sub_vars("no vars", up).as_deref(),
            Some("no vars")
        );
        assert_eq!(super::map_sub_vars("a ${b", up).as_deref(), Some("a ${b"));
        assert_eq!(super::map_sub_vars("${x}", |_| None), None);
    }

    #[test]
    fn logical_ids() {
        assert_eq!(super::logical("trade-processor"), "TradeProcessor");
        assert_eq!(super::logical("audit-logs"), "AuditLogs");
    }
}
