#![no_main]
//! `cargo fuzz run json_decode`: see docs/fuzzing.md and `pufa_fuzz::json_decode`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| pufa_fuzz::json_decode(data));
