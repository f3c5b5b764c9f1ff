//! App-wide context: the site edition on screen (one data version's site
//! and channel tree), and the loader every page uses to fetch its own data
//! from that same version.
//!
//! A page's data and the site it is shown with always come from one
//! version: [`load_page`] asks which version is current, takes the site of
//! that version (fetched once per version), then the page's file of that
//! version, and hands both to the page together. The frame (header, footer)
//! follows the edition of the last page shown.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use leptos::prelude::*;
use pufa_core::compiled::DataVersion;
use pufa_core::Catalog;

use crate::api::{self, AppError};

/// One published version of the site: its version and its catalog.
#[derive(Debug, PartialEq)]
pub struct Edition {
    pub version: DataVersion,
    pub catalog: Catalog,
}

pub type SharedEdition = Arc<Edition>;

/// The edition on screen; `None` until the first page has loaded.
#[derive(Clone, Copy)]
pub struct CurrentEdition(pub RwSignal<Option<SharedEdition>>);

/// Whether the page on screen is still loading its data: `aria-busy` on
/// `<main>` (screen readers wait, and so do the end-to-end tests).
#[derive(Clone, Copy)]
pub struct Busy(pub RwSignal<bool>);

/// The path of the page last drawn in full (its data shown, not 正在加载):
/// until it is the path in the URL, `<main>` is busy. Between a click on a
/// link and the moment the next page asks for its data, the router shows
/// the previous page under the new address, then nothing, and nothing
/// else says so.
#[derive(Clone, Copy)]
pub struct DrawnPath(pub RwSignal<Option<String>>);

pub fn use_drawn_path() -> RwSignal<Option<String>> {
    use_context::<DrawnPath>()
        .map(|d| d.0)
        .unwrap_or_else(|| RwSignal::new(None))
}

/// How many parts of the page are still loading after the page itself
/// (search results): `<main>` stays `aria-busy` until none is. A count of
/// holds, not one flag, so a part going away (its cleanup) cannot end the
/// busy state of a newer part that is still loading.
#[derive(Clone, Copy)]
pub struct PartBusy(pub RwSignal<u32>);

pub fn provide_state() {
    provide_context(CurrentEdition(RwSignal::new(None)));
    provide_context(Busy(RwSignal::new(true)));
    provide_context(PartBusy(RwSignal::new(0)));
    provide_context(DrawnPath(RwSignal::new(None)));
}

/// Whether some part of the page is still loading (see [`PartBusy`]).
pub fn use_part_busy() -> Signal<bool> {
    let count = part_busy_count();
    Signal::derive(move || count.get() > 0)
}

fn part_busy_count() -> RwSignal<u32> {
    use_context::<PartBusy>()
        .map(|b| b.0)
        .unwrap_or_else(|| RwSignal::new(0))
}

/// One part's hold on [`PartBusy`]: held, it keeps `<main>` busy; it is
/// let go when the part says so or when the part goes away, and only ever
/// counted once.
#[derive(Clone)]
pub struct BusyHold {
    count: RwSignal<u32>,
    held: Arc<AtomicBool>,
}

impl BusyHold {
    /// A hold for the component being drawn, let go with it; not yet held.
    pub fn of_component() -> Self {
        let hold = BusyHold {
            count: part_busy_count(),
            held: Arc::new(AtomicBool::new(false)),
        };
        let mine = hold.clone();
        on_cleanup(move || mine.release());
        hold
    }

    pub fn hold(&self) {
        if !self.held.swap(true, Ordering::SeqCst) {
            let _ = self.count.try_update(|n| *n += 1);
        }
    }

    pub fn release(&self) {
        if self.held.swap(false, Ordering::SeqCst) {
            let _ = self.count.try_update(|n| *n = n.saturating_sub(1));
        }
    }
}

pub fn use_busy() -> RwSignal<bool> {
    use_context::<Busy>()
        .map(|b| b.0)
        .unwrap_or_else(|| RwSignal::new(false))
}

fn current() -> RwSignal<Option<SharedEdition>> {
    use_context::<CurrentEdition>()
        .map(|c| c.0)
        .unwrap_or_else(|| RwSignal::new(None))
}

/// The edition on screen, tracked (for the frame and the search box).
pub fn use_edition() -> Signal<Option<SharedEdition>> {
    let c = current();
    Signal::derive(move || c.get())
}

/// What a page loader returns: the edition and the page's own data, or
/// `None` when the page does not exist (a 404 of its file).
pub type PageResult<T> = Result<(SharedEdition, Option<T>), AppError>;

/// Fetch what a page needs, all from the current version. `fetch` gets the
/// edition to read from and returns the page's data (`None`: not found).
pub fn load_page<T, F, Fut>(fetch: F) -> impl Future<Output = PageResult<T>>
where
    F: FnOnce(SharedEdition) -> Fut,
    Fut: Future<Output = Result<Option<T>, AppError>>,
{
    let current = current();
    // Set at once, when the route asks for its data; the page's Transition
    // clears it once the page is shown (see `pages::show_page`).
    use_busy().set(true);
    async move {
        let known = current.get_untracked();
        let edition = api::edition(known).await?;
        // The frame shows this edition from now on, whatever the page's own
        // file turns out to be. The reader may have navigated away meanwhile;
        // the signal may then be gone with its owner, which is fine.
        let same = current
            .try_get_untracked()
            .flatten()
            .is_some_and(|c| Arc::ptr_eq(&c, &edition));
        if !same {
            let _ = current.try_set(Some(edition.clone()));
        }
        let page = fetch(edition.clone()).await?;
        Ok((edition, page))
    }
}
