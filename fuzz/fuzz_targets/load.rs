//! `load` on any bytes: never panics, and whatever loads reads back equal from its own JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(t) = tandem_engine::load(text) {
        tandem_fuzz::assert_round_trip(&t);
    }
});
