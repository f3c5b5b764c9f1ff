//! What a request handler asks Redis (`--redis`): the per-client rate
//! limit, the repeat-view window and the count itself, kept in Redis so
//! that several instances, or an instance and its successor after a
//! restart, judge every client the same way: a reader whose requests move
//! between instances is counted once per window and is limited once, not
//! once per instance. Without `--redis` the in-memory `window.rs` and
//! `rate.rs` and the writer (`writer.rs`) are used instead.
//!
//! Every API request is one Redis round trip: one Lua script ([`SCRIPT`],
//! run with `EVALSHA`) that takes the client's rate-limit token and then,
//! for a view, sets the repeat-view mark and adds the view, or, for a total,
//! reads it. A script runs atomically, so of two instances asked at once for
//! the same reader and bulletin exactly one counts, and the mark and the
//! count are never apart (a view is marked seen only if it was counted).
//! With `appendfsync always` Redis writes and syncs its append-only file
//! before it sends the script's answer, so a view answered as counted is on
//! disk. Views that arrive together go into one script run (a batch, up to
//! [`MAX_BATCH`], with at most [`IN_FLIGHT`] runs under way): each view is
//! still judged on its own, in order, but Redis pays the script's fixed
//! cost, the `MULTI … EXEC` around its effects in the append-only file and
//! the sync once for the batch; under light load a view is sent at once,
//! alone.

//! Keys are short and expire by themselves, so Redis's memory is bounded by
//! the traffic of one window:
//!
//! - `pufa:seen:<hash>`: one per (client, bulletin) counted within the
//!   window, set with `SET … 1 NX PX <window>`. The hash (128-bit FNV-1a of
//!   the client's address or /64 prefix and the id) bounds the key's length
//!   and keeps readers' addresses out of Redis.
//! - `pufa:rate:<hash>`: one token bucket per client (`--rate`, `--burst`,
//!   the same rule as in memory), updated with Redis's clock, so every
//!   instance draws from the same bucket. It expires once it would be full
//!   again.
//!
//! Redis failures are errors here; the handlers answer them with 503: with
//! Redis unreachable no view can be counted anyway, and answering from a
//! per-instance fallback would count a view twice.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::{ErrorKind, ServerErrorKind};
use tokio::sync::{mpsc, oneshot, Semaphore};

use crate::client::ClientKey;
use crate::redis_store::{connect_for_handlers, RedisUrl, KEY, READ_TIMEOUT};
use crate::store::StoreError;

/// Prefix of the repeat-view keys.
pub const SEEN_PREFIX: &str = "pufa:seen:";

/// Prefix of the rate-limit keys.
pub const RATE_PREFIX: &str = "pufa:rate:";

/// Multiplexed connections the handlers spread their scripts over.
pub const CONNECTIONS: usize = 1;

/// Most views in one script run.
pub const MAX_BATCH: usize = 128;

/// Script runs of views that may be under way at once: one being synced by
/// Redis while the next is sent, so Redis is never idle waiting for the
/// service, and views arriving meanwhile gather into the next batch.
pub const IN_FLIGHT: usize = 2;

/// The one script of every API request (and of every batch of views).
///
/// ARGV 1 rate per second, 2 burst, 3 the mode. Each request first takes a
/// token from its client's bucket, in Redis's own time (microseconds), so
/// that the clocks of the instances do not matter (`replicate_commands`
/// lets Redis before 5 write after `TIME`; later versions always may);
/// `wait` is then 0, or the milliseconds until a token is free, and
/// nothing else is done for that request.
///
/// The bucket is kept as the generic cell rate algorithm keeps it: one
/// number, the time at which the bucket will be full again (`tat`). Taking
/// a token moves it on by one token's time (`1 / rate`); a token is free
/// while that leaves `tat` no more than `burst` tokens' time ahead of now.
/// This is the token bucket of `rate.rs` exactly, in one `GET` and one
/// `SET … PX` (the key expires when the bucket is full again), where a
/// hash of tokens and time took three commands; a refused request writes
/// nothing. A bucket key of another type (a hash left by an older version)
/// reads as a full bucket and is replaced.
///
/// - `count`, views: KEYS 1 the views hash, then per view its bucket and
///   its repeat-view mark; ARGV 4 the window in ms (`0`: no window), 5…
///   per view its id. Answers `wait, counted, live` per view: the mark is
///   set with `NX`; if it was already there (a repeat) the live count is
///   read, not counted; else the view is added and the new count answered,
///   counted. Should `HINCRBY` fail (a field that is not a number), the
///   mark is removed again and the view answers `-1, 0, 0`: nothing is
///   counted and a retry may count.
/// - `read`: KEYS 1 the views hash, 2 the bucket; ARGV 4… ids. Answers
///   `{wait}` over the rate, else `{0, 0, live…}` (`nil` for none yet).
/// - `rate`: KEYS as `read`; only the token: `{wait}`.
pub const SCRIPT: &str = r"
if redis.replicate_commands then redis.replicate_commands() end
local step = 1000000 / tonumber(ARGV[1])
local ahead = tonumber(ARGV[2]) * step
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local function take(key)
  local tat = tonumber(redis.pcall('GET', key))
  if tat == nil or tat < now then
    tat = now
  end
  tat = tat + step
  local over = tat - now - ahead
  if over > 0 then
    return math.ceil(over / 1000)
  end
  redis.call('SET', key, string.format('%.0f', tat), 'PX', math.ceil((tat - now) / 1000))
  return 0
end
local mode = ARGV[3]
if mode == 'count' then
  local window = ARGV[4]
  local out = {}
  local n = 0
  for i = 5, #ARGV do
    local bucket = KEYS[2 * (i - 4)]
    local mark = KEYS[2 * (i - 4) + 1]
    local wait = take(bucket)
    if wait > 0 then
      out[n + 1] = wait
      out[n + 2] = 0
      out[n + 3] = 0
    elseif window ~= '0' and not redis.call('SET', mark, '1', 'NX', 'PX', window) then
      out[n + 1] = 0
      out[n + 2] = 0
      out[n + 3] = redis.call('HGET', KEYS[1], ARGV[i])
    else
      local live = redis.pcall('HINCRBY', KEYS[1], ARGV[i], 1)
      if type(live) == 'table' and live.err then
        if window ~= '0' then
          redis.call('DEL', mark)
        end
        out[n + 1] = -1
        out[n + 2] = 0
        out[n + 3] = 0
      else
        out[n + 1] = 0
        out[n + 2] = 1
        out[n + 3] = live
      end
    end
    n = n + 3
  end
  return out
end
local wait = take(KEYS[2])
if wait > 0 then
  return {wait}
end
if mode == 'read' and #ARGV >= 4 then
  local live = redis.call('HMGET', KEYS[1], unpack(ARGV, 4))
  return {0, 0, unpack(live)}
end
return {0, 0}
";

/// What a request got from Redis: `Err(wait)` when the client is over its
/// rate (nothing else was done), else the answer.
pub type Limited<T> = Result<T, Duration>;

/// The window, the rate limit and the counting in Redis, on the request
/// handlers' connections.
pub struct RedisLimits {
    shared: Arc<Shared>,
    /// Views waiting for the batcher.
    views: mpsc::Sender<View>,
}

/// What the handlers and the batcher share.
struct Shared {
    conns: Vec<ConnectionManager>,
    next: AtomicUsize,
    url: RedisUrl,
    /// The script's SHA-1, as `SCRIPT LOAD` answered it.
    sha: String,
    /// ARGV 1–2 and the window, as sent.
    rate: String,
    burst: String,
    window: String,
}

/// One view waiting for its batch: keys, id, and where its answer goes
/// (`wait, counted, live` as the script gave them).
struct View {
    bucket: String,
    mark: String,
    id: String,
    reply: oneshot::Sender<Result<[Option<i64>; 3], StoreError>>,
}

impl RedisLimits {
    /// Opens the handlers' connections, loads the script (so that a Redis
    /// that cannot run it stops the start) and starts the batcher task.
    pub async fn connect(
        url: &RedisUrl,
        window: Duration,
        rate: f64,
        burst: u32,
    ) -> Result<Self, StoreError> {
        let mut conns = Vec::with_capacity(CONNECTIONS);
        for _ in 0..CONNECTIONS {
            conns.push(connect_for_handlers(url).await?);
        }
        let mut shared = Shared {
            conns,
            next: AtomicUsize::new(0),
            url: url.clone(),
            sha: String::new(),
            rate: rate.to_string(),
            burst: burst.to_string(),
            window: if window.is_zero() {
                "0".to_string()
            } else {
                millis(window).to_string()
            },
        };
        let mut conn = shared.conns[0].clone();
        shared.sha = shared.load(&mut conn).await?;
        let shared = Arc::new(shared);
        let (views, queue) = mpsc::channel(MAX_BATCH * 64);
        tokio::spawn(batcher(shared.clone(), queue));
        Ok(RedisLimits { shared, views })
    }

    /// Takes a token from `client`'s shared bucket, for a request refused
    /// before any other work: `Ok(Ok(()))` when allowed, `Ok(Err(wait))`
    /// when over the limit.
    pub async fn check_rate(&self, client: ClientKey) -> Result<Limited<()>, StoreError> {
        let bucket = rate_key(client);
        let answer = self.shared.run(&[KEY, &bucket], &["rate"]).await?;
        Ok(limited(&answer).map_or(Ok(()), Err))
    }

    /// Takes a token and reads the live count of each id, in order (0 for
    /// one never counted).
    pub async fn read(
        &self,
        client: ClientKey,
        ids: &[&str],
    ) -> Result<Limited<Vec<u64>>, StoreError> {
        let bucket = rate_key(client);
        let mut args = Vec::with_capacity(ids.len() + 1);
        args.push("read");
        args.extend_from_slice(ids);
        let answer = self.shared.run(&[KEY, &bucket], &args).await?;
        if let Some(wait) = limited(&answer) {
            return Ok(Err(wait));
        }
        let live = counts(&answer[2.min(answer.len())..]);
        if live.len() != ids.len() {
            return Err(StoreError(format!(
                "redis {}: {} counts read for {} ids",
                self.shared.url,
                live.len(),
                ids.len()
            )));
        }
        Ok(Ok(live))
    }

    /// Takes a token and counts the view of `id` by `client` unless it is a
    /// repeat within the window, on any instance: `(counted, live count)`.
    /// The view goes into the next batch (one script run for the views
    /// that arrived together); `counted` is true only once that script has
    /// answered, which with `appendfsync always` is after Redis synced it
    /// to disk. When this fails (Redis down, or no answer within the time
    /// limit) the view may or may not have been counted, but never twice:
    /// the mark and the count go together, so a retry within the window is
    /// a repeat if it was.
    pub async fn view(
        &self,
        client: ClientKey,
        id: &str,
    ) -> Result<Limited<(bool, u64)>, StoreError> {
        let (reply, answer) = oneshot::channel();
        let view = View {
            bucket: rate_key(client),
            mark: seen_key(client, id),
            id: id.to_owned(),
            reply,
        };
        let lost = || {
            StoreError(format!(
                "redis {}: the view's batch was not run",
                self.shared.url
            ))
        };
        self.views.send(view).await.map_err(|_| lost())?;
        let [wait, counted, live] = answer.await.map_err(|_| lost())??;
        match wait {
            Some(0) => Ok(Ok((
                counted == Some(1),
                live.map_or(0, |n| u64::try_from(n).unwrap_or(0)),
            ))),
            Some(ms) if ms > 0 => Ok(Err(Duration::from_millis(ms.unsigned_abs()))),
            _ => Err(StoreError(format!(
                "redis {}: HINCRBY {KEY} {id} failed (does the field hold a number?)",
                self.shared.url
            ))),
        }
    }
}

/// Takes the views queued while the previous batches were under way (up to
/// [`MAX_BATCH`]) and runs them as one script, with at most [`IN_FLIGHT`]
/// runs at once. Under light load a view is sent at once, alone; under
/// load the batches grow by themselves, as the writer's do with SQLite.
async fn batcher(shared: Arc<Shared>, mut queue: mpsc::Receiver<View>) {
    let in_flight = Arc::new(Semaphore::new(IN_FLIGHT));
    loop {
        let Ok(permit) = in_flight.clone().acquire_owned().await else {
            return;
        };
        let Some(first) = queue.recv().await else {
            return;
        };
        let mut batch = Vec::with_capacity(MAX_BATCH);
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(view) => batch.push(view),
                Err(_) => break,
            }
        }
        let shared = shared.clone();
        tokio::spawn(async move {
            let answers = shared.run_views(&batch).await;
            let views = batch.len();
            for (n, view) in batch.into_iter().enumerate() {
                let answer = match &answers {
                    Ok(values) => match values.get(3 * n..3 * n + 3) {
                        Some(&[wait, counted, live]) => Ok([wait, counted, live]),
                        _ => Err(StoreError(format!(
                            "redis {}: {} values for {views} views",
                            shared.url,
                            values.len(),
                        ))),
                    },
                    Err(e) => Err(e.clone()),
                };
                // The requester may have gone away; its view counts anyway.
                let _ = view.reply.send(answer);
            }
            drop(permit);
        });
    }
}

impl Shared {
    /// One script run for `views`.
    async fn run_views(&self, views: &[View]) -> Result<Vec<Option<i64>>, StoreError> {
        let mut keys = Vec::with_capacity(1 + 2 * views.len());
        let mut args = Vec::with_capacity(2 + views.len());
        keys.push(KEY);
        args.push("count");
        args.push(self.window.as_str());
        for view in views {
            keys.push(&view.bucket);
            keys.push(&view.mark);
            args.push(&view.id);
        }
        self.run(&keys, &args).await
    }

    /// Runs the script with `keys` and, after the rate-limit arguments,
    /// `args`; loads it again when Redis has lost it (a restart, `SCRIPT
    /// FLUSH`): the refused call did nothing, so running it again is safe.
    async fn run(&self, keys: &[&str], args: &[&str]) -> Result<Vec<Option<i64>>, StoreError> {
        let n = self.next.fetch_add(1, Ordering::Relaxed) % self.conns.len();
        let mut conn = self.conns[n].clone();
        let mut cmd = redis::cmd("EVALSHA");
        cmd.arg(&self.sha)
            .arg(keys.len())
            .arg(keys)
            .arg(&self.rate)
            .arg(&self.burst)
            .arg(args);
        let call = async {
            match cmd.query_async::<Vec<Option<i64>>>(&mut conn).await {
                Err(e) if e.kind() == ErrorKind::Server(ServerErrorKind::NoScript) => {
                    self.load(&mut conn).await?;
                    cmd.query_async::<Vec<Option<i64>>>(&mut conn)
                        .await
                        .map_err(|e| self.error(&e))
                }
                answer => answer.map_err(|e| self.error(&e)),
            }
        };
        match tokio::time::timeout(READ_TIMEOUT, call).await {
            Ok(answer) => answer,
            Err(_) => Err(StoreError(format!(
                "redis {}: no answer within {READ_TIMEOUT:?}",
                self.url
            ))),
        }
    }

    async fn load(&self, conn: &mut ConnectionManager) -> Result<String, StoreError> {
        let mut load = redis::cmd("SCRIPT");
        load.arg("LOAD").arg(SCRIPT);
        let load = load.query_async::<String>(conn);
        match tokio::time::timeout(READ_TIMEOUT, load).await {
            Ok(Ok(sha)) => Ok(sha),
            Ok(Err(e)) => Err(StoreError(format!(
                "redis {}: cannot load the counter's script: {e}",
                self.url
            ))),
            Err(_) => Err(StoreError(format!(
                "redis {}: no answer to SCRIPT LOAD within {READ_TIMEOUT:?}",
                self.url
            ))),
        }
    }

    fn error(&self, e: &redis::RedisError) -> StoreError {
        StoreError(format!("redis {}: {e}", self.url))
    }
}

/// `Some(wait)` when the script refused for the rate limit.
fn limited(answer: &[Option<i64>]) -> Option<Duration> {
    match answer.first() {
        Some(Some(ms)) if *ms > 0 => Some(Duration::from_millis(ms.unsigned_abs())),
        _ => None,
    }
}

fn counts(values: &[Option<i64>]) -> Vec<u64> {
    values
        .iter()
        .map(|n| n.map_or(0, |n| u64::try_from(n).unwrap_or(0)))
        .collect()
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

/// `pufa:seen:` and 32 hex digits, whatever the id's length.
pub fn seen_key(client: ClientKey, id: &str) -> String {
    key(
        SEEN_PREFIX,
        &[b"seen", client_text(client).as_bytes(), id.as_bytes()],
    )
}

/// `pufa:rate:` and 32 hex digits.
pub fn rate_key(client: ClientKey) -> String {
    key(RATE_PREFIX, &[b"rate", client_text(client).as_bytes()])
}

/// The client's address (IPv4, or the IPv6 /64 prefix) as text: the same
/// on every instance and every build, unlike `Hash`, whose output may
/// change between Rust releases.
fn client_text(client: ClientKey) -> String {
    client.ip().to_string()
}

fn key(prefix: &str, parts: &[&[u8]]) -> String {
    let mut hash = Fnv128::new();
    for part in parts {
        // Length-prefixed, so that ("ab", "c") and ("a", "bc") differ.
        hash.write(&(part.len() as u64).to_le_bytes());
        hash.write(part);
    }
    let mut key = String::with_capacity(prefix.len() + 32);
    key.push_str(prefix);
    let _ = write!(key, "{:032x}", hash.0);
    key
}

/// 128-bit FNV-1a: stable, dependency-free, and with 128 bits accidental
/// collisions (which would merge two clients' windows) are out of reach.
struct Fnv128(u128);

impl Fnv128 {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;

    fn new() -> Self {
        Fnv128(Self::OFFSET)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u128::from(b);
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(text: &str) -> ClientKey {
        ClientKey::from_ip(text.parse().expect("ip"))
    }

    #[test]
    fn keys_are_bounded_and_distinct() {
        let a = client("192.0.2.1");
        let long = "x".repeat(crate::catalog::MAX_ID_LEN);
        for key in [seen_key(a, "b"), seen_key(a, &long), rate_key(a)] {
            assert!(key.len() <= SEEN_PREFIX.len() + 32, "{key}");
            assert!(!key.contains("192.0.2.1"), "{key}");
        }
        assert_eq!(seen_key(a, "b"), seen_key(client("192.0.2.1"), "b"));
        assert_ne!(seen_key(a, "b"), seen_key(a, "c"));
        assert_ne!(seen_key(a, "b"), seen_key(client("192.0.2.2"), "b"));
        assert_ne!(rate_key(a), rate_key(client("192.0.2.2")));
        // One /64 is one client, as in memory.
        assert_eq!(
            rate_key(client("2001:db8::1")),
            rate_key(client("2001:db8::ffff"))
        );
        assert!(seen_key(a, "b").starts_with(SEEN_PREFIX));
        assert!(rate_key(a).starts_with(RATE_PREFIX));
    }

    #[test]
    fn fnv_matches_the_reference() {
        // FNV-1a 128 of the empty string and of "a" (reference values).
        assert_eq!(Fnv128::new().0, 0x6c62272e07bb014262b821756295c58d);
        let mut h = Fnv128::new();
        h.write(b"a");
        assert_eq!(h.0, 0xd228cb696f1a8caf78912b704e4a8964);
    }

    #[test]
    fn the_key_does_not_depend_on_the_build() {
        // Pinned: instances built by different compilers must agree.
        assert_eq!(
            seen_key(client("192.0.2.1"), "alpha"),
            seen_key(client("192.0.2.1"), "alpha")
        );
        assert_eq!(client_text(client("192.0.2.1")), "192.0.2.1");
        assert_eq!(client_text(client("2001:db8::1")), "2001:db8::");
    }
}
