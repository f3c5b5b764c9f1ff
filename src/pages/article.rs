//! `/article/{id}`: one bulletin in its frame, from its own
//! `article/{id}.json` (上一篇/下一篇 and 相关文章 were worked out by the
//! content compiler).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use pufa_core::compiled::ArticleFile;
use pufa_core::meta::{article_json_ld, description, government_tags, script_json};
use pufa_core::trail::article_trail;

use super::{page_title, show_page};
use crate::api;
use crate::boot::Later;
use crate::components::article::{ArticleView, Neighbour};
use crate::components::breadcrumb::Breadcrumb;
use crate::components::bulletin_list::{BulletinList, ListItem};
use crate::components::meta::{site_root, ArticleMeta, PageMeta, PageTitle};
use crate::components::read_aloud::{pieces, ReadAloud, ReadAloudControls};
use crate::components::share::{ArticleAddress, ArticleTools};
use crate::state::{load_page, SharedEdition};

#[component]
pub fn ArticlePage() -> impl IntoView {
    let params = use_params_map();
    show_page(
        move || {
            let id = params.with(|p| p.get("id").unwrap_or_default());
            load_page(move |edition| async move { api::article(&edition, &id).await })
        },
        |edition, file| view! { <Article edition=edition file=file/> },
    )
}

#[component]
pub fn Article(edition: SharedEdition, file: ArticleFile) -> impl IntoView {
    let catalog = &edition.catalog;
    let bulletin = file.bulletin;
    let related: Vec<ListItem> = file
        .related
        .iter()
        .map(|e| ListItem::new(e, catalog.channel_name(&e.channel)))
        .collect();
    // With a counter service configured, record this view and show the
    // live total; until it answers (or if it never does) the data's count.
    let live = RwSignal::new(None::<u64>);
    let count_url = catalog
        .site
        .counter
        .as_deref()
        .map(|e| api::count_url(e, &bulletin.id));
    // (Not when pre-rendering: there is no reader yet.)
    if let Some(url) = count_url.clone().filter(|_| crate::dom::window().is_some()) {
        leptos::task::spawn_local(async move {
            // A pre-rendered page records its own view (public/prefs.js),
            // the app drawn beside it takes that answer rather than
            // counting the reader twice.
            let total = match api::counted_by_page(&url) {
                Some(answer) => answer.await,
                None => api::record_view(&url).await,
            };
            if let Some(total) = total {
                // The reader may have moved on: then there is nothing to update.
                let _ = live.try_set(Some(total));
            }
        });
    }
    let root = site_root();
    let url = root.article(&bulletin.id);
    let title = page_title(&bulletin.title, &catalog.site.name);
    let tools_title = bulletin.title.clone();
    let tools_url = url.clone();
    // 语音阅读: stops when this article leaves the screen.
    let speech = ReadAloud::new(pieces(&bulletin));
    view! {
        <PageTitle text=title.clone()/>
        <PageMeta
            title=title
            description=description(&bulletin)
            url=url.clone()
            kind="article"
            site_name=catalog.site.name.clone()
        />
        <ArticleMeta
            tags=government_tags(catalog, &bulletin, &root)
            json_ld=script_json(&article_json_ld(catalog, &bulletin, &root))
        />
        <div class="wrap">
            <Breadcrumb crumbs=article_trail(catalog, &bulletin.channel)/>
            <ArticleView
                bulletin=bulletin.clone()
                prev=file.prev.map(Neighbour::from)
                next=file.next.map(Neighbour::from)
                live_views=live
                count_url=count_url
                reading=speech.current()
            >
                <Later><ReadAloudControls speech=speech/></Later>
                <Later><ArticleTools title=tools_title url=tools_url/></Later>
            </ArticleView>
            <Later>
                {(!related.is_empty()).then(|| view! {
                    <section class="related" aria-labelledby="related-heading">
                        <h2 id="related-heading">"相关文章"</h2>
                        <BulletinList items=related/>
                    </section>
                })}
                <ArticleAddress url=url/>
            </Later>
        </div>
    }
}
