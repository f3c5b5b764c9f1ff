//! The repeat-view window and the per-client rate limit kept in Redis
//! (`--redis`), so that several instances, or an instance and its
//! successor after a restart, judge every client the same way: a reader
//! whose requests move between instances is counted once per window and is
//! limited once, not once per instance. Without `--redis` the in-memory
//! `window.rs` and `rate.rs` are used instead.
//!
//! Keys are short and expire by themselves, so Redis's memory is bounded by
//! the traffic of one window:
//!
//! - `pufa:seen:<hash>`: one per (client, bulletin) seen within the window,
//!   set with `SET … 1 NX PX <window>`: atomic, so of two instances asked
//!   at once exactly one counts the view. The hash (128-bit FNV-1a of the
//!   client's address or /64 prefix and the id) bounds the key's length and
//!   keeps readers' addresses out of Redis.
//! - `pufa:rate:<hash>`: one token bucket per client (`--rate`, `--burst`,
//!   the same rule as in memory), updated by a small Lua script with Redis's
//!   clock, so every instance draws from the same bucket. It expires once it
//!   would be full again.
//!
//! Redis failures are errors here; the handlers answer them with 503, like
//! a failed write: with Redis unreachable no view can be counted anyway,
//! and answering from a per-instance fallback would count a view twice.

use std::fmt::Write as _;
use std::time::Duration;

use redis::aio::ConnectionManager;

use crate::client::ClientKey;
use crate::redis_store::{RedisTotals, RedisUrl, READ_TIMEOUT};
use crate::store::StoreError;

/// Prefix of the repeat-view keys.
pub const SEEN_PREFIX: &str = "pufa:seen:";

/// Prefix of the rate-limit keys.
pub const RATE_PREFIX: &str = "pufa:rate:";

/// A token bucket per key, in Redis's own time (milliseconds), so that the
/// clocks of the instances do not matter (`replicate_commands` lets Redis
/// before 5 write after `TIME`; later versions always may). ARGV: rate per second, burst,
/// expiry in ms. Returns 0 when a token was taken, else the milliseconds
/// until one is free.
const TOKEN_BUCKET: &str = r"
if redis.replicate_commands then redis.replicate_commands() end
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local saved = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(saved[1])
local at = tonumber(saved[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return wait
";

/// The window and the rate limit in Redis; shares the request handlers'
/// multiplexed connection ([`RedisTotals`]).
pub struct RedisLimits {
    conn: ConnectionManager,
    url: RedisUrl,
    window: Duration,
    rate: f64,
    burst: u32,
    /// How long an untouched bucket lives: until it would be full again.
    bucket_ttl: Duration,
}

impl RedisLimits {
    pub fn new(totals: &RedisTotals, window: Duration, rate: f64, burst: u32) -> Self {
        let (conn, url) = totals.connection();
        let refill = Duration::try_from_secs_f64(f64::from(burst) / rate)
            .unwrap_or(Duration::from_secs(86_400))
            .min(Duration::from_secs(86_400));
        RedisLimits {
            conn,
            url,
            window,
            rate,
            burst,
            bucket_ttl: refill + Duration::from_secs(1),
        }
    }

    /// True when `client` has not viewed `id` within the window, on any
    /// instance; the view is then remembered (atomically: of two requests
    /// at once, one gets true).
    pub async fn first_view(&self, client: ClientKey, id: &str) -> Result<bool, StoreError> {
        if self.window.is_zero() {
            return Ok(true);
        }
        let mut set = redis::cmd("SET");
        set.arg(seen_key(client, id))
            .arg(1)
            .arg("NX")
            .arg("PX")
            .arg(millis(self.window));
        let answer: Option<String> = self.query(set).await?;
        Ok(answer.is_some())
    }

    /// Undoes [`RedisLimits::first_view`] for a view that was not stored, so
    /// the client's retry can count. If Redis cannot be reached for this
    /// either, the key expires with the window: the view is then not
    /// counted at all rather than possibly twice.
    pub async fn forget(&self, client: ClientKey, id: &str) -> Result<(), StoreError> {
        if self.window.is_zero() {
            return Ok(());
        }
        let mut del = redis::cmd("DEL");
        del.arg(seen_key(client, id));
        let _: i64 = self.query(del).await?;
        Ok(())
    }

    /// Takes a token from `client`'s shared bucket: `Ok(Ok(()))` when
    /// allowed, `Ok(Err(wait))` when over the limit.
    pub async fn check_rate(&self, client: ClientKey) -> Result<Result<(), Duration>, StoreError> {
        let mut eval = redis::cmd("EVAL");
        eval.arg(TOKEN_BUCKET)
            .arg(1)
            .arg(rate_key(client))
            .arg(self.rate.to_string())
            .arg(self.burst)
            .arg(millis(self.bucket_ttl));
        let wait: i64 = self.query(eval).await?;
        Ok(match u64::try_from(wait) {
            Ok(0) | Err(_) => Ok(()),
            Ok(ms) => Err(Duration::from_millis(ms)),
        })
    }

    async fn query<T: redis::FromRedisValue>(&self, cmd: redis::Cmd) -> Result<T, StoreError> {
        let mut conn = self.conn.clone();
        match tokio::time::timeout(READ_TIMEOUT, cmd.query_async::<T>(&mut conn)).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(StoreError(format!("redis {}: {e}", self.url))),
            Err(_) => Err(StoreError(format!(
                "redis {}: no answer within {READ_TIMEOUT:?}",
                self.url
            ))),
        }
    }
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
