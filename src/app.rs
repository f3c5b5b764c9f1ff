//! The router and the page frame shared by every route.
//!
//! The data files are fetched once; while they load the frame shows a
//! loading notice, and a failure shows the error view with a retry button.
//! Once loaded, the [`Store`] is provided as context to every page.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use pufa_core::Store;

use crate::api::{self, AppError};
use crate::components::error_view::ErrorView;
use crate::components::frame::{DateBar, SiteFooter, SiteHeader};
use crate::components::reading::provide_reading_prefs;
use crate::pages::{ArticlePage, ChannelPage, HomePage, LazyIndex, NotFound, SearchPage};
use crate::paths;
use crate::pwa::PwaNotices;

/// The decoded data, shared with every page through context.
pub type SharedStore = Arc<Store>;

/// The store provided by [`App`]; pages are only rendered once it exists.
pub fn use_store() -> SharedStore {
    use_context::<SharedStore>().expect("pages render inside the loaded frame")
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_reading_prefs();
    let data = LocalResource::new(api::load_store);
    let retry = move || data.refetch();
    view! {
        <Router base=paths::base()>
            <SkipLink/>
            <section class="top-bar" aria-label="日期、阅读设置与提示">
                <DateBar/>
                <PwaNotices/>
            </section>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(store) => view! { <Loaded store=store/> }.into_any(),
                        Err(error) => view! { <LoadFailed error=error on_retry=retry/> }.into_any(),
                    }
                })}
            </Transition>
        </Router>
    }
}

#[component]
fn Loaded(store: SharedStore) -> impl IntoView {
    provide_context(store.clone());
    provide_context(LazyIndex::default());
    view! {
        <SiteHeader/>
        <main id="main" class="site-main" tabindex="-1">
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("") view=HomePage/>
                <Route path=path!("channel/:id") view=ChannelPage/>
                <Route path=path!("channel/:id/:page") view=ChannelPage/>
                <Route path=path!("article/:id") view=ArticlePage/>
                <Route path=path!("search") view=SearchPage/>
            </Routes>
        </main>
        <SiteFooter/>
    }
}

/// 跳到正文: the first thing a keyboard or screen-reader user reaches.
/// Focus is moved by hand: with `<base href>` set, a bare `#main` link would
/// navigate to the home page.
#[component]
fn SkipLink() -> impl IntoView {
    let skip = |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        let main = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("main"))
            .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok());
        if let Some(main) = main {
            let _ = main.focus();
        }
    };
    view! { <a class="skip-link" href="#main" on:click=skip>"跳到正文"</a> }
}

#[component]
fn Loading() -> impl IntoView {
    view! {
        <main id="main" class="site-main" tabindex="-1">
            <p class="loading" role="status">"正在加载，请稍候…"</p>
        </main>
    }
}

#[component]
fn LoadFailed(
    error: AppError,
    on_retry: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <Title text=error.title()/>
        <main id="main" class="site-main" tabindex="-1">
            <ErrorView error=error on_retry=on_retry/>
        </main>
    }
}
