//! `load`, then synthesis in both formats with every output file, on any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(t) = tandem_engine::load(text) {
        tandem_fuzz::synth_all(&t);
    }
});
