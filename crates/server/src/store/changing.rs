//! Changing an application that waits for its fee: a citizen who cancelled the payment (or
//! whose payment failed) may go back to check-your-answers and change something — fewer
//! copies, the reduced fee after all. The stored application is then withdrawn (never sent:
//! it was waiting for its fee) and its answers and files handed back; sending again makes a
//! new application with a new reference number and the fee of the new answers.
//!
//! Withdrawing and opening a payment transaction exclude each other: an application is
//! withdrawn only while no transaction of it is live, and a transaction is opened only while
//! its application is `payment_pending` ([`super::Store::claim_transaction`]). On SQLite the
//! one connection serialises both; on PostgreSQL both lock the application's row.

use rusqlite::OptionalExtension;
use serde_json::{Map, Value};

use super::{Db, Store, StoreError};

/// An application handed back for changes: what the form page needs to show it again.
#[derive(Clone, Debug, PartialEq)]
pub struct Withdrawn {
    /// The form.
    pub form_id: String,
    /// The definition version the answers were given for.
    pub form_version: String,
    /// The language the citizen used.
    pub language: String,
    /// The answers as they were checked (the payload: visible answers, typed).
    pub answers: Map<String, Value>,
}

/// The application, if it may be withdrawn: waiting for its fee, no transaction live.
const FIND: &str = "SELECT form_id, form_version, language, payload FROM submissions
     WHERE id = ?1 AND status = 'payment_pending'
     AND NOT EXISTS (SELECT 1 FROM payment_transactions t
                     WHERE t.submission_id = submissions.id AND t.status IN ('INITIAL', 'PAYED', 'AMOUNT_MISMATCH'))";

/// Withdrawn: no answers kept with it (they go back to the citizen), and its idempotency key
/// free, so that the same answers sent again are a new application, not a replay of this one.
const WITHDRAW: &str = "UPDATE submissions SET status = 'withdrawn', payload = '{}',
     idempotency_key = idempotency_key || ':withdrawn' WHERE id = ?1";

/// Its files unclaimed again (kept for the retention period from now), so that the new
/// application can name them.
const RELEASE: &str = "UPDATE attachments SET submission_id = NULL, created_at = ?2 WHERE submission_id = ?1";

impl Store {
    /// Withdraw the application `submission_id` for changes, at `now` (RFC 3339): its answers,
    /// or `None` when it is not waiting for its fee any more or a payment of it is open.
    pub async fn withdraw_for_change(&self, submission_id: i64, now: String) -> Result<Option<Withdrawn>, StoreError> {
        let found = match &self.db {
            Db::Sqlite(conn) => {
                self.with(conn, move |conn| {
                    let tx = conn.transaction()?;
                    let found = tx
                        .query_row(FIND, [submission_id], |r| {
                            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get(3)?))
                        })
                        .optional()?;
                    if found.is_some() {
                        tx.execute(WITHDRAW, [submission_id])?;
                        tx.execute(RELEASE, rusqlite::params![submission_id, now])?;
                    }
                    tx.commit()?;
                    Ok(found)
                })
                .await?
            }
            Db::Postgres(db) => {
                let mut client = db.client().await?;
                let tx = client.transaction().await?;
                // The row lock first, then the look (a statement of its own, so that it sees a
                // transaction opened by whoever held the lock before).
                tx.query_opt("SELECT 1 FROM submissions WHERE id = $1 FOR UPDATE", &[&submission_id]).await?;
                let row = tx.query_opt(&FIND.replace('?', "$"), &[&submission_id]).await?;
                let found = row.map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)));
                if found.is_some() {
                    tx.execute(&WITHDRAW.replace('?', "$"), &[&submission_id]).await?;
                    tx.execute(&RELEASE.replace('?', "$"), &[&submission_id, &now]).await?;
                }
                tx.commit().await?;
                found
            }
        };
        Ok(found.map(|(form_id, form_version, language, payload): (String, String, String, String)| Withdrawn {
            form_id,
            form_version,
            language,
            answers: serde_json::from_str(&payload).unwrap_or_default(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::{backends, TestStore};
    use crate::store::{Attachment, Claim, SubmitOutcome, Transaction};

    /// RFC 3339 times `minutes` after the test day's clock starts.
    fn at(minutes: i64) -> String {
        let start = crate::clock::Clock::test_only_from(antrag_testing::today()).now();
        crate::clock::rfc3339(start + time::Duration::minutes(minutes))
    }

    fn claim(id: &str, submission_id: i64) -> Transaction {
        Transaction::claim(id.into(), submission_id, 2000, at(0), at(1), at(120), None)
    }

    async fn pending(store: &Store, key: &str, attachments: Vec<String>) -> (i64, String) {
        let mut new = crate::store::tests::submission(key, key);
        new.status = "payment_pending".into();
        new.fee = Some(serde_json::json!({"totalCents": 2000, "items": []}));
        new.attachment_ids = attachments;
        let SubmitOutcome::Created(receipt) = store.submit(new).await.unwrap() else { panic!("not stored") };
        let case = store.payment_case(receipt.status_token.clone()).await.unwrap().unwrap();
        (case.submission_id, receipt.status_token)
    }

    #[tokio::test]
    async fn an_unpaid_application_is_handed_back_with_its_answers_and_files() {
        for backend in backends().await {
            handed_back(&backend).await;
        }
    }

    async fn handed_back(backend: &TestStore) {
        let store = backend.open().await;
        let name = backend.name();
        let file = store.scratch_dir().join("upload-f1.part");
        std::fs::write(&file, b"pdf").unwrap();
        let upload = Attachment {
            id: "f1".into(),
            form_id: "f".into(),
            field: "a".into(),
            name: "n.pdf".into(),
            media_type: "application/pdf".into(),
            size: 3,
            sha512: "00".into(),
            created_at: at(0),
            claimed: false,
        };
        store.add_attachment(upload, file).await.unwrap();
        let (id, token) = pending(&store, "k1", vec!["f1".into()]).await;
        // A payment open: not while the citizen may still pay.
        assert_eq!(store.claim_transaction(claim("t1", id)).await.unwrap(), Claim::New, "{name}");
        assert_eq!(store.withdraw_for_change(id, at(2)).await.unwrap(), None, "{name}: a payment is open");
        let live = store.live_transaction(id).await.unwrap().unwrap();
        assert!(store.finish_transaction(&live, "CANCELED", None, None, None, at(3)).await.unwrap());
        // Cancelled: handed back, with the answers as checked.
        let withdrawn = store.withdraw_for_change(id, at(4)).await.unwrap().expect("handed back");
        assert_eq!((withdrawn.form_id.as_str(), withdrawn.form_version.as_str()), ("f", "1"), "{name}");
        assert_eq!(Value::Object(withdrawn.answers), serde_json::json!({"a": 1}), "{name}");
        assert_eq!(store.payment_case(token.clone()).await.unwrap().unwrap().status, "withdrawn", "{name}");
        assert_eq!(store.withdraw_for_change(id, at(5)).await.unwrap(), None, "{name}: once");
        // Nothing kept with it; no payment opens for it any more.
        let kept = store.submission(store.receipt_by_token(token).await.unwrap().unwrap().reference).await.unwrap();
        assert_eq!(kept.unwrap().payload, serde_json::json!({}), "{name}");
        assert_eq!(store.claim_transaction(claim("t2", id)).await.unwrap(), Claim::Closed, "{name}");
        // Its file is free for the changed application, which may even reuse the key.
        let record = store.attachment("f1".into()).await.unwrap().unwrap();
        assert!(!record.claimed && record.created_at == at(4), "{name}: {record:?}");
        let mut changed = crate::store::tests::submission("k1", "k1-changed");
        changed.status_token = "token-changed".into();
        changed.attachment_ids = vec!["f1".into()];
        assert!(matches!(store.submit(changed).await.unwrap(), SubmitOutcome::Created(_)), "{name}");
    }

    /// A citizen pays in one tab while changing the answers in another, at the same moment:
    /// either the payment opens or the application is withdrawn, never both.
    #[tokio::test]
    async fn withdrawing_and_paying_at_once_exclude_each_other() {
        for backend in backends().await {
            let store = backend.open().await;
            for round in 0..20 {
                let (id, _) = pending(&store, &format!("r{round}"), vec![]).await;
                let (a, b) = (store.clone(), store.clone());
                let paying = tokio::spawn(async move { a.claim_transaction(claim(&format!("p{round}"), id)).await });
                let changing = tokio::spawn(async move { b.withdraw_for_change(id, at(1)).await });
                let claimed = paying.await.unwrap().unwrap();
                let withdrawn = changing.await.unwrap().unwrap();
                match (&claimed, &withdrawn) {
                    (Claim::New, None) | (Claim::Closed, Some(_)) => {}
                    other => panic!("{}: round {round}: {other:?}", backend.name()),
                }
            }
        }
    }
}
