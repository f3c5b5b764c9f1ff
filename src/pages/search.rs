//! `/search?q=…&channel=…&from=…&to=…&sort=…&page=…`: results, filters and
//! the browsable archive (filters without words). Everything the reader
//! sees is derived from the URL, so reload, share and Back/Forward restore
//! it exactly.

use std::sync::{Arc, Mutex, OnceLock};

use leptos::ev;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_navigate;
use pufa_core::date::{format_day, format_iso};
use pufa_core::search::snippet::{highlight, needles, snippet};
use pufa_core::search::{self, query::parse_bound, SearchIndex, SearchParams, Sort};
use pufa_core::trail::page_trail;
use pufa_core::{Pager, Store};

use super::{page_title, show_page};
use crate::api::{self, AppError};
use crate::components::article::SampleTag;
use crate::components::breadcrumb::Breadcrumb;
use crate::components::highlight::Highlighted;
use crate::components::pager::PagerNav;
use crate::components::search_box::{search_nav, use_search_params};
use crate::paths;
use crate::state::{load_page, Edition, SharedEdition};

pub const PER_PAGE: usize = 10;
const SNIPPET_CHARS: usize = 90;

/// One version's archive and its search index, built on first use.
pub struct Archive {
    version: String,
    store: Store,
    index: OnceLock<SearchIndex>,
}

impl Archive {
    fn index(&self) -> &SearchIndex {
        self.index
            .get_or_init(|| SearchIndex::build(self.store.bulletins()))
    }
}

/// The archive of the version last searched, kept for the session so
/// typing does not fetch it again.
#[derive(Clone, Default)]
pub struct ArchiveCache(Arc<Mutex<Option<Arc<Archive>>>>);

impl ArchiveCache {
    async fn get(&self, edition: &Edition) -> Result<Arc<Archive>, AppError> {
        let version = &edition.version.version;
        if let Some(a) = self.0.lock().ok().and_then(|c| c.clone()) {
            if &a.version == version {
                return Ok(a);
            }
        }
        let archive = Arc::new(Archive {
            version: version.clone(),
            store: api::archive(edition).await?,
            index: OnceLock::new(),
        });
        if let Ok(mut c) = self.0.lock() {
            *c = Some(archive.clone());
        }
        Ok(archive)
    }
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let cache = use_context::<ArchiveCache>().unwrap_or_default();
    let data = LocalResource::new(move || {
        let cache = cache.clone();
        load_page(move |edition| async move { cache.get(&edition).await.map(Some) })
    });
    show_page(
        data,
        |edition, archive| view! { <Search edition=edition archive=archive/> },
    )
}

#[component]
fn Search(edition: SharedEdition, archive: Arc<Archive>) -> impl IntoView {
    let params = use_search_params();
    let for_results = archive.clone();
    let results = move || {
        let archive = &for_results;
        let store = &archive.store;
        let p = params.get();
        if p.is_empty() {
            return view! { <EmptyQuery/> }.into_any();
        }
        let index = archive.index();
        let (terms, hits) = search::run(store, index, &p);
        // A page past the end (an old link) shows the first page instead.
        let pager = Pager::new(hits.len(), PER_PAGE, p.page)
            .or_else(|| Pager::new(hits.len(), PER_PAGE, 1));
        let Some(pager) = pager else {
            return view! { <NoResults params=p/> }.into_any();
        };
        if hits.is_empty() {
            return view! { <NoResults params=p/> }.into_any();
        }
        let items = hits[pager.start..pager.end]
            .iter()
            .map(|hit| {
                let b = &store.bulletins()[hit.doc];
                let marks = needles(&terms, |t| index.contains(hit.doc, &t.text));
                let body: Vec<_> = b.body.iter().map(|x| x.text()).collect();
                view! {
                    <li class="result">
                        <a class="result-title" href=paths::article(&b.id)>
                            <Highlighted segments=highlight(&b.title, &marks)/>
                        </a>
                        {b.sample.then(|| view! { <SampleTag/> })}
                        <p class="result-snippet">
                            <Highlighted segments=snippet(&body.join(" "), &marks, SNIPPET_CHARS)/>
                        </p>
                        <p class="item-meta">
                            <a class="item-channel" href=paths::channel(&b.channel, 1)>
                                {store.catalog.channel_name(&b.channel).to_string()}
                            </a>
                            <time datetime=format_iso(&b.published)>{format_day(&b.published)}</time>
                        </p>
                    </li>
                }
            })
            .collect_view();
        let summary = if terms.is_empty() {
            format!("共 {} 篇文章", hits.len())
        } else {
            format!("找到 {} 条结果", hits.len())
        };
        let for_pages = p.clone();
        view! {
            <p class="result-count" role="status">{summary}</p>
            <ol class="search-results">{items}</ol>
            <PagerNav pager=pager href=move |n| paths::search(&for_pages.with_page(n).to_query())/>
        }
        .into_any()
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
            <SearchFilters archive=archive.clone()/>
            <div class="search-output" aria-live="polite">{results}</div>
        </div>
    }
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
fn SearchFilters(archive: Arc<Archive>) -> impl IntoView {
    let store = &archive.store;
    let params = use_search_params();
    let navigate = use_navigate();
    let set = move |change: &dyn Fn(&mut SearchParams)| {
        let mut next = params.get_untracked();
        change(&mut next);
        next.page = 1;
        navigate(&paths::search(&next.to_query()), search_nav(false));
    };
    let channel_options = store
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
    let mut years: Vec<i32> = store
        .bulletins()
        .iter()
        .map(|b| chrono::Datelike::year(&b.published.with_timezone(&pufa_core::date::SHANGHAI)))
        .collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
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
