//! The in-memory search index and the search itself.
//!
//! Matching is built so that recall is complete: every article whose
//! normalised title or body contains every term is found. A term's candidate
//! articles are those holding all of its tokens (characters, character pairs,
//! and any indexed word that contains a typed word), which is a superset of
//! the articles containing the term; each candidate is then checked for the
//! exact string, and exact matches rank first.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use chrono::NaiveDate;

use super::normalize::normalize_text;
use super::query::{Sort, Term};
use super::tokenize::{token_list, tokens, Token};
use crate::date::SHANGHAI;
use crate::model::Bulletin;

/// A fast hasher for the index's `u64` token keys (they are not
/// attacker-chosen in a way that matters: the index is built from our data).
#[derive(Default, Clone, Copy)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<KeyHasher>>;

const PAIR_FLAG: u64 = 1 << 42;
const WORD_FLAG: u64 = 1 << 43;

/// The index key of a character or pair token. Indexing, querying and
/// related articles must encode tokens identically, so only this does it.
pub(crate) fn cjk_key(t: Token) -> Option<u64> {
    match t {
        Token::Char(c) => Some(c as u64),
        Token::Pair(a, b) => Some(PAIR_FLAG | (a as u64) << 21 | b as u64),
        Token::Word(_) => None,
    }
}

fn word_key(id: u32) -> u64 {
    WORD_FLAG | u64::from(id)
}

/// How often one token occurs in one article's title and body.
#[derive(Clone, Copy, Debug)]
struct Posting {
    doc: u32,
    title_tf: u16,
    body_tf: u16,
}

#[derive(Clone, Debug)]
struct Doc {
    title: String,
    body: String,
    title_len: u32,
    body_len: u32,
    day: NaiveDate,
    views: Option<u64>,
    channel: String,
}

/// Which articles a search may return.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Allowed channel ids (a channel and everything below it); `None` = all.
    pub channels: Option<Vec<String>>,
    /// First and last publish day (Asia/Shanghai), inclusive.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// One result: the article's position in the slice the index was built from.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub doc: usize,
    /// Every term occurs as typed (not only as scattered pairs).
    pub exact: bool,
    /// How many terms occur as typed in the title.
    pub title_hits: usize,
    pub score: f32,
}

#[derive(Clone, Debug, Default)]
pub struct SearchIndex {
    docs: Vec<Doc>,
    postings: KeyMap<Vec<Posting>>,
    words: Vec<String>,
    word_ids: HashMap<String, u32>,
    avg_title: f32,
    avg_body: f32,
}

/// BM25 constants: the usual values.
const K1: f32 = 1.2;
const B: f32 = 0.75;
/// A token in the title weighs as much as this many in the body.
const TITLE_WEIGHT: f32 = 3.0;

impl SearchIndex {
    /// Index `bulletins`; results refer to positions in this slice, whose
    /// order (newest first in the store) breaks ties.
    pub fn build(bulletins: &[Bulletin]) -> SearchIndex {
        let mut index = SearchIndex::default();
        let mut counts: KeyMap<(u16, u16)> = KeyMap::default();
        let (mut title_total, mut body_total) = (0u64, 0u64);
        for (doc, b) in bulletins.iter().enumerate() {
            let title = normalize_text(&b.title);
            let body_raw: Vec<_> = b.body.iter().map(|block| block.text()).collect();
            let body = normalize_text(&body_raw.join("\n"));
            counts.clear();
            let title_len = index.count(&title, &mut counts, true);
            let body_len = index.count(&body, &mut counts, false);
            for (&key, &(title_tf, body_tf)) in counts.iter() {
                index.postings.entry(key).or_default().push(Posting {
                    doc: doc as u32,
                    title_tf,
                    body_tf,
                });
            }
            title_total += u64::from(title_len);
            body_total += u64::from(body_len);
            index.docs.push(Doc {
                title,
                body,
                title_len,
                body_len,
                day: b.published.with_timezone(&SHANGHAI).date_naive(),
                views: b.views,
                channel: b.channel.clone(),
            });
        }
        // Postings were appended in document order, so each list is sorted.
        let n = index.docs.len().max(1) as f32;
        index.avg_title = (title_total as f32 / n).max(1.0);
        index.avg_body = (body_total as f32 / n).max(1.0);
        index
    }

    fn intern_word(&mut self, w: &str) -> u64 {
        let next = self.words.len() as u32;
        let id = *self.word_ids.entry(w.to_string()).or_insert(next);
        if id == next {
            self.words.push(w.to_string());
        }
        word_key(id)
    }

    /// Count the tokens of normalised `text` into `counts`; returns how many.
    fn count(&mut self, text: &str, counts: &mut KeyMap<(u16, u16)>, title: bool) -> u32 {
        let mut keys = Vec::new();
        tokens(text, |t| keys.push(t));
        let n = keys.len() as u32;
        for t in keys {
            let key = match t {
                Token::Word(w) => self.intern_word(w),
                other => cjk_key(other).unwrap_or_default(),
            };
            let entry = counts.entry(key).or_default();
            if title {
                entry.0 = entry.0.saturating_add(1);
            } else {
                entry.1 = entry.1.saturating_add(1);
            }
        }
        n
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The keys a query token stands for: itself, or for a typed word every
    /// indexed word that contains it (so `202` finds `2021`).
    fn keys_for(&self, t: Token) -> Vec<u64> {
        match t {
            Token::Word(w) => self
                .words
                .iter()
                .enumerate()
                .filter(|(_, word)| word.contains(w))
                .map(|(id, _)| word_key(id as u32))
                .collect(),
            other => cjk_key(other).into_iter().collect(),
        }
    }

    /// Sorted ids of the articles holding any of `keys`.
    fn docs_with_any(&self, keys: &[u64]) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        for k in keys {
            if let Some(list) = self.postings.get(k) {
                out.extend(list.iter().map(|p| p.doc));
            }
        }
        if keys.len() > 1 {
            out.sort_unstable();
            out.dedup();
        }
        out
    }

    fn passes(&self, doc: usize, filter: &Filter) -> bool {
        let d = &self.docs[doc];
        filter.from.is_none_or(|f| d.day >= f)
            && filter.to.is_none_or(|t| d.day <= t)
            && filter
                .channels
                .as_ref()
                .is_none_or(|allowed| allowed.contains(&d.channel))
    }

    /// Every article passing `filter` that holds all `terms`, in `sort` order.
    pub fn search(&self, terms: &[Term], filter: &Filter, sort: Sort) -> Vec<Hit> {
        let mut hits: Vec<Hit> = if terms.is_empty() {
            (0..self.docs.len())
                .filter(|&d| self.passes(d, filter))
                .map(|doc| Hit {
                    doc,
                    exact: true,
                    title_hits: 0,
                    score: 0.0,
                })
                .collect()
        } else {
            self.matching(terms, filter)
        };
        match sort {
            Sort::Relevance => hits.sort_by(|a, b| {
                b.exact
                    .cmp(&a.exact)
                    .then(b.title_hits.cmp(&a.title_hits))
                    .then(b.score.total_cmp(&a.score))
                    .then(a.doc.cmp(&b.doc))
            }),
            Sort::Newest => hits.sort_by_key(|h| h.doc),
            Sort::Oldest => hits.sort_by_key(|h| std::cmp::Reverse(h.doc)),
            Sort::MostViewed => hits.sort_by(|a, b| {
                let views = |h: &Hit| self.docs[h.doc].views;
                // Unknown counts go last, not first.
                views(b)
                    .is_some()
                    .cmp(&views(a).is_some())
                    .then(views(b).cmp(&views(a)))
                    .then(a.doc.cmp(&b.doc))
            }),
        }
        hits
    }

    fn matching(&self, terms: &[Term], filter: &Filter) -> Vec<Hit> {
        // Candidates: articles holding every token of every term.
        let mut all_keys: Vec<u64> = Vec::new();
        let mut candidates: Option<Vec<u32>> = None;
        let mut single_token = Vec::with_capacity(terms.len());
        for term in terms {
            let toks = token_list(&term.text);
            single_token.push(toks.len() == 1);
            let mut sets: Vec<Vec<u32>> = Vec::with_capacity(toks.len());
            for t in toks {
                let keys = self.keys_for(t);
                let docs = self.docs_with_any(&keys);
                if docs.is_empty() {
                    return Vec::new();
                }
                all_keys.extend(keys);
                sets.push(docs);
            }
            sets.sort_by_key(Vec::len);
            for set in sets {
                candidates = Some(match candidates {
                    None => set,
                    Some(c) => intersect(&c, &set),
                });
            }
            if candidates.as_ref().is_some_and(Vec::is_empty) {
                return Vec::new();
            }
        }
        let candidates = candidates.unwrap_or_default();
        all_keys.sort_unstable();
        all_keys.dedup();

        // Check each candidate for the exact strings.
        let mut hits = Vec::with_capacity(candidates.len());
        let mut slot = vec![u32::MAX; self.docs.len()];
        'doc: for &doc in &candidates {
            let d = doc as usize;
            if !self.passes(d, filter) {
                continue;
            }
            let doc_info = &self.docs[d];
            let mut exact = true;
            let mut title_hits = 0;
            for (term, &single) in terms.iter().zip(&single_token) {
                let in_title = doc_info.title.contains(&term.text);
                // A single token is in the article by construction.
                let found = single || in_title || doc_info.body.contains(&term.text);
                if !found && term.phrase {
                    continue 'doc;
                }
                exact &= found;
                title_hits += usize::from(in_title);
            }
            slot[d] = hits.len() as u32;
            hits.push(Hit {
                doc: d,
                exact,
                title_hits,
                score: 0.0,
            });
        }

        // BM25F weight over all tokens of the query.
        let n = self.docs.len() as f32;
        for key in all_keys {
            let Some(list) = self.postings.get(&key) else {
                continue;
            };
            let df = list.len() as f32;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            for p in list {
                let s = slot[p.doc as usize];
                if s == u32::MAX {
                    continue;
                }
                let d = &self.docs[p.doc as usize];
                let tf = TITLE_WEIGHT * f32::from(p.title_tf)
                    / (1.0 - B + B * d.title_len as f32 / self.avg_title)
                    + f32::from(p.body_tf) / (1.0 - B + B * d.body_len as f32 / self.avg_body);
                hits[s as usize].score += idf * tf / (K1 + tf);
            }
        }
        hits
    }

    /// Whether the article contains `term` as typed (normalised).
    pub fn contains(&self, doc: usize, term: &str) -> bool {
        self.docs
            .get(doc)
            .is_some_and(|d| d.title.contains(term) || d.body.contains(term))
    }
}

fn intersect(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len().min(b.len()));
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}
