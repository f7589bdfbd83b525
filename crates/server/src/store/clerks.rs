//! Sessions of clerks signed in to the inbox: a random id in the clerk's cookie, its SHA-256
//! here with an expiry. Kept in the store (not in one process's memory), so every instance
//! knows them and signing out revokes the session everywhere. Times are RFC 3339 (UTC).

use rusqlite::params;
use sha2::{Digest, Sha256};

use super::{Db, Store, StoreError};
use crate::shared::hex;

fn digest(id: &str) -> String {
    hex(&Sha256::digest(id.as_bytes()))
}

impl Store {
    /// Record a new session `id`, valid until `expires_at`.
    pub async fn open_inbox_session(&self, id: &str, expires_at: String) -> Result<(), StoreError> {
        let hash = digest(id);
        match &self.db {
            Db::Sqlite(conn) => {
                self.with(conn, move |conn| {
                    conn.execute(
                        "INSERT INTO inbox_sessions (id_sha256, expires_at) VALUES (?1, ?2)",
                        params![hash, expires_at],
                    )?;
                    Ok(())
                })
                .await
            }
            Db::Postgres(db) => {
                db.execute("INSERT INTO inbox_sessions (id_sha256, expires_at) VALUES ($1, $2)", &[&hash, &expires_at])
                    .await?;
                Ok(())
            }
        }
    }

    /// Whether session `id` exists and has not expired at `now`.
    pub async fn inbox_session_valid(&self, id: &str, now: String) -> Result<bool, StoreError> {
        let hash = digest(id);
        let n: i64 = match &self.db {
            Db::Sqlite(conn) => {
                self.with(conn, move |conn| {
                    Ok(conn.query_row(
                        "SELECT COUNT(*) FROM inbox_sessions WHERE id_sha256 = ?1 AND expires_at > ?2",
                        params![hash, now],
                        |r| r.get(0),
                    )?)
                })
                .await?
            }
            Db::Postgres(db) => db
                .query_one(
                    "SELECT COUNT(*) FROM inbox_sessions WHERE id_sha256 = $1 AND expires_at > $2",
                    &[&hash, &now],
                )
                .await?
                .get(0),
        };
        Ok(n > 0)
    }

    /// End session `id` (signing out).
    pub async fn close_inbox_session(&self, id: &str) -> Result<(), StoreError> {
        let hash = digest(id);
        match &self.db {
            Db::Sqlite(conn) => {
                self.with(conn, move |conn| {
                    conn.execute("DELETE FROM inbox_sessions WHERE id_sha256 = ?1", params![hash])?;
                    Ok(())
                })
                .await
            }
            Db::Postgres(db) => {
                db.execute("DELETE FROM inbox_sessions WHERE id_sha256 = $1", &[&hash]).await?;
                Ok(())
            }
        }
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
