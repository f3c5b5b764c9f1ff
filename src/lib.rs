//! The 普法动态 portal as a Leptos client-side app.
//!
//! `main.rs` only mounts [`App`]; everything else lives here so the
//! wasm-bindgen tests can mount components on their own. Pure logic (data
//! model, validation, breadcrumbs, dates, paging) is in the `pufa-core`
//! crate; this crate fetches, routes and renders.

// The pre-renderer (the `ssr` build, where components keep their view
// types) nests the search page's views deeper than the default limit of 128.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod boot;
pub mod components;
pub mod dom;
pub mod pages;
pub mod paths;
#[cfg(feature = "ssr")]
pub mod prerender;
pub mod pwa;
pub mod search_worker;
pub mod state;

pub use app::App;
