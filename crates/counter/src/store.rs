//! Where live counts are kept. The rest of the service reaches storage only
//! through [`Store`], so the backend can change without touching the HTTP or
//! batching code. [`SqliteStore`] (here) is the default: a single file, WAL
//! mode, one transaction per batch, for one instance. `RedisStore` (in
//! `redis_store.rs`) is the shared backend for several instances.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags};

/// Storage failure; the message is for the operator's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError(format!("sqlite: {e}"))
    }
}

/// Live view counts per bulletin id (the data file's exported counts are
/// not stored: they are added when totals are served).
///
/// Used from one thread at a time (the writer), hence `&mut self` and no
/// internal locking.
pub trait Store: Send + 'static {
    /// Every stored live count, read once at start.
    fn load_all(&mut self) -> Result<HashMap<String, u64>, StoreError>;

    /// Adds each `(id, n)` atomically: all or nothing. `Ok` must mean the
    /// increments are durable, because the service acknowledges views only
    /// after it returns.
    ///
    /// Returns each id's live count after the batch, in the order of
    /// `increments`. With a shared backend that includes the views other
    /// instances counted, which is why the writer stores these values rather
    /// than adding its own increments to what it knew.
    fn add_batch(&mut self, increments: &[(&str, u64)]) -> Result<Vec<u64>, StoreError>;

    /// Flushes and releases the backend at shutdown.
    fn close(self) -> Result<(), StoreError>
    where
        Self: Sized;
}

/// Schema version kept in `PRAGMA user_version`, for future migrations.
const SCHEMA_VERSION: i64 = 1;

pub struct SqliteStore {
    conn: Connection,
}

impl SqliteStore {
    /// Opens (or creates) the database in WAL mode with `synchronous=FULL`:
    /// every commit is synced to disk, so an acknowledged view survives a
    /// power cut too, not just a crash of the process. Batching makes that
    /// one sync per batch rather than per view.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError(format!("cannot open database {}: {e}", path.display())))?;
        Self::init(conn)
    }

    fn init(conn: Connection) -> Result<Self, StoreError> {
        // An operator's sqlite3 shell may hold a lock for a moment; wait
        // rather than fail a batch.
        conn.busy_timeout(Duration::from_secs(5))?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
            return Err(StoreError(format!(
                "the database refused WAL mode (journal_mode is {mode})"
            )));
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError(format!(
                "database schema version {version} is newer than this build knows ({SCHEMA_VERSION})"
            )));
        }
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS views (
                 id   TEXT    PRIMARY KEY NOT NULL,
                 live INTEGER NOT NULL CHECK (live >= 0)
             ) WITHOUT ROWID;",
        )?;
        conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        Ok(SqliteStore { conn })
    }

    /// A private in-memory database, for unit tests.
    #[cfg(test)]
    fn in_memory() -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory()?)
    }
}

impl Store for SqliteStore {
    fn load_all(&mut self) -> Result<HashMap<String, u64>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT id, live FROM views")?;
        let rows = stmt.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
        })?;
        let mut all = HashMap::new();
        for row in rows {
            let (id, live) = row?;
            // The CHECK constraint keeps `live` non-negative.
            all.insert(id, u64::try_from(live).unwrap_or(0));
        }
        Ok(all)
    }

    fn add_batch(&mut self, increments: &[(&str, u64)]) -> Result<Vec<u64>, StoreError> {
        let tx = self.conn.transaction()?;
        let mut live = Vec::with_capacity(increments.len());
        {
            let mut upsert = tx.prepare_cached(
                "INSERT INTO views (id, live) VALUES (?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET live = live + excluded.live
                 RETURNING live",
            )?;
            for &(id, n) in increments {
                let n = i64::try_from(n)
                    .map_err(|_| StoreError(format!("increment {n} for {id} is too large")))?;
                let now: i64 = upsert.query_row(params![id, n], |row| row.get(0))?;
                // The CHECK constraint keeps `live` non-negative.
                live.push(u64::try_from(now).unwrap_or(0));
            }
        }
        // Dropping `tx` without commit would roll back: nothing is half-done.
        tx.commit()?;
        Ok(live)
    }

    fn close(self) -> Result<(), StoreError> {
        // Closing the last connection checkpoints the WAL into the main file
        // and removes the -wal and -shm files.
        self.conn.close().map_err(|(_, e)| StoreError::from(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_add_up() {
        let mut store = SqliteStore::in_memory().expect("opens");
        assert!(store.load_all().expect("loads").is_empty());
        assert_eq!(
            store.add_batch(&[("a", 2), ("b", 1)]).expect("commits"),
            vec![2, 1]
        );
        assert_eq!(store.add_batch(&[("a", 3)]).expect("commits"), vec![5]);
        let all = store.load_all().expect("loads");
        assert_eq!(all.get("a"), Some(&5));
        assert_eq!(all.get("b"), Some(&1));
        store.close().expect("closes");
    }

    #[test]
    fn a_file_survives_reopening_in_wal_mode() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("c.sqlite3");
        let mut store = SqliteStore::open(&path).expect("opens");
        let mode: String = store
            .conn
            .query_row("PRAGMA journal_mode", [], |row| row.get(0))
            .expect("reads mode");
        assert_eq!(mode, "wal");
        store.add_batch(&[("a", 7)]).expect("commits");
        store.close().expect("closes");
        let mut store = SqliteStore::open(&path).expect("reopens");
        assert_eq!(store.load_all().expect("loads").get("a"), Some(&7));
    }

    #[test]
    fn refuses_a_newer_schema() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("c.sqlite3");
        let conn = Connection::open(&path).expect("opens");
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .expect("sets version");
        drop(conn);
        let err = SqliteStore::open(&path).err().expect("refused");
        assert!(err.0.contains("newer"), "{err}");
    }
}
