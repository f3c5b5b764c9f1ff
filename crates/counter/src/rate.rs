//! Per-client rate limit, a token bucket per client: `burst` requests at
//! once, then `rate` a second on average. It keeps one client (a runaway
//! script, a reload loop) from filling the writer's queue for everyone.
//!
//! Memory is bounded: the table never holds more than its capacity. When it
//! is full, buckets that have refilled completely are dropped first (they
//! say nothing a fresh bucket would not; this sweep runs at most once per
//! capacity/4 new clients, so it costs O(1) per request). If the table is
//! still full, it is shared fairly between client groups (an IPv6 /48 or an
//! IPv4 address, see [`Group`]):
//!
//! - a new client whose group already holds more than its fair share
//!   (capacity / groups present) gets no bucket of its own but shares one
//!   bucket with the rest of its group, so rotating through the /64s of a
//!   /48 does not escape the limit once the table is full;
//! - otherwise one bucket is dropped to make room: among a sample, the one
//!   of the largest group, and within that the fullest (a limited client,
//!   with an empty bucket, is the last to be dropped, so others' churn does
//!   not reset it).
//!
//! A dropped bucket starts full again next time: that client is briefly
//! allowed a fresh burst, never refused.

use std::collections::hash_map::{Entry, RandomState};
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};

use crate::client::ClientKey;
use crate::window::{Group, GroupCounts};

/// Clients tracked at most, about 100 bytes each.
pub const MAX_CLIENTS: usize = 100_000;

/// Buckets looked at to choose which one to drop when the table is full.
const EVICTION_SAMPLE: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Slot {
    Client(ClientKey),
    /// The bucket shared by a group's clients that came when the group was
    /// over its share of a full table.
    Group(Group),
}

impl Slot {
    fn group(self) -> Group {
        match self {
            Slot::Client(client) => Group::of(client),
            Slot::Group(group) => group,
        }
    }
}

struct Bucket {
    tokens: f64,
    updated: Instant,
    /// Where its slot is in `RateLimiter::slots`.
    at: usize,
}

pub struct RateLimiter {
    rate: f64,
    burst: f64,
    capacity: usize,
    buckets: HashMap<Slot, Bucket>,
    /// The keys of `buckets`, to draw a random sample from.
    slots: Vec<Slot>,
    /// State of the xorshift generator that draws the sample.
    random: u64,
    /// Client buckets per group.
    groups: GroupCounts,
    /// Buckets made since the last sweep.
    since_sweep: usize,
}

impl RateLimiter {
    pub fn new(rate: f64, burst: u32, capacity: usize) -> Self {
        let capacity = capacity.max(2);
        RateLimiter {
            rate,
            burst: f64::from(burst.max(1)),
            capacity,
            buckets: HashMap::new(),
            slots: Vec::new(),
            // A seed per process (std's random hash keys); xorshift needs
            // it nonzero.
            random: RandomState::new().build_hasher().finish() | 1,
            groups: GroupCounts::default(),
            since_sweep: capacity,
        }
    }

    /// Takes a token for `client`; `Err` holds how long until one is free.
    pub fn check(&mut self, client: ClientKey, now: Instant) -> Result<(), Duration> {
        let mut slot = Slot::Client(client);
        if self.buckets.len() >= self.capacity && !self.buckets.contains_key(&slot) {
            if self.since_sweep >= self.capacity / 4 {
                self.sweep(now);
            }
            if self.buckets.len() >= self.capacity {
                let group = Group::of(client);
                if self.groups.over_fair_share(group, self.capacity) {
                    slot = Slot::Group(group);
                }
                if !self.buckets.contains_key(&slot) {
                    self.evict_one(now);
                }
            }
        }
        let burst = self.burst;
        let bucket = match self.buckets.entry(slot) {
            Entry::Occupied(entry) => entry.into_mut(),
            Entry::Vacant(entry) => {
                self.since_sweep += 1;
                if let Slot::Client(client) = slot {
                    self.groups.add(Group::of(client));
                }
                self.slots.push(slot);
                entry.insert(Bucket {
                    tokens: burst,
                    updated: now,
                    at: self.slots.len() - 1,
                })
            }
        };
        bucket.tokens = refilled(bucket, now, self.rate, burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / self.rate;
            Err(Duration::from_secs_f64(wait.min(86_400.0)))
        }
    }

    pub fn len(&self) -> usize {
        self.buckets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buckets.is_empty()
    }

    /// Drops the buckets that have refilled completely.
    fn sweep(&mut self, now: Instant) {
        self.since_sweep = 0;
        let (rate, burst) = (self.rate, self.burst);
        let groups = &mut self.groups;
        self.buckets.retain(|slot, bucket| {
            let keep = refilled(bucket, now, rate, burst) < burst;
            if !keep {
                if let Slot::Client(client) = slot {
                    groups.remove(Group::of(*client));
                }
            }
            keep
        });
        self.slots.clear();
        for (slot, bucket) in &mut self.buckets {
            bucket.at = self.slots.len();
            self.slots.push(*slot);
        }
    }

    /// Drops one bucket: among a random sample, the one whose group holds
    /// the most buckets, and of those the fullest.
    fn evict_one(&mut self, now: Instant) {
        if self.slots.is_empty() {
            return;
        }
        let mut victim: Option<(usize, f64, Slot)> = None;
        for _ in 0..EVICTION_SAMPLE {
            let pick = self.next_random() % self.slots.len();
            let slot = self.slots[pick];
            let Some(bucket) = self.buckets.get(&slot) else {
                continue;
            };
            let score = (
                self.groups.held(slot.group()),
                refilled(bucket, now, self.rate, self.burst),
            );
            if victim.is_none_or(|(held, tokens, _)| (score.0, score.1) > (held, tokens)) {
                victim = Some((score.0, score.1, slot));
            }
        }
        if let Some((_, _, slot)) = victim {
            self.remove(slot);
        }
    }

    fn remove(&mut self, slot: Slot) {
        let Some(bucket) = self.buckets.remove(&slot) else {
            return;
        };
        self.slots.swap_remove(bucket.at);
        if let Some(&moved) = self.slots.get(bucket.at) {
            if let Some(moved) = self.buckets.get_mut(&moved) {
                moved.at = bucket.at;
            }
        }
        if let Slot::Client(client) = slot {
            self.groups.remove(Group::of(client));
        }
    }

    /// xorshift64 from a random seed: a cheap sample that clients cannot
    /// aim at particular buckets.
    fn next_random(&mut self) -> usize {
        let mut x = self.random;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.random = x;
        (x >> 1) as usize
    }
}

/// The bucket's tokens as of `now`.
fn refilled(bucket: &Bucket, now: Instant, rate: f64, burst: f64) -> f64 {
    let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
    (bucket.tokens + elapsed * rate).min(burst)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(n: u8) -> ClientKey {
        ClientKey::from_ip([198, 51, 100, n].into())
    }

    #[test]
    fn burst_then_rate() {
        let start = Instant::now();
        let mut limiter = RateLimiter::new(2.0, 3, 100);
        for _ in 0..3 {
            assert!(limiter.check(client(1), start).is_ok());
        }
        let wait = limiter.check(client(1), start).expect_err("limited");
        assert!(wait <= Duration::from_millis(500) && wait > Duration::ZERO);
        // Another client has its own bucket.
        assert!(limiter.check(client(2), start).is_ok());
        // Half a second at 2/s gives one token back.
        assert!(limiter
            .check(client(1), start + Duration::from_millis(500))
            .is_ok());
        assert!(limiter
            .check(client(1), start + Duration::from_millis(500))
            .is_err());
    }

    /// A /64 inside 2001:db8:<site>::/48.
    fn rotating(site: u16, n: u32) -> ClientKey {
        let prefix = (0x2001_0db8_u128 << 96) | (u128::from(site) << 80) | (u128::from(n) << 64);
        ClientKey::from_ip(std::net::Ipv6Addr::from(prefix).into())
    }

    /// Clients 0..50 spend their burst of 5 and are then limited.
    fn use_up_bursts(limiter: &mut RateLimiter, at: Instant) {
        for n in 0..50u8 {
            for _ in 0..5 {
                assert!(limiter.check(client(n), at).is_ok());
            }
            assert!(limiter.check(client(n), at).is_err());
        }
    }

    #[test]
    fn rotating_through_64s_neither_resets_others_nor_escapes_the_limit() {
        let start = Instant::now();
        let capacity = 1000;
        let mut limiter = RateLimiter::new(1.0, 5, capacity);
        // Some clients have used up their burst and are being limited.
        use_up_bursts(&mut limiter, start);
        // Every /64 of one /48, within the same second.
        let mut allowed = 0u32;
        for n in 0..65_536 {
            let at = start + Duration::from_nanos(u64::from(n));
            allowed += u32::from(limiter.check(rotating(1, n), at).is_ok());
            assert!(limiter.len() <= capacity);
        }
        // Once the table filled up, the /48 shared one bucket.
        assert!(allowed < 1000 + 10, "{allowed} allowed");
        // Nobody else's bucket was reset.
        let later = start + Duration::from_millis(10);
        for n in 0..50u8 {
            assert!(limiter.check(client(n), later).is_err(), "client {n}");
        }
    }

    #[test]
    fn many_new_clients_do_not_reset_limited_ones() {
        let start = Instant::now();
        let capacity = 1000;
        let mut limiter = RateLimiter::new(1.0, 5, capacity);
        use_up_bursts(&mut limiter, start);
        // Distinct /48s (or IPv4 addresses): each a client of its own.
        for n in 0..200_000 {
            let at = start + Duration::from_nanos(u64::from(n));
            let _ = limiter.check(rotating((n % 60_000) as u16, n / 60_000), at);
            assert!(limiter.len() <= capacity);
        }
        let later = start + Duration::from_millis(10);
        for n in 0..50u8 {
            assert!(limiter.check(client(n), later).is_err(), "client {n}");
        }
    }

    #[test]
    fn full_buckets_are_swept_and_the_table_stays_bounded() {
        let start = Instant::now();
        let mut limiter = RateLimiter::new(1.0, 1, 10);
        for n in 0..10 {
            assert!(limiter.check(client(n), start).is_ok());
        }
        // Ten seconds later every bucket is full again: sweeping drops them.
        let later = start + Duration::from_secs(10);
        assert!(limiter.check(client(100), later).is_ok());
        assert_eq!(limiter.len(), 1);
        // Many clients active at once never grow the table past capacity.
        for n in 0..200 {
            let _ = limiter.check(client(n), later);
            assert!(limiter.len() <= 10);
        }
    }
}
