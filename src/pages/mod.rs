//! One component per route. Each reads the URL, loads its own page file
//! of the current data version (never the archive, but for search), asks
//! the core crate for what to show, and renders components.

mod article;
mod channel;
mod home;
mod not_found;
mod search;
mod sitemap;

pub use article::{Article, ArticlePage};
pub use channel::{ChannelList, ChannelPage};
pub use home::{Home, HomePage};
pub use not_found::{NotFound, NotFoundPage};
pub use search::SearchPage;
pub use sitemap::{Sitemap, SitemapPage};

use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::app::{LoadFailed, Loading};
use crate::state::{use_busy, use_drawn_path, PageResult, SharedEdition};

/// `标题 - 站点名`, the document title of every page but home.
pub fn page_title(page: &str, site: &str) -> String {
    format!("{page} - {site}")
}

/// What a page's resource holds, whatever the page: its data behind
/// `dyn Any`. So the resource, its future and the page's `Transition` are
/// compiled once for all pages instead of once per page type: per type they
/// were about a seventh of the app's wasm (issue #11, ARCHITECTURE.md).
type AnyPageData = Arc<dyn Any + Send + Sync>;
type PageFuture = Pin<Box<dyn Future<Output = PageResult<AnyPageData>>>>;
type RenderPage = Arc<dyn Fn(SharedEdition, AnyPageData) -> AnyView + Send + Sync>;

/// A page from its loader: 正在加载 until the data is there (the previous
/// page stays while the next one loads), then the page, "not found" when
/// its file does not exist, or the error with a retry. `source` is the
/// page's resource fetcher (run again when what it reads changes; it
/// calls [`crate::state::load_page`]).
pub fn show_page<T, V, S, Fut, F>(source: S, render: F) -> impl IntoView
where
    S: Fn() -> Fut + 'static,
    Fut: Future<Output = PageResult<T>> + 'static,
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
    F: Fn(SharedEdition, T) -> V + Send + Sync + 'static,
{
    let source: Box<dyn Fn() -> PageFuture> = Box::new(move || {
        let page = source();
        Box::pin(async move {
            let (edition, page) = page.await?;
            Ok((edition, page.map(|p| Arc::new(p) as AnyPageData)))
        })
    });
    let render: RenderPage = Arc::new(move |edition, page| match page.downcast::<T>() {
        Ok(page) => render(edition, T::clone(&page)).into_any(),
        // Not reachable: `source` and `render` are of the same page.
        Err(_) => view! { <NotFound edition=edition/> }.into_any(),
    });
    show_loaded(LocalResource::new(source), render)
}

fn show_loaded(data: LocalResource<PageResult<AnyPageData>>, render: RenderPage) -> AnyView {
    let retry = move || data.refetch();
    let busy = use_busy();
    let drawn = use_drawn_path();
    let path = use_location().pathname;
    // A new `Transition` first reports "not pending" before its children
    // have asked for anything; only once the data is there does "not
    // pending" mean the page is drawn.
    let set_pending = SignalSetter::map(move |pending: bool| {
        if pending {
            busy.set(true);
        } else if data.get_untracked().is_some() {
            drawn.set(Some(path.get_untracked()));
            busy.set(false);
        }
    });
    view! {
        <Transition
            fallback=|| view! { <div class="wrap"><Loading/></div> }
            set_pending=set_pending
        >
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok((edition, Some(page))) => render(edition, page),
                        Ok((edition, None)) => view! { <NotFound edition=edition/> }.into_any(),
                        Err(error) => view! { <LoadFailed error=error on_retry=retry/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
    .into_any()
}
