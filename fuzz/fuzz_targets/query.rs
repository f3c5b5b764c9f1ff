#![no_main]
//! `cargo fuzz run query`: see docs/fuzzing.md and `pufa_fuzz::query`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| pufa_fuzz::query(data));
