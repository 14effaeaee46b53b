//! Sequences of fixes on a preset, structure-aware (`tandem_fuzz::edits`): each fix applies or
//! is refused; what applies loads back equal, checks, and its findings' fixes apply in turn.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tandem_engine::{apply_fix, check};
use tandem_fuzz::edits::{fix_of, Input, Step};

fuzz_target!(|input: Input| {
    let presets = tandem_fuzz::all_presets();
    let Some(mut t) = presets
        .get(usize::from(input.preset) % presets.len())
        .cloned()
    else {
        return;
    };
    for step in input.steps.iter().take(16) {
        let fix = match step {
            Step::Fix(edits) => fix_of(edits),
            Step::Finding(n) => {
                let fixes: Vec<_> = check(&t)
                    .findings
                    .into_iter()
                    .filter_map(|f| f.fix)
                    .collect();
                match fixes.get(usize::from(*n) % fixes.len().max(1)) {
                    Some(fix) => fix.clone(),
                    None => continue,
                }
            }
        };
        if let Ok(next) = apply_fix(&t, &fix) {
            tandem_fuzz::assert_round_trip(&next);
            t = next;
        }
    }
    let _ = check(&t);
});
