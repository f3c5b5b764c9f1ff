//! One component per route. Each reads the URL and the store, asks the core
//! crate for what to show, and renders components.

mod article;
mod channel;
mod home;
mod not_found;
mod search;

pub use article::ArticlePage;
pub use channel::ChannelPage;
pub use home::HomePage;
pub use not_found::NotFound;
pub use search::{LazyIndex, SearchPage};

/// `标题 - 站点名`, the document title of every page but home.
pub fn page_title(page: &str, site: &str) -> String {
    format!("{page} - {site}")
}
