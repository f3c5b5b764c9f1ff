//! The search engine of one data version, over any way of fetching files.
//!
//! It keeps what it fetched and decoded for the session, so typing never
//! fetches a piece twice; the browser glue (`web.rs`) gives it `fetch`, the
//! tests a map of files built in memory. Single-threaded: a worker runs one
//! task at a time, so the caches are `RefCell`s, never borrowed across an
//! `await`.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::rc::Rc;

use pufa_core::compiled::{self, decode, Entry};
use pufa_core::paging::Pager;
use pufa_core::search::aids::{self, AidsMeta, Step, Synonyms};
use pufa_core::search::pieces::{self, Decoded, Filter, Hit, Meta, Outcome, Query};
use pufa_core::search::snippet::{highlight, needles, snippet};
use pufa_core::search::wire::{About, Answer, Card, Failure, Found, PER_PAGE, SNIPPET_CHARS};
use pufa_core::search::{parse_terms, SearchParams, Segment, Term};
use pufa_core::DataError;

/// How the engine gets a file of its data version.
pub trait Fetch {
    /// The bytes of `path` (relative to the version: `search/k/3.bin`).
    /// A missing file is a `Failure::Status` with 404.
    fn get(&self, path: &str) -> impl Future<Output = Result<Vec<u8>, Failure>>;
}

/// Pieces kept in memory for the session; past this the oldest are
/// dropped (the service worker keeps its own copies).
const KEEP_BYTES: usize = 16 << 20;
/// Card blocks kept for the session, at most.
const KEEP_CARDS: usize = 2000;
/// Article texts kept for snippets, at most: typing shows many of the same
/// results again.
const KEEP_TEXTS: usize = 300;
/// Rounds of fetching one look-up may take (a query needs at most three).
const ROUNDS: usize = 4;

/// Files fetched at once by a download.
const DOWNLOAD_AT_ONCE: usize = 8;

pub struct Engine<F> {
    version: String,
    fetch: F,
    meta: RefCell<Option<Rc<Meta>>>,
    pieces: RefCell<HashMap<String, Vec<u8>>>,
    decoded: RefCell<Decoded>,
    cards: RefCell<HashMap<usize, Rc<Vec<Entry>>>>,
    /// Article texts for snippets, by article id.
    texts: RefCell<HashMap<String, Rc<str>>>,
    /// The newest search asked for: an older one still running stops at
    /// its next fetch, since nobody waits for it.
    latest: Cell<u64>,
}

/// A search overtaken by newer words.
struct Stale;

enum Stop {
    Stale,
    Failed(Failure),
}

impl From<Failure> for Stop {
    fn from(f: Failure) -> Stop {
        Stop::Failed(f)
    }
}

impl From<Stale> for Stop {
    fn from(_: Stale) -> Stop {
        Stop::Stale
    }
}

impl<F: Fetch> Engine<F> {
    pub fn new(version: &str, fetch: F) -> Engine<F> {
        Engine {
            version: version.to_string(),
            fetch,
            meta: RefCell::new(None),
            pieces: RefCell::new(HashMap::new()),
            decoded: RefCell::new(Decoded::default()),
            cards: RefCell::new(HashMap::new()),
            texts: RefCell::new(HashMap::new()),
            latest: Cell::new(0),
        }
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    /// A file's name in messages, as the page names data files.
    fn file(&self, path: &str) -> String {
        format!("v/{}/{path}", self.version)
    }

    /// The index's description, fetched and checked once.
    async fn meta(&self) -> Result<Rc<Meta>, Failure> {
        if let Some(m) = self.meta.borrow().clone() {
            return Ok(m);
        }
        let file = self.file(pieces::META);
        // The list of common keys with it: the first search then asks for
        // their files at once, and knows the split pairs. Lost here, the
        // first search asks for it again.
        let (data, own) =
            futures::future::join(self.fetch.get(pieces::META), self.fetch.get(pieces::OWN)).await;
        let data = data?;
        let text = utf8(&file, &data)?;
        let meta: Meta = decode(&file, text).map_err(Failure::Data)?;
        meta.check().map_err(|e| {
            Failure::Data(DataError {
                file: file.clone(),
                ..e
            })
        })?;
        if meta.format != pieces::INDEX_FORMAT {
            return Err(Failure::Data(DataError::new(
                &file,
                "format",
                format!(
                    "搜索索引格式 {}，本程序读取格式 {}",
                    meta.format,
                    pieces::INDEX_FORMAT
                ),
            )));
        }
        if let (Ok(own), Some(_)) = (own, meta.own_keys) {
            self.pieces
                .borrow_mut()
                .insert(pieces::OWN.to_string(), own);
        }
        let meta = Rc::new(meta);
        *self.meta.borrow_mut() = Some(meta.clone());
        Ok(meta)
    }

    /// What the search page shows before any search.
    pub async fn about(&self) -> Result<About, Failure> {
        let m = self.meta().await?;
        Ok(About {
            docs: m.docs,
            bytes: m.bytes,
            files: m.files,
            years: m.years.clone(),
            aids: m.aids.is_some(),
        })
    }

    /// Fetch `paths` at once into the pieces.
    async fn fetch_into_pieces(&self, paths: Vec<String>) -> Result<(), Failure> {
        let fetched = futures::future::join_all(paths.iter().map(|p| self.fetch.get(p))).await;
        let mut have = self.pieces.borrow_mut();
        if have.values().map(Vec::len).sum::<usize>() > KEEP_BYTES {
            have.clear();
        }
        for (path, data) in paths.into_iter().zip(fetched) {
            have.insert(path, data?);
        }
        Ok(())
    }

    /// Stop if a newer search was asked for.
    fn current(&self, id: u64) -> Result<(), Stale> {
        if self.latest.get() == id {
            Ok(())
        } else {
            Err(Stale)
        }
    }

    /// Run `query`, fetching the pieces it asks for (all of one round at
    /// once); `widen` adds synonyms to some of its terms.
    async fn search(
        &self,
        id: u64,
        meta: &Meta,
        query: &Query,
        widen: &[(usize, Vec<Term>)],
    ) -> Result<Vec<Hit>, Stop> {
        for _ in 0..ROUNDS {
            let outcome = {
                let have = self.pieces.borrow();
                let mut decoded = self.decoded.borrow_mut();
                pieces::run_widened(meta, query, widen, &*have, &mut decoded)
                    .map_err(|e| self.data_failure(e))?
            };
            match outcome {
                Outcome::Done(hits) => return Ok(hits),
                Outcome::Need(paths) => self.fetch_into_pieces(paths).await?,
            }
            self.current(id)?;
        }
        Err(Stop::Failed(too_many_rounds()))
    }

    /// A data error names the file as the page does (`v/<version>/…`).
    fn data_failure(&self, e: DataError) -> Failure {
        let file = if e.file.starts_with("v/") {
            e.file
        } else {
            self.file(&e.file)
        };
        Failure::Data(DataError { file, ..e })
    }

    /// Run a look-up in the search aids, fetching the files it names.
    async fn aid<T>(
        &self,
        step: impl Fn(&HashMap<String, Vec<u8>>) -> Result<Step<T>, DataError>,
    ) -> Result<T, Failure> {
        for _ in 0..ROUNDS {
            let paths = {
                let have = self.pieces.borrow();
                match step(&have).map_err(|e| self.data_failure(e))? {
                    Step::Done(t) => return Ok(t),
                    Step::Need(paths) => paths,
                }
            };
            self.fetch_into_pieces(paths).await?;
        }
        Err(too_many_rounds())
    }

    /// The cards of these blocks, fetched once per session.
    async fn cards(&self, blocks: &[usize]) -> Result<HashMap<usize, Rc<Vec<Entry>>>, Failure> {
        let mut out = HashMap::new();
        let mut missing = Vec::new();
        {
            let known = self.cards.borrow();
            for &b in blocks {
                match known.get(&b) {
                    Some(c) => {
                        out.insert(b, c.clone());
                    }
                    None => missing.push(b),
                }
            }
        }
        let paths: Vec<String> = missing.iter().map(|&b| pieces::card_file(b)).collect();
        let fetched = futures::future::join_all(paths.iter().map(|p| self.fetch.get(p))).await;
        let mut known = self.cards.borrow_mut();
        if known.len() > KEEP_CARDS {
            known.clear();
        }
        for ((b, path), data) in missing.into_iter().zip(&paths).zip(fetched) {
            let file = self.file(path);
            let data = data?;
            let text = utf8(&file, &data)?;
            let cards: Rc<Vec<Entry>> = Rc::new(decode(&file, text).map_err(Failure::Data)?);
            known.insert(b, cards.clone());
            out.insert(b, cards);
        }
        Ok(out)
    }

    /// One page of results for `p`, search `id`; `Answer::Stale` when a
    /// newer search was asked for meanwhile.
    pub async fn find(&self, id: u64, p: SearchParams) -> Answer {
        self.latest.set(id);
        match self.find_inner(id, p).await {
            Ok(found) => Answer::Found(Box::new(found)),
            Err(Stop::Stale) => Answer::Stale,
            Err(Stop::Failed(f)) => Answer::Failed(f),
        }
    }

    async fn find_inner(&self, id: u64, p: SearchParams) -> Result<Found, Stop> {
        let meta = self.meta().await?;
        self.current(id)?;
        let typed = parse_terms(&p.q);
        let query_of = |terms: Vec<Term>| Query {
            terms,
            filter: Filter {
                channel: p.channel.clone(),
                from: p.from,
                to: p.to,
            },
            sort: p.sort,
            ordered: p.page.saturating_mul(PER_PAGE),
        };
        // The aids only help: without them (an older build, offline and
        // never fetched) the words are searched as typed.
        let aids: Option<AidsMeta> = meta.aids.clone().filter(|_| !p.exact && !typed.is_empty());
        let mut found = Found {
            browse: typed.is_empty(),
            ..Found::default()
        };
        let mut widen = Vec::new();
        if let Some(a) = aids.as_ref().filter(|a| aids::synonyms_needed(a, &typed)) {
            let synonyms = self
                .aid(|have| {
                    Ok(match have.get(aids::SYNONYMS) {
                        Some(data) => Step::Done(Synonyms::decode(data)?),
                        None => Step::Need(vec![aids::SYNONYMS.to_string()]),
                    })
                })
                .await;
            if let (Ok(s), true) = (synonyms, a.synonyms > 0) {
                widen = s.widen(&typed);
            }
            self.current(id)?;
        }
        let mut hits = self
            .search(id, &meta, &query_of(typed.clone()), &widen)
            .await?;
        let mut terms = typed.clone();
        if let Some(a) = aids.as_ref().filter(|_| hits.len() < aids::FEW) {
            let replaced = self
                .aid(|have| aids::from_pinyin(a, &typed, have))
                .await
                .ok()
                .filter(|r| !r.is_empty());
            self.current(id)?;
            if let Some(replaced) = replaced {
                let mut chinese = typed.clone();
                for (i, text) in &replaced {
                    chinese[*i].text = text.clone();
                }
                let more = self
                    .search(id, &meta, &query_of(chinese.clone()), &[])
                    .await?;
                if more.len() > hits.len() {
                    let words = |t: &[Term]| {
                        replaced
                            .iter()
                            .map(|(i, _)| t[*i].text.clone())
                            .collect::<Vec<_>>()
                            .join(" ")
                    };
                    found.pinyin = Some((words(&typed), words(&chinese)));
                    hits = more;
                    terms = chinese;
                    widen.clear();
                }
            }
        }
        if let Some(a) = aids.as_ref().filter(|_| hits.len() < aids::FEW) {
            found.did_you_mean = self
                .aid(|have| aids::homophones(a, &typed, have))
                .await
                .unwrap_or_default();
            self.current(id)?;
        }
        for (_, alts) in &widen {
            for t in alts {
                found.synonyms.push(t.text.clone());
                terms.push(t.clone());
            }
        }
        // Every result contains every term (or a synonym named): mark them all.
        found.marks = needles(&terms, |_| true);
        found.total = hits.len();
        // A page past the end (an old link) shows the first page instead.
        let Some(pager) = Pager::new(hits.len(), PER_PAGE, p.page)
            .or_else(|| Pager::new(hits.len(), PER_PAGE, 1))
        else {
            return Ok(found);
        };
        found.page = pager.page;
        let docs: Vec<usize> = hits[pager.start..pager.end]
            .iter()
            .map(|h| h.doc as usize)
            .collect();
        let block = meta.card_block.max(1) as usize;
        // Cards that came with this search's index files (a common word's
        // or a phrase's file carries its first page), unless their block
        // is here already.
        let mut came: HashMap<usize, Entry> = HashMap::new();
        {
            let known = self.cards.borrow();
            let decoded = self.decoded.borrow();
            for &d in &docs {
                if known.contains_key(&(d / block)) {
                    continue;
                }
                if let Some((file, json)) = u32::try_from(d).ok().and_then(|d| decoded.top_card(d))
                {
                    let entry: Entry = decode(&self.file(file), json).map_err(Failure::Data)?;
                    came.insert(d, entry);
                }
            }
        }
        let mut blocks: Vec<usize> = docs
            .iter()
            .filter(|d| !came.contains_key(d))
            .map(|d| d / block)
            .collect();
        blocks.sort_unstable();
        blocks.dedup();
        let by_block = self.cards(&blocks).await?;
        self.current(id)?;
        for d in docs {
            let entry = came
                .remove(&d)
                .or_else(|| {
                    by_block
                        .get(&(d / block))
                        .and_then(|cards| cards.get(d % block))
                        .cloned()
                })
                .ok_or_else(|| {
                    Failure::Data(DataError::new(
                        &self.file(&pieces::card_file(d / block)),
                        format!("[{}]", d % block),
                        "搜索结果缺少这篇文章的信息",
                    ))
                })?;
            let title = highlight(&entry.title, &found.marks);
            found.results.push(Card { entry, title });
        }
        Ok(found)
    }

    /// Frequent terms completing the last word of `text` (none without
    /// the aids, or when they cannot be fetched: suggestions only help).
    pub async fn suggest(&self, text: &str) -> Vec<String> {
        let Ok(meta) = self.meta().await else {
            return Vec::new();
        };
        let Some(a) = meta.aids.clone() else {
            return Vec::new();
        };
        self.aid(|have| aids::suggest(&a, text, have))
            .await
            .unwrap_or_default()
    }

    /// Fetch every piece of the index and the aids, so the service worker
    /// keeps them for offline search; `progress(done, total)` after each
    /// few. The pieces are not kept in this engine's memory.
    pub async fn download(
        &self,
        channels: &[String],
        mut progress: impl FnMut(usize, usize),
    ) -> Result<(), Failure> {
        let meta = self.meta().await?;
        let mut files: Vec<String> = (0..meta.buckets)
            .map(|b| pieces::bucket_file(true, b))
            .collect();
        let blocks = (meta.docs as usize).div_ceil(meta.card_block.max(1) as usize);
        files.extend((0..blocks).map(pieces::card_file));
        files.extend(channels.iter().map(|c| pieces::channel_file(c)));
        files.push(pieces::DATES.to_string());
        files.push(pieces::VIEWS.to_string());
        // The list of common keys comes with meta.json; again only if that
        // fetch failed.
        if meta.own_keys.is_some() && !self.pieces.borrow().contains_key(pieces::OWN) {
            files.push(pieces::OWN.to_string());
        }
        // The aids too: 您是不是要找, pinyin and synonyms work offline.
        if let Some(a) = &meta.aids {
            files.extend(a.all_files());
        }
        let mut total = meta.buckets as usize + files.len();
        let mut done = 0;
        progress(done, total);
        // The postings buckets first: they name the large keys' own files.
        let buckets: Vec<u32> = (0..meta.buckets).collect();
        for chunk in buckets.chunks(DOWNLOAD_AT_ONCE) {
            let paths: Vec<String> = chunk
                .iter()
                .map(|&b| pieces::bucket_file(false, b))
                .collect();
            let got = futures::future::join_all(paths.iter().map(|p| self.fetch.get(p))).await;
            for ((&bucket, path), data) in chunk.iter().zip(&paths).zip(got) {
                let own =
                    pieces::own_files(path, bucket, &data?).map_err(|e| self.data_failure(e))?;
                total += own.len();
                files.extend(own);
                done += 1;
            }
            progress(done, total);
        }
        for chunk in files.chunks(DOWNLOAD_AT_ONCE) {
            let got = futures::future::join_all(chunk.iter().map(|p| self.fetch.get(p))).await;
            for r in got {
                r?;
                done += 1;
            }
            progress(done, total);
        }
        Ok(())
    }

    /// The marked excerpt of article `id` for the words `marks`. The
    /// article's file is fetched once per session (the file opening the
    /// result reads, so it is then in the browser's cache too).
    pub async fn snippet(&self, id: &str, marks: &[String]) -> Answer {
        match self.text(id).await {
            Ok(text) => Answer::Snippet {
                segments: snippet_of(&text, marks),
            },
            Err(f) => Answer::Failed(f),
        }
    }

    async fn text(&self, id: &str) -> Result<Rc<str>, Failure> {
        if let Some(t) = self.texts.borrow().get(id) {
            return Ok(t.clone());
        }
        if let Err(e) = pufa_core::decode::check_id(id) {
            return Err(Failure::protocol(format!("文章编号不合规：{e}")));
        }
        let path = compiled::article_file(id);
        let file = self.file(&path);
        let data = self.fetch.get(&path).await?;
        let src = utf8(&file, &data)?;
        let text: Rc<str> = compiled::article_text(&file, src)
            .map_err(Failure::Data)?
            .into();
        let mut texts = self.texts.borrow_mut();
        if texts.len() >= KEEP_TEXTS {
            texts.clear();
        }
        texts.insert(id.to_string(), text.clone());
        Ok(text)
    }
}

/// A fetched file as text; one that is not UTF-8 is a data failure naming it.
fn utf8<'a>(file: &str, data: &'a [u8]) -> Result<&'a str, Failure> {
    std::str::from_utf8(data)
        .map_err(|_| Failure::Data(DataError::new(file, "", "文件不是 UTF-8 文本")))
}

/// The marked excerpt of an article's text (pure: no state needed).
pub fn snippet_of(text: &str, marks: &[String]) -> Vec<Segment> {
    snippet(text, marks, SNIPPET_CHARS)
}

fn too_many_rounds() -> Failure {
    Failure::Data(DataError::new(
        pieces::META,
        "",
        "搜索索引读取失败：所需的文件不完整",
    ))
}
