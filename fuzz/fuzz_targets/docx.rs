#![no_main]
//! `cargo fuzz run docx`: see docs/fuzzing.md and `pufa_fuzz::docx`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| pufa_fuzz::docx(data));
