//! Sessions of clerks signed in to the inbox: a random id in the clerk's cookie, its SHA-256
//! here with an expiry. Kept in the store (not in one process's memory), so every instance
//! knows them and signing out revokes the session everywhere. Times are RFC 3339 (UTC).

use sha2::{Digest, Sha256};

use super::{Store, StoreError};
use crate::shared::hex;

fn digest(id: &str) -> String {
    hex(&Sha256::digest(id.as_bytes()))
}

impl Store {
    /// Record a new session `id`, valid until `expires_at`.
    pub async fn open_inbox_session(&self, id: &str, expires_at: String) -> Result<(), StoreError> {
        let hash = digest(id);
        self.run(
            "INSERT INTO inbox_sessions (id_sha256, expires_at) VALUES (?1, ?2)",
            vec![hash.into(), expires_at.into()],
        )
        .await?;
        Ok(())
    }

    /// Whether session `id` exists and has not expired at `now`.
    pub async fn inbox_session_valid(&self, id: &str, now: String) -> Result<bool, StoreError> {
        let hash = digest(id);
        let n = self
            .scalar(
                "SELECT COUNT(*) FROM inbox_sessions WHERE id_sha256 = ?1 AND expires_at > ?2",
                vec![hash.into(), now.into()],
            )
            .await?;
        Ok(n > 0)
    }

    /// End session `id` (signing out).
    pub async fn close_inbox_session(&self, id: &str) -> Result<(), StoreError> {
        let hash = digest(id);
        self.run("DELETE FROM inbox_sessions WHERE id_sha256 = ?1", vec![hash.into()]).await?;
        Ok(())
    }

    /// Delete sessions that expired before `now`; returns how many.
    pub async fn purge_inbox_sessions(&self, now: String) -> Result<usize, StoreError> {
        self.purge("inbox_sessions", now).await
    }
}

#[cfg(test)]
mod tests {

    #[tokio::test]
    async fn a_session_lives_until_it_expires_or_is_closed() {
        for backend in crate::store::testing::backends().await {
            let store = backend.open().await;
            let (now, later) = ("2026-11-28T12:00:00Z".to_owned(), "2026-11-28T20:00:00Z".to_owned());
            store.open_inbox_session("a", later.clone()).await.unwrap();
            store.open_inbox_session("b", later.clone()).await.unwrap();
            assert!(store.inbox_session_valid("a", now.clone()).await.unwrap());
            assert!(!store.inbox_session_valid("c", now.clone()).await.unwrap());
            assert!(!store.inbox_session_valid("a", later.clone()).await.unwrap(), "expired");
            store.close_inbox_session("a").await.unwrap();
            assert!(!store.inbox_session_valid("a", now.clone()).await.unwrap(), "closed");
            assert!(store.inbox_session_valid("b", now).await.unwrap());
            assert_eq!(store.purge_inbox_sessions(later).await.unwrap(), 1);
        }
    }
}
