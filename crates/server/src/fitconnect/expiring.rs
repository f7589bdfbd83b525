//! A map of submissions in progress that forgets entries after a lifetime and holds at most a
//! fixed number, so neither the relay nor the test destination grows without bound in memory.
//! Expired entries are swept at most once a second (or when the map is full), never on every
//! request.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Entries by id, each with the instant it was made.
#[derive(Debug)]
pub struct Expiring<V> {
    entries: HashMap<String, (Instant, V)>,
    capacity: usize,
    lifetime: Duration,
    last_sweep: Option<Instant>,
}

impl<V> Expiring<V> {
    /// At most `capacity` entries, each forgotten `lifetime` after it was made.
    pub fn new(capacity: usize, lifetime: Duration) -> Self {
        Expiring { entries: HashMap::new(), capacity, lifetime, last_sweep: None }
    }

    fn live(&self, made: Instant, now: Instant) -> bool {
        now.saturating_duration_since(made) < self.lifetime
    }

    /// Drop expired entries if the last sweep was a second ago or more, or the map is full.
    fn sweep(&mut self, now: Instant) {
        let due = self.last_sweep.is_none_or(|at| now.saturating_duration_since(at) >= Duration::from_secs(1));
        if due || self.entries.len() >= self.capacity {
            let lifetime = self.lifetime;
            self.entries.retain(|_, (made, _)| now.saturating_duration_since(*made) < lifetime);
            self.last_sweep = Some(now);
        }
    }

    /// Whether one more entry fits (after forgetting the expired ones).
    pub fn has_room(&mut self, now: Instant) -> bool {
        self.sweep(now);
        self.entries.len() < self.capacity
    }

    /// Add an entry made `now`; `false` (and nothing added) when the map is full.
    pub fn insert(&mut self, key: String, value: V, now: Instant) -> bool {
        if !self.has_room(now) {
            return false;
        }
        self.entries.insert(key, (now, value));
        true
    }

    /// The entry, unless it is unknown or expired.
    pub fn get(&self, key: &str, now: Instant) -> Option<&V> {
        self.entries.get(key).filter(|(made, _)| self.live(*made, now)).map(|(_, value)| value)
    }

    /// The entry to change, unless it is unknown or expired.
    pub fn get_mut(&mut self, key: &str, now: Instant) -> Option<&mut V> {
        let lifetime = self.lifetime;
        self.entries
            .get_mut(key)
            .filter(|(made, _)| now.saturating_duration_since(*made) < lifetime)
            .map(|(_, value)| value)
    }

    /// The live entries.
    pub fn values(&self, now: Instant) -> impl Iterator<Item = &V> {
        self.entries.values().filter(move |(made, _)| self.live(*made, now)).map(|(_, value)| value)
    }

    /// Entries held, expired or not (for tests).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_the_map_stays_bounded() {
        let start = Instant::now();
        let mut map = Expiring::new(3, Duration::from_secs(60));
        for n in 0..3 {
            assert!(map.insert(format!("s{n}"), n, start));
        }
        assert!(!map.insert("s3".into(), 3, start + Duration::from_secs(5)), "full");
        assert_eq!(map.len(), 3);
        assert_eq!(map.get("s1", start + Duration::from_secs(59)), Some(&1));
        assert_eq!(map.get("s1", start + Duration::from_secs(60)), None, "expired entries are not found");
        *map.get_mut("s2", start).unwrap() = 20;
        assert!(map.get_mut("s2", start + Duration::from_secs(61)).is_none());
        // After their lifetime the old entries make room.
        assert!(map.insert("s3".into(), 3, start + Duration::from_secs(61)));
        assert_eq!(map.len(), 1, "the three expired entries were swept");
        assert_eq!(map.values(start + Duration::from_secs(61)).copied().collect::<Vec<_>>(), vec![3]);
    }
}
