//! `/sitemap`: 网站地图, a page listing every channel of the tree with
//! links, plus the home and search pages. Generated from the site file of
//! the current version; it needs no page file of its own.

use leptos::prelude::*;
use pufa_core::trail::page_trail;
use pufa_core::Catalog;

use super::{page_title, show_page};
use crate::components::breadcrumb::Breadcrumb;
use crate::components::meta::{site_root, PageMeta, PageTitle};
use crate::paths;
use crate::state::{load_page, SharedEdition};

#[component]
pub fn SitemapPage() -> impl IntoView {
    show_page(
        || load_page(|_| async { Ok(Some(())) }),
        |edition, ()| view! { <Sitemap edition=edition/> },
    )
}

/// The channels below `id` (or the top level), each with its own below it.
fn channel_list(catalog: &Catalog, ids: Vec<String>, depth: usize) -> AnyView {
    let items = ids
        .into_iter()
        .filter_map(|id| {
            let c = catalog.channel(&id)?;
            let children: Vec<String> = catalog
                .children(&id)
                .into_iter()
                .map(|c| c.id.clone())
                .collect();
            let sub = (!children.is_empty()).then(|| channel_list(catalog, children, depth + 1));
            Some(view! {
                <li>
                    <a href=paths::channel(&c.id, 1)>{c.name.clone()}</a>
                    {sub}
                </li>
            })
        })
        .collect_view();
    view! { <ul class=format!("sitemap-channels depth-{depth}")>{items}</ul> }.into_any()
}

#[component]
pub fn Sitemap(edition: SharedEdition) -> impl IntoView {
    let catalog = &edition.catalog;
    let site_name = catalog.site.name.clone();
    let title = page_title("网站地图", &site_name);
    let top: Vec<String> = catalog.top_channels().map(|c| c.id.clone()).collect();
    view! {
        <PageTitle text=title.clone()/>
        <PageMeta
            title=title
            description=format!("{site_name}网站地图：全部栏目。")
            url=site_root().sitemap()
            site_name=site_name.clone()
        />
        <div class="wrap sitemap">
            <Breadcrumb crumbs=page_trail("网站地图")/>
            <h1>"网站地图"</h1>
            <ul class="sitemap-pages">
                <li><a href=paths::home()>"首页"</a></li>
                <li><a href=paths::search("")>"站内搜索"</a></li>
            </ul>
            <section class="sitemap-section" aria-labelledby="sitemap-channels">
                <h2 id="sitemap-channels">"栏目"</h2>
                {channel_list(catalog, top, 0)}
            </section>
        </div>
    }
}
