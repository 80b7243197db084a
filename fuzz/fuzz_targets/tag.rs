//! Tagger: no panic; every hit on char boundaries inside the text with
//! `text == original[start..end]`; the same text tagged alone and inside a batch gives the
//! same report.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(text) = tahrid_fuzz::decode(data) {
        tahrid_fuzz::check_tag(&text);
    }
});
