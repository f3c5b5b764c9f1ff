//! Highlighting: which parts of a title or body to mark, as plain segments.
//!
//! The app renders each segment as a text node (marked ones inside
//! `<mark>`), so nothing from the data is ever parsed as HTML.

use super::normalize::normalize;
use super::query::Term;
use super::tokenize::{token_list, Token};

/// A run of original text, marked or not.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Segment {
    pub text: String,
    pub mark: bool,
}

/// What to mark for `terms` in one article: each term as typed, and for a
/// term not found as typed its character pairs and words, so the reader sees
/// why a scattered match was returned.
pub fn needles(terms: &[Term], exact: impl Fn(&Term) -> bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for term in terms {
        out.push(term.text.clone());
        if !exact(term) {
            for t in token_list(&term.text) {
                match t {
                    Token::Pair(a, b) => out.push([a, b].iter().collect()),
                    Token::Word(w) => out.push(w.to_string()),
                    Token::Char(_) => {}
                }
            }
        }
    }
    out.retain(|n| !n.is_empty());
    out.sort();
    out.dedup();
    out
}

/// Ranges (in original characters) where any needle occurs.
fn ranges(text: &str, needles: &[String]) -> Vec<(usize, usize)> {
    let n = normalize(text);
    // Byte offset in the normalised text → its character index.
    let char_at: Vec<usize> = {
        let mut v = vec![0; n.text.len() + 1];
        for (ci, (bi, _)) in n.text.char_indices().enumerate() {
            v[bi] = ci;
        }
        v
    };
    let mut out = Vec::new();
    for needle in needles {
        let mut from = 0;
        while let Some(pos) = n.text[from..].find(needle.as_str()) {
            let start = from + pos;
            let end = start + needle.len();
            let first = char_at[start];
            let last = char_at[end - needle.chars().last().map_or(1, char::len_utf8)];
            if let (Some(&a), Some(&b)) = (n.origin.get(first), n.origin.get(last)) {
                out.push((a, b + 1));
            }
            from = start + needle.chars().next().map_or(1, char::len_utf8);
        }
    }
    out.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(out.len());
    for (a, b) in out {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

fn segments(chars: &[char], from: usize, to: usize, marks: &[(usize, usize)]) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut at = from;
    for &(a, b) in marks {
        let (a, b) = (a.max(from), b.min(to));
        if a >= b {
            continue;
        }
        if at < a {
            out.push(Segment {
                text: chars[at..a].iter().collect(),
                mark: false,
            });
        }
        out.push(Segment {
            text: chars[a..b].iter().collect(),
            mark: true,
        });
        at = b;
    }
    if at < to {
        out.push(Segment {
            text: chars[at..to].iter().collect(),
            mark: false,
        });
    }
    out
}

/// The whole text with every occurrence of the needles marked.
pub fn highlight(text: &str, needles: &[String]) -> Vec<Segment> {
    let chars: Vec<char> = text.chars().collect();
    segments(&chars, 0, chars.len(), &ranges(text, needles))
}

/// About `width` characters around the first occurrence of any needle (the
/// start of the text when none occurs), marked, with `…` where cut.
pub fn snippet(text: &str, needles: &[String], width: usize) -> Vec<Segment> {
    let chars: Vec<char> = text.chars().collect();
    let marks = ranges(text, needles);
    let first = marks.first().map_or(0, |m| m.0);
    let start = first.saturating_sub(width / 4);
    let end = (start + width).min(chars.len());
    let start = end.saturating_sub(width).min(start);
    let mut out = segments(&chars, start, end, &marks);
    let ellipsis = || Segment {
        text: "…".to_string(),
        mark: false,
    };
    if start > 0 {
        out.insert(0, ellipsis());
    }
    if end < chars.len() {
        out.push(ellipsis());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::parse_terms;

    fn show(segs: &[Segment]) -> String {
        segs.iter()
            .map(|s| {
                if s.mark {
                    format!("[{}]", s.text)
                } else {
                    s.text.clone()
                }
            })
            .collect()
    }

    fn marks(text: &str, query: &str) -> String {
        let n = needles(&parse_terms(query), |_| true);
        show(&highlight(text, &n))
    }

    #[test]
    fn marks_every_occurrence_in_the_original_text() {
        assert_eq!(
            marks("新洲区“七五”普法，普法先行", "普法"),
            "新洲区“七五”[普法]，[普法]先行"
        );
        assert_eq!(
            marks("依据ＧＢ／Ｔ 35273规范", "gb/t"),
            "依据[ＧＢ／Ｔ] 35273规范"
        );
        assert_eq!(marks("七五”普法", "七五普法"), "七五”普法");
        assert_eq!(marks("“七五”普法", "七五，普法"), "“[七五”普法]");
        assert_eq!(marks("没有匹配", "普法"), "没有匹配");
    }

    #[test]
    fn overlapping_needles_merge() {
        assert_eq!(marks("普法宣传", "普法 法宣"), "[普法宣]传");
    }

    #[test]
    fn scattered_matches_mark_their_pairs() {
        let terms = parse_terms("普法宣传");
        let n = needles(&terms, |_| false);
        assert_eq!(show(&highlight("普法与宣传", &n)), "[普法]与[宣传]");
    }

    #[test]
    fn snippet_is_a_window_around_the_first_match() {
        let text = format!("{}普法{}", "甲".repeat(50), "乙".repeat(50));
        let n = needles(&parse_terms("普法"), |_| true);
        let s = show(&snippet(&text, &n, 20));
        assert_eq!(s, format!("…{}[普法]{}…", "甲".repeat(5), "乙".repeat(13)));
        // No match: the start of the text.
        let s = show(&snippet(&text, &needles(&parse_terms("丙"), |_| true), 10));
        assert_eq!(s, format!("{}…", "甲".repeat(10)));
        // Short text: all of it, no ellipsis.
        assert_eq!(show(&snippet("普法", &n, 20)), "[普法]");
    }
}
