//! Normalizer: no panic; the offset map is monotonic and maps every folded char to a
//! non-empty original range on char boundaries inside the text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(text) = tahrid_fuzz::decode(data) {
        tahrid_fuzz::check_fold(&text);
    }
});
