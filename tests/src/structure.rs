//! Structural checks over synthesized templates and their deploy plan: every reference
//! resolves, logical ids are valid, nothing imports across stacks, no stack has a dependency
//! cycle, and every parameter is used and supplied by the plan from an earlier stage.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use tandem_engine::synth::{ParameterSource, Synthesis};

const PSEUDO: &[&str] = &[
    "AWS::AccountId",
    "AWS::Region",
    "AWS::Partition",
    "AWS::StackName",
    "AWS::StackId",
    "AWS::URLSuffix",
    "AWS::NoValue",
    "AWS::NotificationARNs",
];

/// Every problem found; empty when the synthesis is sound.
pub fn check(s: &Synthesis) -> Vec<String> {
    let mut problems = Vec::new();
    for stack in &s.stacks {
        problems.extend(check_template(&stack.id, &stack.template));
    }
    problems.extend(check_plan(s));
    problems
}

fn keys(v: &Value, field: &str) -> BTreeSet<String> {
    v.get(field)
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn check_template(stack: &str, t: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let params = keys(t, "Parameters");
    let resources = keys(t, "Resources");
    for id in params
        .iter()
        .chain(resources.iter())
        .chain(keys(t, "Outputs").iter())
    {
        if id.is_empty() || id.len() > 255 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
            problems.push(format!("{stack}: `{id}` is not a valid logical id"));
        }
    }
    if let Some(dup) = params.intersection(&resources).next() {
        problems.push(format!(
            "{stack}: `{dup}` is both a parameter and a resource"
        ));
    }
    let mut used_params = BTreeSet::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let Some(res) = t.get("Resources").and_then(Value::as_object) else {
        return vec![format!("{stack}: no Resources")];
    };
    // The resources `v` refers to; parameters it uses go to `used`, dangling names to `problems`.
    let visit =
        |owner: &str, v: &Value, problems: &mut Vec<String>, used: &mut BTreeSet<String>| {
            let mut refs = Vec::new();
            collect_refs(v, &mut refs, problems, stack);
            let mut targets = Vec::new();
            for r in refs {
                if PSEUDO.contains(&r.as_str()) {
                    continue;
                }
                if params.contains(&r) {
                    used.insert(r);
                } else if resources.contains(&r) {
                    targets.push(r);
                } else {
                    problems.push(format!(
                        "{stack}: `{owner}` refers to `{r}`, which does not exist"
                    ));
                }
            }
            targets
        };
    for (id, body) in res {
        if body
            .get("Type")
            .and_then(Value::as_str)
            .is_none_or(|ty| !ty.starts_with("AWS::"))
        {
            problems.push(format!("{stack}: `{id}` has no AWS type"));
        }
        for field in ["Properties", "Metadata"] {
            if let Some(p) = body.get(field) {
                let targets = visit(id, p, &mut problems, &mut used_params);
                edges.entry(id.clone()).or_default().extend(targets);
            }
        }
        let deps = match body.get("DependsOn") {
            Some(Value::String(d)) => vec![d.clone()],
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect(),
            _ => Vec::new(),
        };
        for d in deps {
            if resources.contains(&d) {
                edges.entry(id.clone()).or_default().insert(d);
            } else {
                problems.push(format!("{stack}: `{id}` depends on missing `{d}`"));
            }
        }
    }
    if let Some(outs) = t.get("Outputs") {
        visit("Outputs", outs, &mut problems, &mut used_params);
    }
    for p in params.difference(&used_params) {
        problems.push(format!("{stack}: parameter `{p}` is never used"));
    }
    if let Some(cycle) = find_cycle(&edges) {
        problems.push(format!(
            "{stack}: dependency cycle through {}",
            cycle.join(" -> ")
        ));
    }
    problems
}

/// Collects `Ref`, `Fn::GetAtt` and `Fn::Sub` references; flags `Fn::ImportValue`.
fn collect_refs(v: &Value, out: &mut Vec<String>, problems: &mut Vec<String>, stack: &str) {
    match v {
        Value::Object(m) => {
            if m.contains_key("Fn::ImportValue") {
                problems.push(format!("{stack}: uses Fn::ImportValue"));
            }
            if let Some(Value::String(r)) = m.get("Ref") {
                out.push(r.clone());
            }
            if let Some(Value::Array(a)) = m.get("Fn::GetAtt") {
                if let Some(Value::String(r)) = a.first() {
                    out.push(r.clone());
                }
            }
            match m.get("Fn::Sub") {
                Some(Value::String(s)) => sub_refs(s, &BTreeSet::new(), out),
                Some(Value::Array(a)) => {
                    let vars = a.get(1).map(keys_of).unwrap_or_default();
                    if let Some(Value::String(s)) = a.first() {
                        sub_refs(s, &vars, out);
                    }
                    if let Some(v) = a.get(1) {
                        collect_refs(v, out, problems, stack);
                    }
                }
                _ => {}
            }
            for (k, x) in m {
                // A state machine's definition uses `${Name}` substitutions of its own.
                if k != "Fn::Sub" && k != "Definition" {
                    collect_refs(x, out, problems, stack);
                }
            }
        }
        Value::Array(a) => {
            for x in a {
                collect_refs(x, out, problems, stack);
            }
        }
        _ => {}
    }
}

fn keys_of(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn sub_refs(s: &str, vars: &BTreeSet<String>, out: &mut Vec<String>) {
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        let after = &rest[i + 2..];
        let Some(end) = after.find('}') else { break };
        let name = &after[..end];
        rest = &after[end + 1..];
        if name.starts_with('!') || vars.contains(name) {
            continue;
        }
        out.push(name.split('.').next().unwrap_or(name).to_string());
    }
}

fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn dfs(
        n: &str,
        e: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> bool {
        match state.get(n) {
            Some(1) => {
                path.push(n.to_string());
                return true;
            }
            Some(2) => return false,
            _ => {}
        }
        state.insert(n.to_string(), 1);
        path.push(n.to_string());
        for m in e.get(n).into_iter().flatten() {
            if dfs(m, e, state, path) {
                return true;
            }
        }
        path.pop();
        state.insert(n.to_string(), 2);
        false
    }
    let mut state = BTreeMap::new();
    for n in edges.keys() {
        let mut path = Vec::new();
        if dfs(n, edges, &mut state, &mut path) {
            return Some(path);
        }
    }
    None
}

fn check_plan(s: &Synthesis) -> Vec<String> {
    let mut problems = Vec::new();
    for stage in &s.plan.stages {
        let Some(stack) = s.stacks.iter().find(|x| x.id == stage.stack) else {
            problems.push(format!("plan stage `{}` has no template", stage.stack));
            continue;
        };
        if stack.region != stage.region {
            problems.push(format!(
                "plan deploys `{}` to {}, its template is for {}",
                stage.stack, stage.region, stack.region
            ));
        }
        let declared = keys(&stack.template, "Parameters");
        let supplied: BTreeSet<String> = stage.parameters.iter().map(|p| p.name.clone()).collect();
        if declared != supplied {
            problems.push(format!(
                "`{}`: template parameters {declared:?}, plan supplies {supplied:?}",
                stage.stack
            ));
        }
        for p in &stage.parameters {
            if let ParameterSource::Output {
                stack: from,
                output,
            }
            | ParameterSource::Stored {
                stack: from,
                output,
                ..
            } = &p.source
            {
                match s.plan.stages.iter().find(|x| &x.stack == from) {
                    None => problems.push(format!(
                        "`{}`.{} comes from unknown stack `{from}`",
                        stage.stack, p.name
                    )),
                    Some(earlier) if earlier.order >= stage.order => problems.push(format!(
                        "`{}`.{} comes from `{from}`, which is not deployed before it",
                        stage.stack, p.name
                    )),
                    Some(_) => {
                        let from_tpl = s.stacks.iter().find(|x| &x.id == from);
                        if !from_tpl.is_some_and(|x| keys(&x.template, "Outputs").contains(output))
                        {
                            problems.push(format!(
                                "`{}`.{} needs output `{from}.{output}`, which is not declared",
                                stage.stack, p.name
                            ));
                        }
                    }
                }
            }
        }
    }
    problems
}
