//! `/article/{id}`: one bulletin in its frame.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use pufa_core::trail::article_trail;

use super::{page_title, NotFound};
use crate::app::use_store;
use crate::components::article::{ArticleView, Neighbour};
use crate::components::breadcrumb::Breadcrumb;
use crate::components::meta::{site_root, ArticleMeta, PageMeta};
use crate::components::share::{ArticleAddress, ArticleTools};
use pufa_core::meta::{article_json_ld, description, government_tags};

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
                >
                    <ArticleTools title=tools_title url=tools_url/>
                </ArticleView>
                <ArticleAddress url=url/>
            </div>
        }
        .into_any()
    }
}
