//! Client-side search that understands Chinese (issue #3).
//!
//! Text is normalised ([`normalize`]), cut into characters, character pairs
//! and words ([`tokenize`]), indexed ([`index`]) and highlighted
//! ([`snippet`]); [`query`] reads the words and filters from the URL. The
//! same code runs in the browser and in native tools, so an article and a
//! query are always cut the same way.

pub mod index;
pub mod normalize;
pub mod pieces;
pub mod query;
pub mod related;
pub mod snippet;
pub mod tokenize;

pub use index::{Filter, Hit, SearchIndex};
pub use query::{parse_terms, SearchParams, Sort, Term};
pub use snippet::Segment;

use crate::store::Store;

/// Run the search the URL describes against the store's index.
pub fn run(store: &Store, index: &SearchIndex, params: &SearchParams) -> (Vec<Term>, Vec<Hit>) {
    let terms = parse_terms(&params.q);
    let filter = Filter {
        channels: params
            .channel
            .as_deref()
            .map(|c| store.catalog.descendants(c)),
        from: params.from,
        to: params.to,
    };
    let hits = index.search(&terms, &filter, params.sort);
    (terms, hits)
}
