#![no_main]
//! `cargo fuzz run site_toml`: see docs/fuzzing.md and `pufa_fuzz::site_toml`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| pufa_fuzz::site_toml(data));
