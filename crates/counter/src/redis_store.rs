//! The shared backend (`--redis`), for running several instances of the
//! service against one set of counts: more than one machine, or an old and a
//! new instance side by side during a restart. SQLite (`store.rs`) stays the
//! default for one instance. docs/counter.md ("Storage: SQLite or Redis")
//! explains when to switch and what Redis persistence must be set to.
//!
//! All live counts are one hash, [`KEY`], field = bulletin id. Two sides use
//! it, each on its own connection:
//!
//! - [`RedisStore`] is the writer's [`Store`]: the blocking client (the
//!   writer has its own OS thread). With Redis it reads the live counts at
//!   start and when a publish adds ids; a view is not sent through it but
//!   counted by the request handler's one script (`redis_limits.rs`), which
//!   also takes the rate-limit token and sets the repeat-view mark, in one
//!   round trip. Its `add_batch` (one `MULTI … HINCRBY … EXEC`) keeps the
//!   [`Store`] contract.
//! - [`connect_for_handlers`] opens the request handlers' connection: async,
//!   multiplexed (concurrent requests are pipelined on it) and reconnecting
//!   by itself, so a handler never blocks the runtime's threads.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, Connection};

use crate::store::{Store, StoreError};

/// The hash holding every live count. One fixed name: to keep two portals
/// apart in one Redis, give each its own database number in the URL.
pub const KEY: &str = "pufa:views";

/// How long connecting may take, at start and when reconnecting.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long the writer waits for a batch's answer. Past it the batch is
/// reported as failed (503) although Redis may still apply it: the price of
/// not hanging every request behind a stuck server is, at worst, one extra
/// count when a client retries.
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a request handler waits for totals; the portal gives up on the
/// API after 3 s and shows the data's counts, so waiting longer is useless.
pub(crate) const READ_TIMEOUT: Duration = Duration::from_secs(2);

/// A Redis URL checked at start. It may carry a password, so `Display` and
/// `Debug` show it with the password hidden (it goes to the log).
#[derive(Clone)]
pub struct RedisUrl {
    url: String,
}

impl RedisUrl {
    /// Takes the flag's text as it is; [`RedisUrl::check`] judges it at
    /// start. This never fails because clap would print a refused value
    /// whole, password and all.
    pub fn from_arg(text: &str) -> Result<Self, String> {
        Ok(RedisUrl {
            url: text.trim().to_owned(),
        })
    }

    /// A checked URL (for tests and callers outside clap).
    pub fn parse(text: &str) -> Result<Self, String> {
        let url = Self::from_arg(text)?;
        url.check()?;
        Ok(url)
    }

    /// Accepts what the `redis` crate can connect to without TLS:
    /// `redis://[user:password@]host[:port][/db]` and `redis+unix:///path`.
    /// The error shows the URL with its password hidden.
    pub fn check(&self) -> Result<(), String> {
        let text = self.url.as_str();
        let shown = redact(text);
        if text.starts_with("rediss://") {
            return Err(format!(
                "--redis “{shown}”: this build has no TLS; reach Redis on 127.0.0.1 or a private \
                 network, or through a local TLS tunnel, with a redis:// URL"
            ));
        }
        if !(text.starts_with("redis://")
            || text.starts_with("redis+unix://")
            || text.starts_with("unix://"))
        {
            return Err(format!(
                "--redis “{shown}” is not a Redis URL such as redis://127.0.0.1:6379/0"
            ));
        }
        // The crate's own parser: what it refuses here would fail at start.
        Client::open(text)
            .map_err(|e| format!("--redis “{shown}” is not a valid Redis URL ({e})"))?;
        Ok(())
    }

    fn client(&self) -> Result<Client, StoreError> {
        Client::open(self.url.as_str()).map_err(|e| StoreError(format!("redis {self}: {e}")))
    }
}

impl fmt::Display for RedisUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact(&self.url))
    }
}

impl fmt::Debug for RedisUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RedisUrl({self})")
    }
}

/// The URL with the password (user-info after `:`) and any query (where
/// `redis+unix` URLs put theirs) replaced by `***`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        // Not a URL at all (a typo such as `redis:/`): hide whatever could
        // be user-info.
        return match url.rsplit_once('@') {
            Some((_, host)) => format!("***@{host}"),
            None => url.to_owned(),
        };
    };
    let (rest, query) = match rest.split_once('?') {
        Some((rest, _)) => (rest, "?***"),
        None => (rest, ""),
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            // A lone user-info may well be a password: hide it all.
            None => format!("***@{host}"),
        },
        None => authority.to_owned(),
    };
    format!("{scheme}://{authority}{path}{query}")
}

/// The writer's side: a blocking connection, opened again after any error.
pub struct RedisStore {
    client: Client,
    url: RedisUrl,
    /// `None` after an error: a timed-out command's reply may still arrive
    /// and would be taken as the answer to the next one, so a connection
    /// that failed once is never reused.
    conn: Option<Connection>,
}

impl RedisStore {
    /// Connects and checks that a Redis answers, so that a wrong URL or a
    /// stopped server stops the service at start with a clear message.
    pub fn connect(url: &RedisUrl) -> Result<Self, StoreError> {
        let mut store = RedisStore {
            client: url.client()?,
            url: url.clone(),
            conn: None,
        };
        store.run(|conn| redis::cmd("PING").query::<String>(conn))?;
        Ok(store)
    }

    /// A line for the log when Redis's persistence does not keep the
    /// counter's promise that an acknowledged view survives a crash, read
    /// with `CONFIG GET` (the service cannot change it: that is the Redis
    /// operator's choice). `None` with `appendonly yes` and `appendfsync
    /// always`.
    pub fn persistence_warning(&mut self) -> Option<String> {
        let config: HashMap<String, String> =
            match self.run(|conn| redis::cmd("CONFIG").arg("GET").arg("append*").query(conn)) {
                Ok(config) => config,
                // Managed services often rename or disable CONFIG.
                Err(e) => {
                    return Some(format!(
                        "cannot read Redis's persistence settings ({e}); acknowledged views \
                         survive a crash only with appendonly yes and appendfsync always"
                    ))
                }
            };
        let setting = |name: &str| config.get(name).map_or("unknown", String::as_str);
        if setting("appendonly") != "yes" {
            return Some(format!(
                "Redis has appendonly {}: views acknowledged since its last snapshot are lost \
                 if Redis or the machine stops unexpectedly; set appendonly yes and \
                 appendfsync always",
                setting("appendonly")
            ));
        }
        if setting("appendfsync") != "always" {
            return Some(format!(
                "Redis has appendfsync {}: a crash of Redis or of the machine may lose the \
                 last second or so of acknowledged views; appendfsync always keeps every one",
                setting("appendfsync")
            ));
        }
        None
    }

    /// Runs `f` on the connection, opening one if needed; on error the
    /// connection is dropped and the error names the server.
    fn run<T>(
        &mut self,
        f: impl FnOnce(&mut Connection) -> redis::RedisResult<T>,
    ) -> Result<T, StoreError> {
        let conn = match self.conn.take() {
            Some(conn) => conn,
            None => self.open()?,
        };
        let conn = self.conn.insert(conn);
        f(conn).map_err(|e| {
            self.conn = None;
            StoreError(format!("redis {}: {e}", self.url))
        })
    }

    fn open(&self) -> Result<Connection, StoreError> {
        let fail = |e: redis::RedisError| {
            StoreError(format!(
                "cannot connect to Redis at {} ({e}); check --redis and that the server is running",
                self.url
            ))
        };
        let conn = self
            .client
            .get_connection_with_timeout(CONNECT_TIMEOUT)
            .map_err(fail)?;
        conn.set_read_timeout(Some(WRITE_TIMEOUT)).map_err(fail)?;
        conn.set_write_timeout(Some(WRITE_TIMEOUT)).map_err(fail)?;
        Ok(conn)
    }
}

impl Store for RedisStore {
    fn load_all(&mut self) -> Result<HashMap<String, u64>, StoreError> {
        let raw: HashMap<String, String> =
            self.run(|conn| redis::cmd("HGETALL").arg(KEY).query(conn))?;
        // Refuse to start on a value that is not a count (written by hand,
        // say): HINCRBY would fail on it later, one batch at a time.
        raw.into_iter()
            .map(|(id, value)| match value.parse::<u64>() {
                Ok(live) => Ok((id, live)),
                Err(_) => Err(StoreError(format!(
                    "redis {}: {KEY} field “{id}” holds “{value}”, not a view count",
                    self.url
                ))),
            })
            .collect()
    }

    fn add_batch(&mut self, increments: &[(&str, u64)]) -> Result<Vec<u64>, StoreError> {
        if increments.is_empty() {
            return Ok(Vec::new());
        }
        let mut pipe = redis::pipe();
        // MULTI … EXEC: other clients never see half a batch, and the batch
        // is one round trip.
        pipe.atomic();
        for &(id, n) in increments {
            let n = i64::try_from(n)
                .map_err(|_| StoreError(format!("increment {n} for {id} is too large")))?;
            pipe.cmd("HINCRBY").arg(KEY).arg(id).arg(n);
        }
        let live: Vec<i64> = self.run(|conn| pipe.query(conn))?;
        // Counts are never negative unless someone wrote the hash by hand.
        Ok(live
            .into_iter()
            .map(|n| u64::try_from(n).unwrap_or(0))
            .collect())
    }

    fn close(mut self) -> Result<(), StoreError> {
        // Every batch was answered by EXEC: nothing is buffered on this
        // side, so closing is dropping the connection.
        self.conn = None;
        Ok(())
    }
}

/// Opens the request handlers' connection: async and multiplexed (every
/// request in flight shares it, so concurrent requests are pipelined), and
/// it reconnects by itself. `redis_limits.rs` runs the per-request script on
/// it. Connects now, so that start-up fails rather than the first request.
pub(crate) async fn connect_for_handlers(url: &RedisUrl) -> Result<ConnectionManager, StoreError> {
    // Few, short retries: a request waiting on a reconnect should fail
    // within READ_TIMEOUT rather than wait out a long back-off.
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(CONNECT_TIMEOUT))
        .set_response_timeout(Some(READ_TIMEOUT))
        .set_number_of_retries(2)
        .set_max_delay(Duration::from_millis(500));
    ConnectionManager::new_with_config(url.client()?, config)
        .await
        .map_err(|e| {
            StoreError(format!(
                "cannot connect to Redis at {url} ({e}); check --redis and that the server is running"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(RedisUrl::parse("redis://127.0.0.1:6379/0").is_ok());
        assert!(RedisUrl::parse("redis://127.0.0.1").is_ok());
        assert!(RedisUrl::parse("redis+unix:///run/redis/redis.sock").is_ok());
        let tls = RedisUrl::parse("rediss://cache.example:6380").unwrap_err();
        assert!(tls.contains("no TLS"), "{tls}");
        assert!(RedisUrl::parse("127.0.0.1:6379").is_err());
        assert!(RedisUrl::parse("http://127.0.0.1:6379").is_err());
    }

    #[test]
    fn passwords_never_reach_the_log() {
        let url = RedisUrl::parse("redis://:s3cret@127.0.0.1:6379/2").expect("valid");
        assert_eq!(url.to_string(), "redis://:***@127.0.0.1:6379/2");
        assert!(!format!("{url:?}").contains("s3cret"));
        assert_eq!(
            redact("redis://counter:s3cret@10.0.0.5/1"),
            "redis://counter:***@10.0.0.5/1"
        );
        assert_eq!(redact("redis://s3cret@host"), "redis://***@host");
        assert_eq!(
            redact("redis+unix:///run/redis.sock?pass=s3cret"),
            "redis+unix:///run/redis.sock?***"
        );
        assert_eq!(redact("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
        assert_eq!(redact("redis:/:s3cret@host/"), "***@host/");
        let err = RedisUrl::parse("rediss://:s3cret@host").unwrap_err();
        assert!(!err.contains("s3cret"), "{err}");
    }
}
