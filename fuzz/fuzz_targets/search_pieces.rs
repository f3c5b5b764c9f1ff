#![no_main]
//! `cargo fuzz run search_pieces`: see docs/fuzzing.md and `pufa_fuzz::search_pieces`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| pufa_fuzz::search_pieces(data));
