#![no_main]
//! `cargo fuzz run bulletin_file`: see docs/fuzzing.md and `pufa_fuzz::bulletin_file`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| pufa_fuzz::bulletin_file(data));
