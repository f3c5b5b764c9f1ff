//! `pufa`, the content tool of the 普法动态 portal: it checks an office's
//! content (Markdown + TOML under `content/`) with pufa-core's rules and
//! compiles it into the static data tree the app reads.

pub mod build;
pub mod content;
pub mod convert;
pub mod feeds;
pub mod import;
pub mod links;
pub mod markdown;
pub mod new;
pub mod render;
pub mod search_aids;
