//! The single writer. Views from every request meet in one channel and are
//! committed in batches, one transaction each, so one disk sync serves up to
//! [`MAX_BATCH`] views; that is what makes ten thousand durable views a
//! second possible on a small machine. A request is answered only after its
//! batch has committed, so an acknowledged view survives a crash.
//!
//! Batching is group commit: the writer takes whatever has queued up while
//! the previous commit was syncing, up to [`MAX_BATCH`]. Under light load a
//! view is committed at once (no timer adds latency); under heavy load
//! batches grow by themselves.
//!
//! The writer runs on its own OS thread because the storage calls block
//! (SQLite, and the blocking Redis client).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;

use tokio::sync::{mpsc, oneshot};

use crate::catalog::Catalog;
use crate::store::{Store, StoreError};

/// Most views in one transaction; bounds the time one commit takes.
pub const MAX_BATCH: usize = 512;

/// Views waiting for the writer; when full, handlers wait (backpressure)
/// instead of queueing without bound.
pub const QUEUE_CAPACITY: usize = 8192;

/// Totals served without touching storage: the data's exported count plus
/// the live count, updated only after a commit, so a total never includes
/// a view that could still be lost.
///
/// With SQLite this is the whole truth. With Redis other instances count
/// too, so handlers read totals from Redis and only keep this up to date
/// (see `http.rs`).
#[derive(Debug)]
pub struct Totals {
    base: Vec<u64>,
    live: Vec<AtomicU64>,
}

impl Totals {
    /// Starts from the live counts in storage; stored ids that are no longer
    /// in the data are kept in storage but not served.
    pub fn new(catalog: &Catalog, stored: &HashMap<String, u64>) -> Self {
        let n = catalog.len();
        Totals {
            base: (0..n).map(|i| catalog.base(i)).collect(),
            live: (0..n)
                .map(|i| AtomicU64::new(stored.get(catalog.id(i)).copied().unwrap_or(0)))
                .collect(),
        }
    }

    pub fn total(&self, index: usize) -> u64 {
        self.with_live(index, self.live[index].load(Ordering::Acquire))
    }

    /// The total for a live count read from storage.
    pub fn with_live(&self, index: usize, live: u64) -> u64 {
        self.base[index].saturating_add(live)
    }

    /// Records a live count read from storage. Counts only grow, and reads
    /// may finish out of order (the writer and, with Redis, handlers), so
    /// the larger value wins: a later, smaller answer is an older one.
    pub fn observe(&self, index: usize, live: u64) {
        self.live[index].fetch_max(live, Ordering::AcqRel);
    }
}

/// A message to the writer.
pub enum Msg {
    /// Count one view of the bulletin at `index`; the reply carries the new
    /// total once committed.
    View {
        index: usize,
        reply: oneshot::Sender<Result<u64, StoreError>>,
    },
    /// Stop taking views, commit everything queued, close the store.
    Shutdown,
}

/// How the writer ended.
#[derive(Debug)]
pub struct Stopped {
    /// Views committed in the writer's life.
    pub committed: u64,
    /// The result of closing the store.
    pub closed: Result<(), StoreError>,
}

/// Starts the writer thread. It ends after [`Msg::Shutdown`] (or when every
/// sender is dropped), once everything queued is committed.
pub fn spawn<S: Store>(
    store: S,
    catalog: Arc<Catalog>,
    totals: Arc<Totals>,
) -> std::io::Result<(mpsc::Sender<Msg>, thread::JoinHandle<Stopped>)> {
    let (tx, rx) = mpsc::channel(QUEUE_CAPACITY);
    let handle = thread::Builder::new()
        .name("pufa-counter-writer".into())
        .spawn(move || run(store, rx, &catalog, &totals))?;
    Ok((tx, handle))
}

fn run<S: Store>(
    mut store: S,
    mut rx: mpsc::Receiver<Msg>,
    catalog: &Catalog,
    totals: &Totals,
) -> Stopped {
    let mut batch = Batch::new(catalog.len());
    let mut committed = 0u64;
    let mut closing = false;
    while let Some(first) = rx.blocking_recv() {
        closing |= batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(msg) => closing |= batch.push(msg),
                Err(_) => break,
            }
        }
        committed += batch.commit(&mut store, catalog, totals);
        if closing {
            // Refuse new views (their senders get an error and answer 503)
            // but keep the ones already queued: `blocking_recv` still yields
            // them, then `None`.
            rx.close();
        }
    }
    Stopped {
        committed,
        closed: store.close(),
    }
}

/// Views collected for one transaction.
struct Batch {
    waiting: Vec<(usize, oneshot::Sender<Result<u64, StoreError>>)>,
    /// Views per catalog index in this batch, so the transaction does one
    /// upsert per bulletin rather than one per view. After a commit, the
    /// live count storage returned for that index.
    per_index: Vec<u64>,
    touched: Vec<usize>,
}

impl Batch {
    fn new(bulletins: usize) -> Self {
        Batch {
            waiting: Vec::with_capacity(MAX_BATCH),
            per_index: vec![0; bulletins],
            touched: Vec::new(),
        }
    }

    fn len(&self) -> usize {
        self.waiting.len()
    }

    /// Adds a message; returns true when it asks the writer to stop.
    fn push(&mut self, msg: Msg) -> bool {
        match msg {
            Msg::View { index, reply } => {
                if self.per_index[index] == 0 {
                    self.touched.push(index);
                }
                self.per_index[index] += 1;
                self.waiting.push((index, reply));
                false
            }
            Msg::Shutdown => true,
        }
    }

    /// Commits, updates the totals, answers every waiting request, and
    /// returns how many views were committed.
    fn commit<S: Store>(&mut self, store: &mut S, catalog: &Catalog, totals: &Totals) -> u64 {
        if self.waiting.is_empty() {
            return 0;
        }
        let increments: Vec<(&str, u64)> = self
            .touched
            .iter()
            .map(|&i| (catalog.id(i), self.per_index[i]))
            .collect();
        let result = store.add_batch(&increments).and_then(|live| {
            if live.len() == increments.len() {
                Ok(live)
            } else {
                Err(StoreError(format!(
                    "storage returned {} counts for {} bulletins",
                    live.len(),
                    increments.len()
                )))
            }
        });
        let result = result.map(|live| {
            for (&i, live) in self.touched.iter().zip(live) {
                totals.observe(i, live);
                self.per_index[i] = live;
            }
        });
        let committed = match &result {
            Ok(()) => self.waiting.len() as u64,
            Err(e) => {
                eprintln!(
                    "pufa-counter: error: a batch of {} views was not stored: {e}",
                    self.waiting.len()
                );
                0
            }
        };
        for (index, reply) in self.waiting.drain(..) {
            // The count storage returned, not the cache: with Redis it
            // includes other instances' views up to this very commit.
            let answer = match &result {
                Ok(()) => Ok(totals.with_live(index, self.per_index[index])),
                Err(e) => Err(e.clone()),
            };
            // The requester may have gone away; the view is stored anyway.
            let _ = reply.send(answer);
        }
        for &i in &self.touched {
            self.per_index[i] = 0;
        }
        self.touched.clear();
        committed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Every batch a [`Fake`] store committed.
    type Recorded = Arc<Mutex<Vec<Vec<(String, u64)>>>>;

    /// A store that records batches and can be told to fail.
    #[derive(Clone, Default)]
    struct Fake {
        batches: Recorded,
        fail: bool,
    }

    impl Store for Fake {
        fn load_all(&mut self) -> Result<HashMap<String, u64>, StoreError> {
            Ok(HashMap::new())
        }
        fn add_batch(&mut self, increments: &[(&str, u64)]) -> Result<Vec<u64>, StoreError> {
            if self.fail {
                return Err(StoreError("disk full".into()));
            }
            let mut batches = self.batches.lock().expect("not poisoned");
            let live = increments
                .iter()
                .map(|&(id, n)| {
                    let before: u64 = batches
                        .iter()
                        .flatten()
                        .filter(|(stored, _)| stored == id)
                        .map(|(_, n)| n)
                        .sum();
                    before + n
                })
                .collect();
            batches.push(
                increments
                    .iter()
                    .map(|&(id, n)| (id.to_owned(), n))
                    .collect(),
            );
            Ok(live)
        }
        fn close(self) -> Result<(), StoreError> {
            Ok(())
        }
    }

    fn catalog() -> Arc<Catalog> {
        Arc::new(
            Catalog::from_json(r#"{"bulletins":[{"id":"a","views":10},{"id":"b"}]}"#)
                .expect("valid"),
        )
    }

    #[tokio::test]
    async fn queued_views_are_committed_together_and_answered_after_commit() {
        let catalog = catalog();
        let totals = Arc::new(Totals::new(&catalog, &HashMap::new()));
        let store = Fake::default();
        let batches = store.batches.clone();
        let (tx, handle) = spawn(store, catalog.clone(), totals.clone()).expect("spawns");
        let mut replies = Vec::new();
        for index in [0, 0, 1] {
            let (reply, rx) = oneshot::channel();
            tx.send(Msg::View { index, reply }).await.expect("queued");
            replies.push(rx);
        }
        let mut answers = Vec::new();
        for rx in replies {
            answers.push(rx.await.expect("answered").expect("stored"));
        }
        // Whatever the batching, the last answer for `a` includes both views.
        assert_eq!(answers[1], 12);
        assert_eq!(answers[2], 1);
        assert_eq!(totals.total(0), 12);
        tx.send(Msg::Shutdown).await.expect("queued");
        let Stopped { committed, closed } = tokio::task::spawn_blocking(move || handle.join())
            .await
            .expect("joins")
            .expect("no panic");
        assert_eq!(committed, 3);
        assert!(closed.is_ok());
        let stored: u64 = batches
            .lock()
            .expect("not poisoned")
            .iter()
            .flatten()
            .map(|(_, n)| n)
            .sum();
        assert_eq!(stored, 3);
    }

    /// A store shared with another instance that has already counted 100
    /// views of every bulletin.
    struct Shared;

    impl Store for Shared {
        fn load_all(&mut self) -> Result<HashMap<String, u64>, StoreError> {
            Ok(HashMap::new())
        }
        fn add_batch(&mut self, increments: &[(&str, u64)]) -> Result<Vec<u64>, StoreError> {
            Ok(increments.iter().map(|&(_, n)| 100 + n).collect())
        }
        fn close(self) -> Result<(), StoreError> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn answers_carry_the_count_storage_returned() {
        let catalog = catalog();
        let totals = Arc::new(Totals::new(&catalog, &HashMap::new()));
        let (tx, _handle) = spawn(Shared, catalog, totals.clone()).expect("spawns");
        let (reply, rx) = oneshot::channel();
        tx.send(Msg::View { index: 0, reply })
            .await
            .expect("queued");
        // The exported 10, the other instance's 100 and this view.
        assert_eq!(rx.await.expect("answered").expect("stored"), 111);
        assert_eq!(totals.total(0), 111);
        // The cache never goes back: an older, smaller read is ignored.
        totals.observe(0, 50);
        assert_eq!(totals.total(0), 111);
    }

    #[tokio::test]
    async fn a_failed_commit_is_reported_and_not_counted() {
        let catalog = catalog();
        let totals = Arc::new(Totals::new(&catalog, &HashMap::new()));
        let store = Fake {
            fail: true,
            ..Fake::default()
        };
        let (tx, _handle) = spawn(store, catalog, totals.clone()).expect("spawns");
        let (reply, rx) = oneshot::channel();
        tx.send(Msg::View { index: 1, reply })
            .await
            .expect("queued");
        assert!(rx.await.expect("answered").is_err());
        assert_eq!(totals.total(1), 0);
    }

    #[tokio::test]
    async fn after_shutdown_new_views_are_refused() {
        let catalog = catalog();
        let totals = Arc::new(Totals::new(&catalog, &HashMap::new()));
        let (tx, handle) = spawn(Fake::default(), catalog, totals).expect("spawns");
        tx.send(Msg::Shutdown).await.expect("queued");
        let Stopped { committed, .. } = tokio::task::spawn_blocking(move || handle.join())
            .await
            .expect("joins")
            .expect("no panic");
        assert_eq!(committed, 0);
        let (reply, _rx) = oneshot::channel();
        assert!(tx.send(Msg::View { index: 0, reply }).await.is_err());
    }
}
