//! The search aids of `pufa build` (issue #14; format and reader in
//! `pufa_core::search::aids`): the archive's frequent terms with their
//! pinyin, typing suggestions, the pinyin of the archive's characters and
//! the office's synonym list (`synonyms.toml`, optional).
//!
//! Pinyin comes from the `pinyin` crate (mozillazg's, the data of
//! pinyin-data), here in the native compiler only: the app never holds a
//! pinyin table, it reads the small files written here.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io;
use std::path::Path;

use pinyin::{Pinyin, ToPinyinMulti};
use pufa_core::search::aids::{self, AidsMeta};
use pufa_core::search::normalize::normalize_text;
use pufa_core::Bulletin;

use crate::content::{in_parallel, Problem};

/// The office's synonym list, in the content folder beside `site.toml`.
pub const SYNONYMS_TOML: &str = "synonyms.toml";

/// A character's toneless pinyin, its most common reading first (empty
/// when the character has none).
pub fn readings(c: char) -> Vec<String> {
    let Some(multi) = c.to_pinyin_multi() else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for p in multi.into_iter() {
        let s = aids::plain_syllable(Pinyin::plain(p));
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// Write the aids of the archive (`bulletins` newest first, `terms` its
/// [`aids::frequent_terms`]) with `emit`.
pub fn write(
    bulletins: &[Bulletin],
    terms: &[aids::TermStat],
    synonyms: &BTreeMap<String, Vec<String>>,
    emit: impl FnMut(&str, &[u8]) -> io::Result<()>,
) -> io::Result<AidsMeta> {
    // Every Chinese character of the archive, so a query's slip is read as
    // pinyin even where it is in no frequent term (点 of 民法点).
    let chunks: Vec<&[Bulletin]> = bulletins.chunks(2048).collect();
    let sets = in_parallel(&chunks, |chunk| {
        let mut set = HashSet::new();
        for b in *chunk {
            let body: Vec<_> = b.body.iter().map(|block| block.text()).collect();
            for text in [normalize_text(&b.title), normalize_text(&body.join(" "))] {
                set.extend(text.chars().filter(|&c| aids::is_han(c)));
            }
        }
        set
    });
    let chars: BTreeSet<char> = sets.into_iter().flatten().collect();
    aids::write_aids(terms, &chars, &readings, synonyms, emit)
}

/// The line of `word = …` (quoted or not) in a TOML text.
fn entry_line(src: &str, word: &str) -> Option<usize> {
    src.lines()
        .position(|l| {
            let l = l.trim_start();
            let rest = l
                .strip_prefix(&format!("\"{word}\""))
                .or_else(|| l.strip_prefix(&format!("'{word}'")))
                .or_else(|| l.strip_prefix(word));
            rest.is_some_and(|r| r.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

/// Read and check `synonyms.toml` of the content folder (none: no
/// synonyms). Each entry is `"读者的说法" = ["文章里的说法", …]`; every
/// mistake is reported with file, line and word.
pub fn load_synonyms(dir: &Path) -> Result<BTreeMap<String, Vec<String>>, Vec<Problem>> {
    let path = dir.join(SYNONYMS_TOML);
    if !path.is_file() {
        return Ok(BTreeMap::new());
    }
    let problem = |line: Option<usize>, field: &str, message: String| Problem {
        file: path.clone(),
        line,
        field: field.to_string(),
        message,
    };
    let src = std::fs::read_to_string(&path).map_err(|e| {
        vec![problem(
            None,
            "",
            format!("无法读取同义词文件（须为 UTF-8）：{e}"),
        )]
    })?;
    let table: toml::Table = toml::from_str(&src).map_err(|e| {
        let line = e
            .span()
            .map(|s| src[..s.start.min(src.len())].matches('\n').count() + 1);
        let hint = if src.lines().any(|l| {
            l.trim_start()
                .chars()
                .next()
                .is_some_and(|c| !c.is_ascii() && c != '\u{feff}')
        }) {
            "（中文词语须加英文双引号，如 \"打官司\" = [\"诉讼\"]）"
        } else {
            ""
        };
        vec![problem(
            line,
            "",
            format!("TOML 格式错误{hint}：{}", e.message()),
        )]
    })?;
    let mut problems = Vec::new();
    let mut entries = Vec::new();
    for (word, value) in &table {
        let line = entry_line(&src, word);
        let list = match value {
            toml::Value::Array(items) => {
                let mut list = Vec::new();
                for item in items {
                    match item {
                        toml::Value::String(s) => list.push(s.clone()),
                        other => problems.push(problem(
                            line,
                            word,
                            format!("同义词须是带引号的文字，这里是 {}", other.type_str()),
                        )),
                    }
                }
                list
            }
            toml::Value::Table(_) => {
                problems.push(problem(
                    line,
                    word,
                    "不能分节：每行写一条，如 \"打官司\" = [\"诉讼\"]".into(),
                ));
                continue;
            }
            other => {
                problems.push(problem(
                    line,
                    word,
                    format!(
                        "同义词须写成列表，如 \"{word}\" = [\"…\"]，这里是 {}",
                        other.type_str()
                    ),
                ));
                continue;
            }
        };
        entries.push((word.clone(), list));
    }
    match aids::normalise_synonyms(&entries) {
        Ok(map) if problems.is_empty() => Ok(map),
        Ok(_) => Err(problems),
        Err(more) => {
            problems.extend(
                more.into_iter()
                    .map(|p| problem(entry_line(&src, &p.word), &p.word, p.message)),
            );
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_are_toneless_and_common_first() {
        assert_eq!(readings('法')[0], "fa");
        assert_eq!(readings('普')[0], "pu");
        assert!(readings('行').contains(&"hang".to_string()));
        assert_eq!(readings('绿')[0], "lv");
        assert!(readings('A').is_empty());
    }
}
