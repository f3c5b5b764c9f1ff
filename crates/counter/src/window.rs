//! The repeat-view window: remembers which client viewed which bulletin
//! recently, so reloading an article does not count it again (the old CMS
//! counted every page load). Memory stays bounded: entries expire after the
//! window, and the table never holds more than its capacity, whatever the
//! clients do.
//!
//! When the table is full it is shared fairly between client groups (see
//! [`Group`]: an IPv6 /48 or an IPv4 address). A group holding more than
//! its fair share (capacity / groups present) gets no new entries: its new
//! views count but are not remembered, so its repeats may count again. A
//! group at or under its share makes room by forgetting the oldest entry.
//! So a client rotating through the /64s of its /48 only ever crowds out
//! itself; it cannot flush everyone else's entries. Whoever is forgotten
//! may count once more, the same worst case as a restart.
//!
//! The table lives in memory only: after a restart a view inside the window
//! counts again, which is cheap compared with a database write per check.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

use crate::client::ClientKey;

type Key = (ClientKey, u32);

/// Stale entries the queue may hold beyond twice the live ones before it
/// is compacted.
const COMPACT_SLACK: usize = 1024;

/// The unit of fairness when a table is full: an IPv6 /48 (what one site or
/// one tunnel customer is given, i.e. 65,536 client /64s) or one IPv4
/// address (already one client). Shared with the rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Group(u64);

impl Group {
    pub fn of(client: ClientKey) -> Self {
        match client.ip() {
            // A /48 prefix fits in 48 bits, so the two kinds differ.
            IpAddr::V4(v4) => Group(1 << 48 | u64::from(u32::from(v4))),
            IpAddr::V6(v6) => Group((u128::from(v6) >> 80) as u64),
        }
    }
}

/// Entries per group, for the fair-share rule.
#[derive(Default)]
pub(crate) struct GroupCounts(HashMap<Group, u32>);

impl GroupCounts {
    pub(crate) fn add(&mut self, group: Group) {
        *self.0.entry(group).or_insert(0) += 1;
    }

    pub(crate) fn remove(&mut self, group: Group) {
        if let Entry::Occupied(mut entry) = self.0.entry(group) {
            *entry.get_mut() -= 1;
            if *entry.get() == 0 {
                entry.remove();
            }
        }
    }

    pub(crate) fn held(&self, group: Group) -> usize {
        self.0.get(&group).map_or(0, |&n| n as usize)
    }

    /// True when `group` holds more than `capacity` shared equally among
    /// the groups present.
    pub(crate) fn over_fair_share(&self, group: Group, capacity: usize) -> bool {
        self.held(group).saturating_mul(self.0.len()) > capacity
    }
}

pub struct RecentViews {
    window: Duration,
    capacity: usize,
    seen: HashMap<Key, Instant>,
    /// The same entries in the order they were made, which is also the
    /// order they expire in (the window is the same for all). May hold stale
    /// entries whose key was forgotten or made again; those are skipped,
    /// and compacted away once they outnumber the live ones (a storage
    /// outage forgets every view it refuses), so the queue stays under
    /// twice the capacity plus [`COMPACT_SLACK`].
    order: VecDeque<(Key, Instant)>,
    groups: GroupCounts,
}

impl RecentViews {
    pub fn new(window: Duration, capacity: usize) -> Self {
        RecentViews {
            window,
            capacity: capacity.max(1),
            seen: HashMap::new(),
            order: VecDeque::new(),
            groups: GroupCounts::default(),
        }
    }

    /// True when this client has not viewed this bulletin within the window;
    /// the view is then remembered as of `now` (unless the table is full and
    /// the client's group is over its fair share).
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
        let group = Group::of(client);
        if self.seen.len() >= self.capacity {
            if self.groups.over_fair_share(group, self.capacity) {
                return true;
            }
            while self.seen.len() >= self.capacity {
                if !self.forget_oldest() {
                    break;
                }
            }
        }
        self.seen.insert(key, now);
        self.groups.add(group);
        self.order.push_back((key, now));
        if self.order.len() > 2 * self.seen.len() + COMPACT_SLACK {
            let seen = &self.seen;
            self.order.retain(|(key, at)| seen.get(key) == Some(at));
        }
        true
    }

    /// Undoes [`RecentViews::first_view`] for a view that was not stored
    /// after all, so the client's retry can count.
    pub fn forget(&mut self, client: ClientKey, bulletin: usize, at: Instant) {
        self.remove_if_current((client, bulletin_key(bulletin)), at);
    }

    pub fn len(&self) -> usize {
        self.seen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    /// Entries in the expiry queue, live or stale (for tests and the
    /// memory bound).
    pub fn queued(&self) -> usize {
        self.order.len()
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
                self.groups.remove(Group::of(key.0));
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

    fn v6(text: &str) -> ClientKey {
        ClientKey::from_ip(text.parse().expect("ip"))
    }

    /// A /64 inside 2001:db8:<site>::/48.
    fn rotating(site: u16, n: u32) -> ClientKey {
        let prefix = (0x2001_0db8_u128 << 96) | (u128::from(site) << 80) | (u128::from(n) << 64);
        ClientKey::from_ip(std::net::Ipv6Addr::from(prefix).into())
    }

    #[test]
    fn groups_are_ipv6_48s_and_ipv4_addresses() {
        assert_eq!(
            Group::of(v6("2001:db8:1:2::1")),
            Group::of(v6("2001:db8:1:ffff::9"))
        );
        assert_ne!(
            Group::of(v6("2001:db8:1::1")),
            Group::of(v6("2001:db8:2::1"))
        );
        assert_ne!(Group::of(client(1)), Group::of(client(2)));
        assert_ne!(Group::of(v6("::192.0.2.1")), Group::of(client(1)));
    }

    #[test]
    fn the_queue_stays_bounded_while_storage_refuses_every_view() {
        // During an outage every first view is forgotten again (not stored),
        // and clients retry: the table stays empty, the queue must not grow.
        let start = Instant::now();
        let capacity = 1000;
        let mut recent = RecentViews::new(Duration::from_secs(1800), capacity);
        for n in 0..300_000u32 {
            let at = start + Duration::from_micros(u64::from(n));
            let who = ClientKey::from_ip(std::net::Ipv4Addr::from(0x0A00_0000 + n % 5000).into());
            assert!(recent.first_view(who, (n % 7) as usize, at));
            recent.forget(who, (n % 7) as usize, at);
            assert!(recent.queued() <= 2 * capacity + COMPACT_SLACK + 1);
        }
        assert!(recent.is_empty());
        assert!(recent.groups.0.is_empty());
    }

    #[test]
    fn the_queue_stays_bounded_with_a_full_table_and_failures() {
        let start = Instant::now();
        let capacity = 500;
        let mut recent = RecentViews::new(Duration::from_secs(1800), capacity);
        for n in 0..200_000u32 {
            let at = start + Duration::from_micros(u64::from(n));
            let who = ClientKey::from_ip(std::net::Ipv4Addr::from(0x0A00_0000 + n).into());
            recent.first_view(who, 0, at);
            if n % 2 == 0 {
                recent.forget(who, 0, at);
            }
            assert!(recent.len() <= capacity);
            assert!(recent.queued() <= 2 * capacity + COMPACT_SLACK + 1);
        }
    }

    #[test]
    fn rotating_through_64s_cannot_flush_other_clients() {
        let start = Instant::now();
        let capacity = 1000;
        let mut recent = RecentViews::new(Duration::from_secs(1800), capacity);
        for n in 0..100u8 {
            assert!(recent.first_view(client(n), 3, start));
        }
        assert!(recent.first_view(v6("2001:db8:9:1::1"), 3, start));
        // One /48: each of its 65,536 /64s views 4 bulletins, every one
        // a "new client".
        let later = start + Duration::from_secs(1);
        for n in 0..262_144 {
            assert!(recent.first_view(rotating(7, n % 65_536), (n / 65_536) as usize, later));
            assert!(recent.len() <= capacity);
        }
        // Everyone else is still remembered.
        for n in 0..100u8 {
            assert!(!recent.first_view(client(n), 3, later), "client {n}");
        }
        assert!(!recent.first_view(v6("2001:db8:9:1::2"), 3, later));
        // The rotating /48 holds what the others left, no more.
        assert_eq!(
            recent.groups.held(Group::of(rotating(7, 0))),
            capacity - 101
        );
        // New clients still get remembered, by replacing the oldest.
        assert!(recent.first_view(client(200), 3, later));
        assert!(!recent.first_view(client(200), 3, later));
    }

    #[test]
    fn several_rotating_48s_share_the_table_fairly() {
        let start = Instant::now();
        let capacity = 1000;
        let mut recent = RecentViews::new(Duration::from_secs(1800), capacity);
        for n in 0..100u8 {
            assert!(recent.first_view(client(n), 0, start));
        }
        let later = start + Duration::from_secs(1);
        for n in 0..200_000 {
            recent.first_view(
                rotating((n % 8) as u16, n / 8 % 65_536),
                (n / 8 / 65_536) as usize,
                later,
            );
            assert!(recent.len() <= capacity);
        }
        for n in 0..100u8 {
            assert!(!recent.first_view(client(n), 0, later), "client {n}");
        }
        for site in 0..8 {
            assert!(recent.groups.held(Group::of(rotating(site, 0))) <= capacity / 8 + 1);
        }
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
