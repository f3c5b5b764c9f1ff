//! What the page and the search worker say to each other (issues #10, #11).
//!
//! The search engine (the index pieces, the aids, the folding tables, the
//! highlighter) runs in a Web Worker of its own (`crates/search-worker`):
//! typing never waits for it, and the page's own wasm does not carry it.
//! Both sides speak these types as JSON strings over `postMessage`; one
//! definition here keeps them in step. The enums are externally tagged
//! (`{"found": {…}}`): serde's internally tagged enums cost about 30 kB of
//! the page's wasm to decode.
//!
//! Every request carries an `id`; the worker answers it once (a download
//! answers with progress first). Paths are relative to the data version
//! (`search/k/3.bin`); the worker fetches `data/v/<version>/<path>`
//! relative to its own script, which sits beside the app's shell.

use serde::{Deserialize, Serialize};

use super::aids::Suggestion;
use super::query::SearchParams;
use super::snippet::Segment;
use crate::compiled::Entry;
use crate::DataError;

/// Results on one page of search results.
pub const PER_PAGE: usize = 10;
/// Characters of a result's snippet.
pub const SNIPPET_CHARS: usize = 90;

/// A request from the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ask {
    pub id: u64,
    /// The data version searched (`data/v/<version>/`).
    pub version: String,
    pub what: What,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum What {
    /// The index's description: what the filters and 离线搜索 show.
    About,
    /// One page of results for the search state of the URL. The page has
    /// already dropped a channel the catalogue does not know.
    Find { params: SearchParams },
    /// The marked excerpt of article `id`'s text for the words `marks`
    /// (the worker fetches and keeps the texts: a message carries no
    /// article).
    Snippet { id: String, marks: Vec<String> },
    /// Frequent terms completing the last word of `text`.
    Suggest { text: String },
    /// Fetch every piece of the index (and the aids), reporting progress;
    /// `channels` are the catalogue's channel ids (each has a piece).
    Download { channels: Vec<String> },
}

/// The worker's answer to the request `id`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub id: u64,
    pub answer: Answer,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    About(About),
    Found(Box<Found>),
    Snippet {
        segments: Vec<Segment>,
    },
    Suggest {
        terms: Vec<String>,
    },
    /// A download under way: `done` of `total` files (more may be found).
    Progress {
        done: usize,
        total: usize,
    },
    /// A download finished.
    Downloaded,
    /// Newer words arrived before this search finished: nobody waits for
    /// it any more, and it stopped.
    Stale,
    Failed(Failure),
}

/// What the page shows of the index before any search.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct About {
    pub docs: u32,
    /// Bytes and number of files of the whole index with its aids.
    pub bytes: u64,
    pub files: u32,
    /// Publish years, newest first.
    pub years: Vec<i32>,
    /// Whether the aids (suggestions, pinyin, synonyms) were built.
    pub aids: bool,
}

/// One page of results.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Found {
    /// Articles found in all.
    pub total: usize,
    /// The page shown (the first when the URL asked for one past the end).
    pub page: usize,
    /// The results of that page, each with its title marked.
    pub results: Vec<Card>,
    /// What to mark in snippets: every term searched, synonyms included.
    pub marks: Vec<String>,
    /// No words: the results are a browse of the filters.
    pub browse: bool,
    /// Pinyin read as Chinese: the words typed and the words searched.
    pub pinyin: Option<(String, String)>,
    /// Synonyms searched as well.
    pub synonyms: Vec<String>,
    /// 您是不是要找.
    pub did_you_mean: Vec<Suggestion>,
}

/// One result: its list entry and its title with the words marked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Card {
    pub entry: Entry,
    pub title: Vec<Segment>,
}

/// Why the worker could not answer: the page's own error kinds, so a
/// reader sees the same messages as for any other data file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Failure {
    /// The request did not complete.
    Network { file: String, detail: String },
    /// The server answered with an error status.
    Status { file: String, status: u16 },
    /// Offline, and the service worker has no copy.
    NotCached { file: String },
    /// The file arrived but is not valid data.
    Data(DataError),
}

impl Failure {
    /// A failure of the worker's own bookkeeping (a message it cannot
    /// read), told like a bad data file so the operator sees where.
    pub fn protocol(message: impl Into<String>) -> Failure {
        Failure::Data(DataError::new("search-worker", "", message))
    }
}

/// Encode for `postMessage`.
pub fn encode<T: Serialize>(value: &T) -> String {
    // Plain data of strings, numbers and vectors: serialising cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

/// The id of a reply that cannot be decoded whole, so the request waiting
/// for it can be told instead of waiting forever.
pub fn reply_id(text: &str) -> Option<u64> {
    #[derive(Deserialize)]
    struct IdOnly {
        id: u64,
    }
    serde_json::from_str::<IdOnly>(text).ok().map(|r| r.id)
}

/// Decode a message; a message that is not one is a protocol failure.
pub fn decode<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, Failure> {
    serde_json::from_str(text).map_err(|e| Failure::protocol(format!("无法读取搜索消息：{e}")))
}
