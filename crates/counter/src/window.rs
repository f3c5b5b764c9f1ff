//! The repeat-view window: remembers which client viewed which bulletin
//! recently, so reloading an article does not count it again (the old CMS
//! counted every page load). Memory stays bounded: entries expire after the
//! window, and when the table is full the oldest are forgotten first, at
//! worst letting such a client count once more.
//!
//! The table lives in memory only: after a restart a view inside the window
//! counts again, which is cheap compared with a database write per check.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::client::ClientKey;

type Key = (ClientKey, u32);

pub struct RecentViews {
    window: Duration,
    capacity: usize,
    seen: HashMap<Key, Instant>,
    /// The same entries in the order they were made, which is also the
    /// order they expire in (the window is the same for all). May hold stale
    /// entries whose key was forgotten or made again; those are skipped.
    order: VecDeque<(Key, Instant)>,
}

impl RecentViews {
    pub fn new(window: Duration, capacity: usize) -> Self {
        RecentViews {
            window,
            capacity: capacity.max(1),
            seen: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    /// True when this client has not viewed this bulletin within the window;
    /// the view is then remembered as of `now`.
    pub fn first_view(&mut self, client: ClientKey, bulletin: usize, now: Instant) -> bool {
        if self.window.is_zero() {
            return true;
        }
        self.expire(now);
        let key = (client, bulletin_key(bulletin));
        if self.seen.contains_key(&key) {
            // Everything left after `expire` is inside the window.
            return false;
        }
        while self.seen.len() >= self.capacity {
            if !self.forget_oldest() {
                break;
            }
        }
        self.seen.insert(key, now);
        self.order.push_back((key, now));
        true
    }

    /// Undoes [`RecentViews::first_view`] for a view that was not stored
    /// after all, so the client's retry can count.
    pub fn forget(&mut self, client: ClientKey, bulletin: usize, at: Instant) {
        if let Entry::Occupied(entry) = self.seen.entry((client, bulletin_key(bulletin))) {
            if *entry.get() == at {
                entry.remove();
            }
        }
    }

    pub fn len(&self) -> usize {
        self.seen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    fn expire(&mut self, now: Instant) {
        while let Some(&(key, at)) = self.order.front() {
            if now.saturating_duration_since(at) < self.window {
                break;
            }
            self.order.pop_front();
            self.remove_if_current(key, at);
        }
    }

    /// Drops the oldest live entry; false when there is none.
    fn forget_oldest(&mut self) -> bool {
        while let Some((key, at)) = self.order.pop_front() {
            if self.remove_if_current(key, at) {
                return true;
            }
        }
        false
    }

    fn remove_if_current(&mut self, key: Key, at: Instant) -> bool {
        match self.seen.entry(key) {
            Entry::Occupied(entry) if *entry.get() == at => {
                entry.remove();
                true
            }
            _ => false,
        }
    }
}

/// Catalog indexes fit in u32 (a data file with four billion bulletins is
/// not loadable anyway); the smaller key keeps the table compact.
fn bulletin_key(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(n: u8) -> ClientKey {
        ClientKey::from_ip([192, 0, 2, n].into())
    }

    #[test]
    fn repeat_within_window_is_not_first() {
        let start = Instant::now();
        let mut recent = RecentViews::new(Duration::from_secs(60), 100);
        assert!(recent.first_view(client(1), 0, start));
        assert!(!recent.first_view(client(1), 0, start + Duration::from_secs(59)));
        assert!(recent.first_view(client(2), 0, start));
        assert!(recent.first_view(client(1), 1, start));
        // After the window the same view counts again.
        assert!(recent.first_view(client(1), 0, start + Duration::from_secs(60)));
    }

    #[test]
    fn expired_entries_are_dropped() {
        let start = Instant::now();
        let mut recent = RecentViews::new(Duration::from_secs(1), 100);
        for n in 0..50 {
            recent.first_view(client(n), 0, start);
        }
        assert_eq!(recent.len(), 50);
        recent.first_view(client(200), 0, start + Duration::from_secs(2));
        assert_eq!(recent.len(), 1);
        assert_eq!(recent.order.len(), 1);
    }

    #[test]
    fn capacity_is_a_hard_bound_oldest_go_first() {
        let start = Instant::now();
        let mut recent = RecentViews::new(Duration::from_secs(3600), 3);
        for n in 0..10u8 {
            let at = start + Duration::from_millis(u64::from(n));
            assert!(recent.first_view(client(n), 0, at));
            assert!(recent.len() <= 3);
        }
        let later = start + Duration::from_millis(20);
        // The newest are still remembered, the oldest forgotten.
        assert!(!recent.first_view(client(9), 0, later));
        assert!(recent.first_view(client(0), 0, later));
    }

    #[test]
    fn forget_allows_a_retry() {
        let start = Instant::now();
        let mut recent = RecentViews::new(Duration::from_secs(60), 10);
        assert!(recent.first_view(client(1), 0, start));
        recent.forget(client(1), 0, start);
        assert!(recent.first_view(client(1), 0, start));
    }

    #[test]
    fn zero_window_counts_everything_and_remembers_nothing() {
        let start = Instant::now();
        let mut recent = RecentViews::new(Duration::ZERO, 10);
        assert!(recent.first_view(client(1), 0, start));
        assert!(recent.first_view(client(1), 0, start));
        assert!(recent.is_empty());
    }
}
