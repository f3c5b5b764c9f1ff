//! Search that understands Chinese (issues #3 and #10).
//!
//! Text is normalised ([`normalize`]) and highlighted ([`snippet`]);
//! [`query`] reads the words and filters from the URL; [`pieces`] is the
//! index `pufa build` writes in pieces and the query over the pieces a
//! search fetched; [`tokenize`] cuts titles for [`related`]. The same code
//! runs in the browser and in native tools, so an article and a query are
//! always cut the same way. [`aids`] forgives: 您是不是要找 from pinyin,
//! pinyin typed as words, suggestions while typing, synonyms (issue #14).

pub mod aids;
pub mod normalize;
pub mod pieces;
pub mod query;
pub mod related;
pub mod snippet;
pub mod tokenize;
pub mod wire;

pub use query::{parse_terms, SearchParams, Sort, Term};
pub use snippet::Segment;
