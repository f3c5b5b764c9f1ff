//! 相关文章, worked out once at build time for every article.
//!
//! Two articles are related when their titles share rare character pairs or
//! words; each shared key counts by how rare it is. Only titles are read:
//! a title says what an article is about, and indexing titles alone keeps
//! the content compiler's memory and time small at 100,000 bulletins
//! (bodies share too many pairs to say much). Pairs of the article's own
//! channel name (黄陂区 says where, not what about) do not count.

use std::collections::HashMap;

use std::hash::{BuildHasherDefault, Hasher};

use super::normalize::normalize_text;
use super::tokenize::{tokens, Token};

/// A fast hasher for the `u64` keys (built from our own data at build time).
#[derive(Default, Clone, Copy)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<KeyHasher>>;

/// The key of a title's character pair.
fn cjk_key(t: Token) -> Option<u64> {
    match t {
        Token::Pair(a, b) => Some(1 << 42 | (a as u64) << 21 | b as u64),
        _ => None,
    }
}

/// A key shared by more articles than this says nothing about topic (and
/// would make every look-up walk a long list).
const MAX_DF: usize = 500;

/// Title keys of every article and the articles holding each key.
#[derive(Debug, Default)]
pub struct RelatedIndex {
    doc_keys: Vec<Vec<u64>>,
    postings: KeyMap<Vec<u32>>,
}

impl RelatedIndex {
    /// Index `(title, channel name)` of each article, in document order.
    pub fn build<'a>(titles: impl IntoIterator<Item = (&'a str, &'a str)>) -> RelatedIndex {
        let mut index = RelatedIndex::default();
        let mut words: HashMap<String, u64> = HashMap::new();
        for (doc, (title, ignore)) in titles.into_iter().enumerate() {
            let title = normalize_text(title);
            let ignore = normalize_text(ignore);
            let mut keys: Vec<u64> = Vec::new();
            tokens(&title, |t| match t {
                Token::Pair(a, b)
                    if ignore.contains([a, b].iter().collect::<String>().as_str()) => {}
                Token::Pair(..) => keys.extend(cjk_key(t)),
                Token::Word(w) => {
                    let next = words.len() as u64;
                    // Words get keys of their own, above every character key.
                    keys.push(WORD_BASE + *words.entry(w.to_string()).or_insert(next));
                }
                Token::Char(_) => {}
            });
            keys.sort_unstable();
            keys.dedup();
            for &k in &keys {
                index.postings.entry(k).or_default().push(doc as u32);
            }
            index.doc_keys.push(keys);
        }
        index
    }

    pub fn len(&self) -> usize {
        self.doc_keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.doc_keys.is_empty()
    }

    /// Articles related to `doc`, best first; at most `limit`, and only
    /// clear matches. `scores` is scratch space reused across calls (one
    /// slot per article), so a build over every article allocates once.
    pub fn related_with(&self, doc: usize, limit: usize, scores: &mut Vec<f32>) -> Vec<usize> {
        let Some(keys) = self.doc_keys.get(doc) else {
            return Vec::new();
        };
        let n = self.doc_keys.len();
        scores.clear();
        scores.resize(n, 0.0);
        let mut touched: Vec<u32> = Vec::new();
        let max_df = MAX_DF.min(n / 4).max(2);
        for key in keys {
            let Some(list) = self.postings.get(key) else {
                continue;
            };
            let df = list.len();
            if df > max_df {
                continue;
            }
            let (n, df) = (n as f32, df as f32);
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            for &other in list {
                if other as usize == doc {
                    continue;
                }
                let slot = &mut scores[other as usize];
                if *slot == 0.0 {
                    touched.push(other);
                }
                *slot += 2.0 * idf;
            }
        }
        let mut ranked: Vec<(usize, f32)> = touched
            .into_iter()
            .map(|d| (d as usize, scores[d as usize]))
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let best = ranked.first().map_or(0.0, |r| r.1);
        ranked
            .into_iter()
            // Weak matches (a fraction of the best, or a single common pair)
            // are noise, not related reading.
            .filter(|&(_, score)| score >= best * 0.3 && score >= 2.0)
            .take(limit)
            .map(|(doc, _)| doc)
            .collect()
    }

    /// [`RelatedIndex::related_with`] with scratch space of its own.
    pub fn related(&self, doc: usize, limit: usize) -> Vec<usize> {
        self.related_with(doc, limit, &mut Vec::new())
    }
}

/// Word keys start above every character and pair key.
const WORD_BASE: u64 = 1 << 44;
