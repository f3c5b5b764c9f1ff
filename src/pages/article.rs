//! `/article/{id}`: one bulletin in its frame.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use pufa_core::trail::article_trail;

use super::{page_title, NotFound};
use crate::app::use_store;
use crate::components::article::{ArticleView, Neighbour};
use crate::components::breadcrumb::Breadcrumb;

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
        view! {
            <Title text=page_title(&bulletin.title, &store.site.name)/>
            <div class="wrap">
                <Breadcrumb crumbs=article_trail(&store, &bulletin.channel)/>
                <ArticleView
                    bulletin=bulletin.clone()
                    prev=older.map(Neighbour::from)
                    next=newer.map(Neighbour::from)
                />
            </div>
        }
        .into_any()
    }
}
