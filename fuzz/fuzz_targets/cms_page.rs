#![no_main]
//! `cargo fuzz run cms_page`: see docs/fuzzing.md and `pufa_fuzz::cms_page`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| pufa_fuzz::cms_page(data));
