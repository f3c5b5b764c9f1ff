//! Every URL the app links to, built in one place.
//!
//! The app may be deployed under a sub-path (`trunk build --public-url
//! /pufa/`). Trunk writes that path into `<base href>`; the router and every
//! link take it from there, and data files are fetched relative to it.

use std::sync::OnceLock;

use pufa_core::url::base_path;
use pufa_core::Target;

/// The deployment path without a trailing slash: `""` at the site root,
/// `"/pufa"` under a sub-path.
pub fn base() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        let uri = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.base_uri().ok().flatten())
            .unwrap_or_default();
        base_path(&uri)
    })
}

pub fn home() -> String {
    format!("{}/", base())
}

/// Page 1 of a channel has the short URL; later pages add the number.
pub fn channel(id: &str, page: usize) -> String {
    if page <= 1 {
        format!("{}/channel/{id}", base())
    } else {
        format!("{}/channel/{id}/{page}", base())
    }
}

pub fn article(id: &str) -> String {
    format!("{}/article/{id}", base())
}

/// The search page; `query` is a query string without `?` (may be empty).
pub fn search(query: &str) -> String {
    if query.is_empty() {
        format!("{}/search", base())
    } else {
        format!("{}/search?{query}", base())
    }
}

pub fn target(t: &Target) -> String {
    match t {
        Target::Home => home(),
        Target::Channel(id) => channel(id, 1),
    }
}

/// Data files are fetched relative to `<base href>`, so they follow the
/// deployment path too.
pub fn data_file(name: &str) -> String {
    format!("data/{name}")
}
