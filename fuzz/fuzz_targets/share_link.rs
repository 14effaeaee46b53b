//! The console's share-link decoder, then `load`. The first byte picks the input's shape: even,
//! the rest is the URL fragment as typed; odd, the rest is the payload, deflated and encoded
//! into a well-formed link so the fuzzer reaches the loader through the real decoder.
#![no_main]

use std::io::Write;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use flate2::write::DeflateEncoder;
use flate2::Compression;
use libfuzzer_sys::fuzz_target;
use tandem_fuzz::codec::{share_decode, share_encode, SHARE_PREFIX};

fuzz_target!(|data: &[u8]| {
    let Some((mode, rest)) = data.split_first() else {
        return;
    };
    let fragment = if mode % 2 == 0 {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        let mut enc = DeflateEncoder::new(Vec::new(), Compression::fast());
        if enc.write_all(rest).is_err() {
            return;
        }
        let Ok(bytes) = enc.finish() else {
            return;
        };
        format!("{SHARE_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
    };
    let Some(Ok(text)) = share_decode(&fragment) else {
        return;
    };
    if let Ok(t) = tandem_engine::load(&text) {
        // What loads from a link shares again to a link that loads the same topology.
        let again = share_decode(&share_encode(&t));
        match again {
            Some(Ok(text)) => assert!(tandem_engine::load(&text).ok() == Some(t)),
            other => panic!("a loaded topology's link does not decode: {other:?}"),
        }
    }
});
