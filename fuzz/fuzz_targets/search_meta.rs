#![no_main]
//! `cargo fuzz run search_meta`: see docs/fuzzing.md and `pufa_fuzz::search_meta`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| pufa_fuzz::search_meta(data));
