//! The console's per-edit analysis in a loop, for a profiler:
//! `perf record -g target/release/examples/profile_rto tests/fixtures/scale/10x.json 300`
//! (build with `CARGO_PROFILE_RELEASE_DEBUG=true cargo build --release -p tandem-engine
//! --example profile_rto`).

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: profile_rto TOPOLOGY.json [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(300);
    let t = match std::fs::read_to_string(&path)
        .map_err(|e| e.to_string())
        .and_then(|text| tandem_engine::load(&text).map_err(|e| e.to_string()))
    {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    for _ in 0..runs {
        drop(tandem_engine::analyze(
            &t,
            tandem_engine::PriceTable::builtin(),
        ));
    }
}
