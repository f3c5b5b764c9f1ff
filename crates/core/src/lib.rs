//! Pure logic of the 普法动态 portal.
//!
//! Everything here is plain Rust with no browser dependency, so it is tested
//! natively with `cargo test` and the same code runs inside the wasm app (and,
//! later, in native content tools). Nothing in this crate panics on any input:
//! bad data becomes a [`DataError`] that names the file, field and line.

pub mod compiled;
pub mod corpus;
pub mod date;
pub mod decode;
pub mod error;
pub mod meta;
pub mod model;
pub mod paging;
pub mod search;
pub mod store;
pub mod trail;
pub mod url;

pub use decode::{decode_bulletins, decode_site, BULLETINS_FILE, SITE_FILE};
pub use error::DataError;
pub use model::{Block, Bulletin, Channel, Link, Site, SiteData, DEFAULT_PER_PAGE};
pub use paging::{PageItem, Pager};
pub use store::{Catalog, Store};
pub use trail::{Crumb, Target};
