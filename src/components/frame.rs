//! The frame around every page: date bar, site header with the channel
//! navigation, and the footer with 友情链接.

use chrono::Utc;
use leptos::prelude::*;
use pufa_core::date::today_label;
use pufa_core::url::is_external;

use crate::components::reading::ReadingControls;
use crate::components::search_box::SearchBox;
use crate::paths;
use crate::state::SharedEdition;

/// 今天是：2026年11月29日 星期日, in Asia/Shanghai whatever the reader's zone.
/// Checked every minute, so a page left open overnight turns the day too.
#[component]
pub fn DateBar() -> impl IntoView {
    let today = RwSignal::new(today_label(Utc::now()));
    if let Ok(handle) = set_interval_with_handle(
        move || {
            let now = today_label(Utc::now());
            if today.get_untracked() != now {
                today.set(now);
            }
        },
        std::time::Duration::from_secs(60),
    ) {
        on_cleanup(move || handle.clear());
    }
    view! {
        <div class="date-bar">
            <div class="wrap">
                <p class="today">"今天是：" {move || today.get()}</p>
                <ReadingControls/>
            </div>
        </div>
    }
}

#[component]
pub fn SiteHeader(edition: SharedEdition) -> impl IntoView {
    let store = &edition.catalog;
    let nav = store
        .top_channels()
        .map(|c| {
            view! { <li><a href=paths::channel(&c.id, 1)>{c.name.clone()}</a></li> }
        })
        .collect_view();
    view! {
        <header class="site-header">
            <div class="wrap">
                <div class="site-title">
                    <a class="site-name" href=paths::home()>{store.site.name.clone()}</a>
                    <p class="site-description">{store.site.description.clone()}</p>
                </div>
                <SearchBox/>
            </div>
            <nav class="channel-nav" aria-label="栏目导航">
                <ul class="wrap">
                    <li><a href=paths::home()>"首页"</a></li>
                    {nav}
                </ul>
            </nav>
        </header>
    }
}

#[component]
pub fn SiteFooter(edition: SharedEdition) -> impl IntoView {
    let store = &edition.catalog;
    let links = store
        .links
        .iter()
        .map(|l| {
            // Links were checked when the data was decoded; external ones
            // open in a new tab without giving it a handle on this page.
            let external = is_external(&l.url);
            view! {
                <li>
                    <a
                        href=paths::data_link(&l.url)
                        target=external.then_some("_blank")
                        rel=external.then_some("noopener noreferrer")
                    >
                        {l.name.clone()}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <footer class="site-footer">
            <div class="wrap">
                <nav class="friend-links" aria-label="友情链接">
                    <h2>"友情链接"</h2>
                    <ul>{links}</ul>
                </nav>
                <p class="copyright">{store.site.name.clone()}</p>
            </div>
        </footer>
    }
}
