//! Generates the per-character folding table of search (see
//! `src/search/normalize.rs` and docs/search.md "How text is matched").
//!
//! For every code point it computes, with the crates below as build
//! dependencies only (none of their code or tables reach the wasm):
//!
//! 1. Unicode NFKC of the one character (`unicode-normalization`);
//! 2. for each resulting character, CJK Radicals Supplement → its equivalent
//!    unified ideograph (the UCD file `EquivalentUnifiedIdeograph.txt`,
//!    U+2E81..U+2EF3, copied below);
//! 3. then traditional → simplified with OpenCC's `TSCharacters` table as
//!    shipped by `hanconv`: one character to one character, the first
//!    simplified form listed that is not the character itself (於 → 于,
//!    乾 → 干, 瞭 → 了, 覆 → 复), chains followed to their end (薴 → 苎).
//!
//! and keeps the code points whose result differs from themselves, as a
//! sorted array searched by halves. Lower-casing and "letter or digit"
//! stay at run time (the standard library has them anyway).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use unicode_normalization::UnicodeNormalization;

/// First code point of [`RADICALS`].
const RADICALS_START: u32 = 0x2E81;

/// UCD EquivalentUnifiedIdeograph.txt: U+2E81..=U+2EF3 → unified ideograph
/// (0: U+2E9A is unassigned). U+2E80 has no equivalent.
const RADICALS: [u32; 115] = [
    0x5382, 0x4E5B, 0x4E5A, 0x4E59, 0x4EBB, 0x5182, 0x20628, 0x5200, 0x5202, 0x535C, 0x353E,
    0x5C0F, 0x5C0F, 0x5140, 0x5C23, 0x5C22, 0x21BC2, 0x5DF3, 0x5E7A, 0x5F51, 0x2B739, 0x5FC4,
    0x5FC3, 0x624C, 0x6535, 0x0, 0x65E1, 0x65E5, 0x6708, 0x6B7A, 0x6BCD, 0x6C11, 0x6C35, 0x6C3A,
    0x706C, 0x722B, 0x722B, 0x4E2C, 0x725B, 0x72AD, 0x738B, 0x24D14, 0x76EE, 0x793A, 0x793B,
    0x25AD7, 0x7CF9, 0x7E9F, 0x7F53, 0x7F52, 0x34C1, 0x5197, 0x2626B, 0x7F8A, 0x2634C, 0x2634B,
    0x8002, 0x8080, 0x807F, 0x8089, 0x26951, 0x8279, 0x8279, 0x8279, 0x864E, 0x8864, 0x8980,
    0x897F, 0x89C1, 0x89D2, 0x278B2, 0x8BA0, 0x8D1D, 0x27FB7, 0x8F66, 0x8FB6, 0x8FB6, 0x8FB6,
    0x9091, 0x9485, 0x9577, 0x9578, 0x957F, 0x95E8, 0x28E0F, 0x961D, 0x96E8, 0x9752, 0x97E6,
    0x9875, 0x98CE, 0x98DE, 0x98DF, 0x2967F, 0x98E0, 0x9963, 0x29810, 0x9A6C, 0x9AA8, 0x9B3C,
    0x9C7C, 0x9E1F, 0x5364, 0x9EA6, 0x9EC4, 0x9EFE, 0x6589, 0x9F50, 0x6B6F, 0x9F7F, 0x7ADC, 0x9F99,
    0x9F9C, 0x4E80, 0x9F9F,
];

fn single(s: &str) -> Option<char> {
    let mut it = s.chars();
    match (it.next(), it.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// Traditional → simplified, chains resolved.
fn t2s() -> BTreeMap<char, char> {
    let mut map: BTreeMap<char, char> = BTreeMap::new();
    for (t, forms) in hanconv::RawDictionary::TSCharacters.var_iter() {
        let Some(t) = single(t) else { continue };
        if let Some(s) = forms.iter().filter_map(|f| single(f)).find(|&s| s != t) {
            map.entry(t).or_insert(s);
        }
    }
    map.iter()
        .map(|(&t, &s)| {
            let mut s = s;
            // Bounded: a cycle in the data must not hang the build.
            for _ in 0..8 {
                match map.get(&s) {
                    Some(&next) if next != s && next != t => s = next,
                    _ => break,
                }
            }
            (t, s)
        })
        .collect()
}

fn radical(c: char) -> char {
    (c as u32)
        .checked_sub(RADICALS_START)
        .and_then(|i| RADICALS.get(i as usize))
        .and_then(|&u| char::from_u32(u))
        .filter(|&u| u != '\0')
        .unwrap_or(c)
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let t2s = t2s();
    let mut keys = Vec::new();
    let mut vals = Vec::new();
    let mut pool = String::new();
    for c in (0x80..=0x10FFFF).filter_map(char::from_u32) {
        let folded: String = std::iter::once(c)
            .nfkc()
            .map(radical)
            .map(|d| t2s.get(&d).copied().unwrap_or(d))
            .collect();
        if single(&folded) == Some(c) {
            continue;
        }
        keys.push(c as u32);
        match single(&folded) {
            Some(d) => vals.push(d as u32),
            None => {
                let (start, len) = (pool.len(), folded.len());
                assert!(len > 0 && len < 256 && start < (1 << 23));
                pool.push_str(&folded);
                vals.push(1 << 31 | (start as u32) << 8 | len as u32);
            }
        }
    }
    let mut out = String::new();
    let n = keys.len();
    writeln!(
        out,
        "/// Code points that fold to something else, ascending ({n})."
    )
    .unwrap();
    writeln!(out, "static FOLD_KEYS: [u32; {n}] = {keys:?};").unwrap();
    writeln!(
        out,
        "/// What each of [`FOLD_KEYS`] becomes: a character, or with bit 31 set"
    )
    .unwrap();
    writeln!(
        out,
        "/// `start << 8 | len`, bytes of [`FOLD_POOL`] (several characters)."
    )
    .unwrap();
    writeln!(out, "static FOLD_VALS: [u32; {n}] = {vals:?};").unwrap();
    writeln!(out, "static FOLD_POOL: &str = {pool:?};").unwrap();
    let path = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR is set by cargo"))
        .join("fold_table.rs");
    std::fs::write(path, out).expect("write fold_table.rs");
}
