//! The price-table loader on any bytes; a table that loads prices every preset.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tandem_engine::{analyze, check_with, PriceTable};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(table) = PriceTable::from_json(text) else {
        return;
    };
    for t in tandem_fuzz::all_presets() {
        let _ = analyze(&t, &table);
        let _ = check_with(&t, &table);
    }
});
