//! Text normalisation shared by indexing, querying and highlighting.
//!
//! Every character is mapped on its own (no context), which is what makes
//! "the article contains what was typed" the same question for the index and
//! for the query: full-width ASCII becomes half-width, letters are lower-cased,
//! and anything that is not a letter or digit (punctuation, symbols, spaces)
//! becomes a single separator space.

/// Normalised text plus, for each of its characters, the index of the
/// original character it came from (for highlighting in the original).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Normalized {
    pub text: String,
    pub origin: Vec<usize>,
}

/// Fold one character: full-width forms to ASCII, upper to lower case.
/// `None` means "separator".
pub fn fold(c: char) -> Option<char> {
    let c = match c as u32 {
        // Full-width ASCII variants (！ to ～) map 0xFEE0 lower.
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    if !c.is_alphanumeric() {
        return None;
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => Some(l),
        // A letter whose lower case is several characters (İ) stays as it is:
        // one character in, one out, so positions still line up.
        _ => Some(c),
    }
}

/// Normalise `text`: fold every character, collapse runs of separators into
/// one space, and trim separators at both ends.
pub fn normalize(text: &str) -> Normalized {
    let mut out = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len() / 2);
    let mut pending_space = false;
    for (i, c) in text.chars().enumerate() {
        match fold(c) {
            Some(f) => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                    origin.push(i.saturating_sub(1));
                }
                pending_space = false;
                out.push(f);
                origin.push(i);
            }
            None => pending_space = true,
        }
    }
    Normalized { text: out, origin }
}

/// Only the normalised text.
pub fn normalize_text(text: &str) -> String {
    normalize(text).text
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
