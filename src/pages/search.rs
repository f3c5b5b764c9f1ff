//! `/search?q=…&channel=…&from=…&to=…&sort=…&page=…`: results, filters and
//! the browsable archive (filters without words). Everything the reader
//! sees is derived from the URL, so reload, share and Back/Forward restore
//! it exactly.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use leptos::ev;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_navigate;
use pufa_core::compiled::Entry;
use pufa_core::date::{format_day, format_iso};
use pufa_core::search::aids::{self, Step, Suggestion, Synonyms};
use pufa_core::search::pieces::{self, Filter, Hit, Outcome, Query};
use pufa_core::search::snippet::{highlight, needles, snippet};
use pufa_core::search::{parse_terms, query::parse_bound, SearchParams, Sort, Term};
use pufa_core::trail::page_trail;
use pufa_core::Pager;

use super::{page_title, show_page};
use crate::api::{self, AppError};
use crate::components::article::SampleTag;
use crate::components::breadcrumb::Breadcrumb;
use crate::components::error_view::ErrorView;
use crate::components::highlight::Highlighted;
use crate::components::pager::PagerNav;
use crate::components::search_box::{search_nav, use_search_params};
use crate::paths;
use crate::state::{load_page, use_part_busy, Edition, SharedEdition};

pub const PER_PAGE: usize = 10;
const SNIPPET_CHARS: usize = 90;
/// Pieces kept in memory for the session; past this the oldest are
/// dropped (the service worker keeps its own copies).
const KEEP_BYTES: usize = 16 << 20;

/// One version's search index: its description and the pieces fetched so
/// far, so typing never fetches a piece twice.
pub struct Index {
    version: String,
    meta: pieces::Meta,
    pieces: Mutex<HashMap<String, Vec<u8>>>,
    /// Postings and positions decoded by earlier keystrokes.
    decoded: Mutex<pieces::Decoded>,
    /// Result cards and snippet texts already fetched: typing shows many
    /// of the same results again.
    cards: Mutex<HashMap<usize, Arc<Vec<Entry>>>>,
    texts: Mutex<HashMap<String, Arc<String>>>,
}

/// Cards and texts kept for the session, at most.
const KEEP_CARDS: usize = 2000;
const KEEP_TEXTS: usize = 300;

impl Index {
    /// Run `query`, fetching the pieces it asks for (all of one round at
    /// once); `widen` adds synonyms to some of its terms.
    async fn search(
        &self,
        edition: &Edition,
        query: &Query,
        widen: &[(usize, Vec<Term>)],
    ) -> Result<Vec<Hit>, AppError> {
        for _ in 0..4 {
            let outcome = {
                let have = self.pieces.lock().map_err(|_| poisoned())?;
                let mut decoded = self.decoded.lock().map_err(|_| poisoned())?;
                pieces::run_widened(&self.meta, query, widen, &*have, &mut decoded)
                    .map_err(AppError::Data)?
            };
            let paths = match outcome {
                Outcome::Done(hits) => return Ok(hits),
                Outcome::Need(paths) => paths,
            };
            let fetched =
                futures::future::join_all(paths.iter().map(|p| api::search_piece(edition, p)))
                    .await;
            let mut have = self.pieces.lock().map_err(|_| poisoned())?;
            if have.values().map(Vec::len).sum::<usize>() > KEEP_BYTES {
                have.clear();
            }
            for (path, data) in paths.into_iter().zip(fetched) {
                have.insert(path, data?);
            }
        }
        Err(poisoned())
    }

    /// The aids (issue #14): the search aids this version has, if any.
    pub(crate) fn aids(&self) -> Option<&aids::AidsMeta> {
        self.meta.aids.as_ref()
    }

    /// Run a look-up in the search aids, fetching the files it names
    /// (kept with the index's pieces, so each is fetched once).
    pub(crate) async fn aid<T>(
        &self,
        edition: &Edition,
        step: impl Fn(&HashMap<String, Vec<u8>>) -> Result<Step<T>, pufa_core::DataError>,
    ) -> Result<T, AppError> {
        for _ in 0..4 {
            let paths = {
                let have = self.pieces.lock().map_err(|_| poisoned())?;
                match step(&have).map_err(AppError::Data)? {
                    Step::Done(t) => return Ok(t),
                    Step::Need(paths) => paths,
                }
            };
            let fetched =
                futures::future::join_all(paths.iter().map(|p| api::search_piece(edition, p)))
                    .await;
            let mut have = self.pieces.lock().map_err(|_| poisoned())?;
            for (path, data) in paths.into_iter().zip(fetched) {
                have.insert(path, data?);
            }
        }
        Err(poisoned())
    }

    /// The cards of these blocks, fetched once per session.
    async fn cards(
        &self,
        edition: &Edition,
        blocks: &[usize],
    ) -> Result<HashMap<usize, Arc<Vec<Entry>>>, AppError> {
        let mut out = HashMap::new();
        let mut missing = Vec::new();
        {
            let known = self.cards.lock().map_err(|_| poisoned())?;
            for &b in blocks {
                match known.get(&b) {
                    Some(c) => {
                        out.insert(b, c.clone());
                    }
                    None => missing.push(b),
                }
            }
        }
        let fetched =
            futures::future::join_all(missing.iter().map(|&b| api::search_cards(edition, b))).await;
        let mut known = self.cards.lock().map_err(|_| poisoned())?;
        if known.len() > KEEP_CARDS {
            known.clear();
        }
        for (b, cards) in missing.into_iter().zip(fetched) {
            let cards = Arc::new(cards?);
            known.insert(b, cards.clone());
            out.insert(b, cards);
        }
        Ok(out)
    }

    /// An article's text for its snippet, fetched once per session (the
    /// same file opening the result reads).
    async fn text(&self, edition: &Edition, id: &str) -> Option<Arc<String>> {
        if let Some(t) = self.texts.lock().ok()?.get(id) {
            return Some(t.clone());
        }
        let article = api::article(edition, id).await.ok().flatten()?;
        let body: Vec<String> = article
            .bulletin
            .body
            .iter()
            .map(|b| b.text().into_owned())
            .collect();
        let text = Arc::new(body.join(" "));
        let mut texts = self.texts.lock().ok()?;
        if texts.len() > KEEP_TEXTS {
            texts.clear();
        }
        texts.insert(id.to_string(), text.clone());
        Some(text)
    }
}

fn poisoned() -> AppError {
    AppError::Data(pufa_core::DataError::new(
        pieces::META,
        "",
        "搜索索引读取失败",
    ))
}

/// The index of the version last searched, kept for the session.
#[derive(Clone, Default)]
pub struct SearchCache(Arc<Mutex<Option<Arc<Index>>>>);

impl SearchCache {
    pub(crate) async fn get(&self, edition: &Edition) -> Result<Arc<Index>, AppError> {
        let version = &edition.version.version;
        if let Some(i) = self.0.lock().ok().and_then(|c| c.clone()) {
            if &i.version == version {
                return Ok(i);
            }
        }
        let index = Arc::new(Index {
            version: version.clone(),
            meta: api::search_meta(edition).await?,
            pieces: Mutex::new(HashMap::new()),
            decoded: Mutex::new(pieces::Decoded::default()),
            cards: Mutex::new(HashMap::new()),
            texts: Mutex::new(HashMap::new()),
        });
        if let Ok(mut c) = self.0.lock() {
            *c = Some(index.clone());
        }
        Ok(index)
    }
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let cache = use_context::<SearchCache>().unwrap_or_default();
    let data = LocalResource::new(move || {
        let cache = cache.clone();
        load_page(move |edition| async move { cache.get(&edition).await.map(Some) })
    });
    show_page(
        data,
        |edition, index| view! { <Search edition=edition index=index/> },
    )
}

/// One page of results: what the list shows.
#[derive(Clone)]
struct Results {
    params: SearchParams,
    terms: Vec<Term>,
    total: usize,
    pager: Option<Pager>,
    entries: Vec<Entry>,
    forgiving: Forgiving,
}

/// What search did beyond the words as typed (issue #14).
#[derive(Clone, Default)]
struct Forgiving {
    /// Pinyin read as Chinese: the words typed and the words searched.
    pinyin: Option<(String, String)>,
    /// Synonyms searched as well.
    synonyms: Vec<String>,
    /// 您是不是要找.
    did_you_mean: Vec<Suggestion>,
}

async fn find(
    edition: SharedEdition,
    index: Arc<Index>,
    p: SearchParams,
) -> Result<Option<Results>, AppError> {
    if p.is_empty() {
        return Ok(None);
    }
    let typed = parse_terms(&p.q);
    // An unknown channel (an old link) is ignored, as the URL rules say.
    let channel = p
        .channel
        .clone()
        .filter(|c| edition.catalog.channel(c).is_some());
    let query_of = |terms: Vec<Term>| Query {
        terms,
        filter: Filter {
            channel: channel.clone(),
            from: p.from,
            to: p.to,
        },
        sort: p.sort,
        ordered: p.page.saturating_mul(PER_PAGE),
    };
    // The aids only help: without them (an older build, offline and never
    // fetched) the words are searched as typed.
    let aids = index
        .aids()
        .cloned()
        .filter(|_| !p.exact && !typed.is_empty());
    let mut forgiving = Forgiving::default();
    let mut widen = Vec::new();
    if let Some(a) = aids.as_ref().filter(|a| aids::synonyms_needed(a, &typed)) {
        let synonyms = index
            .aid(&edition, |have| {
                Ok(match have.get(aids::SYNONYMS) {
                    Some(data) => Step::Done(Synonyms::decode(data)?),
                    None => Step::Need(vec![aids::SYNONYMS.to_string()]),
                })
            })
            .await;
        if let (Ok(s), true) = (synonyms, a.synonyms > 0) {
            widen = s.widen(&typed);
        }
    }
    let mut hits = index
        .search(&edition, &query_of(typed.clone()), &widen)
        .await?;
    let mut terms = typed.clone();
    if let Some(a) = aids.as_ref().filter(|_| hits.len() < aids::FEW) {
        let found = index
            .aid(&edition, |have| aids::from_pinyin(a, &typed, have))
            .await;
        if let Some(replaced) = found.ok().filter(|r| !r.is_empty()) {
            let mut chinese = typed.clone();
            for (i, text) in &replaced {
                chinese[*i].text = text.clone();
            }
            let more = index
                .search(&edition, &query_of(chinese.clone()), &[])
                .await?;
            if more.len() > hits.len() {
                let words = |t: &[Term]| {
                    replaced
                        .iter()
                        .map(|(i, _)| t[*i].text.clone())
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                forgiving.pinyin = Some((words(&typed), words(&chinese)));
                hits = more;
                terms = chinese;
                widen.clear();
            }
        }
    }
    if let Some(a) = aids.as_ref().filter(|_| hits.len() < aids::FEW) {
        forgiving.did_you_mean = index
            .aid(&edition, |have| aids::homophones(a, &typed, have))
            .await
            .unwrap_or_default();
    }
    for (_, alts) in &widen {
        for t in alts {
            forgiving.synonyms.push(t.text.clone());
            terms.push(t.clone());
        }
    }
    // A page past the end (an old link) shows the first page instead.
    let pager =
        Pager::new(hits.len(), PER_PAGE, p.page).or_else(|| Pager::new(hits.len(), PER_PAGE, 1));
    let mut entries = Vec::new();
    if let Some(pager) = &pager {
        let docs: Vec<usize> = hits[pager.start..pager.end]
            .iter()
            .map(|h| h.doc as usize)
            .collect();
        let block = index.meta.card_block.max(1) as usize;
        let mut blocks: Vec<usize> = docs.iter().map(|d| d / block).collect();
        blocks.sort_unstable();
        blocks.dedup();
        let by_block = index.cards(&edition, &blocks).await?;
        for d in docs {
            let card = by_block
                .get(&(d / block))
                .and_then(|cards| cards.get(d % block))
                .cloned()
                .ok_or_else(|| {
                    AppError::Data(pufa_core::DataError::new(
                        &pieces::card_file(d / block),
                        format!("[{}]", d % block),
                        "搜索结果缺少这篇文章的信息",
                    ))
                })?;
            entries.push(card);
        }
    }
    Ok(Some(Results {
        params: p,
        terms,
        total: hits.len(),
        pager,
        entries,
        forgiving,
    }))
}

#[component]
fn Search(edition: SharedEdition, index: Arc<Index>) -> impl IntoView {
    let params = use_search_params();
    let for_results = (edition.clone(), index.clone());
    // `<main>` is busy from the moment the words change until their
    // results are on screen; an answer overtaken by newer words is dropped
    // and does not end the busy state.
    let busy = use_part_busy();
    let latest = Arc::new(AtomicU64::new(0));
    on_cleanup(move || busy.set(false));
    let results = LocalResource::new(move || {
        let (edition, index) = for_results.clone();
        let p = params.get();
        busy.set(true);
        let latest = latest.clone();
        let mine = latest.fetch_add(1, Ordering::SeqCst) + 1;
        async move {
            let found = find(edition, index, p).await;
            if latest.load(Ordering::SeqCst) == mine {
                busy.set(false);
            }
            found
        }
    });
    let retry = move || results.refetch();
    let for_items = (edition.clone(), index.clone());
    let shown = move || {
        let (edition, index) = for_items.clone();
        Suspend::new(async move {
            match results.await {
                Ok(None) => view! { <EmptyQuery/> }.into_any(),
                Ok(Some(r)) => {
                    view! { <ResultList edition=edition index=index results=r/> }.into_any()
                }
                Err(AppError::NotCached { .. }) => {
                    view! { <OfflineMiss on_retry=retry/> }.into_any()
                }
                Err(error) => view! { <ErrorView error=error on_retry=retry/> }.into_any(),
            }
        })
    };
    let site = edition.catalog.site.name.clone();
    let title = move || {
        let q = params.with(|p| p.q.trim().to_string());
        if q.is_empty() {
            page_title("站内搜索", &site)
        } else {
            page_title(&format!("搜索：{q}"), &site)
        }
    };
    view! {
        <Title text=title/>
        // Result pages are endless variations of the articles: keep them out
        // of search engines.
        <Meta name="robots" content="noindex"/>
        <div class="wrap search-page">
            <Breadcrumb crumbs=page_trail("站内搜索")/>
            <h1 class="channel-title">"站内搜索"</h1>
            <SearchFilters edition=edition.clone() years=index.meta.years.clone()/>
            <div class="search-output" aria-live="polite">
                <Transition fallback=|| view! { <p class="result-count searching">"正在搜索…"</p> }>
                    {shown}
                </Transition>
            </div>
            <OfflineSearch edition=edition.clone() index=index.clone()/>
        </div>
    }
}

/// Offline, and the index pieces these words need were never saved: say
/// so plainly instead of showing partial results as if they were all.
#[component]
fn OfflineMiss(on_retry: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    view! {
        <div class="search-hint no-results" role="status">
            <p class="result-count">"当前处于离线状态，无法在全部文章中查找这些词语。"</p>
            <p>
                "本机只保存了以前搜索过的词语所需的索引。请连接网络后点击“重试”；"
                "如需断网时也能搜索全部文章，请在联网时使用本页下方的“离线搜索”。"
            </p>
            <button type="button" class="retry" on:click=move |_| on_retry()>"重试"</button>
        </div>
    }
}

const OFFLINE_KEY: &str = "pufa-offline-search";

fn saved_version() -> Option<String> {
    crate::dom::window()?
        .local_storage()
        .ok()
        .flatten()?
        .get_item(OFFLINE_KEY)
        .ok()
        .flatten()
}

#[derive(Clone, PartialEq)]
enum Download {
    Idle,
    Running { done: usize, total: usize },
    Saved,
    Failed(String),
}

/// 离线搜索: save every piece of this version's index (the size shown
/// first), so the whole archive is searchable without a network. The
/// service worker keeps them; a newer version needs a new download.
#[component]
fn OfflineSearch(edition: SharedEdition, index: Arc<Index>) -> impl IntoView {
    let version = edition.version.version.clone();
    let earlier = saved_version();
    let state = RwSignal::new(if earlier.as_deref() == Some(version.as_str()) {
        Download::Saved
    } else {
        Download::Idle
    });
    let outdated = earlier.is_some_and(|v| v != version);
    let meta = &index.meta;
    let mb = format!("{:.1}", meta.bytes as f64 / 1_048_576.0);
    let intro = format!(
        "把全部 {} 篇文章的搜索索引（约 {mb} MB，{} 个文件）保存在本机，断网时也能搜索全部文章。",
        meta.docs, meta.files
    );
    let start = {
        move |_| {
            let (edition, index, version) = (edition.clone(), index.clone(), version.clone());
            state.set(Download::Running { done: 0, total: 0 });
            leptos::task::spawn_local(async move {
                match download_all(&edition, &index, state).await {
                    Ok(()) => {
                        if let Some(s) =
                            crate::dom::window().and_then(|w| w.local_storage().ok().flatten())
                        {
                            let _ = s.set_item(OFFLINE_KEY, &version);
                        }
                        state.set(Download::Saved);
                    }
                    Err(e) => state.set(Download::Failed(e.detail())),
                }
            });
        }
    };
    let status = move || {
        match state.get() {
        Download::Idle => view! {
            <button type="button" class="offline-download" on:click=start.clone()>
                {format!("下载完整索引（约 {mb} MB）")}
            </button>
            {outdated.then(|| view! { <p class="offline-note">"网站内容已更新，以前保存的索引已不完整，请重新下载。"</p> })}
        }
        .into_any(),
        Download::Running { done, total } => view! {
            <p class="offline-note" role="status">
                {if total == 0 { "正在准备下载…".to_string() } else { format!("正在下载：{done} / {total} 个文件") }}
            </p>
            <progress max=total.max(1).to_string() value=done.to_string()></progress>
        }
        .into_any(),
        Download::Saved => view! {
            <p class="offline-note" role="status">"已保存在本机：断网时也可以搜索全部文章。"</p>
        }
        .into_any(),
        Download::Failed(detail) => view! {
            <p class="offline-note" role="alert">
                "下载没有完成，请检查网络后再试。"
                <span class="error-detail">{detail}</span>
            </p>
        }
        .into_any(),
    }
    };
    view! {
        <section class="offline-search" aria-labelledby="offline-search-title">
            <h2 id="offline-search-title">"离线搜索"</h2>
            <p>{intro}</p>
            {status}
        </section>
    }
}

/// Fetch every piece of the index, a few at a time, reporting progress.
async fn download_all(
    edition: &Edition,
    index: &Index,
    state: RwSignal<Download>,
) -> Result<(), AppError> {
    let meta = &index.meta;
    let mut files: Vec<String> = (0..meta.buckets)
        .map(|b| pieces::bucket_file(true, b))
        .collect();
    let blocks = (meta.docs as usize).div_ceil(meta.card_block.max(1) as usize);
    files.extend((0..blocks).map(pieces::card_file));
    for (_, c) in edition.catalog.channel_tree() {
        files.push(pieces::channel_file(&c.id));
    }
    files.push(pieces::DATES.to_string());
    files.push(pieces::VIEWS.to_string());
    // The aids too: 您是不是要找, pinyin and synonyms work offline.
    if let Some(a) = &meta.aids {
        files.extend(a.all_files());
    }
    let mut total = meta.buckets as usize + files.len();
    let mut done = 0;
    // The postings buckets first: they name the large keys' own files.
    let buckets: Vec<u32> = (0..meta.buckets).collect();
    for chunk in buckets.chunks(8) {
        let paths: Vec<String> = chunk
            .iter()
            .map(|&b| pieces::bucket_file(false, b))
            .collect();
        let got =
            futures::future::join_all(paths.iter().map(|p| api::search_piece(edition, p))).await;
        for ((&bucket, path), data) in chunk.iter().zip(&paths).zip(got) {
            let own = pieces::own_count(path, &data?).map_err(AppError::Data)?;
            for part in 0..own {
                files.push(pieces::own_file(false, bucket, part));
                files.push(pieces::own_file(true, bucket, part));
            }
            total += 2 * own as usize;
            done += 1;
        }
        state.set(Download::Running { done, total });
    }
    for chunk in files.chunks(8) {
        let got =
            futures::future::join_all(chunk.iter().map(|p| api::search_piece(edition, p))).await;
        for r in got {
            r?;
            done += 1;
        }
        state.set(Download::Running { done, total });
    }
    Ok(())
}

#[component]
fn ResultList(edition: SharedEdition, index: Arc<Index>, results: Results) -> impl IntoView {
    let Some(pager) = results.pager.filter(|_| results.total > 0) else {
        return view! {
            <NoResults params=results.params.clone()/>
            <ForgivingNotes params=results.params forgiving=results.forgiving/>
        }
        .into_any();
    };
    // Every result contains every term (or a synonym named): mark them all.
    let marks = needles(&results.terms, |_| true);
    let items = results
        .entries
        .into_iter()
        .map(|entry| {
            view! { <ResultItem edition=edition.clone() index=index.clone() entry=entry marks=marks.clone()/> }
        })
        .collect_view();
    let summary = if results.terms.is_empty() {
        format!("共 {} 篇文章", results.total)
    } else {
        format!("找到 {} 条结果", results.total)
    };
    let for_pages = results.params.clone();
    view! {
        <ForgivingNotes params=results.params forgiving=results.forgiving/>
        <p class="result-count" role="status">{summary}</p>
        <ol class="search-results">{items}</ol>
        <PagerNav pager=pager href=move |n| paths::search(&for_pages.with_page(n).to_query())/>
    }
    .into_any()
}

/// One result: the card at once, the snippet when the article's own file
/// arrives (the same file reading it opens, so it is then cached).
#[component]
fn ResultItem(
    edition: SharedEdition,
    index: Arc<Index>,
    entry: Entry,
    marks: Vec<String>,
) -> impl IntoView {
    let id = entry.id.clone();
    let for_snippet = marks.clone();
    let channel_name = edition.catalog.channel_name(&entry.channel).to_string();
    let text = LocalResource::new(move || {
        let (edition, index, id) = (edition.clone(), index.clone(), id.clone());
        async move { index.text(&edition, &id).await }
    });
    let snippet_view = move || {
        text.get().flatten().map(|body| {
            view! { <Highlighted segments=snippet(&body, &for_snippet, SNIPPET_CHARS)/> }
        })
    };
    view! {
        <li class="result">
            <a class="result-title" href=paths::article(&entry.id)>
                <Highlighted segments=highlight(&entry.title, &marks)/>
            </a>
            {entry.sample.then(|| view! { <SampleTag/> })}
            <p class="result-snippet">{snippet_view}</p>
            <p class="item-meta">
                <a class="item-channel" href=paths::channel(&entry.channel, 1)>{channel_name}</a>
                <time datetime=format_iso(&entry.published)>{format_day(&entry.published)}</time>
            </p>
        </li>
    }
}

/// What search did beyond the words typed, each with a way back to the
/// words as typed; and 您是不是要找 as links.
#[component]
fn ForgivingNotes(params: SearchParams, forgiving: Forgiving) -> impl IntoView {
    let exact = SearchParams {
        exact: true,
        page: 1,
        ..params.clone()
    };
    let exact_href = paths::search(&exact.to_query());
    let q = params.q.trim().to_string();
    let pinyin = forgiving.pinyin.map(|(typed, chinese)| {
        view! {
            <p class="search-note">
                {format!("已按拼音“{typed}”搜索：{chinese}。")}
                <a href=exact_href.clone()>{format!("仍然搜索“{typed}”")}</a>
            </p>
        }
    });
    let synonyms = (!forgiving.synonyms.is_empty()).then(|| {
        view! {
            <p class="search-note">
                {format!("已同时搜索同义词：{}。", forgiving.synonyms.join("、"))}
                <a href=exact_href.clone()>{format!("只搜索“{q}”")}</a>
            </p>
        }
    });
    let did_you_mean = (!forgiving.did_you_mean.is_empty()).then(|| {
        let links = forgiving
            .did_you_mean
            .into_iter()
            .map(|s| {
                let next = SearchParams {
                    q: s.q.clone(),
                    page: 1,
                    exact: false,
                    ..params.clone()
                };
                view! {
                    <li><a class="did-you-mean-link" href=paths::search(&next.to_query())>{s.q}</a></li>
                }
            })
            .collect_view();
        view! {
            <div class="did-you-mean">
                <p>"您是不是要找："</p>
                <ul>{links}</ul>
            </div>
        }
    });
    view! { {pinyin} {synonyms} {did_you_mean} }
}

#[component]
fn EmptyQuery() -> impl IntoView {
    let examples = ["普法", "民法典", "反诈", "2021", "GB/T"];
    view! {
        <div class="search-hint">
            <p>"请在上方搜索框输入要查找的词语，多个词语用空格隔开，加引号可查找完整短语。"</p>
            <p>
                "试试："
                {examples
                    .into_iter()
                    .map(|w| {
                        let q = SearchParams { q: w.to_string(), ..SearchParams::default() };
                        view! { <a class="example" href=paths::search(&q.to_query())>{w}</a> }
                    })
                    .collect_view()}
            </p>
            <p>"也可以只选择栏目或年份，浏览全部文章。"</p>
        </div>
    }
}

#[component]
fn NoResults(params: SearchParams) -> impl IntoView {
    let q = params.q.trim().to_string();
    let has_filters = params.channel.is_some() || params.from.is_some() || params.to.is_some();
    let clear = SearchParams {
        q: q.clone(),
        ..SearchParams::default()
    };
    view! {
        <div class="search-hint no-results" role="status">
            <p class="result-count">
                {if q.is_empty() { "没有符合条件的文章。".to_string() } else { format!("没有找到包含“{q}”的文章。") }}
            </p>
            <ul>
                <li>"请检查是否有错别字，或换一个说法。"</li>
                <li>"减少词语的数量，每个词语都必须出现在文章中。"</li>
                {has_filters.then(|| view! {
                    <li>
                        "放宽筛选条件，或 "
                        <a href=paths::search(&clear.to_query())>"清除全部筛选"</a>
                        "。"
                    </li>
                })}
            </ul>
        </div>
    }
}

/// Channel, year, date range and sort. Each change is a new URL.
#[component]
fn SearchFilters(edition: SharedEdition, years: Vec<i32>) -> impl IntoView {
    let params = use_search_params();
    let navigate = use_navigate();
    let set = move |change: &dyn Fn(&mut SearchParams)| {
        let mut next = params.get_untracked();
        change(&mut next);
        next.page = 1;
        navigate(&paths::search(&next.to_query()), search_nav(false));
    };
    let channel_options = edition
        .catalog
        .channel_tree()
        .into_iter()
        .map(|(depth, c)| {
            let label = format!("{}{}", "　".repeat(depth), c.name);
            let id = c.id.clone();
            let selected = move || params.with(|p| p.channel.as_deref() == Some(id.as_str()));
            view! { <option value=c.id.clone() selected=selected>{label}</option> }
        })
        .collect_view();
    let year_of = move |p: &SearchParams| -> Option<i32> {
        let y = chrono::Datelike::year(&p.from?);
        (p.from == parse_bound(&y.to_string(), false) && p.to == parse_bound(&y.to_string(), true))
            .then_some(y)
    };
    let year_options = years
        .into_iter()
        .map(|y| {
            let selected = move || params.with(|p| year_of(p) == Some(y));
            view! { <option value=y.to_string() selected=selected>{format!("{y}年")}</option> }
        })
        .collect_view();
    let sort_options = Sort::ALL
        .into_iter()
        .map(|s| {
            let selected = move || params.with(|p| p.sort == s);
            view! { <option value=s.as_str() selected=selected>{s.label()}</option> }
        })
        .collect_view();
    let date_value = move |which: bool| {
        move || {
            params.with(|p| {
                let d = if which { p.from } else { p.to };
                d.map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default()
            })
        }
    };

    let on_channel = {
        let set = set.clone();
        move |ev: ev::Event| {
            let v = event_target_value(&ev);
            set(&|p| p.channel = (!v.is_empty()).then(|| v.clone()));
        }
    };
    let on_year = {
        let set = set.clone();
        move |ev: ev::Event| {
            let v = event_target_value(&ev);
            set(&|p| {
                p.from = parse_bound(&v, false);
                p.to = parse_bound(&v, true);
            });
        }
    };
    let on_from = {
        let set = set.clone();
        move |ev: ev::Event| {
            let v = event_target_value(&ev);
            set(&|p| p.from = parse_bound(&v, false));
        }
    };
    let on_to = {
        let set = set.clone();
        move |ev: ev::Event| {
            let v = event_target_value(&ev);
            set(&|p| p.to = parse_bound(&v, true));
        }
    };
    let on_sort = move |ev: ev::Event| {
        let v = event_target_value(&ev);
        set(&|p| p.sort = Sort::parse(&v).unwrap_or_default());
    };
    let clear_href = move || {
        params.with(|p| {
            paths::search(
                &SearchParams {
                    q: p.q.clone(),
                    ..SearchParams::default()
                }
                .to_query(),
            )
        })
    };

    view! {
        <form class="search-filters" aria-label="筛选和排序" on:submit=|ev| ev.prevent_default()>
            <label>
                <span>"栏目"</span>
                <select name="channel" on:change=on_channel>
                    <option value="" selected=move || params.with(|p| p.channel.is_none())>"全部栏目"</option>
                    {channel_options}
                </select>
            </label>
            <label>
                <span>"年份"</span>
                <select name="year" on:change=on_year>
                    <option value="" selected=move || params.with(|p| year_of(p).is_none())>"全部年份"</option>
                    {year_options}
                </select>
            </label>
            <label>
                <span>"起始日期"</span>
                <input type="date" name="from" prop:value=date_value(true) on:change=on_from/>
            </label>
            <label>
                <span>"截止日期"</span>
                <input type="date" name="to" prop:value=date_value(false) on:change=on_to/>
            </label>
            <label>
                <span>"排序"</span>
                <select name="sort" on:change=on_sort>{sort_options}</select>
            </label>
            <a class="clear-filters" href=clear_href>"清除筛选"</a>
        </form>
    }
}
