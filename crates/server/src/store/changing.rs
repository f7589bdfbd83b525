//! Changing an application that waits for its fee: a citizen who cancelled the payment (or
//! whose payment failed) may go back to check-your-answers and change something — fewer
//! copies, the reduced fee after all. The stored application is then withdrawn (never sent:
//! it was waiting for its fee) and its answers and files handed back; sending again makes a
//! new application with a new reference number and the fee of the new answers.
//!
//! Only the browser that sent the application may do this: it holds a secret (a cookie scoped
//! to the application's payment page) whose hash is stored with the application. The status
//! token alone — which the host page and the payment provider see — is not enough.
//!
//! Handing back can be repeated (a double click, a lost answer): the withdrawn application keeps
//! its answers for [`KEPT_HOURS`], then they are cleared ([`Store::purge_withdrawn`]).
//!
//! Withdrawing and opening a payment transaction exclude each other: an application is
//! withdrawn only while no transaction of it is live, and a transaction is opened only while
//! its application is `payment_pending` ([`super::Store::claim_transaction`]). On SQLite the
//! one connection serialises both; on PostgreSQL both lock the application's row.

use rusqlite::{OptionalExtension, TransactionBehavior};
use serde_json::{Map, Value};

use super::{Db, Store, StoreError};

/// Hours a withdrawn application keeps its answers, to hand them back again (as long as the
/// form session that holds them).
pub const KEPT_HOURS: i64 = 24;

/// Migration (both databases): when an application was withdrawn, the hash of the secret of
/// the browser that sent it, and the answers kept to hand back (out of the payload, which the
/// clerk reads).
pub(super) const MIGRATION: &str = "ALTER TABLE submissions ADD COLUMN withdrawn_at TEXT;
    ALTER TABLE submissions ADD COLUMN change_secret_sha256 TEXT;
    ALTER TABLE submissions ADD COLUMN handback TEXT;";

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
    /// Where it was to go (a platform's LeiKa key, ARS, AGS), for the changed application.
    pub routing: Option<Value>,
}

/// The application, if its answers may be handed back: asked for by the browser that sent it,
/// waiting for its fee with no transaction live — or withdrawn already, its answers still kept.
const FIND: &str =
    "SELECT form_id, form_version, language, COALESCE(handback, payload), status, routing FROM submissions
     WHERE id = ?1 AND change_secret_sha256 = ?2 AND (
       (status = 'payment_pending'
        AND NOT EXISTS (SELECT 1 FROM payment_transactions t
                        WHERE t.submission_id = submissions.id AND t.status IN ('INITIAL', 'PAYED', 'AMOUNT_MISMATCH')))
       OR (status = 'withdrawn' AND handback IS NOT NULL))";

/// Withdrawn: its answers out of the payload (the clerk sees none), kept to hand back; its
/// idempotency key free, so that the same answers sent again are a new application, not a
/// replay of this one.
const WITHDRAW: &str =
    "UPDATE submissions SET status = 'withdrawn', withdrawn_at = ?2, handback = payload, payload = '{}',
     idempotency_key = idempotency_key || ':withdrawn:' || CAST(id AS TEXT) WHERE id = ?1";

/// Its files unclaimed again (kept for the retention period from now), so that the new
/// application can name them.
const RELEASE: &str = "UPDATE attachments SET submission_id = NULL, created_at = ?2 WHERE submission_id = ?1";

type Found = (String, String, String, String, String, Option<String>);

impl Store {
    /// Withdraw the application `submission_id` for changes, at `now` (RFC 3339), for the
    /// browser whose secret hashes to `secret_sha256`: its answers, or `None` when it may not
    /// be changed (another browser, paid, given up, a payment open, its answers cleared).
    pub async fn withdraw_for_change(
        &self,
        submission_id: i64,
        secret_sha256: String,
        now: String,
    ) -> Result<Option<Withdrawn>, StoreError> {
        let found: Option<Found> = match &self.db {
            Db::Sqlite(conn) => {
                self.with(conn, move |conn| {
                    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                    let found = tx
                        .query_row(FIND, rusqlite::params![submission_id, secret_sha256], |r| {
                            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
                        })
                        .optional()?;
                    if found.as_ref().is_some_and(|f: &Found| f.4 == "payment_pending") {
                        tx.execute(WITHDRAW, rusqlite::params![submission_id, now])?;
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
                let row = tx.query_opt(&FIND.replace('?', "$"), &[&submission_id, &secret_sha256]).await?;
                let found: Option<Found> = row.map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)));
                if found.as_ref().is_some_and(|f| f.4 == "payment_pending") {
                    tx.execute(&WITHDRAW.replace('?', "$"), &[&submission_id, &now]).await?;
                    tx.execute(&RELEASE.replace('?', "$"), &[&submission_id, &now]).await?;
                }
                tx.commit().await?;
                found
            }
        };
        Ok(found.map(|(form_id, form_version, language, payload, _, routing)| Withdrawn {
            form_id,
            form_version,
            language,
            answers: serde_json::from_str(&payload).unwrap_or_default(),
            routing: routing.and_then(|r| serde_json::from_str(&r).ok()),
        }))
    }

    /// Bind the application behind `status_token` to the browser holding the secret that
    /// hashes to `secret_sha256`: only it may hand the answers back.
    pub async fn bind_change_secret(&self, status_token: String, secret_sha256: String) -> Result<(), StoreError> {
        self.run(
            "UPDATE submissions SET change_secret_sha256 = ?2 WHERE status_token = ?1 AND change_secret_sha256 IS NULL",
            vec![status_token.into(), secret_sha256.into()],
        )
        .await?;
        Ok(())
    }

    /// Replace the browser's secret of the application behind `status_token` (`old_sha256` →
    /// `new_sha256`); whether `old_sha256` was its secret (a secret replaced once is spent).
    pub async fn replace_change_secret(
        &self,
        status_token: String,
        old_sha256: String,
        new_sha256: String,
    ) -> Result<bool, StoreError> {
        let changed = self
            .run(
                "UPDATE submissions SET change_secret_sha256 = ?3 WHERE status_token = ?1 AND change_secret_sha256 = ?2",
                vec![status_token.into(), old_sha256.into(), new_sha256.into()],
            )
            .await?;
        Ok(changed == 1)
    }

    /// Clear the answers of applications withdrawn before `before` (RFC 3339): they were handed
    /// back, and the time to hand them back again is over. How many.
    pub async fn purge_withdrawn(&self, before: String) -> Result<u64, StoreError> {
        self.run(
            "UPDATE submissions SET handback = NULL WHERE status = 'withdrawn' AND withdrawn_at < ?1 AND handback IS NOT NULL",
            vec![before.into()],
        )
        .await
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
        store.bind_change_secret(receipt.status_token.clone(), SECRET.into()).await.unwrap();
        // Bound once: a second binding (a replayed request) changes nothing.
        store.bind_change_secret(receipt.status_token.clone(), "another".into()).await.unwrap();
        let case = store.payment_case(receipt.status_token.clone()).await.unwrap().unwrap();
        (case.submission_id, receipt.status_token)
    }

    /// The hash of the sending browser's secret.
    const SECRET: &str = "hash-of-the-browsers-secret";

    async fn withdraw(store: &Store, id: i64, minutes: i64) -> Option<Withdrawn> {
        store.withdraw_for_change(id, SECRET.into(), at(minutes)).await.unwrap()
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
        assert_eq!(withdraw(&store, id, 2).await, None, "{name}: a payment is open");
        let live = store.live_transaction(id).await.unwrap().unwrap();
        assert!(store.finish_transaction(&live, "CANCELED", None, None, None, at(3)).await.unwrap());
        // Only for the browser that sent it: the status token alone is not enough.
        assert_eq!(store.withdraw_for_change(id, "another".into(), at(4)).await.unwrap(), None, "{name}");
        // Cancelled: handed back, with the answers as checked.
        let withdrawn = withdraw(&store, id, 4).await.expect("handed back");
        assert_eq!((withdrawn.form_id.as_str(), withdrawn.form_version.as_str()), ("f", "1"), "{name}");
        assert_eq!(Value::Object(withdrawn.answers.clone()), serde_json::json!({"a": 1}), "{name}");
        assert_eq!(store.payment_case(token.clone()).await.unwrap().unwrap().status, "withdrawn", "{name}");
        // Again (a double click, an answer lost on the way): the same answers, nothing changed.
        assert_eq!(withdraw(&store, id, 5).await, Some(withdrawn.clone()), "{name}: repeatable");
        // No payment opens for it any more; the clerk sees none of the answers.
        assert_eq!(store.claim_transaction(claim("t2", id)).await.unwrap(), Claim::Closed, "{name}");
        let kept = store.submission(store.receipt_by_token(token.clone()).await.unwrap().unwrap().reference).await;
        assert_eq!(kept.unwrap().unwrap().payload, serde_json::json!({}), "{name}");
        // Its file is free for the changed application, which may even reuse the key.
        let record = store.attachment("f1".into()).await.unwrap().unwrap();
        assert!(!record.claimed && record.created_at == at(4), "{name}: {record:?}");
        let mut changed = crate::store::tests::submission("k1", "k1-changed");
        changed.status = "payment_pending".into();
        changed.status_token = "token-changed".into();
        changed.attachment_ids = vec!["f1".into()];
        let SubmitOutcome::Created(second) = store.submit(changed).await.unwrap() else { panic!("{name}") };
        // Changed again, and withdrawn again under the same key: each withdrawn key its own.
        store.bind_change_secret(second.status_token.clone(), SECRET.into()).await.unwrap();
        let second = store.payment_case(second.status_token).await.unwrap().unwrap();
        assert!(withdraw(&store, second.submission_id, 6).await.is_some(), "{name}: a second change");
        // After the time to hand them back, the answers are cleared and not handed back.
        assert_eq!(store.purge_withdrawn(at(5)).await.unwrap(), 1, "{name}: withdrawn before then");
        assert_eq!(withdraw(&store, id, 7).await, None, "{name}: cleared");
    }

    /// An application with a platform's routing (LeiKa key, ARS/AGS of an embedded widget) is
    /// handed back with it, so that the changed one goes to the same authority.
    #[tokio::test]
    async fn a_routed_application_is_handed_back_with_its_routing() {
        for backend in backends().await {
            let store = backend.open().await;
            let name = backend.name();
            let routing = serde_json::json!({"leikaKey": "99108001001000", "ars": "150020000000", "ags": "15002000"});
            let mut new = crate::store::tests::submission("routed", "routed");
            new.status = "payment_pending".into();
            new.fee = Some(serde_json::json!({"totalCents": 1000, "items": []}));
            new.routing = Some(routing.clone());
            let SubmitOutcome::Created(receipt) = store.submit(new).await.unwrap() else {
                panic!("{name}: not stored")
            };
            store.bind_change_secret(receipt.status_token.clone(), SECRET.into()).await.unwrap();
            let case = store.payment_case(receipt.status_token).await.unwrap().unwrap();
            let withdrawn = withdraw(&store, case.submission_id, 1).await.expect("handed back");
            assert_eq!(withdrawn.routing, Some(routing), "{name}");
        }
    }

    /// The secret given once in a start address (an embedded form) is replaced by a new one:
    /// the old one is spent, and only the new one hands the answers back.
    #[tokio::test]
    async fn a_replaced_secret_is_spent() {
        for backend in backends().await {
            let store = backend.open().await;
            let name = backend.name();
            let (id, token) = pending(&store, "k1", vec![]).await;
            let replace = |old: &str, new: &str| store.replace_change_secret(token.clone(), old.into(), new.into());
            assert!(!replace("guessed", "mine").await.unwrap(), "{name}: not its secret");
            assert!(replace(SECRET, "renewed").await.unwrap(), "{name}");
            assert!(!replace(SECRET, "again").await.unwrap(), "{name}: spent");
            assert!(
                !store.replace_change_secret("other".into(), "renewed".into(), "x".into()).await.unwrap(),
                "{name}"
            );
            assert_eq!(withdraw(&store, id, 4).await, None, "{name}: the old secret hands nothing back");
            assert!(store.withdraw_for_change(id, "renewed".into(), at(4)).await.unwrap().is_some(), "{name}");
        }
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
                let changing = tokio::spawn(async move { b.withdraw_for_change(id, SECRET.into(), at(1)).await });
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
