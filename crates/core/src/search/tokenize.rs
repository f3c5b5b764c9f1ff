//! Tokens of normalised text: Chinese as single characters plus overlapping
//! character pairs, Latin letters and digits as whole words.
//!
//! No dictionary word splitting: a dictionary can cut the same characters
//! differently in an article and in a query, and then the article is never
//! found. Pairs and single characters cannot disagree.

/// A token of normalised text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Token<'a> {
    Char(char),
    Pair(char, char),
    Word(&'a str),
}

/// Characters indexed one by one and in pairs: CJK ideographs, kana,
/// hangul, and the ideographic iteration and number marks.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3005..=0x3007
        | 0x3040..=0x30FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF
        | 0x20000..=0x3134F)
}

/// Call `emit` for every token of normalised `text`, in order.
pub fn tokens<'a>(text: &'a str, mut emit: impl FnMut(Token<'a>)) {
    for segment in text.split(' ') {
        let mut word_start: Option<usize> = None;
        let mut prev_cjk: Option<char> = None;
        for (i, c) in segment.char_indices() {
            if is_cjk(c) {
                if let Some(s) = word_start.take() {
                    emit(Token::Word(&segment[s..i]));
                }
                emit(Token::Char(c));
                if let Some(p) = prev_cjk {
                    emit(Token::Pair(p, c));
                }
                prev_cjk = Some(c);
            } else {
                prev_cjk = None;
                if word_start.is_none() {
                    word_start = Some(i);
                }
            }
        }
        if let Some(s) = word_start {
            emit(Token::Word(&segment[s..]));
        }
    }
}

/// All tokens of normalised text, collected.
pub fn token_list(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    tokens(text, |t| out.push(t));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::normalize::normalize_text;
    use Token::{Char as C, Pair as P, Word as W};

    fn check(input: &str, expected: &[Token]) {
        let n = normalize_text(input);
        assert_eq!(token_list(&n), expected, "{input:?}");
    }

    #[test]
    fn chinese_is_characters_and_pairs() {
        check("普法", &[C('普'), C('法'), P('普', '法')]);
        check(
            "七五普法",
            &[
                C('七'),
                C('五'),
                P('七', '五'),
                C('普'),
                P('五', '普'),
                C('法'),
                P('普', '法'),
            ],
        );
        check("法", &[C('法')]);
    }

    #[test]
    fn latin_and_digits_are_words() {
        check("GB/T 35273", &[W("gb"), W("t"), W("35273")]);
        check("2021年APP", &[W("2021"), C('年'), W("app")]);
        check("Ｈｅｌｌｏ　World", &[W("hello"), W("world")]);
    }

    #[test]
    fn punctuation_breaks_pairs() {
        check(
            "七五”普法",
            &[
                C('七'),
                C('五'),
                P('七', '五'),
                C('普'),
                C('法'),
                P('普', '法'),
            ],
        );
    }

    #[test]
    fn empty_and_punctuation_only_have_no_tokens() {
        check("", &[]);
        check("，。！？……", &[]);
        check("   ", &[]);
    }
}
