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

fn mine_and_theirs() -> (State, String) {
    let mine = run(
        State::default(),
        Action::Edit {
            path: "name".into(),
            value: json!("mine"),
        },
    );
    let mut shared = presets::hot_standby();
    shared.name = "theirs".into();
    (mine, tandem_engine::to_json(&shared))
}

#[test]
fn a_shared_link_that_differs_asks_before_it_replaces_anything() {
    let (mine, text) = mine_and_theirs();
    let asked = run(mine.clone(), Action::OpenLink { text: text.clone() });
    assert_eq!(asked.topology, mine.topology);
    assert_eq!(asked.undo.len(), mine.undo.len());
    assert_eq!(asked.link.as_ref().map(|t| t.name.as_str()), Some("theirs"));
    // Keep mine: nothing changes but the question goes.
    let kept = run(asked.clone(), Action::Link(LinkChoice::KeepMine));
    assert_eq!(kept.topology, mine.topology);
    assert!(kept.link.is_none());
    assert_eq!(kept.designs.len(), 1);
    // Open the link: in place of mine, one undoable step.
    let opened = run(asked.clone(), Action::Link(LinkChoice::Open));
    assert_eq!(opened.topology.name, "theirs");
    assert!(opened.link.is_none());
    assert_eq!(opened.designs.len(), 1);
    assert_eq!(run(opened, Action::Undo).topology, mine.topology);
    // No question waiting: a choice does nothing.
    let idle = run(mine.clone(), Action::Link(LinkChoice::Open));
    assert_eq!(idle, mine);
    // The same design again is not asked about; a broken link changes nothing.
    let again = run(
        mine.clone(),
        Action::OpenLink {
            text: tandem_engine::to_json(&mine.topology),
        },
    );
    assert!(again.link.is_none());
    assert_eq!(again.undo.len(), mine.undo.len());
    let broken = run(mine.clone(), Action::OpenLink { text: "{".into() });
    assert_eq!(broken.topology, mine.topology);
    assert!(broken.link.is_none());
    assert!(matches!(broken.banner, Some(Banner::Error(_))));
    // Over an untouched preset there is no work to lose: the link opens at once, undoably.
    let fresh = State::default();
    let opened = run(fresh.clone(), Action::OpenLink { text: text.clone() });
    assert_eq!(opened.topology.name, "theirs");
    assert!(opened.link.is_none());
    assert_eq!(run(opened, Action::Undo).topology, fresh.topology);
}

#[test]
fn open_both_keeps_mine_as_a_design_to_switch_back_to_and_close_is_reopenable() {
    let (mine, text) = mine_and_theirs();
    let asked = run(mine.clone(), Action::OpenLink { text });
    let both = run(asked, Action::Link(LinkChoice::OpenBoth));
    assert_eq!(both.topology.name, "theirs");
    assert_eq!(both.active, 1);
    let names: Vec<&str> = both.designs.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["mine", "theirs"]);
    // A new design starts its own history: Undo does not bring mine back into it.
    assert!(both.undo.is_empty());
    // An edit to theirs, then back to mine: mine is as it was, theirs keeps the edit.
    let edited = run(
        both,
        Action::Edit {
            path: "name".into(),
            value: json!("theirs-edited"),
        },
    );
    let back = run(edited, Action::SwitchDesign(0));
    assert_eq!(back.topology, mine.topology);
    assert_eq!(back.active, 0);
    assert_eq!(back.designs[1].name, "theirs-edited");
    assert_eq!(back.analysis, mine.analysis);
    // Switching to the design already edited, or to one that does not exist, does nothing.
    assert_eq!(run(back.clone(), Action::SwitchDesign(0)), back);
    assert_eq!(run(back.clone(), Action::SwitchDesign(7)), back);
    // Closing mine edits the other; the closed one reopens as a design of its own.
    let closed = run(back, Action::CloseDesign);
    assert_eq!(closed.topology.name, "theirs-edited");
    assert_eq!(closed.designs.len(), 1);
    assert_eq!(
        closed.closed.as_ref().map(|t| t.name.as_str()),
        Some("mine")
    );
    // The last design cannot be closed.
    assert_eq!(run(closed.clone(), Action::CloseDesign), closed);
    let reopened = run(closed, Action::ReopenDesign);
    assert_eq!(reopened.topology, mine.topology);
    assert_eq!(reopened.designs.len(), 2);
    assert_eq!(reopened.active, 1);
    assert!(reopened.closed.is_none());
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

#[test]
fn add_item_appends_the_engines_new_item_in_one_undoable_step() {
    let state = State::default();
    let n = state.topology.functions.len();
    let added = run(
        state.clone(),
        Action::AddItem {
            path: "functions".into(),
        },
    );
    assert_eq!(added.topology.functions.len(), n + 1);
    assert_eq!(
        serde_json::to_value(added.topology.functions.last()).unwrap(),
        tandem_engine::editor::new_item(&state.topology, "functions").unwrap()
    );
    assert_eq!(run(added, Action::Undo).topology, state.topology);
    // Not a list: nothing changes.
    let same = run(
        state.clone(),
        Action::AddItem {
            path: "name".into(),
        },
    );
    assert_eq!(same, state);
}
