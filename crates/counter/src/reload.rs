//! Publishing without a restart: the service reads the bulletin list again
//! on SIGHUP, and when the data changes (`version.json` or the manifest it
//! names, or the plain JSON file, checked every `--reload-interval`), and
//! swaps it in atomically. A data file that cannot be read or is not valid
//! keeps the old list, with one log line naming the file.
//!
//! What handlers use is one [`Generation`]: a catalog, the totals made for
//! it and the writer that commits into them. A handler takes the current
//! generation once per request, so its catalog index, the totals it reads
//! and the writer it sends to always belong together. Indexes (slots) never
//! move between generations (`Catalog::updated`), so the repeat-view window
//! keyed by slot stays valid too.
//!
//! - A publish that only removes ids (or changes nothing) swaps the catalog
//!   and keeps the totals and the writer: removed ids stop being countable.
//! - A publish that adds ids, or changes an exported count, needs larger
//!   (or rebased) totals and a writer whose batches know the new slots: the
//!   reloader opens a second connection to the storage, reads the live
//!   counts, starts a new writer, swaps, and lets the old writer commit
//!   what it was sent and stop. Its last counts are then carried over into
//!   the new totals (counts only grow, so the larger value wins).

use std::path::PathBuf;
use std::sync::{Arc, PoisonError, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::{mpsc, watch};

use crate::catalog::{Catalog, Changes, Fingerprint};
use crate::http::AppState;
use crate::store::{Store, StoreError};
use crate::writer::{self, Msg, Stopped, Totals};

/// A catalog with the totals and the writer made for it.
pub struct Generation {
    pub catalog: Arc<Catalog>,
    pub totals: Arc<Totals>,
    pub writer: mpsc::Sender<Msg>,
}

/// The generation in use, replaced as a whole by a reload.
pub struct Live(RwLock<Arc<Generation>>);

impl Live {
    pub fn new(generation: Generation) -> Self {
        Live(RwLock::new(Arc::new(generation)))
    }

    /// The generation to use for one request; hold it for the request only
    /// (an old writer stops once nobody holds its generation).
    pub fn current(&self) -> Arc<Generation> {
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn replace(&self, next: Generation) -> Arc<Generation> {
        let mut current = self.0.write().unwrap_or_else(PoisonError::into_inner);
        std::mem::replace(&mut *current, Arc::new(next))
    }
}

/// What the reloader leaves for the shutdown: the current writer's thread,
/// and what the writers it retired did.
pub struct Retired {
    pub writer_thread: JoinHandle<Stopped>,
    pub committed: u64,
    pub closed: Result<(), StoreError>,
}

/// Opens another connection to the storage, for a new writer.
pub type OpenStore<S> = Arc<dyn Fn() -> Result<S, StoreError> + Send + Sync>;

pub struct Reloader<S: Store> {
    pub data: PathBuf,
    /// Zero: only SIGHUP reloads.
    pub interval: Duration,
    pub state: Arc<AppState>,
    pub open: OpenStore<S>,
    pub writer_thread: JoinHandle<Stopped>,
    /// The data as it was when the catalog in use was read.
    pub fingerprint: Fingerprint,
}

impl<S: Store> Reloader<S> {
    /// Watches for publishes until `stop` turns true. SIGHUP is handled
    /// from the moment this returns.
    pub fn spawn(self, stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<Retired> {
        let hangup = hangup_signal();
        tokio::spawn(self.run(hangup, stop))
    }

    async fn run(self, mut hangup: Hangup, mut stop: watch::Receiver<bool>) -> Retired {
        let mut task = Task {
            fingerprint: self.fingerprint.clone(),
            reloader: self,
            committed: 0,
            closed: Ok(()),
        };
        let interval = task.reloader.interval;
        let mut poll = (!interval.is_zero()).then(|| {
            let mut poll =
                tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
            poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            poll
        });
        loop {
            if *stop.borrow() {
                break;
            }
            tokio::select! {
                changed = stop.changed() => if changed.is_err() {
                    // The sender is gone, which only happens after it sent.
                    break;
                },
                () = next_hangup(&mut hangup) => task.reload(true).await,
                () = next_tick(&mut poll) => task.reload(false).await,
            }
        }
        Retired {
            writer_thread: task.reloader.writer_thread,
            committed: task.committed,
            closed: task.closed,
        }
    }
}

struct Task<S: Store> {
    reloader: Reloader<S>,
    /// The data as last read successfully or found broken: polling reloads
    /// only when it changes, so a broken file is reported once.
    fingerprint: Fingerprint,
    committed: u64,
    closed: Result<(), StoreError>,
}

impl<S: Store> Task<S> {
    async fn reload(&mut self, asked: bool) {
        let data = self.reloader.data.clone();
        let fingerprint = Fingerprint::of(&data);
        if !asked && fingerprint == self.fingerprint {
            return;
        }
        let fresh = match tokio::task::spawn_blocking(move || Catalog::load(&data)).await {
            Ok(Ok(fresh)) => fresh,
            Ok(Err(e)) => {
                self.fingerprint = fingerprint;
                let kept = self.reloader.state.live.current().catalog.countable_len();
                eprintln!("pufa-counter: error: kept the previous {kept} bulletins: {e}");
                return;
            }
            Err(e) => {
                eprintln!("pufa-counter: error: reading the data failed: {e}");
                return;
            }
        };
        let current = self.reloader.state.live.current();
        let (next, changes) = current.catalog.updated(&fresh);
        let next = Arc::new(next);
        if current.catalog.same_slots(&next) {
            self.reloader.state.live.replace(Generation {
                catalog: next.clone(),
                totals: current.totals.clone(),
                writer: current.writer.clone(),
            });
        } else if let Err(e) = self.new_writer(current, next.clone()).await {
            // Not recorded as read: the next poll (or SIGHUP) tries again.
            eprintln!(
                "pufa-counter: error: the new data in {} is not used yet: {e}; still counting \
                 the previous bulletins",
                self.reloader.data.display()
            );
            return;
        }
        self.fingerprint = fingerprint;
        if asked || changes != Changes::default() {
            eprintln!(
                "pufa-counter: reloaded {}: {} bulletins ({} new, {} removed, {} with a new \
                 exported count)",
                self.reloader.data.display(),
                next.countable_len(),
                changes.added,
                changes.removed,
                changes.rebased,
            );
        }
    }

    /// Starts a writer (and totals) for `next`, swaps it in, and waits for
    /// the old writer to commit what it was sent.
    async fn new_writer(
        &mut self,
        current: Arc<Generation>,
        next: Arc<Catalog>,
    ) -> Result<(), StoreError> {
        let open = self.reloader.open.clone();
        let opened = tokio::task::spawn_blocking(move || {
            let mut store = open()?;
            let stored = store.load_all()?;
            Ok::<_, StoreError>((store, stored))
        })
        .await
        .map_err(|e| StoreError(format!("opening the storage failed: {e}")))?;
        let (store, stored) = opened?;
        let totals = Arc::new(Totals::new(&next, &stored));
        carry_over(&current, &totals);
        let (writer, thread) = writer::spawn(store, next.clone(), totals.clone())
            .map_err(|e| StoreError(format!("cannot start a writer thread: {e}")))?;
        let old = self.reloader.state.live.replace(Generation {
            catalog: next,
            totals: totals.clone(),
            writer,
        });
        drop(current);
        let old_thread = std::mem::replace(&mut self.reloader.writer_thread, thread);
        // The old writer ends once the requests that took its generation
        // have sent their views and it has committed them.
        let old_catalog = old.catalog.clone();
        let old_totals = old.totals.clone();
        drop(old);
        match tokio::task::spawn_blocking(move || old_thread.join()).await {
            Ok(Ok(Stopped { committed, closed })) => {
                self.committed += committed;
                if let Err(e) = closed {
                    eprintln!("pufa-counter: error: closing the previous writer's storage: {e}");
                    self.closed = Err(e);
                }
            }
            _ => eprintln!("pufa-counter: error: the previous writer thread panicked"),
        }
        carry_over_from(&old_catalog, &old_totals, &totals);
        Ok(())
    }
}

/// Raises `totals` to the live counts `from` has seen (slots are shared).
fn carry_over(from: &Generation, totals: &Totals) {
    carry_over_from(&from.catalog, &from.totals, totals);
}

fn carry_over_from(catalog: &Catalog, from: &Totals, totals: &Totals) {
    for slot in 0..catalog.len() {
        totals.observe(slot, from.total(slot).saturating_sub(catalog.base(slot)));
    }
}

#[cfg(unix)]
type Hangup = Option<tokio::signal::unix::Signal>;
#[cfg(not(unix))]
type Hangup = Option<()>;

#[cfg(unix)]
fn hangup_signal() -> Hangup {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::hangup()) {
        Ok(signal) => Some(signal),
        Err(e) => {
            eprintln!("pufa-counter: warning: cannot watch SIGHUP ({e}); reloads by polling only");
            None
        }
    }
}

#[cfg(not(unix))]
fn hangup_signal() -> Hangup {
    None
}

async fn next_hangup(signal: &mut Hangup) {
    #[cfg(unix)]
    if let Some(signal) = signal {
        if signal.recv().await.is_some() {
            return;
        }
    }
    #[cfg(not(unix))]
    let _ = signal;
    std::future::pending().await
}

async fn next_tick(poll: &mut Option<tokio::time::Interval>) {
    match poll {
        Some(poll) => {
            poll.tick().await;
        }
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn carried_over_counts_land_on_the_same_id() {
        let old = Catalog::from_json(r#"{"bulletins":[{"id":"a","views":5},{"id":"b"}]}"#)
            .expect("valid");
        let old_totals = Totals::new(&old, &HashMap::from([("a".to_string(), 3)]));
        old_totals.observe(1, 7);
        let fresh =
            Catalog::from_json(r#"{"bulletins":[{"id":"new"},{"id":"b"},{"id":"a","views":5}]}"#)
                .expect("valid");
        let (next, _) = old.updated(&fresh);
        let totals = Totals::new(&next, &HashMap::new());
        carry_over_from(&old, &old_totals, &totals);
        assert_eq!(totals.total(next.lookup("a").expect("a")), 8);
        assert_eq!(totals.total(next.lookup("b").expect("b")), 7);
        assert_eq!(totals.total(next.lookup("new").expect("new")), 0);
    }
}
