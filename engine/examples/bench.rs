//! How long the engine takes on the reference topology, natively:
//! `cargo run --release -p tandem-engine --example bench`, or on a topology file:
//! `cargo run --release -p tandem-engine --example bench -- tests/fixtures/scale/10x.json`.

use std::time::Instant;

use tandem_engine::simulate::{simulate, Durations, Input, Scenario};
use tandem_engine::synth::{synthesize, TemplateFormat};
use tandem_engine::{analyze, check, load, optimize, presets, to_json, Limits, PriceTable};

fn time(label: &str, runs: u32, mut f: impl FnMut()) {
    f();
    let start = Instant::now();
    for _ in 0..runs {
        f();
    }
    let per = start.elapsed().as_secs_f64() / f64::from(runs) * 1e3;
    println!("{label:<46} {per:>9.3} ms");
}

fn main() {
    let t = match std::env::args().nth(1) {
        Some(path) => match std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|text| load(&text).map_err(|e| e.to_string()))
        {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(2);
            }
        },
        None => presets::reference(),
    };
    let json = to_json(&t);
    let mut tight = t.clone();
    tight.objectives.rto_seconds = 600;
    time("load (JSON -> model)", 2000, || drop(load(&json)));
    time("analyze (RPO, RTO, cost)", 2000, || {
        drop(analyze(&t, PriceTable::builtin()))
    });
    let analysis = analyze(&t, PriceTable::builtin());
    time("  of which synthesize (stacks only)", 200, || {
        drop(synthesize(&t))
    });
    time("  of which synthesis + region outage", 200, || {
        drop(tandem_engine::simulate::simulate_topology(
            &t,
            Scenario::RegionOutage,
        ))
    });
    time("check (every rule)", 2000, || drop(check(&t)));
    time("check, given the analysis (the console's)", 200, || {
        drop(tandem_engine::rules::check_analyzed(
            &t,
            &analysis,
            PriceTable::builtin(),
        ))
    });
    time("check, RTO objective missed (suggestions)", 200, || {
        drop(check(&tight))
    });
    // The optimizer on the reference (goal: under 200 ms natively): its time, and how many
    // distinct topologies it analysed, which is what it costs when one analysis costs more.
    let report = optimize(&t, PriceTable::builtin(), &Limits::default());
    println!(
        "optimize: {} points, {} topologies analysed ({} rejected), groups {}",
        report.points.len(),
        report.search.evaluated,
        report.search.rejected,
        report
            .search
            .groups
            .iter()
            .map(|g| format!("{} {}/{}", g.name, g.kept, g.choices))
            .collect::<Vec<_>>()
            .join(", ")
    );
    time("optimize (Pareto front)", 20, || {
        drop(optimize(&t, PriceTable::builtin(), &Limits::default()))
    });
    time("synthesize + JSON files", 200, || {
        drop(synthesize(&t).files(TemplateFormat::Json))
    });
    time("synthesize + YAML files", 100, || {
        drop(synthesize(&t).files(TemplateFormat::Yaml))
    });
    // Every outage scenario on the reference's synthesized stacks (goal: under 5 ms each).
    let input = Input::from_synthesis(&synthesize(&t), &t);
    let durations = Durations::builtin().unwrap_or(Durations {
        version: 1,
        durations: Vec::new(),
    });
    for scenario in Scenario::ALL {
        time(&format!("simulate {}", scenario.name()), 100, || {
            drop(simulate(&input, scenario, &durations))
        });
    }
}
