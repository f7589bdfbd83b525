//! Answers between the steps of a form filled in without JavaScript: kept here (never in
//! URLs), under a random session id from an `HttpOnly` cookie, per form, until they expire.
//! Expired sessions are purged with the unclaimed uploads.

use antrag_core::Answers;
use serde_json::Value;

use super::{Store, StoreError};

/// One form's answers in a session.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FormSession {
    /// The definition version the answers were given for.
    pub form_version: String,
    /// The answers so far.
    pub answers: Answers,
    /// The receipt once the form was sent (`reference`, `receivedAt`, `status`, `statusUrl`).
    pub receipt: Option<Value>,
    /// The host page of an embedded form whose application was handed back here to change the
    /// answers before paying: the changed application's payment returns there.
    pub return_to: Option<String>,
    /// Where the application whose answers were handed back was to go (a platform's routing):
    /// the changed application goes there too.
    pub routing: Option<Value>,
}

/// Migration: what handed-back answers keep of their application (SQLite's migration 8,
/// PostgreSQL's 4).
pub(super) const MIGRATION: &str = "ALTER TABLE form_sessions ADD COLUMN return_to TEXT;
    ALTER TABLE form_sessions ADD COLUMN routing TEXT;";

impl Store {
    /// The session's answers to a form, unless they expired before `now` (RFC 3339).
    pub async fn form_session(
        &self,
        session: String,
        form_id: String,
        now: String,
    ) -> Result<Option<FormSession>, StoreError> {
        let rows = self
            .rows(
                "SELECT form_version, answers, receipt, return_to, routing FROM form_sessions
                 WHERE session = ?1 AND form_id = ?2 AND expires_at > ?3",
                vec![session.into(), form_id.into(), now.into()],
            )
            .await?;
        Ok(rows.first().map(|r| FormSession {
            form_version: r[0].string(),
            answers: serde_json::from_str(&r[1].string()).unwrap_or_default(),
            receipt: r[2].text().and_then(|receipt| serde_json::from_str(&receipt).ok()),
            return_to: r[3].text(),
            routing: r[4].text().and_then(|routing| serde_json::from_str(&routing).ok()),
        }))
    }

    /// Keep the session's answers to a form until `expires_at` (RFC 3339).
    pub async fn save_form_session(
        &self,
        session: String,
        form_id: String,
        value: FormSession,
        expires_at: String,
    ) -> Result<(), StoreError> {
        let answers = Value::Object(value.answers).to_string();
        let receipt = value.receipt.map(|r| r.to_string());
        let routing = value.routing.map(|r| r.to_string());
        self.run(
            "INSERT INTO form_sessions (session, form_id, form_version, answers, receipt, expires_at, return_to, routing)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (session, form_id) DO UPDATE SET
               form_version = excluded.form_version, answers = excluded.answers,
               receipt = excluded.receipt, expires_at = excluded.expires_at, return_to = excluded.return_to,
               routing = excluded.routing",
            vec![
                session.into(),
                form_id.into(),
                value.form_version.into(),
                answers.into(),
                receipt.into(),
                expires_at.into(),
                value.return_to.into(),
                routing.into(),
            ],
        )
        .await?;
        Ok(())
    }

    /// Delete sessions that expired before `now`; returns how many.
    pub async fn purge_form_sessions(&self, now: String) -> Result<usize, StoreError> {
        self.purge("form_sessions", now).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sessions_are_kept_per_form_until_they_expire() {
        for backend in crate::store::testing::backends().await {
            let store = backend.open().await;
            let answers: Answers = serde_json::from_value(serde_json::json!({"name": "Jürgen"})).unwrap();
            let value =
                FormSession { form_version: "1".into(), answers, receipt: None, return_to: None, routing: None };
            let (now, later) = ("2026-11-28T12:00:00Z".to_owned(), "2026-11-29T12:00:00Z".to_owned());
            store.save_form_session("s1".into(), "f".into(), value.clone(), later.clone()).await.unwrap();
            assert_eq!(store.form_session("s1".into(), "f".into(), now.clone()).await.unwrap(), Some(value.clone()));
            assert_eq!(store.form_session("s1".into(), "other".into(), now.clone()).await.unwrap(), None);
            assert_eq!(store.form_session("s2".into(), "f".into(), now.clone()).await.unwrap(), None);
            // Updated in place; gone once expired.
            let sent = FormSession {
                receipt: Some(serde_json::json!({"reference": "X-1"})),
                return_to: Some("https://www.musterstadt.de/melden".into()),
                routing: Some(serde_json::json!({"leikaKey": "99108001001000", "ags": "15002000"})),
                ..value
            };
            store.save_form_session("s1".into(), "f".into(), sent.clone(), later.clone()).await.unwrap();
            assert_eq!(store.form_session("s1".into(), "f".into(), now).await.unwrap(), Some(sent));
            assert_eq!(store.form_session("s1".into(), "f".into(), later.clone()).await.unwrap(), None);
            assert_eq!(store.purge_form_sessions(later).await.unwrap(), 1);
        }
    }
}
