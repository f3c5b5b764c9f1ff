//! Per-client rate limit, a token bucket per client: `burst` requests at
//! once, then `rate` a second on average. It keeps one client (a runaway
//! script, a reload loop) from filling the writer's queue for everyone.
//!
//! Memory is bounded: a bucket that has refilled completely says nothing a
//! fresh bucket would not, so such buckets are dropped when the table is
//! full. If it is still more than half full after that (many clients active
//! at once), it is cleared: the limit is briefly lenient rather than the
//! memory unbounded or new clients refused.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::client::ClientKey;

/// Clients tracked at most, about 50 bytes each.
pub const MAX_CLIENTS: usize = 100_000;

struct Bucket {
    tokens: f64,
    updated: Instant,
}

pub struct RateLimiter {
    rate: f64,
    burst: f64,
    capacity: usize,
    buckets: HashMap<ClientKey, Bucket>,
}

impl RateLimiter {
    pub fn new(rate: f64, burst: u32, capacity: usize) -> Self {
        RateLimiter {
            rate,
            burst: f64::from(burst.max(1)),
            capacity: capacity.max(2),
            buckets: HashMap::new(),
        }
    }

    /// Takes a token for `client`; `Err` holds how long until one is free.
    pub fn check(&mut self, client: ClientKey, now: Instant) -> Result<(), Duration> {
        if !self.buckets.contains_key(&client) && self.buckets.len() >= self.capacity {
            self.sweep(now);
        }
        let bucket = self.buckets.entry(client).or_insert(Bucket {
            tokens: self.burst,
            updated: now,
        });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.rate).min(self.burst);
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

    fn sweep(&mut self, now: Instant) {
        let (rate, burst) = (self.rate, self.burst);
        self.buckets.retain(|_, b| {
            let elapsed = now.saturating_duration_since(b.updated).as_secs_f64();
            b.tokens + elapsed * rate < burst
        });
        // Clearing when still over half full makes sweeps happen at most
        // every capacity/2 new clients, so their cost stays O(1) per request.
        if self.buckets.len() > self.capacity / 2 {
            eprintln!(
                "pufa-counter: warning: {} clients active at once; rate-limit table cleared",
                self.buckets.len()
            );
            self.buckets.clear();
        }
    }
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
