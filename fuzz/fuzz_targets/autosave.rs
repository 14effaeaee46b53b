//! The console's autosave reader on two slots: the input is `current` and `previous`, split at
//! the first ASCII record separator (0x1E); an empty part is an empty slot. Whatever is
//! restored is what that slot decodes to, and saves again to text that restores equal.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tandem_fuzz::codec::{autosave_decode, autosave_encode, autosave_restore};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (current, previous) = match text.split_once('\u{1e}') {
        Some((c, p)) => (c, Some(p)),
        None => (text, None),
    };
    let current = Some(current).filter(|c| !c.is_empty());
    let previous = previous.filter(|p| !p.is_empty());
    let Some(restored) = autosave_restore(current, previous) else {
        assert!(current.is_none_or(|c| autosave_decode(c).is_err()));
        return;
    };
    let from_current = current.and_then(|c| autosave_decode(c).ok());
    match (&from_current, &restored.notice) {
        (Some(t), None) => assert!(*t == restored.topology),
        (None, _) => {
            let from_previous = previous.and_then(|p| autosave_decode(p).ok());
            assert!(from_previous.as_ref() == Some(&restored.topology));
            assert!(restored.notice.is_some() == current.is_some());
        }
        (Some(_), Some(notice)) => panic!("a good current slot came with a notice: {notice}"),
    }
    let Some(saved) = autosave_encode(&restored.topology) else {
        panic!("a restored topology does not save");
    };
    let again = autosave_restore(Some(&saved), None).map(|r| r.topology);
    assert!(again.as_ref() == Some(&restored.topology));
});
