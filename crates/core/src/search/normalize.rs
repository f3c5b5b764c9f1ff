//! Text normalisation shared by indexing, querying and highlighting.
//!
//! Every character is folded on its own (no context), which is what makes
//! "the article contains what was typed" the same question for the index and
//! for the query. [`fold`] is the whole rule, in this order:
//!
//! 1. Unicode NFKC of the one character, which may give several characters
//!    (full-width `Ｇ` → `G`, `ﬁ` → `fi`, `㍿` → `株式会社`, Kangxi radical `⼈`
//!    → `人`, compatibility ideograph `U+F9DD` → `利`);
//! 2. CJK Radicals Supplement characters (U+2E81–U+2EF3, which NFKC leaves
//!    alone but PDF text layers are full of) → their equivalent unified
//!    ideograph from the UCD file `EquivalentUnifiedIdeograph.txt` (`⻓` →
//!    `长`);
//! 3. traditional → simplified, one character to one character, with
//!    OpenCC's `TSCharacters` table as shipped by the `hanconv` crate:
//!    `法規` → `法规`;
//! 4. letters lower-cased (when the lower case is one character), and
//!    anything that is not a letter or digit (punctuation, symbols, spaces)
//!    becomes a separator.
//!
//! [`normalize`] then collapses runs of separators into one space.
//!
//! Steps 1 to 3 are one table that `build.rs` computes with the
//! `unicode-normalization` and `hanconv` crates, so neither crate's code nor
//! its other tables are in the wasm.

/// Normalised text plus, for each of its characters, the index of the
/// original character it came from (for highlighting in the original).
/// A character that folds into several (`㍿` → `株式会社`) gives each of them
/// the same origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Normalized {
    pub text: String,
    pub origin: Vec<usize>,
}

// FOLD_KEYS, FOLD_VALS, FOLD_POOL: steps 1 to 3 for every code point they
// change, computed by build.rs from the crates named above.
include!(concat!(env!("OUT_DIR"), "/fold_table.rs"));

/// Steps 1 to 3: call `emit` with each character `c` becomes.
fn mapped(c: char, mut emit: impl FnMut(char)) {
    // ASCII is never in the table, and it is most of the Latin text.
    let found = if c.is_ascii() {
        None
    } else {
        FOLD_KEYS.binary_search(&(c as u32)).ok()
    };
    match found.and_then(|i| FOLD_VALS.get(i)) {
        None => emit(c),
        Some(&v) if v & (1 << 31) == 0 => emit(char::from_u32(v).unwrap_or(c)),
        Some(&v) => {
            let start = ((v >> 8) & 0x7F_FFFF) as usize;
            let len = (v & 0xFF) as usize;
            FOLD_POOL
                .get(start..start + len)
                .unwrap_or_default()
                .chars()
                .for_each(emit);
        }
    }
}

/// CJK Unified Ideographs.
const CJK: std::ops::RangeInclusive<char> = '\u{4E00}'..='\u{9FFF}';

/// Step 4 for one character of step 3's output.
fn fold_one(c: char) -> Option<char> {
    // Most of the text: CJK ideographs, every one a letter without case
    // (a test checks the whole block), so the tables need not be searched.
    if CJK.contains(&c) {
        return Some(c);
    }
    if !c.is_alphanumeric() {
        return None;
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => Some(l),
        // A letter whose lower case is several characters (İ) stays as it is.
        _ => Some(c),
    }
}

/// Fold one character: `emit` is called once for each character it becomes
/// (NFKC can make several), with `None` meaning "separator".
pub fn fold(c: char, mut emit: impl FnMut(Option<char>)) {
    mapped(c, |d| emit(fold_one(d)));
}

/// Normalise `text`: fold every character, collapse runs of separators into
/// one space, and trim separators at both ends. The space's origin is the
/// last separator before the next character.
pub fn normalize(text: &str) -> Normalized {
    let mut origin = Vec::with_capacity(text.len() / 2);
    let text = normalize_with(text, |i| origin.push(i));
    Normalized { text, origin }
}

/// Only the normalised text.
pub fn normalize_text(text: &str) -> String {
    normalize_with(text, |_| ())
}

/// [`normalize`], telling `origin` where each character of the result
/// comes from.
fn normalize_with(text: &str, mut origin: impl FnMut(usize)) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space: Option<usize> = None;
    for (i, c) in text.chars().enumerate() {
        fold(c, |f| match f {
            Some(f) => {
                if let Some(at) = pending_space.take() {
                    if !out.is_empty() {
                        out.push(' ');
                        origin(at);
                    }
                }
                out.push(f);
                origin(i);
            }
            None => pending_space = Some(i),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ideographs_fold_as_the_general_rule_folds_them() {
        for c in CJK {
            assert!(c.is_alphanumeric(), "{c:?}");
            assert_eq!(c.to_lowercase().collect::<Vec<_>>(), [c], "{c:?}");
        }
    }

    #[test]
    fn folds_width_case_and_punctuation() {
        assert_eq!(normalize_text("ＧＢ／Ｔ　３５２７３"), "gb t 35273");
        assert_eq!(normalize_text("“七五”普法，工作！"), "七五 普法 工作");
        assert_eq!(normalize_text("  APP  下载 "), "app 下载");
        assert_eq!(normalize_text("3·15"), "3 15");
        assert_eq!(normalize_text("……——"), "");
        assert_eq!(normalize_text(""), "");
    }

    #[test]
    fn origin_points_back_into_the_original() {
        let n = normalize("“七五”普法");
        assert_eq!(n.text, "七五 普法");
        assert_eq!(n.origin, vec![1, 2, 3, 4, 5]);
        let original: Vec<char> = "“七五”普法".chars().collect();
        assert_eq!(original[n.origin[3]], '普');
    }

    #[test]
    fn nfkc_width_forms_and_ligatures() {
        assert_eq!(normalize_text("ＡＰＰ　ｄｏｗｎｌｏａｄ"), "app download");
        assert_eq!(normalize_text("ﬁle"), "file");
        assert_eq!(normalize_text("①②"), "12");
        assert_eq!(normalize_text("㈠总则"), "一 总则");
        // Half-width katakana become full-width.
        assert_eq!(normalize_text("ｶﾀｶﾅ"), "カタカナ");
    }

    #[test]
    fn one_character_into_several_keeps_its_origin() {
        let n = normalize("㍿法");
        assert_eq!(n.text, "株式会社法");
        assert_eq!(n.origin, vec![0, 0, 0, 0, 1]);
        let n = normalize("a㈠b");
        assert_eq!(n.text, "a 一 b");
        assert_eq!(n.origin, vec![0, 1, 1, 1, 2]);
        let n = normalize("ﬁ");
        assert_eq!((n.text.as_str(), n.origin), ("fi", vec![0, 0]));
    }

    #[test]
    fn kangxi_and_supplement_radicals_become_the_usual_characters() {
        // U+2F08 ⼈, U+2F2F ⼯, U+2F8F ⾏ (Kangxi radicals: NFKC).
        assert_eq!(normalize_text("\u{2F08}民"), "人民");
        assert_eq!(normalize_text("\u{2F2F}作"), "工作");
        assert_eq!(normalize_text("\u{2F8F}政"), "行政");
        // U+2ED3 ⻓, U+2EE9 ⻩, U+2EDB ⻛ (Radicals Supplement: the table).
        assert_eq!(normalize_text("\u{2ED3}江"), "长江");
        assert_eq!(normalize_text("\u{2EE9}河"), "黄河");
        assert_eq!(normalize_text("\u{2EDB}险"), "风险");
        // ⻑ (U+2ED1) is 長, which then folds to 长.
        assert_eq!(normalize_text("\u{2ED1}期"), "长期");
        // U+2E80 has no equivalent and U+2E9A is unassigned: unchanged
        // (and, being no letter, a separator).
        for c in ['\u{2E80}', '\u{2E9A}'] {
            let mut out = Vec::new();
            mapped(c, |d| out.push(d));
            assert_eq!(out, [c]);
        }
    }

    #[test]
    fn compatibility_ideographs_become_unified() {
        // U+F9DD 利, U+F98E 年, U+F967 不.
        assert_eq!(normalize_text("权\u{F9DD}"), "权利");
        assert_eq!(normalize_text("\u{F98E}度"), "年度");
        assert_eq!(normalize_text("\u{F967}得"), "不得");
        // U+F914 is 樂, which then folds to 乐; U+2F800 is 丽.
        assert_eq!(normalize_text("\u{F914}"), "乐");
        assert_eq!(normalize_text("\u{2F800}"), "丽");
    }

    #[test]
    fn traditional_folds_to_simplified() {
        assert_eq!(normalize_text("法規"), "法规");
        assert_eq!(normalize_text("機關"), "机关");
        assert_eq!(normalize_text("條例"), "条例");
        assert_eq!(normalize_text("個人資訊保護"), "个人资讯保护");
        assert_eq!(normalize_text("行政復議"), "行政复议");
        assert_eq!(normalize_text("於"), "于");
        assert_eq!(normalize_text("乾淨"), "干净");
        // The simplified text is already folded.
        assert_eq!(normalize_text("法规机关条例"), "法规机关条例");
        // Where OpenCC lists the character itself first, the other form is
        // taken (see docs/search.md), so 瞭解 finds 了解; 著 is not in the
        // table at all and stays.
        assert_eq!(normalize_text("瞭解 答覆 藉口 著"), "了解 答复 借口 著");
        assert_eq!(normalize_text("了解 答复 借口"), "了解 答复 借口");
    }

    #[test]
    fn the_table_is_sorted_and_folding_twice_changes_nothing() {
        assert!(FOLD_KEYS.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(FOLD_KEYS.len(), FOLD_VALS.len());
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut once = String::new();
            fold(c, |f| once.push(f.unwrap_or(' ')));
            let twice = normalize_text(&once);
            assert_eq!(
                twice,
                normalize_text(&String::from(c)),
                "U+{:04X}",
                c as u32
            );
        }
    }
}
