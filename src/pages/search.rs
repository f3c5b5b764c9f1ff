//! `/search?q=…&channel=…&from=…&to=…&sort=…&page=…`: results, filters and
//! the browsable archive (filters without words). Everything the reader
//! sees is derived from the URL, so reload, share and Back/Forward restore
//! it exactly.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::LocalKey;

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_navigate;
use pufa_core::date::{format_day, format_iso};
use pufa_core::search::wire::{About, Answer, Card, Found, What, PER_PAGE};
use pufa_core::search::{query::parse_bound, SearchParams, Segment, Sort};
use pufa_core::trail::page_trail;
use pufa_core::Pager;

use super::{page_title, show_page};
use crate::api::AppError;
use crate::components::article::SampleTag;
use crate::components::breadcrumb::Breadcrumb;
use crate::components::error_view::ErrorView;
use crate::components::highlight::Highlighted;
use crate::components::pager::PagerNav;
use crate::components::search_box::{search_nav, use_search_params, use_url_search_params, Typing};
use crate::paths;
use crate::search_worker;
use crate::state::{load_page, BusyHold, Edition, SharedEdition};

/// Snippets kept in the session, at most.
const KEEP_SNIPPETS: usize = 1000;

/// A snippet's key: data version, article, the words marked.
type SnippetKey = (String, String, Vec<String>);

thread_local! {
    /// Snippets the worker made: retyping, paging back and Back from an
    /// article show them at once, without asking again.
    static SNIPPETS: RefCell<HashMap<SnippetKey, Vec<Segment>>> = RefCell::new(HashMap::new());
}

/// The snippet of article `id` with `marks` marked: made once per session
/// by the worker, which fetches and keeps the article's text and has the
/// folding tables.
async fn snippet_of(edition: &Edition, id: &str, marks: &[String]) -> Option<Vec<Segment>> {
    let key = (
        edition.version.version.clone(),
        id.to_string(),
        marks.to_vec(),
    );
    if let Some(s) = SNIPPETS.with(|s| s.borrow().get(&key).cloned()) {
        return Some(s);
    }
    let what = What::Snippet {
        id: id.to_string(),
        marks: marks.to_vec(),
    };
    let Ok(Answer::Snippet { segments }) = search_worker::ask(&edition.version.version, what).await
    else {
        return None;
    };
    remember(&SNIPPETS, KEEP_SNIPPETS, key, segments.clone());
    Some(segments)
}

/// Keep `value` in a session cache of about `keep` entries at most; past
/// that the cache starts again empty.
fn remember<K: Eq + Hash, V>(
    cache: &'static LocalKey<RefCell<HashMap<K, V>>>,
    keep: usize,
    key: K,
    value: V,
) {
    cache.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() > keep {
            c.clear();
        }
        c.insert(key, value);
    });
}

/// What the worker answered that is not what was asked: a protocol slip,
/// shown like a bad data file.
fn unexpected() -> AppError {
    AppError::Data(pufa_core::DataError::new(
        "search-worker",
        "",
        "搜索程序的回答无法读取",
    ))
}

/// The index's description for this version (asked of the worker).
async fn about(edition: &Edition) -> Result<Arc<About>, AppError> {
    match search_worker::ask(&edition.version.version, What::About).await? {
        Answer::About(a) => Ok(Arc::new(a)),
        _ => Err(unexpected()),
    }
}

#[component]
pub fn SearchPage() -> impl IntoView {
    show_page(
        move || load_page(move |edition| async move { about(&edition).await.map(Some) }),
        |edition, about| view! { <Search edition=edition about=about/> },
    )
}

/// One page of results: what the list shows.
#[derive(Clone)]
struct Results {
    params: SearchParams,
    found: Found,
    pager: Option<Pager>,
}

async fn find(edition: SharedEdition, p: SearchParams) -> Result<Option<Results>, AppError> {
    if p.is_empty() {
        return Ok(None);
    }
    // An unknown channel (an old link) is ignored, as the URL rules say.
    let params = SearchParams {
        channel: p
            .channel
            .clone()
            .filter(|c| edition.catalog.channel(c).is_some()),
        ..p.clone()
    };
    match search_worker::ask(&edition.version.version, What::Find { params }).await? {
        Answer::Found(found) => {
            let pager = Pager::new(found.total, PER_PAGE, found.page.max(1));
            Ok(Some(Results {
                params: p,
                found: *found,
                pager,
            }))
        }
        // Overtaken by newer words: nobody shows this answer.
        Answer::Stale => Ok(None),
        _ => Err(unexpected()),
    }
}

/// What the result area shows: one page of results, the hint for an
/// empty query (`None`), or why there are none.
type Outcome = Result<Option<Results>, AppError>;

#[component]
fn Search(edition: SharedEdition, about: Arc<About>) -> impl IntoView {
    let params = use_search_params();
    // `<main>` is busy from the moment the words change until their
    // results are drawn. The answer and the end of the busy state are set
    // in one step, the answer first, so the view showing it is updated
    // before `aria-busy` is: nobody is told the page is ready over the
    // previous words' results, or over none. (A `Transition` here ended the
    // busy state from an effect that could run before the transition put
    // the results in the page.) An answer overtaken by newer words is
    // dropped and does not end the busy state.
    let busy = BusyHold::of_component();
    busy.hold();
    let shown: RwSignal<Option<Outcome>> = RwSignal::new(None);
    let attempt = RwSignal::new(0u32);
    let asked = Arc::new(AtomicU64::new(0));
    let for_results = edition.clone();
    Effect::new(move |_| {
        let p = params.get();
        attempt.track();
        busy.hold();
        let mine = asked.fetch_add(1, Ordering::SeqCst) + 1;
        let (edition, asked, busy) = (for_results.clone(), asked.clone(), busy.clone());
        spawn_local(async move {
            let outcome = find(edition, p).await;
            if asked.load(Ordering::SeqCst) == mine && shown.try_set(Some(outcome)).is_none() {
                busy.release();
            }
        });
    });
    let retry = move || attempt.update(|n| *n += 1);
    let for_items = edition.clone();
    let results_view = move || match shown.get() {
        None => view! { <p class="result-count searching">"正在搜索…"</p> }.into_any(),
        Some(Ok(None)) => view! { <EmptyQuery/> }.into_any(),
        Some(Ok(Some(r))) => view! { <ResultList edition=for_items.clone() results=r/> }.into_any(),
        Some(Err(AppError::NotCached { .. })) => view! { <OfflineMiss on_retry=retry/> }.into_any(),
        Some(Err(error)) => view! { <ErrorView error=error on_retry=retry/> }.into_any(),
    };
    let site = edition.catalog.site.name.clone();
    // The title names the words of the URL: the two change together, when
    // typing pauses.
    let url_params = use_url_search_params();
    let title = move || {
        let q = url_params.with(|p| p.q.trim().to_string());
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
            <SearchFilters edition=edition.clone() years=about.years.clone()/>
            <div class="search-output" aria-live="polite">
                {results_view}
            </div>
            <OfflineSearch edition=edition.clone() about=about.clone()/>
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
fn OfflineSearch(edition: SharedEdition, about: Arc<About>) -> impl IntoView {
    let version = edition.version.version.clone();
    let earlier = saved_version();
    let state = RwSignal::new(if earlier.as_deref() == Some(version.as_str()) {
        Download::Saved
    } else {
        Download::Idle
    });
    let outdated = earlier.is_some_and(|v| v != version);
    let mb = megabytes(about.bytes);
    let intro = format!(
        "把全部 {} 篇文章的搜索索引（约 {mb} MB，{} 个文件）保存在本机，断网时也能搜索全部文章。",
        about.docs, about.files
    );
    let start = {
        move |_| {
            state.set(Download::Running { done: 0, total: 0 });
            download_all(&edition, version.clone(), state);
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

/// "12.3": bytes in megabytes with one decimal (no float formatting in
/// the page's wasm).
fn megabytes(bytes: u64) -> String {
    let tenths = (bytes.saturating_mul(10) + 524_288) / 1_048_576;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// Have the worker fetch every piece of the index, a few at a time, so the
/// service worker keeps them; progress shows as it goes.
fn download_all(edition: &Edition, version: String, state: RwSignal<Download>) {
    let channels = edition
        .catalog
        .channel_tree()
        .into_iter()
        .map(|(_, c)| c.id.clone())
        .collect();
    search_worker::ask_with(
        &edition.version.version,
        What::Download { channels },
        move |answer| match answer {
            Ok(Answer::Progress { done, total }) => {
                let _ = state.try_set(Download::Running { done, total });
                false
            }
            Ok(Answer::Downloaded) => {
                if let Some(s) = crate::dom::window().and_then(|w| w.local_storage().ok().flatten())
                {
                    let _ = s.set_item(OFFLINE_KEY, &version);
                }
                let _ = state.try_set(Download::Saved);
                true
            }
            Ok(_) => {
                let _ = state.try_set(Download::Failed(unexpected().detail()));
                true
            }
            Err(e) => {
                let _ = state.try_set(Download::Failed(e.detail()));
                true
            }
        },
    );
}

#[component]
fn ResultList(edition: SharedEdition, results: Results) -> impl IntoView {
    let Results {
        params,
        found,
        pager,
    } = results;
    let Some(pager) = pager.filter(|_| found.total > 0) else {
        return view! {
            <NoResults params=params.clone()/>
            <ForgivingNotes params=params found=found/>
        }
        .into_any();
    };
    let summary = if found.browse {
        format!("共 {} 篇文章", found.total)
    } else {
        format!("找到 {} 条结果", found.total)
    };
    let items = found
        .results
        .iter()
        .cloned()
        .map(|card| {
            view! { <ResultItem edition=edition.clone() card=card marks=found.marks.clone()/> }
        })
        .collect_view();
    let for_pages = params.clone();
    view! {
        <ForgivingNotes params=params found=found/>
        <p class="result-count" role="status">{summary}</p>
        <ol class="search-results">{items}</ol>
        <PagerNav pager=pager href=move |n| paths::search(&for_pages.with_page(n).to_query())/>
    }
    .into_any()
}

/// One result: the card at once, the snippet when the article's own file
/// arrives (the same file reading it opens, so it is then cached) and the
/// worker has marked it.
#[component]
fn ResultItem(edition: SharedEdition, card: Card, marks: Vec<String>) -> impl IntoView {
    let Card { entry, title } = card;
    let id = entry.id.clone();
    let channel_name = edition.catalog.channel_name(&entry.channel).to_string();
    let snippet = LocalResource::new(move || {
        let (edition, id, marks) = (edition.clone(), id.clone(), marks.clone());
        async move { snippet_of(&edition, &id, &marks).await }
    });
    let snippet_view = move || {
        snippet
            .get()
            .flatten()
            .map(|segments: Vec<Segment>| view! { <Highlighted segments=segments/> })
    };
    view! {
        <li class="result">
            <a class="result-title" href=paths::article(&entry.id)>
                <Highlighted segments=title/>
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
fn ForgivingNotes(params: SearchParams, found: Found) -> impl IntoView {
    let forgiving = found;
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
    // What the filters show: typing words does not touch them.
    let filters = Memo::new(move |_| {
        params.with(|p| SearchParams {
            q: String::new(),
            page: 1,
            exact: false,
            ..p.clone()
        })
    });
    let navigate = use_navigate();
    let typing = use_context::<Typing>();
    let set = move |change: &dyn Fn(&mut SearchParams)| {
        // The search's history entry keeps the words typed, so Back from
        // the filtered results returns to them.
        if let Some(typing) = typing {
            typing.flush(&navigate);
        }
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
            let selected = move || filters.with(|p| p.channel.as_deref() == Some(id.as_str()));
            view! { <option value=c.id.clone() selected=selected>{label}</option> }
        })
        .collect_view();
    let year_options = years
        .into_iter()
        .map(|y| {
            let selected = move || filters.with(|p| p.year() == Some(y));
            view! { <option value=y.to_string() selected=selected>{format!("{y}年")}</option> }
        })
        .collect_view();
    let sort_options = Sort::ALL
        .into_iter()
        .map(|s| {
            let selected = move || filters.with(|p| p.sort == s);
            view! { <option value=s.as_str() selected=selected>{s.label()}</option> }
        })
        .collect_view();
    let date_value = move |which: bool| {
        move || {
            filters.with(|p| {
                let d = if which { p.from } else { p.to };
                d.map(pufa_core::date::iso_day).unwrap_or_default()
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

    // What narrows the results, named in the summary line, so a reader
    // who sees the filters folded away still knows the list is filtered.
    let in_force = move || {
        let labels =
            filters.with(|p| p.filter_labels(|id| edition.catalog.channel_name(id).to_string()));
        if labels.is_empty() {
            String::new()
        } else {
            format!("：{}", labels.join("、"))
        }
    };
    // On a phone the filters would push the results below the first
    // screen: they start folded there, and open on a wider screen.
    let wide = crate::dom::window()
        .and_then(|w| w.match_media("(min-width: 40em)").ok().flatten())
        .is_none_or(|m| m.matches());

    view! {
        <details class="search-filters-box" open=wide>
        <summary class="search-filters-summary">
            "筛选和排序"
            <span class="filters-in-force">{in_force}</span>
        </summary>
        <form class="search-filters" aria-label="筛选和排序" on:submit=|ev| ev.prevent_default()>
            <label>
                <span>"栏目"</span>
                <select name="channel" on:change=on_channel>
                    <option value="" selected=move || filters.with(|p| p.channel.is_none())>"全部栏目"</option>
                    {channel_options}
                </select>
            </label>
            <label>
                <span>"年份"</span>
                <select name="year" on:change=on_year>
                    <option value="" selected=move || filters.with(|p| p.year().is_none())>"全部年份"</option>
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
        </details>
    }
}
