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

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::app::{LoadFailed, Loading};
use crate::state::{use_busy, use_drawn_path, PageResult, SharedEdition};

/// `标题 - 站点名`, the document title of every page but home.
pub fn page_title(page: &str, site: &str) -> String {
    format!("{page} - {site}")
}

/// A page from its loader: 正在加载 until the data is there (the previous
/// page stays while the next one loads), then the page, "not found" when
/// its file does not exist, or the error with a retry.
pub fn show_page<T, V, F>(data: LocalResource<PageResult<T>>, render: F) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
    F: Fn(SharedEdition, T) -> V + Clone + Send + Sync + 'static,
{
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
                        Ok((edition, Some(page))) => render(edition, page).into_any(),
                        Ok((edition, None)) => view! { <NotFound edition=edition/> }.into_any(),
                        Err(error) => view! { <LoadFailed error=error on_retry=retry/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}
