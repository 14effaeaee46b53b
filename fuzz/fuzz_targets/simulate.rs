//! `load`, synthesis, then every outage scenario against the synthesized stacks, on any bytes:
//! no panic, and the same result twice (the simulator is deterministic).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tandem_engine::simulate::{simulate_topology, Scenario};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(t) = tandem_engine::load(text) else {
        return;
    };
    for scenario in Scenario::ALL {
        let a = simulate_topology(&t, scenario);
        let b = simulate_topology(&t, scenario);
        assert!(a == b, "{}: two runs differ", scenario.name());
    }
});
