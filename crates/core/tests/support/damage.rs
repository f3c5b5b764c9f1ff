//! Damage done to the text of a file, for the property tests of the
//! decoders (crates/core/tests/fuzz_props.rs) and of the content files
//! (crates/cli/tests/fuzz_props.rs, which includes this file by path):
//! valid-looking text truncated, stretches swapped, markup inserted, or a
//! value nested thousands deep; for binary files ([`apply_bytes`]) the
//! same damage to bytes.

use proptest::prelude::*;

/// Cases per property: few in CI, millions with `PUFA_FUZZ_CASES`.
pub fn cases() -> u32 {
    std::env::var("PUFA_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(256)
}

#[derive(Debug, Clone)]
pub enum Damage {
    None,
    Truncate(usize),
    Swap(usize, usize, usize),
    Insert(usize, String),
    Nest(usize),
}

/// Damage of every kind; `inserts` are the fragments worth inserting into
/// this kind of file.
pub fn damage(inserts: Vec<&'static str>) -> impl Strategy<Value = Damage> {
    prop_oneof![
        3 => Just(Damage::None),
        2 => any::<usize>().prop_map(Damage::Truncate),
        2 => (any::<usize>(), any::<usize>(), 1usize..40).prop_map(|(a, b, n)| Damage::Swap(a, b, n)),
        2 => (any::<usize>(), prop::sample::select(inserts))
            .prop_map(|(a, s)| Damage::Insert(a, s.to_string())),
        1 => (1usize..3000).prop_map(Damage::Nest),
    ]
}

/// `at` moved into `s` and back to a character boundary.
pub fn floor(s: &str, at: usize) -> usize {
    let mut at = if s.is_empty() { 0 } else { at % (s.len() + 1) };
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Apply `d` to `src`; `nest(src, depth)` does the nesting this kind of
/// file allows.
pub fn apply(src: String, d: &Damage, nest: impl Fn(&str, usize) -> String) -> String {
    match d {
        Damage::None => src,
        Damage::Truncate(at) => src[..floor(&src, *at)].to_string(),
        Damage::Swap(a, b, n) => {
            // Exchange two stretches of text (fields moving about).
            let (a, b) = (floor(&src, *a), floor(&src, *b));
            let (a, b) = (a.min(b), a.max(b));
            let a_end = floor(&src, (a + n).min(b));
            let b_end = floor(&src, (b + n).min(src.len()));
            format!(
                "{}{}{}{}{}",
                &src[..a],
                &src[b..b_end],
                &src[a_end..b],
                &src[a..a_end],
                &src[b_end..]
            )
        }
        Damage::Insert(at, s) => {
            let at = floor(&src, *at);
            format!("{}{s}{}", &src[..at], &src[at..])
        }
        Damage::Nest(depth) => nest(&src, *depth),
    }
}

/// Apply `d` to the bytes of a binary file (the search index's pieces, a
/// zip): positions wrap around the length, an insert is the fragment's
/// UTF-8 bytes, and nesting inserts `depth` bytes with the top bit set (a
/// varint that does not end).
pub fn apply_bytes(mut src: Vec<u8>, d: &Damage) -> Vec<u8> {
    let at = |src: &[u8], i: usize| i % (src.len() + 1);
    match d {
        Damage::None => src,
        Damage::Truncate(i) => {
            src.truncate(at(&src, *i));
            src
        }
        Damage::Swap(a, b, n) => {
            let (a, b) = (at(&src, *a), at(&src, *b));
            let (a, b) = (a.min(b), a.max(b));
            let a_end = (a + n).min(b);
            let b_end = (b + n).min(src.len());
            [
                &src[..a],
                &src[b..b_end],
                &src[a_end..b],
                &src[a..a_end],
                &src[b_end..],
            ]
            .concat()
        }
        Damage::Insert(i, s) => {
            let i = at(&src, *i);
            src.splice(i..i, s.bytes());
            src
        }
        Damage::Nest(depth) => {
            let i = at(&src, *depth);
            src.splice(i..i, std::iter::repeat_n(0xFF, *depth));
            src
        }
    }
}
