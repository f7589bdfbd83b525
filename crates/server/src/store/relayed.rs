//! Submissions started through the FIT-Connect relay. The relay continues (uploads, submit,
//! status) only submissions created through it, so that it is no open proxy; which those are
//! is kept here rather than in one process's memory, so that a restarted server — or another
//! instance on the same store — continues them. Entries expire with the submission's lifetime
//! and are purged with the other expired records.

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
        // The capacity is a bound against floods, not an exact count: two instances may
        // each add one past it at the same moment.
        if !self.relayed_room(now, capacity).await? {
            return Ok(false);
        }
        self.run(
            "INSERT INTO relayed_submissions (id, destination, expires_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET destination = excluded.destination, expires_at = excluded.expires_at",
            vec![id.into(), destination.into(), expires_at.into()],
        )
        .await?;
        Ok(true)
    }

    /// Whether the relay may take new submissions: fewer than `capacity` live at `now`.
    pub async fn relayed_room(&self, now: String, capacity: usize) -> Result<bool, StoreError> {
        let live =
            self.scalar("SELECT COUNT(*) FROM relayed_submissions WHERE expires_at > ?1", vec![now.into()]).await?;
        Ok((live as usize) < capacity)
    }

    /// Whether submission `id` was created through the relay and has not expired at `now`.
    pub async fn is_relayed(&self, id: String, now: String) -> Result<bool, StoreError> {
        let found = self
            .scalar(
                "SELECT COUNT(*) FROM relayed_submissions WHERE id = ?1 AND expires_at > ?2",
                vec![id.into(), now.into()],
            )
            .await?;
        Ok(found > 0)
    }

    /// Delete entries that expired before `now`; returns how many.
    pub async fn purge_relayed(&self, now: String) -> Result<usize, StoreError> {
        self.purge("relayed_submissions", now).await
    }
}

#[cfg(test)]
mod tests {

    #[tokio::test]
    async fn relayed_submissions_are_known_until_they_expire_also_after_reopening() {
        for backend in crate::store::testing::backends().await {
            relayed_on(&backend).await;
        }
    }

    async fn relayed_on(backend: &crate::store::testing::TestStore) {
        // Times from the one test date (tests/today.txt), a day apart.
        let clock = crate::clock::Clock::test_only_from(antrag_testing::today());
        let now = clock.now_rfc3339();
        let later = crate::clock::rfc3339(clock.now() + time::Duration::days(1));
        {
            let store = backend.open().await;
            assert!(store.remember_relayed("a".into(), "d".into(), now.clone(), later.clone(), 2).await.unwrap());
            assert!(store.is_relayed("a".into(), now.clone()).await.unwrap());
            assert!(!store.is_relayed("b".into(), now.clone()).await.unwrap());
        }
        // Another process on the same store knows it.
        let store = backend.open().await;
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
