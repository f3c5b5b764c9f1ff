//! Search that forgives (issue #14): the archive's frequent terms with
//! their pinyin, typing suggestions and the office's synonym list, written
//! by `pufa build` beside the index and fetched only when a search needs
//! them.
//!
//! - **您是不是要找**: when a query finds little, its Chinese terms are
//!   read as pinyin (with `chars.json`, the pinyin of the archive's
//!   characters) and the archive's terms with the same pinyin are offered
//!   (普发 → pufa → 普法).
//! - **Pinyin typed into the box** (`pufa`, `pf`) is looked up as full
//!   pinyin or initials and searched as the archive's likeliest term.
//! - **Suggestions while typing** come from the frequent terms starting
//!   with what was typed (`pre/<b>.json`, by first character).
//! - **Synonyms** (`syn.json`) widen a term to the office's plain-language
//!   equivalents; every result holds the term or a synonym that is shown.
//!
//! No pinyin table enters the app: the compiler computes pinyin natively
//! (the caller passes a `readings` function) and ships only what the
//! archive needs. Every file is small JSON; lookups hash a key into a
//! fixed number of bucket files, so a lookup's cost does not grow with the
//! archive.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::normalize::normalize_text;
use super::pieces::{bucket_of, Pieces};
use super::query::Term;
use crate::error::DataError;

/// Version of the aids' layout; [`AidsMeta`] carries it.
pub const AIDS_FORMAT: u32 = 1;
/// Syllable → the archive's characters read so.
pub const CHARS: &str = "search/aids/chars.json";
/// The office's synonyms, normalised.
pub const SYNONYMS: &str = "search/aids/syn.json";
/// A term must be in at least this many titles to be a frequent term.
pub const MIN_DF: u32 = 2;
/// Frequent terms kept, at most (the most frequent).
pub const MAX_TERMS: usize = 20_000;
/// Lengths of frequent terms, in characters.
pub const MIN_LEN: usize = 2;
pub const MAX_LEN: usize = 4;
/// Terms kept per pinyin key and per prefix.
pub const PER_KEY: usize = 8;
pub const PER_PREFIX: usize = 10;
/// Pinyin readings combined per term at most (a character may have several).
pub const TERM_COMBOS: usize = 4;
/// …and per query term.
pub const QUERY_COMBOS: usize = 8;
/// A shorter term whose titles are mostly (this share) those of one longer
/// term is a fragment of it (七五普 of 七五普法) and is dropped.
const EXPLAINED: f64 = 0.8;
/// Bucket files aim at about this many bytes.
const BUCKET_BYTES: usize = 6 * 1024;
/// A search with fewer results than this offers 您是不是要找 and tries
/// pinyin.
pub const FEW: usize = 3;
/// Suggestions offered at most.
pub const SUGGESTIONS: usize = 5;

/// What the search page needs to know about the aids; part of the index's
/// `meta.json`, so it costs no request of its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AidsMeta {
    pub format: u32,
    /// Frequent terms.
    pub terms: u32,
    /// Number of `py/<b>.json` files.
    pub pinyin_buckets: u32,
    /// Number of `pre/<b>.json` files.
    pub prefix_buckets: u32,
    /// Entries of the synonym list (0: no `syn.json`).
    pub synonyms: u32,
    /// Bytes and number of every aids file.
    pub bytes: u64,
    pub files: u32,
}

impl AidsMeta {
    fn check(&self) -> Result<(), DataError> {
        let bad = |field: &str| {
            Err(DataError::new(
                super::pieces::META,
                format!("aids.{field}"),
                "搜索辅助数据的描述不合理",
            ))
        };
        if self.format != AIDS_FORMAT {
            return bad("format");
        }
        if self.pinyin_buckets == 0 || self.pinyin_buckets > 1 << 20 {
            return bad("pinyin_buckets");
        }
        if self.prefix_buckets == 0 || self.prefix_buckets > 1 << 20 {
            return bad("prefix_buckets");
        }
        Ok(())
    }

    /// Every aids file, for 离线搜索.
    pub fn all_files(&self) -> Vec<String> {
        let mut out = vec![CHARS.to_string()];
        if self.synonyms > 0 {
            out.push(SYNONYMS.to_string());
        }
        out.extend((0..self.pinyin_buckets).map(pinyin_file));
        out.extend((0..self.prefix_buckets).map(prefix_file));
        out
    }
}

/// `search/aids/py/<b>.json`: pinyin key → terms.
pub fn pinyin_file(bucket: u32) -> String {
    format!("search/aids/py/{bucket}.json")
}

/// `search/aids/pre/<b>.json`: prefix → terms.
pub fn prefix_file(bucket: u32) -> String {
    format!("search/aids/pre/{bucket}.json")
}

/// FNV-1a of a string, mixed by the index's bucket function.
fn str_key(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn pinyin_bucket(key: &str, buckets: u32) -> u32 {
    bucket_of(str_key(key), buckets)
}

fn prefix_bucket(first: char, buckets: u32) -> u32 {
    bucket_of(u64::from(first), buckets)
}

/// A Chinese character, as terms are made of.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// A term of the archive and the number of titles holding it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermStat {
    pub text: String,
    pub df: u32,
}

/// A text's runs of Chinese characters, after normalising it.
pub fn han_runs(text: &str) -> Vec<Vec<char>> {
    let mut runs = Vec::new();
    let mut run = Vec::new();
    for c in normalize_text(text).chars() {
        if is_han(c) {
            run.push(c);
        } else if !run.is_empty() {
            runs.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

/// For each length of `lens`, the strings of that many characters, within
/// a run, found in at least `min_df` of `docs` (each a text's runs), with
/// the number of docs holding each. One pass per length; past the first, a
/// string is only counted when both its parts one shorter are frequent, so
/// the work and the memory stay a few times the texts' length.
pub fn frequent_runs(
    docs: &[Vec<Vec<char>>],
    lens: std::ops::RangeInclusive<usize>,
    min_df: u32,
) -> Vec<HashMap<&[char], u32>> {
    let min_df = min_df.max(1);
    let mut levels: Vec<HashMap<&[char], u32>> = Vec::new();
    for n in lens {
        let shorter = levels.last();
        let mut df: HashMap<&[char], u32> = HashMap::new();
        let mut seen: HashSet<&[char]> = HashSet::new();
        for runs in docs {
            seen.clear();
            for run in runs {
                for w in run.windows(n) {
                    if let Some(s) = shorter {
                        if !s.contains_key(&w[..n - 1]) || !s.contains_key(&w[1..]) {
                            continue;
                        }
                    }
                    if seen.insert(w) {
                        *df.entry(w).or_default() += 1;
                    }
                }
            }
        }
        df.retain(|_, d| *d >= min_df);
        levels.push(df);
    }
    levels
}

/// The archive's frequent terms: runs of 2–4 Chinese characters of the
/// normalised titles in at least `min_df` titles, without fragments of
/// longer ones, most frequent first, at most `max_terms`.
pub fn frequent_terms<'a>(
    titles: impl IntoIterator<Item = &'a str>,
    min_df: u32,
    max_terms: usize,
) -> Vec<TermStat> {
    let docs: Vec<Vec<Vec<char>>> = titles.into_iter().map(han_runs).collect();
    let levels = frequent_runs(&docs, MIN_LEN..=MAX_LEN, min_df);
    // The largest df of a frequent term one longer that contains each term.
    let mut kept = Vec::new();
    for (i, level) in levels.iter().enumerate() {
        let n = MIN_LEN + i;
        let mut best_longer: HashMap<&[char], u32> = HashMap::new();
        if let Some(longer) = levels.get(i + 1) {
            for (&k, &d) in longer {
                for part in [&k[..n], &k[1..]] {
                    let e = best_longer.entry(part).or_default();
                    *e = (*e).max(d);
                }
            }
        }
        for (&k, &d) in level {
            let explained = best_longer
                .get(k)
                .is_some_and(|&l| f64::from(l) >= EXPLAINED * f64::from(d));
            if !explained {
                kept.push(TermStat {
                    text: k.iter().collect(),
                    df: d,
                });
            }
        }
    }
    kept.sort_by(|a, b| {
        b.df.cmp(&a.df)
            .then(b.text.chars().count().cmp(&a.text.chars().count()))
            .then(a.text.cmp(&b.text))
    });
    kept.truncate(max_terms);
    kept
}

/// Toneless pinyin as typed: lower case, ü as v.
pub fn plain_syllable(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'ü' | 'Ü' => Some('v'),
            c if c.is_ascii_alphabetic() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// The pinyin readings of a term: up to `limit` combinations of its
/// characters' readings (first readings first), each as the syllables.
/// Empty when a character has no reading.
fn combos<'r>(
    term: &str,
    readings: impl Fn(char) -> Vec<&'r str>,
    limit: usize,
) -> Vec<Vec<&'r str>> {
    let mut out: Vec<Vec<&'r str>> = vec![Vec::new()];
    for c in term.chars() {
        let rs = readings(c);
        if rs.is_empty() {
            return Vec::new();
        }
        let mut next = Vec::new();
        'outer: for r in &rs {
            for prefix in &out {
                if next.len() >= limit {
                    break 'outer;
                }
                let mut p = prefix.clone();
                p.push(*r);
                next.push(p);
            }
        }
        out = next;
    }
    out
}

fn full_key(syllables: &[&str]) -> String {
    syllables.concat()
}

fn initials_key(syllables: &[&str]) -> String {
    syllables.iter().filter_map(|s| s.chars().next()).collect()
}

/// Terms of one key, most frequent first.
type Ranked = Vec<(String, u32)>;

fn rank(list: &mut Ranked, keep: usize) {
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    list.dedup_by(|a, b| a.0 == b.0);
    list.truncate(keep);
}

/// Spread keyed lists over bucket files of about [`BUCKET_BYTES`].
fn bucketed(
    map: BTreeMap<String, Ranked>,
    bucket: impl Fn(&str, u32) -> u32,
) -> Vec<BTreeMap<String, Ranked>> {
    let bytes: usize = map
        .iter()
        .map(|(k, v)| k.len() + 6 + v.iter().map(|(t, _)| t.len() + 10).sum::<usize>())
        .sum();
    let n = (bytes / BUCKET_BYTES).max(1).next_power_of_two() as u32;
    let mut out = vec![BTreeMap::new(); n as usize];
    for (k, v) in map {
        out[bucket(&k, n) as usize].insert(k, v);
    }
    out
}

/// Write the aids: `emit(path, bytes)` for every file. `terms` from
/// [`frequent_terms`]; `chars` the archive's characters (normalised);
/// `readings(c)` a character's toneless pinyin, most common first (empty
/// when unknown); `synonyms` from [`normalise_synonyms`].
pub fn write_aids<E>(
    terms: &[TermStat],
    chars: &BTreeSet<char>,
    readings: &dyn Fn(char) -> Vec<String>,
    synonyms: &BTreeMap<String, Vec<String>>,
    mut emit: impl FnMut(&str, &[u8]) -> Result<(), E>,
) -> Result<AidsMeta, E> {
    let mut bytes = 0u64;
    let mut files = 0u32;
    let mut put = |path: &str, data: Vec<u8>| {
        bytes += data.len() as u64;
        files += 1;
        emit(path, &data)
    };

    // Syllable → characters, for reading a typed query as pinyin: each
    // character's first reading apart from its others, so the reader
    // tries the common reading first.
    let mut by_syllable = CharsFile::default();
    let mut known: HashMap<char, Vec<String>> = HashMap::new();
    let all_chars: BTreeSet<char> = chars
        .iter()
        .copied()
        .chain(terms.iter().flat_map(|t| t.text.chars()))
        .filter(|&c| is_han(c))
        .collect();
    for c in all_chars {
        let mut rs: Vec<String> = readings(c)
            .iter()
            .map(|r| plain_syllable(r))
            .filter(|r| !r.is_empty())
            .collect();
        let mut seen = HashSet::new();
        rs.retain(|r| seen.insert(r.clone()));
        for (n, r) in rs.iter().enumerate() {
            let map = if n == 0 {
                &mut by_syllable.main
            } else {
                &mut by_syllable.more
            };
            map.entry(r.clone()).or_default().push(c);
        }
        known.insert(c, rs);
    }
    put(CHARS, json(&by_syllable))?;

    // Pinyin keys (full and initials) → terms; prefixes → terms.
    let mut pinyin: BTreeMap<String, Ranked> = BTreeMap::new();
    let mut prefixes: BTreeMap<String, Ranked> = BTreeMap::new();
    for t in terms {
        let ways = combos(
            &t.text,
            |c| {
                known
                    .get(&c)
                    .map(|v| v.iter().map(String::as_str).collect())
                    .unwrap_or_default()
            },
            TERM_COMBOS,
        );
        for syllables in ways {
            for key in [full_key(&syllables), initials_key(&syllables)] {
                pinyin.entry(key).or_default().push((t.text.clone(), t.df));
            }
        }
        let chars: Vec<char> = t.text.chars().collect();
        for n in 1..=2.min(chars.len() - 1) {
            let p: String = chars[..n].iter().collect();
            prefixes.entry(p).or_default().push((t.text.clone(), t.df));
        }
    }
    for list in pinyin.values_mut() {
        rank(list, PER_KEY);
    }
    for list in prefixes.values_mut() {
        rank(list, PER_PREFIX);
    }
    let py = bucketed(pinyin, pinyin_bucket);
    let pinyin_buckets = py.len() as u32;
    for (b, map) in py.into_iter().enumerate() {
        put(&pinyin_file(b as u32), json(&map))?;
    }
    let pre = bucketed(prefixes, |k, n| {
        prefix_bucket(k.chars().next().unwrap_or('\0'), n)
    });
    let prefix_buckets = pre.len() as u32;
    for (b, map) in pre.into_iter().enumerate() {
        put(&prefix_file(b as u32), json(&map))?;
    }
    if !synonyms.is_empty() {
        put(SYNONYMS, json(synonyms))?;
    }
    Ok(AidsMeta {
        format: AIDS_FORMAT,
        terms: terms.len() as u32,
        pinyin_buckets,
        prefix_buckets,
        synonyms: synonyms.len() as u32,
        bytes,
        files,
    })
}

/// Maps of strings always serialise.
fn json<T: Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_default()
}

/// One mistake in a synonym list: which entry, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SynonymProblem {
    /// The word as written (the key of the entry).
    pub word: String,
    pub message: String,
}

/// Longest synonym list entry (characters) and most entries accepted.
pub const MAX_SYNONYM_CHARS: usize = 40;
pub const MAX_SYNONYMS: usize = 5000;

/// Check and normalise an office's synonym list (`word → [synonyms]`) as
/// searches read words, so 離婚 and 离婚 are one entry. Every mistake is
/// returned, each naming its word.
pub fn normalise_synonyms(
    entries: &[(String, Vec<String>)],
) -> Result<BTreeMap<String, Vec<String>>, Vec<SynonymProblem>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut problem = |word: &str, message: String| {
        problems.push(SynonymProblem {
            word: word.to_string(),
            message,
        })
    };
    if entries.len() > MAX_SYNONYMS {
        problem(
            "",
            format!("同义词最多 {MAX_SYNONYMS} 条，现有 {} 条", entries.len()),
        );
    }
    for (word, list) in entries {
        let key = normalize_text(word);
        if key.is_empty() {
            problem(word, "词语不能为空或只有标点".into());
            continue;
        }
        if key.contains(' ') {
            problem(word, "词语不能含空格或标点：请写成一个词".into());
            continue;
        }
        if key.chars().count() > MAX_SYNONYM_CHARS {
            problem(word, format!("词语太长（最多 {MAX_SYNONYM_CHARS} 个字）"));
            continue;
        }
        if list.is_empty() {
            problem(word, "同义词列表是空的：至少写一个，如 [\"诉讼\"]".into());
            continue;
        }
        let mut values = Vec::new();
        for s in list {
            let v = normalize_text(s);
            if v.is_empty() {
                problem(word, format!("同义词“{s}”为空或只有标点"));
            } else if v.chars().count() > MAX_SYNONYM_CHARS {
                problem(
                    word,
                    format!("同义词“{s}”太长（最多 {MAX_SYNONYM_CHARS} 个字）"),
                );
            } else if v == key {
                problem(word, format!("同义词“{s}”与词语本身相同"));
            } else if !values.contains(&v) {
                values.push(v);
            }
        }
        let entry = out.entry(key.clone()).or_default();
        if !entry.is_empty() {
            problem(word, format!("词语“{key}”重复出现：请合并成一条"));
        }
        entry.extend(values);
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

// ------------------------------------------------------------ the reader

/// A step of a lookup: the files it needs first, or its answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step<T> {
    Need(Vec<String>),
    Done(T),
}

fn decode_json<T: serde::de::DeserializeOwned>(file: &str, data: &[u8]) -> Result<T, DataError> {
    serde_json::from_slice(data).map_err(|e| {
        DataError::new(
            file,
            format!("第 {} 行", e.line()),
            "搜索辅助数据文件已损坏",
        )
    })
}

/// `chars.json`: syllable → characters, by their first reading (`main`)
/// and their other readings (`more`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct CharsFile {
    main: BTreeMap<String, String>,
    #[serde(default)]
    more: BTreeMap<String, String>,
}

/// The readings of the archive's characters, from [`CHARS`].
#[derive(Clone, Debug, Default)]
pub struct CharTable(HashMap<char, Vec<String>>);

impl CharTable {
    pub fn decode(data: &[u8]) -> Result<CharTable, DataError> {
        let file: CharsFile = decode_json(CHARS, data)?;
        let mut map: HashMap<char, Vec<String>> = HashMap::new();
        for (field, by) in [("main", file.main), ("more", file.more)] {
            for (syllable, chars) in by {
                if syllable.is_empty() || !syllable.bytes().all(|b| b.is_ascii_lowercase()) {
                    return Err(DataError::new(
                        CHARS,
                        format!("{field}.{syllable}"),
                        "拼音不合规",
                    ));
                }
                for c in chars.chars() {
                    map.entry(c).or_default().push(syllable.clone());
                }
            }
        }
        Ok(CharTable(map))
    }

    /// A character's readings, the common one first.
    pub fn readings(&self, c: char) -> &[String] {
        self.0.get(&c).map_or(&[], Vec::as_slice)
    }

    /// Full-pinyin keys of a Chinese term (`普发` → `pufa`), several when
    /// its characters have several readings; empty when a character is
    /// not Chinese or not in the archive.
    pub fn keys(&self, term: &str) -> Vec<String> {
        let ways = combos(
            term,
            |c| {
                self.0
                    .get(&c)
                    .map(|v| v.iter().map(String::as_str).collect())
                    .unwrap_or_default()
            },
            QUERY_COMBOS,
        );
        let mut keys: Vec<String> = ways.iter().map(|w| full_key(w)).collect();
        keys.dedup();
        keys
    }
}

/// One bucket file of keyed lists.
fn lookup(file: &str, data: &[u8], key: &str) -> Result<Ranked, DataError> {
    let map: BTreeMap<String, Ranked> = decode_json(file, data)?;
    Ok(map.get(key).cloned().unwrap_or_default())
}

/// Look every key up, or name the files still missing.
fn lookup_all(
    meta: &AidsMeta,
    keys: &[String],
    pieces: &impl Pieces,
) -> Result<Step<Vec<Ranked>>, DataError> {
    let mut need = Vec::new();
    let mut out = Vec::new();
    for k in keys {
        let path = pinyin_file(pinyin_bucket(k, meta.pinyin_buckets));
        match pieces.get(&path) {
            Some(data) => out.push(lookup(&path, data, k)?),
            None => {
                if !need.contains(&path) {
                    need.push(path);
                }
            }
        }
    }
    Ok(if need.is_empty() {
        Step::Done(out)
    } else {
        Step::Need(need)
    })
}

/// A term read as pinyin: ASCII letters only, at least two.
pub fn is_pinyin(text: &str) -> bool {
    text.len() >= 2 && text.bytes().all(|b| b.is_ascii_lowercase())
}

fn is_chinese(text: &str) -> bool {
    let n = text.chars().count();
    (MIN_LEN..=MAX_LEN + 2).contains(&n) && text.chars().all(is_han)
}

/// The words of a query again, as a box would hold them (phrases in
/// quotes).
pub fn query_text(terms: &[Term]) -> String {
    terms
        .iter()
        .map(|t| {
            if t.phrase {
                format!("“{}”", t.text)
            } else {
                t.text.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A query the reader probably meant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The whole query, with one word replaced.
    pub q: String,
    /// The word as typed and the archive's word offered for it.
    pub typed: String,
    pub offered: String,
}

/// 您是不是要找: for each Chinese word of the query, the archive's frequent
/// terms read the same in pinyin (普发 → 普法, 民法点 → 民法典), most
/// frequent first, never the word itself; at most [`SUGGESTIONS`].
pub fn homophones(
    meta: &AidsMeta,
    terms: &[Term],
    pieces: &impl Pieces,
) -> Result<Step<Vec<Suggestion>>, DataError> {
    meta.check()?;
    let wanted: Vec<usize> = (0..terms.len())
        .filter(|&i| !terms[i].phrase && is_chinese(&terms[i].text))
        .collect();
    if wanted.is_empty() {
        return Ok(Step::Done(Vec::new()));
    }
    let Some(chars) = pieces.get(CHARS) else {
        return Ok(Step::Need(vec![CHARS.to_string()]));
    };
    let table = CharTable::decode(chars)?;
    let per_term: Vec<(usize, Vec<String>)> = wanted
        .into_iter()
        .map(|i| (i, table.keys(&terms[i].text)))
        .collect();
    let keys: Vec<String> = per_term.iter().flat_map(|(_, k)| k.clone()).collect();
    let found = match lookup_all(meta, &keys, pieces)? {
        Step::Need(n) => return Ok(Step::Need(n)),
        Step::Done(f) => f,
    };
    let mut found = found.into_iter();
    let mut offers: Vec<(u32, Suggestion)> = Vec::new();
    for (i, ks) in per_term {
        let mut cands: Ranked = Vec::new();
        for _ in &ks {
            cands.extend(found.next().unwrap_or_default());
        }
        rank(&mut cands, usize::MAX);
        let typed = &terms[i].text;
        for (text, df) in cands.into_iter().filter(|(t, _)| t != typed).take(3) {
            let mut replaced = terms.to_vec();
            replaced[i].text = text.clone();
            // The same word twice would be one term: keep the query as typed.
            offers.push((
                df,
                Suggestion {
                    q: query_text(&replaced),
                    typed: typed.clone(),
                    offered: text,
                },
            ));
        }
    }
    offers.sort_by_key(|o| std::cmp::Reverse(o.0));
    let mut out: Vec<Suggestion> = Vec::new();
    for (_, s) in offers {
        if out.len() < SUGGESTIONS && !out.iter().any(|o| o.q == s.q) {
            out.push(s);
        }
    }
    Ok(Step::Done(out))
}

/// Pinyin typed as words (`pufa`, `pf`, `minfadian`): for each such term,
/// the archive's likeliest term with that full pinyin or those initials.
/// `Done(vec![])` when no word is pinyin or none is known.
pub fn from_pinyin(
    meta: &AidsMeta,
    terms: &[Term],
    pieces: &impl Pieces,
) -> Result<Step<Vec<(usize, String)>>, DataError> {
    meta.check()?;
    let wanted: Vec<usize> = (0..terms.len())
        .filter(|&i| !terms[i].phrase && is_pinyin(&terms[i].text))
        .collect();
    let keys: Vec<String> = wanted.iter().map(|&i| terms[i].text.clone()).collect();
    let found = match lookup_all(meta, &keys, pieces)? {
        Step::Need(n) => return Ok(Step::Need(n)),
        Step::Done(f) => f,
    };
    Ok(Step::Done(
        wanted
            .into_iter()
            .zip(found)
            .filter_map(|(i, list)| list.into_iter().next().map(|(t, _)| (i, t)))
            .collect(),
    ))
}

/// Suggestions while typing, for the last word of `typed`: the frequent
/// terms starting with it (Chinese), or read so in pinyin (full or
/// initials, `pf` → 普法); never the word itself.
pub fn suggest(
    meta: &AidsMeta,
    typed: &str,
    pieces: &impl Pieces,
) -> Result<Step<Vec<String>>, DataError> {
    meta.check()?;
    let Some(last) = typed.split_whitespace().last() else {
        return Ok(Step::Done(Vec::new()));
    };
    if last.starts_with(['"', '“', '”', '＂', '「', '『']) {
        return Ok(Step::Done(Vec::new()));
    }
    let word = normalize_text(last);
    if is_pinyin(&word) {
        return Ok(
            match lookup_all(meta, std::slice::from_ref(&word), pieces)? {
                Step::Need(n) => Step::Need(n),
                Step::Done(f) => Step::Done(
                    f.into_iter()
                        .flatten()
                        .map(|(t, _)| t)
                        .take(SUGGESTIONS)
                        .collect(),
                ),
            },
        );
    }
    let chars: Vec<char> = word.chars().collect();
    if chars.is_empty() || !chars.iter().all(|&c| is_han(c)) {
        return Ok(Step::Done(Vec::new()));
    }
    let path = prefix_file(prefix_bucket(chars[0], meta.prefix_buckets));
    let Some(data) = pieces.get(&path) else {
        return Ok(Step::Need(vec![path]));
    };
    let key: String = chars[..chars.len().min(2)].iter().collect();
    let list = lookup(&path, data, &key)?;
    Ok(Step::Done(
        list.into_iter()
            .map(|(t, _)| t)
            .filter(|t| t.starts_with(&word) && *t != word)
            .take(SUGGESTIONS)
            .collect(),
    ))
}

/// The office's synonyms, as the app reads them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Synonyms(BTreeMap<String, Vec<String>>);

impl Synonyms {
    pub fn decode(data: &[u8]) -> Result<Synonyms, DataError> {
        decode_json(SYNONYMS, data).map(Synonyms)
    }

    pub fn from_map(map: BTreeMap<String, Vec<String>>) -> Synonyms {
        Synonyms(map)
    }

    /// For each word of the query with synonyms: its index and the
    /// synonyms as terms. A phrase in quotes is never widened.
    pub fn widen(&self, terms: &[Term]) -> Vec<(usize, Vec<Term>)> {
        terms
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.phrase)
            .filter_map(|(i, t)| {
                let list = self.0.get(&t.text)?;
                let alts: Vec<Term> = list
                    .iter()
                    .filter(|s| !terms.iter().any(|t| &t.text == *s))
                    .map(|s| Term {
                        text: s.clone(),
                        phrase: false,
                    })
                    .collect();
                (!alts.is_empty()).then_some((i, alts))
            })
            .collect()
    }
}

/// The synonyms' file when the query may need it: only when some word could
/// be widened (the file is fetched once and kept).
pub fn synonyms_needed(meta: &AidsMeta, terms: &[Term]) -> bool {
    meta.synonyms > 0 && terms.iter().any(|t| !t.phrase)
}
