//! Pre-rendering (feature `ssr`, native only): the app's own page
//! components rendered to HTML, so a deep link, a reload, a reader without
//! JavaScript and a crawler all get the whole page with the first response.
//!
//! `pufa render` (crates/cli) reads the built data and the built shell
//! (`index.html`) and asks a [`Renderer`] for each page. The page is drawn
//! by the same `Frame` and page components as in the browser, so the two
//! cannot drift; `boot::take_over` swaps it for the app's copy later.

use std::sync::{Arc, Once};

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, ServerMetaContext};
use leptos_router::components::Router;
use leptos_router::location::RequestUrl;
use pufa_core::compiled::{ArticleFile, DataVersion, HomeFile, ListFile};
use pufa_core::meta::SiteRoot;
use pufa_core::Catalog;

use crate::app::Frame;
use crate::boot::PRERENDERED;
use crate::components::leave_notice::LeaveNotice;
use crate::components::meta::PublicOrigin;
use crate::components::reading::provide_reading_prefs;
use crate::pages::{Article, ChannelList, Home, NotFound, Sitemap};
use crate::paths;
use crate::state::{provide_state, CurrentEdition, Edition, SharedEdition};

/// One page to render, with its data file as the app would fetch it.
pub enum Page {
    Home(HomeFile),
    Channel(ListFile),
    Article(Box<ArticleFile>),
    Sitemap,
    NotFound,
}

/// The built shell, cut where the page goes.
#[derive(Debug)]
struct Shell {
    /// Up to `</head>`, without the shell's own `<title>` and preloads.
    head: String,
    /// `<body …>` as the shell has it.
    body_open: String,
}

impl Shell {
    fn parse(html: &str) -> Result<Shell, String> {
        let head_end = html
            .find("</head>")
            .ok_or("index.html 没有 </head>：不是 trunk build 生成的页面")?;
        let mut head = html[..head_end].to_string();
        // Trunk preloads the app's JS and wasm so the shell fills in
        // sooner. A pre-rendered page needs neither to be read: their
        // bytes would only compete with the page's own first paint.
        for kind in ["<link rel=\"modulepreload\"", "<link rel=\"preload\""] {
            while let Some(at) = head.find(kind) {
                let end = head[at..].find('>').map_or(head.len(), |i| at + i + 1);
                head.replace_range(at..end, "");
            }
        }
        if let (Some(a), Some(b)) = (head.find("<title>"), head.find("</title>")) {
            if a < b {
                head.replace_range(a..b + "</title>".len(), "");
            }
        }
        let body_at = html[head_end..]
            .find("<body")
            .map(|i| head_end + i)
            .ok_or("index.html 没有 <body>")?;
        let body_open_end = html[body_at..]
            .find('>')
            .map(|i| body_at + i + 1)
            .ok_or("index.html 的 <body> 没有结束")?;
        Ok(Shell {
            head,
            body_open: html[body_at..body_open_end].to_string(),
        })
    }
}

/// Renders the pages of one data version into the built shell.
pub struct Renderer {
    edition: SharedEdition,
    shell: Shell,
    /// `https://host` of `site.url`, for canonical and other absolute URLs.
    origin: Option<String>,
    root: SiteRoot,
}

impl Renderer {
    /// `shell` is the built `index.html`; its `<base href>` is the
    /// deployment path every link is made under.
    pub fn new(version: DataVersion, catalog: Catalog, shell: &str) -> Result<Renderer, String> {
        let base = base_href(shell).ok_or("index.html 没有 <base href>")?;
        if !paths::init_base(&base) {
            return Err(format!(
                "部署路径 {base} 与本进程已用的 {} 不同",
                paths::base()
            ));
        }
        static EXECUTOR: Once = Once::new();
        EXECUTOR.call_once(|| {
            // Leptos's head tags are collected by an async step; a
            // second initialisation (another Renderer) is harmless.
            let _ = any_spawner::Executor::init_futures_executor();
        });
        let origin = catalog
            .site
            .url
            .as_deref()
            .and_then(pufa_core::meta::site_origin);
        Ok(Renderer {
            edition: Arc::new(Edition { version, catalog }),
            shell: Shell::parse(shell)?,
            origin,
            root: SiteRoot(paths::base().to_string()),
        })
    }

    /// The site and channel tree pages are rendered with.
    pub fn catalog(&self) -> &Catalog {
        &self.edition.catalog
    }

    /// The site path of a page (with the deployment path).
    pub fn path_of(&self, page: &Page) -> String {
        match page {
            Page::Home(_) => self.root.home(),
            Page::Channel(list) => self.root.channel_page(&list.channel, list.page),
            Page::Article(file) => self.root.article(&file.bulletin.id),
            Page::Sitemap => self.root.sitemap(),
            Page::NotFound => format!("{}/404", paths::base()),
        }
    }

    /// The whole HTML document of `page`.
    pub fn render(&self, page: Page) -> String {
        let url = self.path_of(&page);
        let owner = Owner::new();
        let (html, meta) = owner.with(|| {
            let (meta, output) = ServerMetaContext::new();
            provide_context(meta);
            provide_meta_context();
            provide_context(RequestUrl::new(&url));
            if let Some(origin) = &self.origin {
                provide_context(PublicOrigin(origin.clone()));
            }
            provide_reading_prefs();
            provide_state();
            if let Some(current) = use_context::<CurrentEdition>() {
                current.0.set(Some(self.edition.clone()));
            }
            let edition = self.edition.clone();
            let body = view! {
                <Router base=paths::base()>
                    <Frame busy=false>{page_view(edition, page)}</Frame>
                    <LeaveNotice/>
                </Router>
            }
            .to_html();
            (body, output)
        });
        let doc = format!(
            "{head}</head>\n  {body_open}\n<div id=\"boot\" {PRERENDERED}>{html}</div>\n</body>\n</html>\n",
            head = self.shell.head,
            body_open = self.shell.body_open,
        );
        let injected = futures::executor::block_on(async move {
            use futures::StreamExt;
            let stream = meta.inject_meta_context(futures::stream::iter([doc])).await;
            stream.collect::<String>().await
        });
        drop(owner);
        mark_head_tags(injected, self.shell.head.len())
    }
}

fn page_view(edition: SharedEdition, page: Page) -> AnyView {
    match page {
        Page::Home(home) => view! { <Home edition=edition home=home/> }.into_any(),
        Page::Channel(list) => view! { <ChannelList edition=edition list=list/> }.into_any(),
        Page::Article(file) => view! { <Article edition=edition file=*file/> }.into_any(),
        Page::Sitemap => view! { <Sitemap edition=edition/> }.into_any(),
        Page::NotFound => view! { <NotFound edition=edition/> }.into_any(),
    }
}

/// Mark the page's own `<head>` tags (written by the page components, and
/// put by Leptos between the shell's head, which ends at `from`, and
/// `</head>`) so the app removes them when it takes over with its own.
fn mark_head_tags(html: String, from: usize) -> String {
    let Some(end) = html
        .get(from..)
        .and_then(|h| h.find("</head>"))
        .map(|i| from + i)
    else {
        return html;
    };
    let marked = html[from..end]
        .replace("<meta ", &format!("<meta {PRERENDERED} "))
        .replace("<link ", &format!("<link {PRERENDERED} "))
        .replace("<script ", &format!("<script {PRERENDERED} "));
    format!("{}{marked}{}", &html[..from], &html[end..])
}

/// `href` of the shell's `<base>`.
fn base_href(html: &str) -> Option<String> {
    let at = html.find("<base ")?;
    let tag = &html[at..at + html[at..].find('>')?];
    let href = tag.split("href=\"").nth(1)?.split('"').next()?;
    Some(href.to_string())
}
