//! The search worker (issues #10 and #11): the whole search engine in a
//! Web Worker of its own, so typing never waits for it and the page's wasm
//! does not carry the index code, the aids or the folding tables.
//!
//! [`engine`] is the engine of one data version over any way of fetching;
//! `web` (wasm only) answers the page's messages (`pufa_core::search::wire`).

pub mod engine;
#[cfg(target_arch = "wasm32")]
pub mod web;
