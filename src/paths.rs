//! Every URL the app links to, built in one place.
//!
//! The app may be deployed under a sub-path (`trunk build --public-url
//! /pufa/`). Trunk writes that path into `<base href>`; the router and every
//! link take it from there, and data files are fetched relative to it.

use std::sync::OnceLock;

use pufa_core::meta::SiteRoot;
use pufa_core::url::base_path;
use pufa_core::Target;

static BASE: OnceLock<String> = OnceLock::new();

/// Fix the deployment path before anything asks for it: the pre-renderer
/// has no `<base href>` to read, so it passes the one of the built shell.
/// Returns `false` if a different path was already in use.
pub fn init_base(uri: &str) -> bool {
    let path = base_path(uri);
    BASE.get_or_init(|| path.clone()) == &path
}

/// The deployment path without a trailing slash: `""` at the site root,
/// `"/pufa"` under a sub-path.
pub fn base() -> &'static str {
    BASE.get_or_init(|| {
        let uri = crate::dom::window()
            .and_then(|w| w.document())
            .and_then(|d| d.base_uri().ok().flatten())
            .unwrap_or_default();
        base_path(&uri)
    })
}

/// URLs of this deployment's pages (the shapes live in `SiteRoot`).
fn site() -> SiteRoot {
    SiteRoot(base().to_string())
}

pub fn home() -> String {
    site().home()
}

/// Page 1 of a channel has the short URL; later pages add the number.
pub fn channel(id: &str, page: usize) -> String {
    site().channel_page(id, page)
}

pub fn article(id: &str) -> String {
    site().article(id)
}

/// The search page; `query` is a query string without `?` (may be empty).
pub fn search(query: &str) -> String {
    site().search(query)
}

/// 网站地图: every channel on one page.
pub fn sitemap() -> String {
    site().sitemap()
}

pub fn target(t: &Target) -> String {
    site().target(t)
}

/// Data files are fetched relative to `<base href>`, so they follow the
/// deployment path too.
pub fn data_file(name: &str) -> String {
    format!("data/{name}")
}

/// A link from the data: an absolute `http(s)://` address as it is, a site
/// path (`/channel/fagui`) under the deployment path like every other link
/// of the app (links were checked by `url::check_url` when decoded).
pub fn data_link(url: &str) -> String {
    if url.starts_with('/') {
        format!("{}{url}", base())
    } else {
        url.to_string()
    }
}
