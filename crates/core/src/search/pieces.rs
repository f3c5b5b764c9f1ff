//! The prebuilt search index, split into pieces a query fetches on demand
//! (issue #10).
//!
//! `pufa build` cuts every article's normalised title and body into
//! characters and adjacent character pairs (spaces included in pairs, so a
//! term such as `gb t` is a string like any other) and writes, per key:
//!
//! - a **posting**: the articles holding the key, each with a one-byte
//!   weight (BM25F, title ×3, quantised; the top bit says "in the title");
//! - for pairs, the **positions** of the key in each of those articles.
//!
//! Keys are spread over `buckets` files by a fixed hash, so a query fetches
//! only the buckets of its own keys; a key whose data is large lives in a
//! file of its own, named from its bucket entry and listed in [`OWN`], so
//! that a caller holding that list asks for the file at once. Positions are
//! separate files, fetched only for terms of three or more characters.
//!
//! A term of one character matches the articles of that character; of two,
//! the articles of that pair; of `k ≥ 3`, the articles holding its pairs at
//! offsets 0, 2, 4, … (and `k-2`) at exactly those distances: that covers
//! every character, so it proves the article contains the term, and only
//! these pairs' postings and positions are fetched (the pairs between them
//! would prove nothing more). Recall and precision are therefore those of
//! `str::contains` on the normalised text, with no article bodies fetched.
//!
//! A pair so common that its positions pass [`SPLIT_BYTES`] (人民, 或者,
//! 的人) keeps its posting but not its positions: instead, every **trigram**
//! holding it (three characters, one key) is a key with a posting and
//! positions of its own. Such a pair is **split**, and [`OWN`] says so. A
//! term then proves itself from pieces of two or three characters: a pair
//! that is not split, or a trigram around one that is. 人民共和国 fetches the
//! positions of 人民共 and 共和国, a few hundred bytes, where the positions
//! of 人民 alone were 804 kB at 100,000 articles; a three-character term
//! with a split pair is answered by its trigram's posting alone. Every
//! occurrence of a split pair lies in one or two indexed trigrams, so the
//! index grows by less than the positions it no longer keeps twice over.
//!
//! A frequent term whose pieces' positions are large is also a key of its
//! own, a [`PHRASE`]: its posting, worked out by the compiler from those
//! same positions, answers the term with no positions fetched. The query
//! knows a phrase from [`OWN`], where every phrase is listed.
//!
//! Article numbers are positions in the archive's newest-first order, so
//! newest/oldest sorts need no data; dates (runs of equal Beijing days),
//! views and channel memberships are small files fetched only when a filter
//! or sort needs them. Result cards (title, channel, time, views) come in
//! blocks of [`CARD_BLOCK`] articles; a key's own posting file also ends
//! with the cards of its first page by relevance ([`TOP_CARDS`]), so a
//! search for a common word or a phrase shows page 1 without card files.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use super::aids::{frequent_runs, han_runs, TermStat};
use super::normalize::normalize_text;
use super::query::{Sort, Term};
use crate::date::SHANGHAI;
use crate::error::DataError;
use crate::model::Bulletin;

/// Version of the index layout; `meta.json` carries it.
pub const INDEX_FORMAT: u32 = 2;
/// Articles per result-card file.
pub const CARD_BLOCK: usize = 10;
/// The index's description, fetched once per data version.
pub const META: &str = "search/meta.json";
/// Runs of equal publish days in article order.
pub const DATES: &str = "search/dates.bin";
/// View counts in article order.
pub const VIEWS: &str = "search/views.bin";
/// The keys that have files of their own, ascending, trigrams aside:
/// varint(n), then each key's difference from the one before; then
/// varint(m) and the ranks in that list of the split pairs, each as its
/// difference from the one before. Fetched with `meta.json`, it lets a
/// query ask for a common key's own files at once, instead of first its
/// bucket files (which only say that the key has files of its own): two
/// requests and a round fewer for each common key. It also lists the split pairs (every one has files of
/// its own), which a query must know before it chooses a term's pieces.
pub const OWN: &str = "search/own.bin";
/// Cards at the end of a key's own posting file: one page of results.
pub const TOP_CARDS: usize = 10;
/// Data of one key larger than this gets a file of its own.
pub const OWN_FILE_BYTES: usize = 4096;
/// Bucket files aim at about this many bytes of postings each.
pub const BUCKET_BYTES: usize = 12 * 1024;
/// A pair whose positions (uncompressed) pass this is **split**: its
/// trigrams carry the positions instead (see the module's notes).
pub const SPLIT_BYTES: usize = 16 * 1024;

/// What a search page needs to know before its first query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    pub format: u32,
    /// Number of articles (article numbers are `0..docs`, newest first).
    pub docs: u32,
    /// Number of bucket files.
    pub buckets: u32,
    /// Articles per card file.
    pub card_block: u32,
    /// Bytes of the whole index (every piece), for the 离线搜索 setting.
    pub bytes: u64,
    /// Number of pieces.
    pub files: u32,
    /// Publish years, newest first (the year filter's choices).
    pub years: Vec<i32>,
    /// The search aids (pinyin, suggestions, synonyms), when built.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aids: Option<super::aids::AidsMeta>,
    /// Number of keys listed in [`OWN`]; `None` for an index written
    /// before that file (then every key is looked up in its bucket).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub own_keys: Option<u32>,
}

impl Meta {
    /// Whether the numbers are ones a build can write (a damaged or forged
    /// `meta.json` must not make the browser allocate the impossible).
    pub fn check(&self) -> Result<(), DataError> {
        let bad = |field: &str| Err(DataError::new(META, field, "搜索索引描述文件的数值不合理"));
        // Twenty times the archive the portal is designed for; a browse
        // without words holds one hit per article.
        if self.docs > 2_000_000 {
            return bad("docs");
        }
        if self.buckets == 0 || self.buckets > 1 << 24 {
            return bad("buckets");
        }
        if self.card_block == 0 || self.card_block > 10_000 {
            return bad("card_block");
        }
        if self.own_keys.is_some_and(|n| n > 1 << 24) {
            return bad("own_keys");
        }
        Ok(())
    }
}

/// `search/k/<bucket>.bin` (postings) and `search/p/<bucket>.bin` (positions).
pub fn bucket_file(positions: bool, bucket: u32) -> String {
    format!("search/{}/{bucket}.bin", if positions { 'p' } else { 'k' })
}

/// A large key's own file. Trigrams are numbered apart (`-t<part>`): they
/// are not listed in [`OWN`], whose numbering counts only the keys it lists.
pub fn own_file(positions: bool, bucket: u32, part: u32, key: u64) -> String {
    format!(
        "search/{}/{bucket}-{}{part}.bin",
        if positions { 'p' } else { 'k' },
        if is_trigram(key) { "t" } else { "" }
    )
}

/// The cards of articles `block * CARD_BLOCK ..`.
pub fn card_file(block: usize) -> String {
    format!("search/card/{block}.json")
}

/// The articles of a channel and its sub-channels.
pub fn channel_file(id: &str) -> String {
    format!("search/chan/{id}.bin")
}

/// The key of a single character or a pair (`b` = `'\0'` for a character).
pub fn key(a: char, b: char) -> u64 {
    (a as u64) << 21 | b as u64
}

/// The key of a trigram: three characters, none of them `'\0'`.
pub fn key3(a: char, b: char, c: char) -> u64 {
    (a as u64) << 42 | (b as u64) << 21 | c as u64
}

/// Whether `k` is a trigram's key (a pair's or character's is below 2⁴²).
pub fn is_trigram(k: u64) -> bool {
    k & PHRASE == 0 && k >> 42 != 0
}

/// Whether `k` is a pair's key (a character's has `'\0'` second).
fn is_pair(k: u64) -> bool {
    k & PHRASE == 0 && k >> 42 == 0 && k & 0x1F_FFFF != 0
}

/// The top bit of a key marks a **phrase**: a frequent term of three or
/// more characters indexed whole (a character or pair key never reaches it).
pub const PHRASE: u64 = 1 << 63;

/// A term is indexed whole when the positions that would prove it from its
/// pairs pass this many bytes (uncompressed): 人民政府 is then one posting
/// instead of the positions of 人民 and 政府 in every article.
pub const PHRASE_MIN_BYTES: usize = 64 * 1024;
/// Phrases kept at most, those `pufa build` ranks first (title terms, then
/// the bodies' strings, by the bytes they save): each costs about
/// 3.4 bytes of [`OWN`], which every search fetches at its start (8192:
/// about 28 kB). At 100,000 articles a quarter are title terms, the rest
/// the bodies' long strings; at 10,000 few terms cost enough to qualify.
pub const MAX_PHRASES: usize = 8192;

/// Lengths, in characters, of the phrase candidates taken from the bodies
/// ([`body_phrase_candidates`]); the title terms are shorter.
pub const BODY_PHRASE_LENS: std::ops::RangeInclusive<usize> = 5..=8;
/// A body candidate is indexed whole only when the positions that would
/// prove it pass this many bytes: twice a title term's
/// ([`PHRASE_MIN_BYTES`]), since fewer readers search it.
pub const BODY_PHRASE_MIN_BYTES: usize = 2 * PHRASE_MIN_BYTES;
/// Articles sampled, evenly over the archive, for the bodies' candidates.
pub const PHRASE_SAMPLE: usize = 1000;
/// A body candidate is in at least one sampled article of this many.
pub const PHRASE_SAMPLE_SHARE: usize = 200;

/// Candidate phrases from the articles' bodies: [`long_runs`] of an even
/// sample of `bulletins` (at most [`PHRASE_SAMPLE`], titles included). The
/// title terms, the other candidates, are of 2–4 characters; a long string
/// the statutes repeat (人民共和国, 追究刑事责任) is proven from pieces that
/// are themselves everywhere, hundreds of kilobytes at 100,000 articles,
/// unless it is indexed whole.
pub fn body_phrase_candidates(bulletins: &[Bulletin]) -> Vec<TermStat> {
    let step = bulletins.len().div_ceil(PHRASE_SAMPLE).max(1);
    let texts: Vec<String> = bulletins
        .iter()
        .step_by(step)
        .map(|b| format!("{}\n{}", b.title, body_text(b)))
        .collect();
    long_runs(texts.iter().map(String::as_str))
}

/// The strings of [`BODY_PHRASE_LENS`] Chinese characters (normalised, not
/// across anything else) in at least one of [`PHRASE_SAMPLE_SHARE`] of
/// `texts`, and in two at least, with the number of texts holding each;
/// sorted by text.
pub fn long_runs<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<TermStat> {
    let docs: Vec<Vec<Vec<char>>> = texts.into_iter().map(han_runs).collect();
    let min_df = docs.len().div_ceil(PHRASE_SAMPLE_SHARE).max(2);
    let mut out: Vec<TermStat> = frequent_runs(&docs, BODY_PHRASE_LENS, min_df as u32)
        .iter()
        .flat_map(|level| {
            level.iter().map(|(k, &df)| TermStat {
                text: k.iter().collect(),
                df,
            })
        })
        .collect();
    out.sort_by(|a, b| a.text.cmp(&b.text));
    out
}

/// The key of a phrase: a 32-bit FNV-1a hash of its text under [`PHRASE`],
/// short so that the list of keys with files of their own ([`OWN`], where
/// every phrase is) stays small. Two texts may share a hash, so a phrase's
/// file begins with its text, which the query checks.
pub fn phrase_key(term: &str) -> u64 {
    let mut h: u32 = 0x811c_9dc5;
    for b in term.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    PHRASE | u64::from(h)
}

/// Which bucket a key lives in: a fixed mixing function, identical in the
/// compiler and the browser.
pub fn bucket_of(key: u64, buckets: u32) -> u32 {
    let mut x = key.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    (x % u64::from(buckets.max(1))) as u32
}

// ---------------------------------------------------------------- varints

pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// An ascending list: its length, then each number's difference from the
/// one before (the first from 0). Read back with `Reader::after`.
fn put_ascending<T: Copy + Into<u64>>(out: &mut Vec<u8>, list: &[T]) {
    put_varint(out, list.len() as u64);
    let mut prev = 0u64;
    for &v in list {
        let v: u64 = v.into();
        put_varint(out, v - prev);
        prev = v;
    }
}

fn varint_len(v: u64) -> usize {
    (64 - (v | 1).leading_zeros() as usize).div_ceil(7)
}

/// A cursor over one piece's bytes; every read names the file when the
/// bytes end early or a number is too long.
struct Reader<'a, 'f> {
    data: &'a [u8],
    at: usize,
    file: &'f str,
}

impl<'a, 'f> Reader<'a, 'f> {
    fn new(file: &'f str, data: &'a [u8]) -> Self {
        Reader { data, at: 0, file }
    }

    fn broken(&self) -> DataError {
        DataError::new(
            self.file,
            format!("字节 {}", self.at),
            "搜索索引文件不完整或已损坏",
        )
    }

    fn done(&self) -> bool {
        self.at >= self.data.len()
    }

    /// Most numbers of the index (differences of positions and of article
    /// numbers) fit in one byte: that case is read inline, the rest by
    /// [`Reader::varint_long`].
    #[inline]
    fn varint(&mut self) -> Result<u64, DataError> {
        match self.data.get(self.at) {
            Some(&b) if b < 0x80 => {
                self.at += 1;
                Ok(u64::from(b))
            }
            _ => self.varint_long(),
        }
    }

    #[inline(never)]
    fn varint_long(&mut self) -> Result<u64, DataError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.data.get(self.at).ok_or_else(|| self.broken())?;
            self.at += 1;
            v |= u64::from(b & 0x7F) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(self.broken())
    }

    #[inline]
    fn u32(&mut self) -> Result<u32, DataError> {
        u32::try_from(self.varint()?).map_err(|_| self.broken())
    }

    /// The next number of an ascending list stored as differences from
    /// the one before (the first from 0).
    #[inline]
    fn after(&mut self, prev: u32) -> Result<u32, DataError> {
        let d = self.u32()?;
        prev.checked_add(d).ok_or_else(|| self.broken())
    }

    /// The next number of a strictly ascending list written as
    /// differences (the first as itself), after `prev`.
    fn rising(&mut self, first: bool, prev: u64) -> Result<u64, DataError> {
        let d = self.varint()?;
        if !first && d == 0 {
            return Err(self.broken());
        }
        prev.checked_add(d).ok_or_else(|| self.broken())
    }

    /// Pass over `n` varints without decoding them (at most to the end):
    /// the `n`-th byte below 0x80 ends them.
    fn skip_varints(&mut self, mut n: u64) {
        while n > 0 {
            let Some(&b) = self.data.get(self.at) else {
                return;
            };
            self.at += 1;
            if b < 0x80 {
                n -= 1;
            }
        }
    }

    fn byte(&mut self) -> Result<u8, DataError> {
        let b = *self.data.get(self.at).ok_or_else(|| self.broken())?;
        self.at += 1;
        Ok(b)
    }

    fn bytes(&mut self, n: usize) -> Result<&'a [u8], DataError> {
        let end = self.at.checked_add(n).ok_or_else(|| self.broken())?;
        let s = self.data.get(self.at..end).ok_or_else(|| self.broken())?;
        self.at = end;
        Ok(s)
    }
}

// ------------------------------------------------------------ bucket files
//
// A bucket file: varint(number of keys), then for each key in ascending
// order: varint(key - previous key), then either varint(len << 1) and
// `len` bytes of data, or varint(part << 2 | bare << 1 | 1): the key's data
// is in its own file number `part`, and `bare` says it has no positions
// file (a phrase, a split pair).

/// Where a key's data is, as read from its bucket file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry<'a> {
    Absent,
    Inline(&'a [u8]),
    Own(u32),
}

fn find_in_bucket<'a>(file: &str, data: &'a [u8], key: u64) -> Result<Entry<'a>, DataError> {
    let mut r = Reader::new(file, data);
    let n = r.varint()?;
    let mut k = 0u64;
    for _ in 0..n {
        k = k.checked_add(r.varint()?).ok_or_else(|| r.broken())?;
        let tag = r.varint()?;
        if tag & 1 == 1 {
            if k == key {
                return Ok(Entry::Own(u32::try_from(tag >> 2).map_err(|_| r.broken())?));
            }
        } else {
            let bytes = r.bytes(usize::try_from(tag >> 1).map_err(|_| r.broken())?)?;
            if k == key {
                return Ok(Entry::Inline(bytes));
            }
        }
        if k > key {
            return Ok(Entry::Absent);
        }
    }
    Ok(Entry::Absent)
}

/// The own files of a bucket's keys (postings, and positions where a key
/// has them), for downloading the whole index.
pub fn own_files(file: &str, bucket: u32, data: &[u8]) -> Result<Vec<String>, DataError> {
    let mut r = Reader::new(file, data);
    let n = r.varint()?;
    let mut out = Vec::new();
    let mut k = 0u64;
    for _ in 0..n {
        k = k.checked_add(r.varint()?).ok_or_else(|| r.broken())?;
        let tag = r.varint()?;
        if tag & 1 == 1 {
            let part = u32::try_from(tag >> 2).map_err(|_| r.broken())?;
            out.push(own_file(false, bucket, part, k));
            if tag & 2 == 0 {
                out.push(own_file(true, bucket, part, k));
            }
        } else {
            r.bytes(usize::try_from(tag >> 1).map_err(|_| r.broken())?)?;
        }
    }
    Ok(out)
}

/// Postings: varint(n), then n × (varint(doc delta), weight byte).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Posting {
    pub docs: Vec<u32>,
    pub weights: Vec<u8>,
}

/// The top bit of a weight: the key occurs in the title.
pub const IN_TITLE: u8 = 0x80;

/// Also returns the bytes after it: in a key's own file, the cards of its
/// first page ([`IndexBuilder::cards`]).
fn decode_posting<'a>(file: &str, data: &'a [u8]) -> Result<(Posting, &'a [u8]), DataError> {
    let mut r = Reader::new(file, data);
    let n = r.varint()? as usize;
    let mut p = Posting {
        docs: Vec::with_capacity(n.min(data.len())),
        weights: Vec::with_capacity(n.min(data.len())),
    };
    let mut doc = 0u32;
    for _ in 0..n {
        doc = r.after(doc)?;
        p.docs.push(doc);
        p.weights.push(r.byte()?);
    }
    Ok((p, &data[r.at..]))
}

/// A phrase's posting file: varint(bytes of its text), the text, then its
/// posting. `None` when the file is another text's (their keys' hashes
/// agree).
fn decode_phrase<'a>(
    file: &str,
    data: &'a [u8],
    term: &str,
) -> Result<Option<(Posting, &'a [u8])>, DataError> {
    let mut r = Reader::new(file, data);
    let len = usize::try_from(r.varint()?).map_err(|_| r.broken())?;
    if r.bytes(len)? != term.as_bytes() {
        return Ok(None);
    }
    decode_posting(file, &data[r.at..]).map(Some)
}

/// Positions of one key in the wanted articles, flat: the positions in
/// `wanted[i]` are `pos[starts[i]..starts[i + 1]]`.
struct Flat {
    starts: Vec<u32>,
    pos: Vec<u32>,
}

impl Flat {
    fn of(&self, i: usize) -> &[u32] {
        let (a, b) = (self.starts[i] as usize, self.starts[i + 1] as usize);
        &self.pos[a..b]
    }
}

/// Positions, aligned with the posting: per article varint(count) and
/// `count` ascending positions (first absolute, then deltas).
fn decode_positions(file: &str, data: &[u8], posting: &Posting) -> Result<Flat, DataError> {
    let mut r = Reader::new(file, data);
    let mut flat = Flat {
        starts: Vec::with_capacity(posting.docs.len() + 1),
        pos: Vec::with_capacity(data.len().min(1 << 24)),
    };
    flat.starts.push(0);
    for _ in &posting.docs {
        let n = r.varint()? as usize;
        let mut pos = 0u32;
        for _ in 0..n {
            pos = r.after(pos)?;
            flat.pos.push(pos);
        }
        flat.starts.push(flat.pos.len() as u32);
    }
    Ok(flat)
}

/// Postings and positions already decoded, kept between queries of one
/// index (typing repeats the keys of the previous keystroke).
#[derive(Default)]
pub struct Decoded {
    postings: HashMap<u64, Arc<Posting>>,
    positions: HashMap<u64, Arc<Flat>>,
    /// The text of each phrase in `postings` (a hash may be shared).
    phrases: HashMap<u64, Box<str>>,
    /// Result cards (JSON) that came with own files, by article, with the
    /// file each came in.
    top: HashMap<u32, (Arc<str>, Box<str>)>,
    own: Option<Arc<OwnKeys>>,
    bytes: usize,
}

/// The keys with files of their own ([`OWN`]), ascending, each with the
/// part number of its files (its rank among its bucket's own keys, as the
/// builder numbers them).
#[derive(Debug, Default)]
struct OwnKeys {
    keys: Vec<u64>,
    parts: Vec<u32>,
    /// The split pairs (see [`SPLIT_BYTES`]), ascending.
    split: Vec<u64>,
}

impl OwnKeys {
    fn decode(data: &[u8], buckets: u32, count: u32) -> Result<OwnKeys, DataError> {
        let mut r = Reader::new(OWN, data);
        let n = r.varint()?;
        if n != u64::from(count) {
            return Err(DataError::new(
                OWN,
                "",
                "搜索索引的常用词列表与描述文件不符",
            ));
        }
        let n = n as usize;
        let mut keys = Vec::with_capacity(n.min(data.len()));
        let mut parts = Vec::with_capacity(n.min(data.len()));
        let mut per_bucket: HashMap<u32, u32> = HashMap::new();
        let mut k = 0u64;
        for i in 0..n {
            k = r.rising(i == 0, k)?;
            let next = per_bucket.entry(bucket_of(k, buckets)).or_default();
            keys.push(k);
            parts.push(*next);
            *next += 1;
        }
        // Then which of them are split pairs, by their rank in the list.
        let m = r.varint()?;
        let mut split = Vec::with_capacity((m as usize).min(n));
        let mut at = 0u64;
        for i in 0..m {
            at = r.rising(i == 0, at)?;
            let key = usize::try_from(at).ok().and_then(|a| keys.get(a));
            split.push(*key.ok_or_else(|| r.broken())?);
        }
        Ok(OwnKeys { keys, parts, split })
    }

    fn part(&self, key: u64) -> Option<u32> {
        self.keys.binary_search(&key).ok().map(|i| self.parts[i])
    }

    fn is_split(&self, key: u64) -> bool {
        self.split.binary_search(&key).is_ok()
    }
}

/// Past this, the decoded cache starts again empty.
const DECODED_BYTES: usize = 64 << 20;

impl Decoded {
    fn posting(&mut self, key: u64, p: Posting) -> Arc<Posting> {
        self.bytes += p.docs.len() * 5;
        let p = Arc::new(p);
        self.postings.insert(key, p.clone());
        p
    }

    fn flat(&mut self, key: u64, f: Flat) -> Arc<Flat> {
        self.bytes += (f.starts.len() + f.pos.len()) * 4;
        let f = Arc::new(f);
        self.positions.insert(key, f.clone());
        f
    }

    /// Keep the cards at the end of an own posting file: varint(count),
    /// then per card varint(article), varint(bytes) and its JSON.
    fn top_cards(&mut self, file: &str, rest: &[u8]) -> Result<(), DataError> {
        if rest.is_empty() {
            return Ok(());
        }
        let path: Arc<str> = file.into();
        let mut r = Reader::new(file, rest);
        let n = r.varint()?;
        for _ in 0..n {
            let doc = r.u32()?;
            let len = usize::try_from(r.varint()?).map_err(|_| r.broken())?;
            let json = std::str::from_utf8(r.bytes(len)?).map_err(|_| r.broken())?;
            self.bytes += json.len();
            self.top.insert(doc, (path.clone(), json.into()));
        }
        Ok(())
    }

    /// The card of article `doc` (JSON) and the file it came in, if it
    /// came with an index file of a search (a common key's first page).
    pub fn top_card(&self, doc: u32) -> Option<(&str, &str)> {
        self.top.get(&doc).map(|(f, j)| (&**f, &**j))
    }

    fn trim(&mut self) {
        if self.bytes > DECODED_BYTES {
            *self = Decoded::default();
        }
    }
}

fn decode_doc_list(file: &str, data: &[u8]) -> Result<Vec<u32>, DataError> {
    let mut r = Reader::new(file, data);
    let n = r.varint()? as usize;
    let mut out = Vec::with_capacity(n.min(data.len()));
    let mut doc = 0u32;
    for _ in 0..n {
        doc = r.after(doc)?;
        out.push(doc);
    }
    Ok(out)
}

// ------------------------------------------------------------------ query

/// What a query looks up for one term.
#[derive(Clone, Debug, PartialEq, Eq)]
struct TermKeys {
    /// The keys whose postings are fetched: the character; the pair; for
    /// more, only the cover's pieces (once each). The positions of the
    /// cover prove the term, so a pair between two cover pairs (民政 in
    /// 人民政府) adds nothing to what is found, and fetching its posting
    /// would cost a request and, for a common pair, the largest file of
    /// the query.
    keys: Vec<u64>,
    /// `(offset, key)` of the pieces whose positions prove the term; empty
    /// when the posting alone decides (one or two characters, or three
    /// that are one trigram).
    cover: Vec<(u32, u64)>,
}

/// The keys of `term`, where `split` says which pairs are split.
///
/// The cover: the fewest pieces that reach every character, chosen left
/// to right, each time the piece that starts at or before the first
/// character not yet reached and reaches furthest. A piece is a pair that
/// is not split, or a trigram holding a split pair (only those are
/// indexed). Every pair of the term lies in some piece: itself, or, when
/// split, the trigram it starts or the one it ends (a term of three or
/// more characters has one of them).
fn term_keys(term: &str, split: impl Fn(u64) -> bool) -> TermKeys {
    let chars: Vec<char> = term.chars().collect();
    match chars.len() {
        0 => TermKeys {
            keys: Vec::new(),
            cover: Vec::new(),
        },
        1 => TermKeys {
            keys: vec![key(chars[0], '\0')],
            cover: Vec::new(),
        },
        2 => TermKeys {
            keys: vec![key(chars[0], chars[1])],
            cover: Vec::new(),
        },
        k => {
            let pair = |i: usize| key(chars[i], chars[i + 1]);
            let cut: Vec<bool> = (0..k - 1).map(|i| split(pair(i))).collect();
            // The pieces that start at `i`: (end, key).
            let starting = |i: usize| {
                let p = (i + 1 < k && !cut[i]).then(|| (i + 2, pair(i)));
                let t = (i + 2 < k && (cut[i] || cut[i + 1]))
                    .then(|| (i + 3, key3(chars[i], chars[i + 1], chars[i + 2])));
                p.into_iter().chain(t)
            };
            let mut cover: Vec<(u32, u64)> = Vec::new();
            let mut reached = 0;
            while reached < k {
                let best = (0..=reached)
                    .flat_map(|i| starting(i).map(move |(end, key)| (end, i, key)))
                    .filter(|&(end, _, _)| end > reached)
                    .max_by_key(|&(end, i, _)| (end, std::cmp::Reverse(i)));
                // Always some piece, by the argument above.
                let Some((end, i, key)) = best else { break };
                cover.push((i as u32, key));
                reached = end;
            }
            if cover.len() == 1 {
                // One trigram: its posting is the answer.
                return TermKeys {
                    keys: vec![cover[0].1],
                    cover: Vec::new(),
                };
            }
            let mut keys: Vec<u64> = Vec::with_capacity(cover.len());
            for &(_, k) in &cover {
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
            TermKeys { keys, cover }
        }
    }
}

/// Which articles a search may return.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// A channel id: the channel and its sub-channels.
    pub channel: Option<String>,
    /// First and last publish day (Asia/Shanghai), inclusive.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// One query: the terms (already parsed), the filter and the order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pub terms: Vec<Term>,
    pub filter: Filter,
    pub sort: Sort,
    /// How many leading results must be in order (the pages up to the one
    /// on screen); the rest are only counted. 0: all of them.
    pub ordered: usize,
}

/// The files of the index a caller has fetched so far, by path.
pub trait Pieces {
    fn get(&self, path: &str) -> Option<&[u8]>;
}

impl Pieces for HashMap<String, Vec<u8>> {
    fn get(&self, path: &str) -> Option<&[u8]> {
        HashMap::get(self, path).map(Vec::as_slice)
    }
}

/// Where one key's data is.
enum Located<'p> {
    Found(String, &'p [u8]),
    /// In no article.
    Absent,
    /// A file must be fetched first (its path is in `missing`).
    Pending,
}

fn locate<'p>(
    meta: &Meta,
    pieces: &'p impl Pieces,
    k: u64,
    positions: bool,
    own: Option<&OwnKeys>,
    missing: &mut Vec<String>,
) -> Result<Located<'p>, DataError> {
    let bucket = bucket_of(k, meta.buckets);
    // A key known to have files of its own: straight to them.
    if let Some(part) = own.and_then(|o| o.part(k)) {
        return Ok(own_located(
            pieces,
            own_file(positions, bucket, part, k),
            missing,
        ));
    }
    let path = bucket_file(positions, bucket);
    let Some(data) = pieces.get(&path) else {
        push_once(missing, path);
        return Ok(Located::Pending);
    };
    match find_in_bucket(&path, data, k)? {
        Entry::Absent => Ok(Located::Absent),
        Entry::Inline(bytes) => Ok(Located::Found(path, bytes)),
        Entry::Own(part) => Ok(own_located(
            pieces,
            own_file(positions, bucket, part, k),
            missing,
        )),
    }
}

/// A key's own file: found, or asked for.
fn own_located<'p>(
    pieces: &'p impl Pieces,
    path: String,
    missing: &mut Vec<String>,
) -> Located<'p> {
    match pieces.get(&path) {
        Some(bytes) => Located::Found(path, bytes),
        None => {
            push_once(missing, path);
            Located::Pending
        }
    }
}

fn push_once(list: &mut Vec<String>, path: String) {
    if !list.contains(&path) {
        list.push(path);
    }
}

/// The way of a term indexed whole, when the list of keys with files of
/// their own has it and its file is not another text's; `None`: prove the
/// term from its pieces.
fn phrase_way<'p>(
    meta: &Meta,
    pieces: &'p impl Pieces,
    own: Option<&OwnKeys>,
    cache: &mut Decoded,
    text: &str,
    missing: &mut Vec<String>,
) -> Result<Option<Way<'p>>, DataError> {
    let k = phrase_key(text);
    if own.and_then(|o| o.part(k)).is_none() {
        return Ok(None);
    }
    let post = match cache.postings.get(&k) {
        Some(p) if cache.phrases.get(&k).is_some_and(|t| **t == *text) => Some(p.clone()),
        // Decoded for another text of the same hash: this one is no phrase.
        Some(_) => return Ok(None),
        None => match locate(meta, pieces, k, false, own, missing)? {
            Located::Found(path, bytes) => match decode_phrase(&path, bytes, text)? {
                Some((p, rest)) => {
                    cache.top_cards(&path, rest)?;
                    cache.phrases.insert(k, text.into());
                    Some(cache.posting(k, p))
                }
                None => return Ok(None),
            },
            Located::Pending => None,
            Located::Absent => return Ok(None),
        },
    };
    Ok(Some(Way {
        tk: TermKeys {
            keys: vec![k],
            cover: Vec::new(),
        },
        posts: vec![post],
        positions: Vec::new(),
        absent: false,
    }))
}

/// A ranked result: the article number, and what ranked it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    pub doc: u32,
    /// Terms whose every key occurs in the title.
    pub title_terms: u32,
    /// Sum of the weights of every key of every term.
    pub score: u32,
}

/// The outcome of running a query over the pieces fetched so far.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// These files are needed first (fetch them all, then run again).
    Need(Vec<String>),
    /// The results, in order.
    Done(Vec<Hit>),
}

/// Run `query`, or say which files it still needs. Call again with more
/// pieces until it is done; a query needs at most three rounds (buckets,
/// large keys' own files, nothing else).
pub fn run(meta: &Meta, query: &Query, pieces: &impl Pieces) -> Result<Outcome, DataError> {
    run_cached(meta, query, pieces, &mut Decoded::default())
}

/// A term's postings, key by key (`None`: not fetched yet).
type Postings = Vec<Option<Arc<Posting>>>;

/// A key's positions: decoded before, still raw, or not fetched yet.
enum Pos<'p> {
    Decoded(Arc<Flat>),
    Raw(String, &'p [u8]),
    Missing,
}

/// [`run`], keeping what it decodes in `cache` for the next query.
pub fn run_cached(
    meta: &Meta,
    query: &Query,
    pieces: &impl Pieces,
    cache: &mut Decoded,
) -> Result<Outcome, DataError> {
    run_widened(meta, query, &[], pieces, cache)
}

/// One way of matching a term: its keys, their postings and the cover
/// keys' positions; `absent` when a key is in no article.
struct Way<'p> {
    tk: TermKeys,
    posts: Postings,
    positions: Vec<Pos<'p>>,
    absent: bool,
}

/// [`run_cached`] where some terms may also be matched by others
/// (synonyms, issue #14): `widen` lists, by term index, the alternatives.
/// An article matches a term when it contains the term or any of its
/// alternatives, so every result still holds each term or a named
/// alternative; ranking takes the best of them.
pub fn run_widened(
    meta: &Meta,
    query: &Query,
    widen: &[(usize, Vec<Term>)],
    pieces: &impl Pieces,
    cache: &mut Decoded,
) -> Result<Outcome, DataError> {
    meta.check()?;
    cache.trim();
    let mut missing = Vec::new();
    // The list of keys with files of their own (the search worker fetches
    // it with `meta.json`). It names the split pairs, so a term's pieces
    // are chosen only once it is here.
    if let (None, Some(count)) = (&cache.own, meta.own_keys) {
        match pieces.get(OWN) {
            Some(data) => cache.own = Some(Arc::new(OwnKeys::decode(data, meta.buckets, count)?)),
            None => return Ok(Outcome::Need(vec![OWN.to_string()])),
        }
    }
    let own = cache.own.clone();
    let own = own.as_deref();
    let split = |k: u64| own.is_some_and(|o| o.is_split(k));
    // Per term, every way of matching it.
    let mut slots: Vec<Vec<Way>> = Vec::new();
    for (i, t) in query.terms.iter().enumerate() {
        let alternatives = widen
            .iter()
            .filter(|(at, _)| *at == i)
            .flat_map(|(_, alts)| alts.iter());
        let mut ways = Vec::new();
        for text in std::iter::once(&t.text).chain(alternatives.map(|a| &a.text)) {
            let tk = term_keys(text, split);
            if tk.keys.is_empty() {
                continue;
            }
            // A frequent term indexed whole: its posting alone decides.
            if !tk.cover.is_empty() {
                if let Some(way) = phrase_way(meta, pieces, own, cache, text, &mut missing)? {
                    ways.push(way);
                    continue;
                }
            }
            let mut posts = Vec::new();
            let mut absent = false;
            for &k in &tk.keys {
                if let Some(p) = cache.postings.get(&k) {
                    posts.push(Some(p.clone()));
                    continue;
                }
                match locate(meta, pieces, k, false, own, &mut missing)? {
                    Located::Found(path, bytes) => {
                        let (p, rest) = decode_posting(&path, bytes)?;
                        cache.top_cards(&path, rest)?;
                        posts.push(Some(cache.posting(k, p)));
                    }
                    Located::Absent => {
                        absent = true; // the key is in no article
                        posts.push(None);
                    }
                    Located::Pending => posts.push(None),
                }
            }
            let mut positions = Vec::new();
            for &(_, k) in &tk.cover {
                if let Some(f) = cache.positions.get(&k) {
                    positions.push(Pos::Decoded(f.clone()));
                    continue;
                }
                match locate(meta, pieces, k, true, own, &mut missing)? {
                    Located::Found(path, bytes) => positions.push(Pos::Raw(path, bytes)),
                    _ => positions.push(Pos::Missing),
                }
            }
            ways.push(Way {
                tk,
                posts,
                positions,
                absent,
            });
        }
        if !ways.is_empty() {
            slots.push(ways);
        }
    }
    // A term no way of which is in any article: nothing matches, whatever
    // else is missing.
    let empty = slots.iter().any(|ways| ways.iter().all(|w| w.absent));
    // Filters' files.
    let channel_docs = match &query.filter.channel {
        Some(id) => {
            let path = channel_file(id);
            match pieces.get(&path) {
                Some(data) => Some(decode_doc_list(&path, data)?),
                None => {
                    push_once(&mut missing, path);
                    None
                }
            }
        }
        None => None,
    };
    let dates = if query.filter.from.is_some() || query.filter.to.is_some() {
        match pieces.get(DATES) {
            Some(data) => Some(decode_runs(data)?),
            None => {
                push_once(&mut missing, DATES.to_string());
                None
            }
        }
    } else {
        None
    };
    let views = if query.sort == Sort::MostViewed {
        match pieces.get(VIEWS) {
            Some(data) => Some(decode_views(data, meta.docs)?),
            None => {
                push_once(&mut missing, VIEWS.to_string());
                None
            }
        }
    } else {
        None
    };
    if empty {
        return Ok(Outcome::Done(Vec::new()));
    }
    if !missing.is_empty() {
        return Ok(Outcome::Need(missing));
    }

    // Candidates: per term, the articles holding all the keys of one of
    // its ways, each with (all keys in the title, weight sum).
    let mut hits: Option<Vec<Hit>> = None;
    for ways in slots {
        let prev: Option<Vec<u32>> = hits.as_ref().map(|h| h.iter().map(|h| h.doc).collect());
        let mut slot: Vec<Hit> = Vec::new();
        for way in ways.into_iter().filter(|w| !w.absent) {
            let found = match_way(meta, way, prev.as_deref(), cache)?;
            slot = union_best(&slot, &found);
        }
        let next = match &hits {
            None => slot,
            Some(h) => {
                // Both ascending by article: add up where both hold it.
                let mut out = Vec::with_capacity(slot.len().min(h.len()));
                let mut it = h.iter().peekable();
                for s in slot {
                    while it.peek().is_some_and(|p| p.doc < s.doc) {
                        it.next();
                    }
                    if let Some(p) = it.peek().filter(|p| p.doc == s.doc) {
                        out.push(Hit {
                            doc: s.doc,
                            title_terms: s.title_terms + p.title_terms,
                            score: s.score + p.score,
                        });
                    }
                }
                out
            }
        };
        hits = Some(next);
    }

    let ranges = dates
        .as_ref()
        .map(|runs| runs.ranges(query.filter.from, query.filter.to));
    let mut hits: Vec<Hit> = match hits {
        Some(h) => h,
        None => (0..meta.docs)
            .map(|doc| Hit {
                doc,
                title_terms: 0,
                score: 0,
            })
            .collect(),
    };
    if let Some(ch) = &channel_docs {
        let keep: Vec<u32> = intersect(&hits.iter().map(|h| h.doc).collect::<Vec<_>>(), ch);
        let mut k = keep.iter().peekable();
        hits.retain(|h| {
            while k.peek().is_some_and(|&&d| d < h.doc) {
                k.next();
            }
            k.peek() == Some(&&h.doc)
        });
    }
    if let Some(ranges) = &ranges {
        hits.retain(|h| in_ranges(ranges, h.doc));
    }
    match query.sort {
        Sort::Relevance => order(&mut hits, query.ordered, by_relevance),
        Sort::Newest => {} // article order is newest first
        Sort::Oldest => hits.reverse(),
        Sort::MostViewed => {
            let views = views.unwrap_or_default();
            let v = |d: u32| views.get(d as usize).copied().flatten();
            order(&mut hits, query.ordered, |a, b| {
                match (v(a.doc), v(b.doc)) {
                    (Some(x), Some(y)) => y.cmp(&x).then(a.doc.cmp(&b.doc)),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => a.doc.cmp(&b.doc),
                }
            });
        }
    }
    Ok(Outcome::Done(hits))
}

/// The articles (ascending) holding one way of a term, among `within`
/// when given, with their title flag (as 0/1) and weight sum.
fn match_way(
    meta: &Meta,
    way: Way,
    within: Option<&[u32]>,
    cache: &mut Decoded,
) -> Result<Vec<Hit>, DataError> {
    let Way {
        tk,
        posts,
        positions,
        ..
    } = way;
    let posts: Vec<Arc<Posting>> = posts.into_iter().flatten().collect();
    let posts: Vec<&Posting> = posts.iter().map(|p| &**p).collect();
    let Some(first) = posts.first() else {
        return Ok(Vec::new());
    };
    let mut docs = first.docs.clone();
    for p in &posts[1..] {
        docs = intersect(&docs, &p.docs);
    }
    if let Some(prev) = within {
        docs = intersect(&docs, prev);
    }
    if !tk.cover.is_empty() && !docs.is_empty() {
        let mut flats = Vec::with_capacity(positions.len());
        for (pos, &(_, k)) in positions.into_iter().zip(&tk.cover) {
            let at = tk.keys.iter().position(|&x| x == k).unwrap_or(0);
            flats.push(match pos {
                Pos::Decoded(f) => f,
                Pos::Raw(path, data) => {
                    let p = posts
                        .get(at)
                        .ok_or_else(|| DataError::new(&path, "", "搜索索引缺少位置数据"))?;
                    let f = decode_positions(&path, data, p)?;
                    cache.flat(k, f)
                }
                // A posting without positions: the index is damaged.
                Pos::Missing => {
                    return Err(DataError::new(
                        &bucket_file(true, bucket_of(k, meta.buckets)),
                        "",
                        "搜索索引缺少位置数据",
                    ))
                }
            });
        }
        docs = verify(&tk, &posts, &flats, &docs)?;
    }
    let mut out = Vec::with_capacity(docs.len());
    let mut cursors = vec![0usize; posts.len()];
    for &d in &docs {
        let mut score = 0u32;
        let mut all_title = true;
        for (p, c) in posts.iter().zip(cursors.iter_mut()) {
            while p.docs[*c] < d {
                *c += 1;
            }
            let w = p.weights[*c];
            score += u32::from(w & !IN_TITLE);
            all_title &= w & IN_TITLE != 0;
        }
        out.push(Hit {
            doc: d,
            title_terms: u32::from(all_title),
            score,
        });
    }
    Ok(out)
}

/// Two ascending hit lists as one, keeping the better of an article's two.
fn union_best(a: &[Hit], b: &[Hit]) -> Vec<Hit> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(a.len() + b.len());
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x.doc == y.doc => {
                let better = (x.title_terms, x.score) >= (y.title_terms, y.score);
                out.push(if better { *x } else { *y });
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x.doc < y.doc => {
                out.push(*x);
                i += 1;
            }
            (Some(x), None) => {
                out.push(*x);
                i += 1;
            }
            (_, Some(y)) => {
                out.push(*y);
                j += 1;
            }
            (None, None) => break,
        }
    }
    out
}

/// 相关度: more terms in the title first, then the weight, then newer.
fn by_relevance(a: &Hit, b: &Hit) -> std::cmp::Ordering {
    b.title_terms
        .cmp(&a.title_terms)
        .then(b.score.cmp(&a.score))
        .then(a.doc.cmp(&b.doc))
}

/// Sort `hits`, or only their first `ordered` when that is fewer: a
/// search of 100,000 results shows ten of them.
fn order(hits: &mut [Hit], ordered: usize, cmp: impl Fn(&Hit, &Hit) -> std::cmp::Ordering) {
    if ordered == 0 || ordered >= hits.len() {
        hits.sort_unstable_by(cmp);
    } else {
        hits.select_nth_unstable_by(ordered, &cmp);
        hits[..ordered].sort_unstable_by(cmp);
    }
}

/// Keep the candidates in which the term's cover pairs sit at their
/// offsets from one common start.
fn verify(
    tk: &TermKeys,
    posts: &[&Posting],
    flats: &[Arc<Flat>],
    docs: &[u32],
) -> Result<Vec<u32>, DataError> {
    // For each cover key: its offset, posting, positions and a cursor into
    // the posting (candidates and postings are both ascending).
    let mut lists: Vec<(u32, &Posting, &Flat, usize)> = tk
        .cover
        .iter()
        .zip(flats)
        .map(|(&(off, k), f)| {
            let at = tk.keys.iter().position(|&x| x == k).unwrap_or(0);
            (off, posts[at], &**f, 0)
        })
        .collect();
    for (_, p, f, _) in &lists {
        if f.starts.len() != p.docs.len() + 1 {
            return Err(DataError::new(
                "search/p",
                "",
                "搜索索引的位置数据与文章不符",
            ));
        }
    }
    let mut out = Vec::new();
    // Per cover pair, the positions in the article at hand.
    let mut at: Vec<(u32, &[u32])> = Vec::with_capacity(lists.len());
    for &d in docs {
        for (_, p, _, c) in lists.iter_mut() {
            while *c < p.docs.len() && p.docs[*c] < d {
                *c += 1;
            }
        }
        if lists.iter().any(|(_, p, _, c)| p.docs.get(*c) != Some(&d)) {
            continue;
        }
        at.clear();
        at.extend(lists.iter().map(|(off, _, f, c)| (*off, f.of(*c))));
        if starts_together(&mut at) {
            out.push(d);
        }
    }
    Ok(out)
}

/// Whether some start `s` has every pair `(off, positions)` at `s + off`.
/// The pair with the fewest positions proposes the starts, in ascending
/// order, and each other list is walked once alongside (a common pair such
/// as 人民 may sit hundreds of times in a statute; the rarer one decides).
fn starts_together(at: &mut [(u32, &[u32])]) -> bool {
    let Some(lead) = (0..at.len()).min_by_key(|&i| at[i].1.len()) else {
        return false;
    };
    at.swap(0, lead);
    let ((lead_off, lead_pos), rest) = at.split_first_mut().expect("not empty");
    'starts: for &p in *lead_pos {
        let Some(start) = p.checked_sub(*lead_off) else {
            continue;
        };
        for (off, pos) in rest.iter_mut() {
            let want = start.saturating_add(*off);
            // Later starts want later positions: what is passed is dropped.
            let skip = pos.partition_point(|&x| x < want);
            *pos = &pos[skip..];
            match pos.first() {
                None => return false,
                Some(&x) if x != want => continue 'starts,
                Some(_) => {}
            }
        }
        return true;
    }
    false
}

fn intersect(a: &[u32], b: &[u32]) -> Vec<u32> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(a.len().min(b.len()));
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

/// Publish days in article order, as runs: varint(n), then n × (zigzag
/// varint day delta, varint count); days count from 1970-01-01 (Beijing).
struct Runs(Vec<(i64, u32)>);

impl Runs {
    /// The article-number ranges `[start, end)` published within the days.
    fn ranges(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Vec<(u32, u32)> {
        let mut out: Vec<(u32, u32)> = Vec::new();
        let mut start = 0u32;
        for &(day, n) in &self.0 {
            let date = day
                .checked_add(i64::from(EPOCH_CE))
                .and_then(|d| i32::try_from(d).ok())
                .and_then(NaiveDate::from_num_days_from_ce_opt);
            let inside = date
                .is_some_and(|date| from.is_none_or(|f| date >= f) && to.is_none_or(|t| date <= t));
            let end = start.saturating_add(n);
            if inside {
                match out.last_mut() {
                    Some(last) if last.1 == start => last.1 = end,
                    _ => out.push((start, end)),
                }
            }
            start = end;
        }
        out
    }
}

fn in_ranges(ranges: &[(u32, u32)], doc: u32) -> bool {
    let i = ranges.partition_point(|r| r.1 <= doc);
    ranges.get(i).is_some_and(|r| r.0 <= doc)
}

/// Days from 0001-01-01 to 1970-01-01.
const EPOCH_CE: i32 = 719_163;

fn decode_runs(data: &[u8]) -> Result<Runs, DataError> {
    let mut r = Reader::new(DATES, data);
    let n = r.varint()? as usize;
    let mut runs = Vec::with_capacity(n.min(data.len()));
    let mut day = 0i64;
    for _ in 0..n {
        let z = r.varint()?;
        let delta = (z >> 1) as i64 ^ -((z & 1) as i64);
        day = day.checked_add(delta).ok_or_else(|| r.broken())?;
        runs.push((day, r.u32()?));
    }
    Ok(Runs(runs))
}

/// Views in article order: varint(views + 1), 0 when unknown.
fn decode_views(data: &[u8], docs: u32) -> Result<Vec<Option<u64>>, DataError> {
    let mut r = Reader::new(VIEWS, data);
    let mut out = Vec::with_capacity((docs as usize).min(data.len()));
    while !r.done() {
        let v = r.varint()?;
        out.push(v.checked_sub(1));
    }
    Ok(out)
}

// ---------------------------------------------------------------- builder

/// One article's keys: for each, title and body counts and positions.
#[derive(Clone, Debug, Default)]
pub struct DocKeys {
    /// `(key, title count, body count, number of positions)`, by key.
    keys: Vec<(u64, u32, u32, u32)>,
    /// The positions of the keys, one key after the other, each ascending.
    positions: Vec<u32>,
    title_len: u32,
    body_len: u32,
}

/// Cut one article (title and body text, not yet normalised) into keys:
/// its characters and pairs. Pure and independent per article, so the
/// compiler runs it in parallel.
pub fn doc_keys(title: &str, body: &str) -> DocKeys {
    cut(title, body, None)
}

/// The trigrams of one article that hold a split pair (see
/// [`IndexBuilder::split`]), for [`IndexBuilder::add_trigrams`].
pub fn trigram_keys(title: &str, body: &str, split: &FxHashSet<u64>) -> DocKeys {
    cut(title, body, Some(split))
}

/// [`doc_keys`], or with `split` given, [`trigram_keys`].
fn cut(title: &str, body: &str, split: Option<&FxHashSet<u64>>) -> DocKeys {
    /// Marks the occurrence of a single character: it stores no position.
    const SINGLE: u32 = 1 << 31;
    let title = normalize_text(title);
    let body = normalize_text(body);
    let title_len = title.chars().count() as u32;
    // Every occurrence as (key, position), sorted: one allocation per
    // article, not one per key (thousands in a long article).
    let mut all: Vec<(u64, u32)> = Vec::with_capacity(title.len() + body.len());
    let mut pos = 0u32;
    for text in [&title, &body] {
        // The two characters before this one, and whether the pair they
        // make is split.
        let mut prev: Option<char> = None;
        let mut before: Option<(char, bool)> = None;
        for c in text.chars() {
            match split {
                None => {
                    if c != ' ' {
                        all.push((key(c, '\0'), pos | SINGLE));
                    }
                    if let Some(p) = prev {
                        all.push((key(p, c), pos - 1));
                    }
                }
                Some(split) => {
                    let pair_split = prev.is_some_and(|p| split.contains(&key(p, c)));
                    if let (Some((a, a_split)), Some(b)) = (before, prev) {
                        if a_split || pair_split {
                            all.push((key3(a, b, c), pos - 2));
                        }
                    }
                    before = prev.map(|p| (p, pair_split));
                }
            }
            prev = Some(c);
            pos += 1;
        }
        // A gap: no pair spans the title and the body.
        pos += 1;
    }
    all.sort_unstable();
    let mut keys = Vec::new();
    let mut positions = Vec::with_capacity(all.len() / 2);
    for run in all.chunk_by(|a, b| a.0 == b.0) {
        let (mut t, mut b, mut n) = (0, 0, 0);
        for &(_, p) in run {
            let at = p & !SINGLE;
            // The title's characters come first, then the gap.
            if at < title_len {
                t += 1;
            } else {
                b += 1;
            }
            if p & SINGLE == 0 {
                positions.push(at);
                n += 1;
            }
        }
        keys.push((run[0].0, t, b, n));
    }
    DocKeys {
        keys,
        positions,
        title_len,
        body_len: body.chars().count() as u32,
    }
}

/// The keys of a bulletin as the compiler indexes it: its title, and its
/// body blocks' text one per line.
pub fn bulletin_keys(b: &Bulletin) -> DocKeys {
    doc_keys(&b.title, &body_text(b))
}

/// The trigrams of a bulletin that hold a split pair, cut from the same
/// text as [`bulletin_keys`].
pub fn bulletin_trigrams(b: &Bulletin, split: &FxHashSet<u64>) -> DocKeys {
    trigram_keys(&b.title, &body_text(b), split)
}

/// A bulletin's body as the index reads it: its blocks' text, one per line.
fn body_text(b: &Bulletin) -> String {
    let body: Vec<_> = b.body.iter().map(|block| block.text()).collect();
    body.join("\n")
}

/// A bulletin's publish day, in Beijing, as the date filter reads it.
pub fn publish_day(b: &Bulletin) -> NaiveDate {
    b.published.with_timezone(&SHANGHAI).date_naive()
}

/// A whole index held in memory, every piece present: for tests and
/// native tools.
pub struct InMemory {
    pub meta: Meta,
    pub files: HashMap<String, Vec<u8>>,
}

impl InMemory {
    /// Index `bulletins` (newest first, as the store keeps them); `channels`
    /// as for [`IndexBuilder::finish`].
    pub fn build(bulletins: &[Bulletin], channels: &[(String, Vec<u32>)]) -> InMemory {
        Self::build_with(bulletins, channels, &[])
    }

    /// [`InMemory::build`], with `phrases` (normalised terms) indexed
    /// whole wherever they occur, however cheap their pairs. Own files
    /// carry their first page of cards, as the compiler writes them.
    pub fn build_with(
        bulletins: &[Bulletin],
        channels: &[(String, Vec<u32>)],
        phrases: &[&str],
    ) -> InMemory {
        Self::build_split(bulletins, channels, phrases, SPLIT_BYTES)
    }

    /// [`InMemory::build_with`], splitting the pairs whose positions pass
    /// `split_bytes` (0: every pair that occurs; `usize::MAX`: none).
    pub fn build_split(
        bulletins: &[Bulletin],
        channels: &[(String, Vec<u32>)],
        phrases: &[&str],
        split_bytes: usize,
    ) -> InMemory {
        let mut builder = IndexBuilder::new();
        builder.split_bytes = split_bytes;
        for b in bulletins {
            builder.add(bulletin_keys(b), publish_day(b), b.views);
        }
        let split = builder.split();
        for (doc, b) in bulletins.iter().enumerate() {
            builder.add_trigrams(doc as u32, bulletin_trigrams(b, &split));
        }
        builder.cards(
            bulletins
                .iter()
                .map(|b| serde_json::to_string(&crate::compiled::Entry::new(b, false)))
                .collect::<Result<_, _>>()
                .unwrap_or_default(),
        );
        for (t, p) in phrases.iter().zip(builder.phrases(phrases, 0)) {
            if let Some(p) = p {
                builder.add_phrase(t, p);
            }
        }
        let mut files = HashMap::new();
        let meta = builder
            .finish::<std::convert::Infallible>(channels, |path, data| {
                files.insert(path.to_string(), data.to_vec());
                Ok(())
            })
            .unwrap_or_else(|e| match e {});
        InMemory { meta, files }
    }

    pub fn search(&self, query: &Query) -> Result<Vec<Hit>, DataError> {
        match run(&self.meta, query, &self.files)? {
            Outcome::Done(hits) => Ok(hits),
            // Every piece is present, so only an unwritten one is missing.
            Outcome::Need(paths) => Err(DataError::new(&paths.join(", "), "", "搜索索引缺少文件")),
        }
    }
}

/// Everything known about one key while the archive is read.
#[derive(Default)]
struct Acc {
    /// varint(doc delta), varint(title tf), varint(body tf) per article.
    docs: Vec<u8>,
    positions: Vec<u8>,
    last: u32,
    n: u32,
}

/// A frequent term's posting, worked out by [`IndexBuilder::phrase`].
pub struct Phrase {
    acc: Acc,
    saves: usize,
}

impl Phrase {
    /// Bytes a query for the term saves when it is indexed whole: its
    /// pairs' positions, less its posting (both uncompressed).
    pub fn saves(&self) -> usize {
        self.saves
    }
}

/// Collects articles in order (newest first) and writes the index files:
/// [`IndexBuilder::add`] every article, then [`IndexBuilder::split`], then
/// [`IndexBuilder::add_trigrams`] every article, then phrases and cards,
/// then [`IndexBuilder::finish`].
pub struct IndexBuilder {
    keys: FxHashMap<u64, Acc>,
    /// Pairs whose positions pass this are split ([`SPLIT_BYTES`]).
    pub split_bytes: usize,
    /// The split pairs, once [`IndexBuilder::split`] has chosen them.
    split: Arc<FxHashSet<u64>>,
    /// The text of each phrase key (see [`IndexBuilder::phrase`]).
    phrases: HashMap<u64, String>,
    /// Each article's result card, JSON (see [`IndexBuilder::cards`]).
    cards: Vec<String>,
    lens: Vec<(u32, u32)>,
    days: Vec<i64>,
    views: Vec<Option<u64>>,
}

/// BM25 parameters, as the in-memory index used.
const K1: f32 = 1.2;
const B: f32 = 0.75;
const TITLE_WEIGHT: f32 = 3.0;

impl Default for IndexBuilder {
    fn default() -> Self {
        IndexBuilder {
            keys: FxHashMap::default(),
            split_bytes: SPLIT_BYTES,
            split: Arc::default(),
            phrases: HashMap::new(),
            cards: Vec::new(),
            lens: Vec::new(),
            days: Vec::new(),
            views: Vec::new(),
        }
    }
}

impl IndexBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add the next article (numbers are given in call order).
    pub fn add(&mut self, keys: DocKeys, day: NaiveDate, views: Option<u64>) {
        let doc = self.lens.len() as u32;
        let lens = (keys.title_len, keys.body_len);
        self.put_keys(doc, keys);
        self.lens.push(lens);
        self.days
            .push(i64::from(day.num_days_from_ce()) - i64::from(EPOCH_CE));
        self.views.push(views);
    }

    /// Choose the split pairs, once every article is added: those whose
    /// positions pass [`IndexBuilder::split_bytes`]. Their positions are
    /// dropped; give every article's [`trigram_keys`] to
    /// [`IndexBuilder::add_trigrams`] next.
    pub fn split(&mut self) -> Arc<FxHashSet<u64>> {
        let mut split = FxHashSet::default();
        for (&k, acc) in self.keys.iter_mut() {
            if is_pair(k) && acc.positions.len() >= self.split_bytes.max(1) {
                split.insert(k);
                acc.positions = Vec::new();
            }
            // What the growing left unused goes to the trigrams (at
            // 100,000 articles the build's peak is the two cuts together).
            acc.docs.shrink_to_fit();
            acc.positions.shrink_to_fit();
        }
        self.split = Arc::new(split);
        self.split.clone()
    }

    /// Add article `doc`'s trigrams ([`trigram_keys`] with the set
    /// [`IndexBuilder::split`] returned), in article order.
    pub fn add_trigrams(&mut self, doc: u32, keys: DocKeys) {
        self.put_keys(doc, keys);
    }

    fn put_keys(&mut self, doc: u32, keys: DocKeys) {
        let mut at = 0;
        for (k, t, b, n) in keys.keys {
            let ps = keys.positions.get(at..at + n as usize).unwrap_or_default();
            at += n as usize;
            let acc = self.keys.entry(k).or_default();
            // `last` is 0 before the first article, so the first is absolute.
            put_varint(&mut acc.docs, u64::from(doc - acc.last));
            put_varint(&mut acc.docs, u64::from(t));
            put_varint(&mut acc.docs, u64::from(b));
            // A single character needs no positions, ever.
            if !(ps.is_empty() && k & 0x1F_FFFF == 0) {
                put_ascending(&mut acc.positions, ps);
            }
            acc.last = doc;
            acc.n += 1;
        }
    }

    /// `term` (normalised) indexed whole, when proving it from its pieces
    /// would fetch at least `min_bytes` of positions ([`PHRASE_MIN_BYTES`]
    /// in the compiler) and it occurs at all. Call after every article is
    /// added; reads only. The compiler works out many at once with
    /// [`IndexBuilder::phrases`], then adds them with
    /// [`IndexBuilder::add_phrase`].
    pub fn phrase(&self, term: &str, min_bytes: usize) -> Option<Phrase> {
        self.phrases(&[term], min_bytes).pop().flatten()
    }

    /// [`IndexBuilder::phrase`] of each of `terms`, in one walk over the
    /// articles: a pair is read once for all the terms that need it, not
    /// once per term (人民 is a cover pair of 人民政府, 人民法院, 人民群众 and
    /// hundreds more). A term is looked at only in the articles of its
    /// rarest pair, and a pair's positions are decoded only in articles
    /// that have all the cover pairs of some term; elsewhere they are
    /// skipped.
    pub fn phrases(&self, terms: &[&str], min_bytes: usize) -> Vec<Option<Phrase>> {
        /// A cover pair read in article order, shared by its terms.
        struct Pair<'a> {
            docs: Reader<'a, 'static>,
            pos: Reader<'a, 'static>,
            left: u32,
            doc: u32,
            /// The current article's positions are still unread.
            unread: bool,
            at: Vec<u32>,
            /// The terms (indexes into `jobs`) whose rarest cover pair
            /// this is: they are checked where it is.
            drives: Vec<u32>,
            /// 1 + the article it was last seen in.
            seen: u32,
        }
        impl Pair<'_> {
            /// Move to the next article holding the pair; false at the end.
            /// The positions of an article passed over are skipped, not
            /// decoded.
            fn next(&mut self) -> bool {
                if self.left == 0 {
                    return false;
                }
                if self.unread {
                    let n = self.pos.varint().unwrap_or(0);
                    self.pos.skip_varints(n);
                }
                self.left -= 1;
                let (Ok(d), Ok(_), Ok(_)) =
                    (self.docs.u32(), self.docs.varint(), self.docs.varint())
                else {
                    return false;
                };
                self.doc += d;
                self.unread = true;
                true
            }

            /// Read the current article's positions into `at`.
            fn read(&mut self) {
                if self.unread {
                    self.unread = false;
                    self.at.clear();
                    let n = self.pos.varint().unwrap_or(0);
                    let mut p = 0;
                    for _ in 0..n {
                        p = self.pos.after(p).unwrap_or(p);
                        self.at.push(p);
                    }
                }
            }
        }
        /// A term being worked out.
        struct Job {
            /// `(offset, pair)` of its cover, the pair an index into `pairs`.
            cover: Vec<(u32, u32)>,
            cost: usize,
            out: Acc,
        }
        let mut pairs: Vec<Pair> = Vec::new();
        let mut index: FxHashMap<u64, u32> = FxHashMap::default();
        let mut jobs: Vec<Option<Job>> = Vec::with_capacity(terms.len());
        for (i, term) in terms.iter().enumerate() {
            let Some(cost) = self.phrase_cost(term).filter(|&c| c >= min_bytes) else {
                jobs.push(None);
                continue;
            };
            let tk = term_keys(term, |k| self.split.contains(&k));
            let cover = tk
                .cover
                .iter()
                .map(|&(off, k)| {
                    let p = *index.entry(k).or_insert_with(|| {
                        let acc = &self.keys[&k];
                        pairs.push(Pair {
                            docs: Reader::new("", &acc.docs),
                            pos: Reader::new("", &acc.positions),
                            left: acc.n,
                            doc: 0,
                            unread: false,
                            at: Vec::new(),
                            drives: Vec::new(),
                            seen: 0,
                        });
                        (pairs.len() - 1) as u32
                    });
                    (off, p)
                })
                .collect::<Vec<_>>();
            // A term can only be where its rarest pair is.
            let rarest = cover
                .iter()
                .map(|&(_, p)| p)
                .min_by_key(|&p| pairs[p as usize].left);
            if let Some(p) = rarest {
                pairs[p as usize].drives.push(i as u32);
            }
            jobs.push(Some(Job {
                cover,
                cost,
                out: Acc::default(),
            }));
        }
        // Each pair waits at the next article it is in.
        let mut waiting: Vec<Vec<u32>> = vec![Vec::new(); self.lens.len()];
        for (i, p) in pairs.iter_mut().enumerate() {
            if p.next() {
                if let Some(w) = waiting.get_mut(p.doc as usize) {
                    w.push(i as u32);
                }
            }
        }
        for doc in 0..waiting.len() {
            let here = std::mem::take(&mut waiting[doc]);
            let mark = doc as u32 + 1;
            for &p in &here {
                pairs[p as usize].seen = mark;
            }
            let title_len = self.lens[doc].0;
            for &d in &here {
                for i in 0..pairs[d as usize].drives.len() {
                    let t = pairs[d as usize].drives[i];
                    let Some(job) = jobs[t as usize].as_mut() else {
                        continue;
                    };
                    // Only where the article has all its cover pairs.
                    if !job
                        .cover
                        .iter()
                        .all(|&(_, p)| pairs[p as usize].seen == mark)
                    {
                        continue;
                    }
                    for &(_, p) in &job.cover {
                        pairs[p as usize].read();
                    }
                    let Some((first, rest)) = job.cover.split_first() else {
                        continue;
                    };
                    let (mut title, mut body) = (0u32, 0u32);
                    // The first cover pair sits at offset 0: its positions are
                    // the candidate starts.
                    for &s in &pairs[first.1 as usize].at {
                        let found = rest.iter().all(|&(off, p)| {
                            pairs[p as usize].at.binary_search(&(s + off)).is_ok()
                        });
                        if found {
                            if s < title_len {
                                title += 1;
                            } else {
                                body += 1;
                            }
                        }
                    }
                    if title + body > 0 {
                        let out = &mut job.out;
                        put_varint(&mut out.docs, u64::from(doc as u32 - out.last));
                        put_varint(&mut out.docs, u64::from(title));
                        put_varint(&mut out.docs, u64::from(body));
                        out.last = doc as u32;
                        out.n += 1;
                    }
                }
            }
            for p in here {
                let pair = &mut pairs[p as usize];
                if pair.next() {
                    if let Some(w) = waiting.get_mut(pair.doc as usize) {
                        w.push(p);
                    }
                }
            }
        }
        jobs.into_iter()
            .map(|job| {
                let job = job?;
                (job.out.n > 0).then(|| Phrase {
                    saves: job.cost.saturating_sub(job.out.docs.len()),
                    acc: job.out,
                })
            })
            .collect()
    }

    /// Give each article's result card (JSON, as the card files hold it,
    /// in article order). Each own posting file then ends with the cards
    /// of its key's first page of results by relevance ([`TOP_CARDS`]),
    /// so a search for a common word or a phrase shows them without
    /// fetching card files.
    pub fn cards(&mut self, cards: Vec<String>) {
        self.cards = cards;
    }

    /// Bytes of positions (uncompressed) that prove `term` from its pieces:
    /// what indexing it whole would save at most, and about what working
    /// its posting out costs. `None` for a term of fewer than three
    /// characters, or one a pair of which is in no article.
    pub fn phrase_cost(&self, term: &str) -> Option<usize> {
        let tk = term_keys(term, |k| self.split.contains(&k));
        if tk.cover.is_empty() {
            return None;
        }
        tk.keys
            .iter()
            .map(|k| self.keys.get(k).map(|a| a.positions.len()))
            .sum()
    }

    /// Add a phrase worked out by [`IndexBuilder::phrase`] for `term`.
    /// False (and nothing added) when another phrase has the same key.
    pub fn add_phrase(&mut self, term: &str, phrase: Phrase) -> bool {
        let k = phrase_key(term);
        if self.keys.contains_key(&k) {
            return false;
        }
        self.keys.insert(k, phrase.acc);
        self.phrases.insert(k, term.to_string());
        true
    }

    /// Write every file: `emit(path, bytes)`. `channels` lists, per channel
    /// id, the article numbers of it and its sub-channels (ascending).
    /// Returns the index's description.
    pub fn finish<E>(
        self,
        channels: &[(String, Vec<u32>)],
        mut emit: impl FnMut(&str, &[u8]) -> Result<(), E>,
    ) -> Result<Meta, E> {
        let docs = self.lens.len() as u32;
        let n = docs.max(1) as f32;
        let avg = self
            .lens
            .iter()
            .map(|&(t, b)| TITLE_WEIGHT * t as f32 + b as f32)
            .sum::<f32>()
            / n;
        let avg = avg.max(1.0);
        let lens = self.lens;
        // Raw BM25F score of one (key, article); the weights are quantised
        // against the largest idf·(k1+1), which bounds every score.
        let score = |df: u32, doc: u32, t: u32, b: u32| -> f32 {
            let idf = (1.0 + (n - df as f32 + 0.5) / (df as f32 + 0.5)).ln();
            let (tl, bl) = lens[doc as usize];
            let len = TITLE_WEIGHT * tl as f32 + bl as f32;
            let tf = TITLE_WEIGHT * t as f32 + b as f32;
            idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / avg))
        };
        let top = (1.0 + (n + 0.5) / 1.5).ln() * (K1 + 1.0);

        // Each posting is re-encoded with its weights when its bucket is
        // written; first only its size is worked out, to size the buckets,
        // so the archive's postings are never held twice.
        let encode = |acc: &Acc| -> Vec<u8> {
            let mut r = Reader::new("", &acc.docs);
            let mut out = Vec::with_capacity(acc.docs.len());
            put_varint(&mut out, u64::from(acc.n));
            let mut doc = 0u32;
            for _ in 0..acc.n {
                let d = r.u32().unwrap_or(0);
                doc += d;
                let t = r.u32().unwrap_or(0);
                let b = r.u32().unwrap_or(0);
                let q = (score(acc.n, doc, t, b) / top * 127.0)
                    .round()
                    .clamp(1.0, 127.0) as u8;
                put_varint(&mut out, u64::from(d));
                out.push(q | if t > 0 { IN_TITLE } else { 0 });
            }
            out
        };
        let encoded_len = |acc: &Acc| -> usize {
            let mut r = Reader::new("", &acc.docs);
            let mut len = varint_len(u64::from(acc.n));
            for _ in 0..acc.n {
                len += varint_len(r.varint().unwrap_or(0)) + 1;
                let _ = r.varint();
                let _ = r.varint();
            }
            len
        };
        let mut keys = self.keys;
        let split = self.split;
        let phrases = self.phrases;
        let cards = self.cards;
        // The cards of the first page of a one-key search, ranked as the
        // query ranks it (scored as `match_way` scores one key).
        let with_top = |mut data: Vec<u8>, post: &[u8]| -> Vec<u8> {
            if cards.len() != docs as usize {
                return data;
            }
            let Ok((p, _)) = decode_posting("", post) else {
                return data;
            };
            let mut hits: Vec<Hit> = p
                .docs
                .iter()
                .zip(&p.weights)
                .map(|(&doc, &w)| Hit {
                    doc,
                    title_terms: u32::from(w & IN_TITLE != 0),
                    score: u32::from(w & !IN_TITLE),
                })
                .collect();
            order(&mut hits, TOP_CARDS, by_relevance);
            hits.truncate(TOP_CARDS);
            put_varint(&mut data, hits.len() as u64);
            for h in hits {
                let card = cards.get(h.doc as usize).map_or("", String::as_str);
                put_varint(&mut data, u64::from(h.doc));
                put_varint(&mut data, card.len() as u64);
                data.extend_from_slice(card.as_bytes());
            }
            data
        };
        // Each key with whether it has files of its own, by bucket once the
        // number of buckets is known (millions of keys: held once).
        let mut sized: Vec<(u32, u64, bool)> = Vec::with_capacity(keys.len());
        let mut inline_bytes = 0usize;
        for (&k, acc) in &keys {
            let len = encoded_len(acc);
            // Phrases and split pairs are always listed in [`OWN`]: a query
            // knows them from it.
            let own = len.max(acc.positions.len()) > OWN_FILE_BYTES
                || k & PHRASE != 0
                || split.contains(&k);
            if !own {
                inline_bytes += len + acc.positions.len();
            }
            sized.push((0, k, own));
        }
        let buckets = (inline_bytes / BUCKET_BYTES).max(1).next_power_of_two() as u32;
        for (b, k, _) in sized.iter_mut() {
            *b = bucket_of(*k, buckets);
        }
        sized.sort_unstable();
        let per_bucket = sized.chunk_by(|a, b| a.0 == b.0);
        let mut bytes = 0u64;
        let mut files = 0u32;
        // Listed in [`OWN`], with their split flag.
        let mut own_keys: Vec<(u64, bool)> = Vec::new();
        let mut put = |path: &str, data: &[u8]| {
            bytes += data.len() as u64;
            files += 1;
            emit(path, data)
        };
        let mut members_of = per_bucket.peekable();
        for bucket in 0..buckets {
            let members: &[(u32, u64, bool)] = match members_of.peek() {
                Some(m) if m[0].0 == bucket => members_of.next().unwrap_or(&[]),
                _ => &[],
            };
            let mut kfile = Vec::new();
            let mut pfile = Vec::new();
            put_varint(&mut kfile, members.len() as u64);
            put_varint(&mut pfile, members.len() as u64);
            let mut prev = 0u64;
            // Own files are numbered apart for the keys [`OWN`] lists and
            // for trigrams.
            let (mut listed, mut trigrams) = (0u32, 0u32);
            for &(_, k, own) in members {
                let Some(acc) = keys.remove(&k) else { continue };
                let is_split = split.contains(&k);
                let post = encode(&acc);
                let pos = acc.positions;
                put_varint(&mut kfile, k - prev);
                put_varint(&mut pfile, k - prev);
                prev = k;
                if own {
                    let counter = if is_trigram(k) {
                        &mut trigrams
                    } else {
                        own_keys.push((k, is_split));
                        &mut listed
                    };
                    let part = *counter;
                    *counter += 1;
                    let bare = phrases.contains_key(&k) || is_split;
                    let tag = u64::from(part) << 2 | u64::from(bare) << 1 | 1;
                    put_varint(&mut kfile, tag);
                    put_varint(&mut pfile, tag);
                    match phrases.get(&k) {
                        // A phrase has no positions; its text comes first.
                        Some(text) => {
                            let mut data = Vec::with_capacity(text.len() + 2 + post.len());
                            put_varint(&mut data, text.len() as u64);
                            data.extend_from_slice(text.as_bytes());
                            data.extend_from_slice(&post);
                            put(&own_file(false, bucket, part, k), &with_top(data, &post))?;
                        }
                        None => {
                            put(
                                &own_file(false, bucket, part, k),
                                &with_top(post.clone(), &post),
                            )?;
                            if !bare {
                                put(&own_file(true, bucket, part, k), &pos)?;
                            }
                        }
                    }
                } else {
                    put_varint(&mut kfile, (post.len() as u64) << 1);
                    kfile.extend_from_slice(&post);
                    put_varint(&mut pfile, (pos.len() as u64) << 1);
                    pfile.extend_from_slice(&pos);
                }
            }
            put(&bucket_file(false, bucket), &kfile)?;
            put(&bucket_file(true, bucket), &pfile)?;
        }
        own_keys.sort_unstable();
        let mut list = Vec::new();
        let listed: Vec<u64> = own_keys.iter().map(|&(k, _)| k).collect();
        put_ascending(&mut list, &listed);
        let split_at: Vec<u32> = (0..own_keys.len() as u32)
            .filter(|&i| own_keys[i as usize].1)
            .collect();
        put_ascending(&mut list, &split_at);
        put(OWN, &list)?;
        // Dates as runs.
        let mut runs: Vec<(i64, u32)> = Vec::new();
        for &d in &self.days {
            match runs.last_mut() {
                Some((day, n)) if *day == d => *n += 1,
                _ => runs.push((d, 1)),
            }
        }
        let mut dates = Vec::new();
        put_varint(&mut dates, runs.len() as u64);
        let mut prev = 0i64;
        for (day, count) in runs {
            let delta = day - prev;
            put_varint(&mut dates, ((delta << 1) ^ (delta >> 63)) as u64);
            put_varint(&mut dates, u64::from(count));
            prev = day;
        }
        put(DATES, &dates)?;
        let mut views = Vec::new();
        for v in &self.views {
            put_varint(&mut views, v.map_or(0, |v| v.saturating_add(1)));
        }
        put(VIEWS, &views)?;
        for (id, list) in channels {
            let mut out = Vec::new();
            put_ascending(&mut out, list);
            put(&channel_file(id), &out)?;
        }
        let mut years: Vec<i32> = self
            .days
            .iter()
            .filter_map(|&d| {
                let d = i32::try_from(d + i64::from(EPOCH_CE)).ok()?;
                NaiveDate::from_num_days_from_ce_opt(d).map(|d| d.year())
            })
            .collect();
        years.sort_unstable_by(|a, b| b.cmp(a));
        years.dedup();
        Ok(Meta {
            years,
            format: INDEX_FORMAT,
            docs,
            buckets,
            card_block: CARD_BLOCK as u32,
            bytes,
            files,
            aids: None,
            own_keys: Some(own_keys.len() as u32),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term_keys_plain(term: &str) -> TermKeys {
        term_keys(term, |_| false)
    }

    #[test]
    fn split_pairs_are_proven_by_the_trigrams_around_them() {
        let common = [key('人', '民'), key('或', '者')];
        let split = |k: u64| common.contains(&k);
        // 人民共和国: 人民 is split, so 人民共 stands for it; 和国 is not.
        let tk = term_keys("人民共和国", split);
        assert_eq!(
            tk.cover,
            vec![(0, key3('人', '民', '共')), (3, key('和', '国'))]
        );
        assert_eq!(tk.keys, vec![key3('人', '民', '共'), key('和', '国')]);
        // A split pair at the end: the trigram that ends with it.
        let tk = term_keys("依据或者", split);
        assert_eq!(
            tk.cover,
            vec![(0, key('依', '据')), (1, key3('据', '或', '者'))]
        );
        // Three characters in one trigram: its posting alone decides.
        let tk = term_keys("据或者", split);
        assert_eq!(tk.keys, vec![key3('据', '或', '者')]);
        assert!(tk.cover.is_empty());
        // Two characters: the pair's posting, split or not.
        assert_eq!(term_keys("人民", split).keys, vec![key('人', '民')]);
        // No piece holds a split pair's positions.
        for term in ["中华人民共和国", "人民人民", "或者人民", "的人民或者"] {
            let tk = term_keys(term, split);
            assert!(tk.cover.iter().all(|&(_, k)| !split(k)), "{term}");
            let mut reached = vec![false; term.chars().count()];
            for &(off, k) in &tk.cover {
                let len = if is_trigram(k) { 3 } else { 2 };
                reached[off as usize..off as usize + len].fill(true);
            }
            assert!(tk.cover.is_empty() || reached.iter().all(|&r| r), "{term}");
        }
    }

    #[test]
    fn starts_together_finds_the_one_common_start_whichever_pair_leads() {
        // "ABCDE": pairs at offsets 0 (AB), 2 (CD), 3 (DE).
        let ab: &[u32] = &[0, 7, 20, 40];
        let cd: &[u32] = &[9, 22];
        let de: &[u32] = &[10, 23, 50];
        // Starts 7 (AB 7, CD 9, DE 10) and 20 (AB 20, CD 22, DE 23).
        assert!(starts_together(&mut [(0, ab), (2, cd), (3, de)]));
        assert!(starts_together(&mut [(3, de), (0, ab), (2, cd)]));
        // Without AB at 7 or 20, CD and DE still agree, but AB does not.
        let ab: &[u32] = &[0, 40];
        assert!(!starts_together(&mut [(0, ab), (2, cd), (3, de)]));
        // The leading pair (fewest positions) sits before its offset: no
        // start below zero is tried.
        let x: &[u32] = &[1];
        let y: &[u32] = &[0, 1, 2, 3, 4, 5];
        assert!(!starts_together(&mut [(0, y), (2, x)]));
        assert!(starts_together(&mut [(0, y), (1, x)]));
        // A pair in the article with no positions: no match.
        assert!(!starts_together(&mut [(0, y), (2, &[])]));
    }

    #[test]
    fn cover_pairs_reach_every_character() {
        let tk = term_keys_plain("民法典");
        assert_eq!(tk.keys.len(), 2);
        assert_eq!(tk.cover, vec![(0, key('民', '法')), (1, key('法', '典'))]);
        let tk = term_keys_plain("普法工作");
        assert_eq!(tk.cover, vec![(0, key('普', '法')), (2, key('工', '作'))]);
        // Only the cover's postings are fetched: 法工 proves nothing more.
        assert_eq!(tk.keys, vec![key('普', '法'), key('工', '作')]);
        let tk = term_keys_plain("宪法宣传日");
        assert_eq!(
            tk.cover,
            vec![
                (0, key('宪', '法')),
                (2, key('宣', '传')),
                (3, key('传', '日'))
            ]
        );
        assert_eq!(tk.keys.len(), 3);
        // A pair that covers twice is fetched once.
        assert_eq!(term_keys_plain("人民人民").keys, vec![key('人', '民')]);
        assert!(term_keys_plain("普法").cover.is_empty());
        assert_eq!(term_keys_plain("法").keys, vec![key('法', '\0')]);
    }

    #[test]
    fn varints_round_trip_and_truncation_is_an_error() {
        let mut buf = Vec::new();
        for v in [0u64, 1, 127, 128, 300, u64::from(u32::MAX)] {
            put_varint(&mut buf, v);
        }
        let mut r = Reader::new("x.bin", &buf);
        for v in [0u64, 1, 127, 128, 300, u64::from(u32::MAX)] {
            assert_eq!(r.varint().unwrap(), v);
        }
        let mut r = Reader::new("x.bin", &[0x80]);
        let e = r.varint().unwrap_err();
        assert_eq!(e.file, "x.bin");
    }

    #[test]
    fn skipping_varints_lands_where_reading_them_does() {
        // Long and short varints mixed.
        let values: Vec<u64> = (0..200u64).map(|i| (i * 7919) % (1 << (i % 30))).collect();
        let mut buf = Vec::new();
        for &v in &values {
            put_varint(&mut buf, v);
        }
        for n in 0..=values.len() {
            let mut skip = Reader::new("", &buf);
            skip.skip_varints(n as u64);
            let mut read = Reader::new("", &buf);
            for _ in 0..n {
                read.varint().unwrap();
            }
            assert_eq!(skip.at, read.at, "after {n}");
            if n < values.len() {
                assert_eq!(skip.varint().unwrap(), values[n]);
            }
        }
        // Past the end: stops at the end.
        let mut r = Reader::new("", &buf);
        r.skip_varints(10_000);
        assert!(r.done());
    }
}
