//! `load`, then `check` and `analyze`, then every report format, on any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tandem_engine::{analyze, check, report, PriceTable};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(t) = tandem_engine::load(text) else {
        return;
    };
    let findings = check(&t);
    let analysis = analyze(&t, PriceTable::builtin());
    let _ = report::findings_text(&findings, "topology.json");
    let _ = report::analysis_text(&t, &analysis);
    let _ = report::analysis_markdown(&t, &analysis);
    for (format, json) in [
        (
            "findings",
            report::findings_json(&findings, "topology.json"),
        ),
        ("sarif", report::sarif(&findings, "topology.json")),
        ("analysis", report::analysis_json(&analysis)),
    ] {
        if let Err(e) = serde_json::from_str::<serde_json::Value>(&json) {
            panic!("the {format} report is not JSON: {e}\n{json}");
        }
    }
    // Every offered fix applies or is refused with an error; neither may panic.
    for finding in &findings.findings {
        if let Some(fix) = &finding.fix {
            if let Ok(fixed) = tandem_engine::apply_fix(&t, fix) {
                tandem_fuzz::assert_round_trip(&fixed);
            }
        }
    }
});
