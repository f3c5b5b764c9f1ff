//! Reusable pieces of the pages. Each takes plain values as props (no store
//! look-ups of its own where avoidable), so tests can mount it alone.

pub mod article;
pub mod breadcrumb;
pub mod bulletin_list;
pub mod error_view;
pub mod frame;
pub mod highlight;
pub mod leave_notice;
pub mod meta;
pub mod pager;
pub mod read_aloud;
pub mod reading;
pub mod search_box;
pub mod share;
