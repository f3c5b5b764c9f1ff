//! What an unknown URL, article or page number shows: a real page with a
//! way back, not a blank screen.

use crate::components::meta::PageTitle;
use leptos::prelude::*;
use leptos_meta::Meta;
use pufa_core::trail::page_trail;

use super::{page_title, show_page};
use crate::components::breadcrumb::Breadcrumb;
use crate::paths;
use crate::state::{load_page, SharedEdition};

/// The route for URLs the app does not know.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    show_page(
        || load_page(|_| async { Ok(None::<()>) }),
        |edition, ()| view! { <NotFound edition=edition/> },
    )
}

#[component]
pub fn NotFound(edition: SharedEdition) -> impl IntoView {
    view! {
        <PageTitle text=page_title("页面未找到", &edition.catalog.site.name)/>
        // Not-found pages must not be indexed as content.
        <Meta name="robots" content="noindex"/>
        <div class="wrap not-found">
            <Breadcrumb crumbs=page_trail("页面未找到")/>
            <h1>"页面未找到"</h1>
            <p>"您访问的页面不存在，可能已被删除或地址有误。"</p>
            <p><a href=paths::home()>"返回主页"</a></p>
        </div>
    }
}
