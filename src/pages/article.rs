//! `/article/{id}`: one bulletin in its frame.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use pufa_core::trail::article_trail;

use super::{page_title, NotFound};
use crate::app::use_store;
use crate::components::article::{ArticleView, Neighbour};
use crate::components::breadcrumb::Breadcrumb;
use crate::components::bulletin_list::{BulletinList, ListItem};
use crate::components::meta::{site_root, ArticleMeta, PageMeta};
use crate::components::share::{ArticleAddress, ArticleTools};
use crate::pages::LazyIndex;
use pufa_core::meta::{article_json_ld, description, government_tags};

/// How many 相关文章 to list under an article.
const RELATED: usize = 5;

#[component]
pub fn ArticlePage() -> impl IntoView {
    let params = use_params_map();
    let store = use_store();
    move || {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        let Some(bulletin) = store.bulletin(&id) else {
            return view! { <NotFound/> }.into_any();
        };
        let (older, newer) = store.neighbours(&id);
        let related: Vec<ListItem> = match (use_context::<LazyIndex>(), store.position(&id)) {
            (Some(index), Some(pos)) => index
                .get(&store)
                .related(pos, store.channel_name(&bulletin.channel), RELATED)
                .into_iter()
                .map(|i| {
                    let b = &store.bulletins()[i];
                    ListItem::new(b, store.channel_name(&b.channel), false)
                })
                .collect(),
            _ => Vec::new(),
        };
        // With a counter service configured, record this view and show the
        // live total; until it answers (or if it never does) the data's count.
        let live = RwSignal::new(None::<u64>);
        if let Some(endpoint) = store.site.counter.clone() {
            let id = id.clone();
            leptos::task::spawn_local(async move {
                if let Some(total) = crate::api::record_view(&endpoint, &id).await {
                    // The reader may have moved on: then there is nothing to update.
                    let _ = live.try_set(Some(total));
                }
            });
        }
        let root = site_root();
        let url = root.article(&bulletin.id);
        let title = page_title(&bulletin.title, &store.site.name);
        let tools_title = bulletin.title.clone();
        let tools_url = url.clone();
        view! {
            <Title text=title.clone()/>
            <PageMeta
                title=title
                description=description(bulletin)
                url=url.clone()
                kind="article"
                site_name=store.site.name.clone()
            />
            <ArticleMeta
                tags=government_tags(&store, bulletin, &root)
                json_ld=article_json_ld(&store, bulletin, &root).to_string()
            />
            <div class="wrap">
                <Breadcrumb crumbs=article_trail(&store, &bulletin.channel)/>
                <ArticleView
                    bulletin=bulletin.clone()
                    prev=older.map(Neighbour::from)
                    next=newer.map(Neighbour::from)
                    live_views=live
                >
                    <ArticleTools title=tools_title url=tools_url/>
                </ArticleView>
                {(!related.is_empty()).then(|| view! {
                    <section class="related" aria-labelledby="related-heading">
                        <h2 id="related-heading">"相关文章"</h2>
                        <BulletinList items=related/>
                    </section>
                })}
                <ArticleAddress url=url/>
            </div>
        }
        .into_any()
    }
}
