//! The router and the page frame shared by every route.
//!
//! Each route loads its own data (see [`crate::state::load_page`]); the
//! frame (header with the channel navigation, footer) shows the edition of
//! the last page loaded, and appears with the first one.

use crate::components::meta::PageTitle;
use leptos::prelude::*;
use leptos_meta::provide_meta_context;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;

use crate::api::AppError;
use crate::components::error_view::ErrorView;
use crate::components::frame::{DateBar, SiteFooter, SiteHeader};
use crate::components::leave_notice::LeaveNotice;
use crate::components::reading::provide_reading_prefs;
use crate::pages::{ArticlePage, ChannelPage, HomePage, NotFoundPage, SearchPage};
use crate::paths;
use crate::pwa::PwaNotices;
use crate::state::{provide_state, use_busy, use_drawn_path, use_edition, use_part_busy};

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let prefs = provide_reading_prefs();
    provide_state();
    let busy = use_busy();
    // Drawn out of sight (beside a pre-rendered page), the app draws its
    // parts in tasks of their own: the frame, then the page, then the top
    // bar, then the leave notice. Each stretch the main thread is busy stays
    // shorter: V8 compiles each wasm function on its first call, so the
    // first drawing of each part is the slow one (docs/deploy.md). On the
    // plain shell everything is drawn at once.
    const STAGES: u8 = 3;
    let staged = crate::boot::out_of_sight();
    let stage = RwSignal::new(if staged { 0 } else { STAGES });
    if staged {
        for _ in 0..STAGES {
            set_timeout(
                move || {
                    let _ = stage.try_update(|s| *s += 1);
                },
                std::time::Duration::ZERO,
            );
        }
    }
    // Memos: each part is drawn once, not again at each later stage (that
    // would drop the copy drawn first, with its timers).
    let page = Memo::new(move |_| stage.get() >= 1);
    let top_bar = Memo::new(move |_| stage.get() >= 2);
    let last = Memo::new(move |_| stage.get() >= STAGES);
    let pending = RwSignal::new(0u32);
    provide_context(crate::boot::Pending(pending));
    // On a pre-rendered page it takes the page over once its first page and
    // every part are there (see `crate::boot`).
    Effect::new(move |_| {
        if !busy.get() && last.get() && pending.get() == 0 && crate::boot::take_over() {
            // The pre-rendered controls may have changed them meanwhile.
            prefs.read_back();
        }
    });
    view! {
        <Router base=paths::base()>
            <AppFrame top_bar=top_bar>
                {move || page.get().then(|| view! {
                    <Routes fallback=|| view! { <NotFoundPage/> }>
                        <Route path=path!("") view=HomePage/>
                        <Route path=path!("channel/:id") view=ChannelPage/>
                        <Route path=path!("channel/:id/:page") view=ChannelPage/>
                        <Route path=path!("article/:id") view=ArticlePage/>
                        <Route path=path!("search") view=SearchPage/>
                        <Route path=path!("sitemap") view=crate::pages::SitemapPage/>
                    </Routes>
                })}
            </AppFrame>
            {move || last.get().then(|| view! { <LeaveNotice/> })}
        </Router>
    }
}

/// The frame as the app draws it: `<main>` is busy while the page loads,
/// while a part of it does (search results), and from the moment the URL
/// names another page until that page is drawn.
#[component]
fn AppFrame(top_bar: Memo<bool>, children: Children) -> impl IntoView {
    crate::components::search_box::Typing::provide();
    let (page, part, drawn) = (use_busy(), use_part_busy(), use_drawn_path());
    let path = use_location().pathname;
    let busy = Signal::derive(move || {
        page.get() || part.get() || path.with(|p| drawn.with(|d| d.as_deref() != Some(p.as_str())))
    });
    view! { <Frame busy=busy top_bar=top_bar>{children()}</Frame> }
}

/// Everything around the page: skip link, date bar, header with the
/// channel navigation, `<main>` with the page, footer. The app and the
/// pre-renderer draw the same frame, so a pre-rendered page and the app
/// that takes it over look the same.
#[component]
pub fn Frame(
    /// `aria-busy` of `<main>`.
    #[prop(into)]
    busy: Signal<bool>,
    /// Whether to draw the skip link and the top bar yet, when the app
    /// draws in stages (see `App`). Drawn at once when not given.
    #[prop(optional, into)]
    top_bar: Option<Signal<bool>>,
    children: Children,
) -> impl IntoView {
    let edition = use_edition();
    let top = move || top_bar.is_none_or(|t| t.get());
    view! {
        {move || top().then(|| view! {
            <SkipLink/>
            <section class="top-bar" aria-label="日期、阅读设置与提示">
                <DateBar/>
                <PwaNotices/>
            </section>
        })}
        {move || edition.get().map(|e| view! { <SiteHeader edition=e/> })}
        <main id="main" class="site-main" tabindex="-1" aria-busy=move || busy.get().to_string()>
            {children()}
        </main>
        {move || edition.get().map(|e| view! { <SiteFooter edition=e/> })}
    }
}

/// 跳到正文: the first thing a keyboard or screen-reader user reaches.
/// Focus is moved by hand: with `<base href>` set, a bare `#main` link would
/// navigate to the home page. For the same reason a pre-rendered page, read
/// without JavaScript, links to its own URL.
#[component]
fn SkipLink() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let href = format!(
        "{}#main",
        use_context::<leptos_router::location::RequestUrl>()
            .unwrap_or_default()
            .as_ref()
    );
    #[cfg(not(feature = "ssr"))]
    let href = "#main";
    let skip = |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        let main = crate::dom::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("main"))
            .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok());
        if let Some(main) = main {
            let _ = main.focus();
        }
    };
    view! { <a class="skip-link" href=href on:click=skip>"跳到正文"</a> }
}

/// What a page shows while its data loads.
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" role="status">"正在加载，请稍候…"</p> }
}

/// What a page shows when its data could not be loaded.
#[component]
pub fn LoadFailed(
    error: AppError,
    on_retry: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <PageTitle text=error.title()/>
        <div class="wrap">
            <ErrorView error=error on_retry=on_retry/>
        </div>
    }
}
