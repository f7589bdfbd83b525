//! Submissions started through the FIT-Connect relay. The relay continues (uploads, submit,
//! status) only submissions created through it, so that it is no open proxy; which those are
//! is kept here rather than in one process's memory, so that a restarted server — or another
//! instance on the same store — continues them. Entries expire with the submission's lifetime
//! and are purged with the other expired records.

use rusqlite::params;

use super::{Store, StoreError};

impl Store {
    /// Remember that submission `id` to `destination` was created through the relay, until
    /// `expires_at` (RFC 3339). `false` when `capacity` live entries are held already at `now`.
    pub async fn remember_relayed(
        &self,
        id: String,
        destination: String,
        now: String,
        expires_at: String,
        capacity: usize,
    ) -> Result<bool, StoreError> {
        self.with(move |conn| {
            if live(conn, &now)? >= capacity {
                return Ok(false);
            }
            conn.execute(
                "INSERT INTO relayed_submissions (id, destination, expires_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET destination = excluded.destination, expires_at = excluded.expires_at",
                params![id, destination, expires_at],
            )?;
            Ok(true)
        })
        .await
    }

    /// Whether the relay may take new submissions: fewer than `capacity` live at `now`.
    pub async fn relayed_room(&self, now: String, capacity: usize) -> Result<bool, StoreError> {
        self.with(move |conn| Ok(live(conn, &now)? < capacity)).await
    }

    /// Whether submission `id` was created through the relay and has not expired at `now`.
    pub async fn is_relayed(&self, id: String, now: String) -> Result<bool, StoreError> {
        self.with(move |conn| {
            let found: i64 = conn.query_row(
                "SELECT COUNT(*) FROM relayed_submissions WHERE id = ?1 AND expires_at > ?2",
                params![id, now],
                |r| r.get(0),
            )?;
            Ok(found > 0)
        })
        .await
    }

    /// Delete entries that expired before `now`; returns how many.
    pub async fn purge_relayed(&self, now: String) -> Result<usize, StoreError> {
        self.with(move |conn| Ok(conn.execute("DELETE FROM relayed_submissions WHERE expires_at <= ?1", params![now])?))
            .await
    }
}

/// Entries not expired at `now`.
fn live(conn: &rusqlite::Connection, now: &str) -> Result<usize, StoreError> {
    let count: i64 =
        conn.query_row("SELECT COUNT(*) FROM relayed_submissions WHERE expires_at > ?1", params![now], |r| r.get(0))?;
    Ok(count as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn relayed_submissions_are_known_until_they_expire_also_after_reopening() {
        let dir = tempfile::tempdir().unwrap();
        // Times from the one test date (tests/today.txt), a day apart.
        let clock = crate::clock::Clock::test_only_from(antrag_testing::today());
        let now = clock.now_rfc3339();
        let later = crate::clock::rfc3339(clock.now() + time::Duration::days(1));
        {
            let store = Store::open(dir.path()).unwrap();
            assert!(store.remember_relayed("a".into(), "d".into(), now.clone(), later.clone(), 2).await.unwrap());
            assert!(store.is_relayed("a".into(), now.clone()).await.unwrap());
            assert!(!store.is_relayed("b".into(), now.clone()).await.unwrap());
        }
        // Another process on the same store knows it.
        let store = Store::open(dir.path()).unwrap();
        assert!(store.is_relayed("a".into(), now.clone()).await.unwrap());
        // Bounded: a second fits, a third not.
        assert!(store.relayed_room(now.clone(), 2).await.unwrap());
        assert!(store.remember_relayed("b".into(), "d".into(), now.clone(), later.clone(), 2).await.unwrap());
        assert!(!store.relayed_room(now.clone(), 2).await.unwrap());
        assert!(!store.remember_relayed("c".into(), "d".into(), now.clone(), later.clone(), 2).await.unwrap());
        // Expired: unknown, and purged.
        assert!(!store.is_relayed("a".into(), later.clone()).await.unwrap());
        assert!(store.relayed_room(later.clone(), 2).await.unwrap());
        assert_eq!(store.purge_relayed(later).await.unwrap(), 2);
    }
}
