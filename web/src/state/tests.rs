//! The state's transitions, natively.
use super::*;

fn run(state: State, action: Action) -> State {
    (*Rc::new(state).reduce(action)).clone()
}

#[test]
fn a_replacement_price_table_reprices_and_a_bad_one_is_refused() {
    let state = State::default();
    let mut table = serde_json::to_value(PriceTable::builtin()).unwrap();
    let prices = table["prices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["region"] == "us-east-1")
        .cloned()
        .collect();
    table["prices"] = Value::Array(prices);
    let next = run(
        state.clone(),
        Action::Prices {
            text: table.to_string(),
            name: "east-1.json".into(),
        },
    );
    assert_eq!(next.prices_name.as_deref(), Some("east-1.json"));
    assert!(next.report.findings.iter().any(|f| f.rule == "W5002"));
    assert!(next.analysis.cost.total < state.analysis.cost.total);
    let refused = run(
        next.clone(),
        Action::Prices {
            text: "{}".into(),
            name: "bad.json".into(),
        },
    );
    assert!(matches!(refused.banner, Some(Banner::Error(_))));
    assert_eq!(refused.prices_name.as_deref(), Some("east-1.json"));
    let back = run(refused, Action::BuiltinPrices);
    assert_eq!(back.analysis.cost.total, state.analysis.cost.total);
}

#[test]
fn a_bad_import_keeps_the_work() {
    let state = run(
        State::default(),
        Action::Edit {
            path: "name".into(),
            value: json!("mine"),
        },
    );
    let next = run(
        state.clone(),
        Action::Import {
            text: "[1]".into(),
            source: "x".into(),
        },
    );
    assert_eq!(next.topology.name, "mine");
    assert!(matches!(next.banner, Some(Banner::Error(ref e)) if e.contains("unchanged")));
    assert_eq!(next.undo.len(), state.undo.len());
}

fn typed(path: &str, raw: &str, value: Value) -> Typed {
    Typed {
        path: path.into(),
        label: "CIDR".into(),
        raw: raw.into(),
        value: Ok(value),
    }
}

#[test]
fn typed_text_is_applied_only_when_committed_and_valid() {
    let start = State::default();
    let cidr = "secondary.vpc.cidr";
    // A valid prefix of what the user means is not applied while typing.
    let half = run(
        start.clone(),
        Action::Type(typed(cidr, "10.0.0.0/3", json!("10.0.0.0/3"))),
    );
    assert_eq!(half.topology, start.topology);
    assert_eq!(half.drafts[cidr].error, None);
    // An invalid value says why, at the field, in words naming it; nothing is applied.
    let bad = run(
        half,
        Action::Type(typed(cidr, "10.0.0.0/33", json!("10.0.0.0/33"))),
    );
    let error = bad.drafts[cidr].error.clone().unwrap();
    assert!(error.starts_with("CIDR: `10.0.0.0/33`"), "{error}");
    // Enter with an invalid value keeps the text and the error.
    let kept = run(
        bad,
        Action::Commit(typed(cidr, "10.0.0.0/33", json!("10.0.0.0/33"))),
    );
    assert_eq!(kept.topology, start.topology);
    assert_eq!(kept.drafts[cidr].raw, "10.0.0.0/33");
    assert!(kept.drafts[cidr].error.is_some());
    assert!(kept.undo.is_empty());
    // Undo drops the draft first; the topology is untouched.
    let dropped = run(kept.clone(), Action::Undo);
    assert!(dropped.drafts.is_empty());
    assert_eq!(dropped.topology, start.topology);
    // A valid value applies, as one undo step, and its draft is gone.
    let applied = run(
        kept,
        Action::Commit(typed(cidr, "10.2.0.0/16", json!("10.2.0.0/16"))),
    );
    assert_eq!(
        applied.topology.secondary.vpc.cidr.to_string(),
        "10.2.0.0/16"
    );
    assert!(applied.drafts.is_empty());
    assert_eq!(applied.undo.len(), 1);
}

#[test]
fn undo_after_a_fix_undoes_the_fix_and_redo_returns_to_it() {
    let overlap = run(
        State::default(),
        Action::Commit(typed(
            "secondary.vpc.cidr",
            "10.0.0.0/16",
            json!("10.0.0.0/16"),
        )),
    );
    let finding = overlap
        .report
        .findings
        .iter()
        .find(|f| f.rule == "E1002")
        .unwrap()
        .clone();
    let fixed = run(overlap.clone(), Action::ApplyFix(finding.fix.unwrap()));
    assert!(fixed.report.findings.iter().all(|f| f.rule != "E1002"));
    let undone = run(fixed.clone(), Action::Undo);
    assert_eq!(undone.topology, overlap.topology);
    let redone = run(undone, Action::Redo);
    assert_eq!(redone.topology, fixed.topology);
    assert!(redone.redo.is_empty());
}

#[test]
fn a_shared_link_keeps_the_work_it_replaces_restorable_in_one_undoable_step() {
    let mine = run(
        State::default(),
        Action::Edit {
            path: "name".into(),
            value: json!("mine"),
        },
    );
    let mut shared = presets::hot_standby();
    shared.name = "theirs".into();
    let text = tandem_engine::to_json(&shared);
    let opened = run(mine.clone(), Action::OpenLink { text: text.clone() });
    assert_eq!(opened.topology.name, "theirs");
    assert_eq!(
        opened.stashed.as_ref().map(|t| t.name.as_str()),
        Some("mine")
    );
    let restored = run(opened.clone(), Action::RestoreStashed);
    assert_eq!(restored.topology, mine.topology);
    assert!(restored.stashed.is_none());
    let undone = run(restored, Action::Undo);
    assert_eq!(undone.topology.name, "theirs");
    // The same design again is not a replacement; a broken link changes nothing.
    let again = run(opened.clone(), Action::OpenLink { text });
    assert_eq!(again.undo.len(), opened.undo.len());
    let broken = run(mine.clone(), Action::OpenLink { text: "{".into() });
    assert_eq!(broken.topology, mine.topology);
    assert!(matches!(broken.banner, Some(Banner::Error(_))));
}

#[test]
fn a_resource_asked_for_opens_the_templates_view_each_time_it_is_asked() {
    let state = State {
        view: View::Outage,
        ..State::default()
    };
    let shown = run(
        state,
        Action::ShowResource("secondary-app/FailoverStateMachine".into()),
    );
    assert_eq!(shown.view, View::Templates);
    let first = shown.resource.clone().unwrap();
    assert_eq!(first.0, "secondary-app/FailoverStateMachine");
    // The same resource again (after the user moved away) is a new request.
    let again = run(
        State {
            view: View::Outage,
            ..shown
        },
        Action::ShowResource("secondary-app/FailoverStateMachine".into()),
    );
    assert_eq!(again.view, View::Templates);
    assert_ne!(again.resource.unwrap().1, first.1);
}
