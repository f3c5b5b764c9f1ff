#![no_main]
//! `cargo fuzz run markdown`: see docs/fuzzing.md and `pufa_fuzz::markdown`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| pufa_fuzz::markdown(data));
