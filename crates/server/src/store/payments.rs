//! Fees and payment transactions (see `crate::payment`), on both databases.
//!
//! An application with a fee is stored as `payment_pending`. Its payment transactions live in
//! `payment_transactions`; a partial unique index lets at most one of them be live (`INITIAL`,
//! `PAYED` or `AMOUNT_MISMATCH`) per application, so that no reload, double click, second tab
//! or second instance can open a second charge: whoever inserts second is told about the
//! first. `FAILED`, `CANCELED` and `EXPIRED` ones are history; a new try may follow them.
//!
//! The statements are written once with `?N` placeholders and run on either database
//! ([`super::sql`]).

use serde::Serialize;
use serde_json::Value;

use super::sql::Cell;
use super::{Db, Store, StoreError};

/// The schema of fees and payment transactions: SQLite's migration 6 and PostgreSQL's
/// migration 2, the same text on both (`BIGINT` has integer affinity in SQLite). One live
/// transaction per application is enforced by the database (a partial unique index); the
/// built-in test payment provider keeps its records in `test_payments`.
pub(super) const MIGRATION: &str = "ALTER TABLE submissions ADD COLUMN fee TEXT;
    CREATE TABLE payment_transactions (
        id TEXT PRIMARY KEY,
        submission_id BIGINT NOT NULL REFERENCES submissions(id),
        status TEXT NOT NULL,
        amount_cents BIGINT NOT NULL,
        provider_id TEXT,
        url TEXT,
        method TEXT,
        provider_reference TEXT,
        paid_at TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        next_check_at TEXT NOT NULL,
        checks BIGINT NOT NULL DEFAULT 0,
        expires_at TEXT NOT NULL,
        return_to TEXT
    );
    CREATE UNIQUE INDEX payment_transactions_one_live ON payment_transactions(submission_id)
        WHERE status IN ('INITIAL', 'PAYED', 'AMOUNT_MISMATCH');
    CREATE INDEX payment_transactions_by_submission ON payment_transactions(submission_id);
    CREATE INDEX payment_transactions_due ON payment_transactions(next_check_at) WHERE status = 'INITIAL';
    CREATE TABLE test_payments (
        id TEXT PRIMARY KEY,
        request TEXT NOT NULL,
        status TEXT NOT NULL,
        gross_cents BIGINT NOT NULL,
        method TEXT,
        paid_at TEXT,
        created_at TEXT NOT NULL
    );";

/// An application with a fee, as the payment pages need it.
#[derive(Clone, Debug)]
pub struct PaymentCase {
    /// Row id of the submission.
    pub submission_id: i64,
    /// Reference number.
    pub reference: String,
    /// Form id and version.
    pub form_id: String,
    /// Definition version.
    pub form_version: String,
    /// Language the citizen used.
    pub language: String,
    /// `payment_pending`, `received` (paid), `unpaid` or `withdrawn` (handed back for changes,
    /// never sent).
    pub status: String,
    /// The fee the server computed when the application came.
    pub fee: Option<Value>,
    /// When it came.
    pub received_at: String,
}

/// A payment transaction of an application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Transaction {
    /// Our id; the provider's `requestId`.
    pub id: String,
    /// Row id of the submission.
    #[serde(skip)]
    pub submission_id: i64,
    /// `INITIAL`, `PAYED`, `FAILED`, `CANCELED`, `EXPIRED` or `AMOUNT_MISMATCH`.
    pub status: String,
    /// The amount charged, in cents.
    pub amount_cents: i64,
    /// The provider's transaction id, once created there.
    pub provider_id: Option<String>,
    /// Where the citizen pays.
    #[serde(skip)]
    pub url: Option<String>,
    /// Payment method the citizen chose (when paid).
    pub method: Option<String>,
    /// The provider's payment reference (Kassenzeichen).
    pub provider_reference: Option<String>,
    /// When it was paid.
    pub paid_at: Option<String>,
    /// When it was created.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
    /// When the status is read from the provider next (while `INITIAL`).
    #[serde(skip)]
    pub next_check_at: String,
    /// Status reads so far.
    pub checks: i64,
    /// When an unfinished transaction is given up.
    #[serde(skip)]
    pub expires_at: String,
    /// Host page an embedded form came from, to return to.
    #[serde(skip)]
    pub return_to: Option<String>,
}

fn transaction(row: &[Cell]) -> Transaction {
    Transaction {
        id: row[0].string(),
        submission_id: row[1].int(),
        status: row[2].string(),
        amount_cents: row[3].int(),
        provider_id: row[4].text(),
        url: row[5].text(),
        method: row[6].text(),
        provider_reference: row[7].text(),
        paid_at: row[8].text(),
        created_at: row[9].string(),
        updated_at: row[10].string(),
        next_check_at: row[11].string(),
        checks: row[12].int(),
        expires_at: row[13].string(),
        return_to: row[14].text(),
    }
}

/// What claiming a transaction for an application found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claim {
    /// The claim is ours: create the transaction at the provider.
    New,
    /// The application has a live transaction already: use it.
    Existing(Box<Transaction>),
    /// The application waits for no payment any more (paid, given up, or withdrawn for
    /// changes).
    Closed,
}

/// A new `INITIAL` transaction, only while its application waits for payment (see
/// [`Store::claim_transaction`]).
const CLAIM: &str = "INSERT INTO payment_transactions (id, submission_id, status, amount_cents, created_at, updated_at, next_check_at, expires_at, return_to)
     SELECT CAST(?1 AS TEXT), CAST(?2 AS BIGINT), 'INITIAL', CAST(?3 AS BIGINT), CAST(?4 AS TEXT), CAST(?4 AS TEXT), CAST(?5 AS TEXT), CAST(?6 AS TEXT), CAST(?7 AS TEXT)
     WHERE EXISTS (SELECT 1 FROM submissions WHERE id = CAST(?2 AS BIGINT) AND status = 'payment_pending')
     ON CONFLICT DO NOTHING";

/// [`CLAIM`] on PostgreSQL: the application's row locked, as withdrawing it locks it, so that
/// no transaction opens for an application being withdrawn.
const CLAIM_LOCKING: &str = "INSERT INTO payment_transactions (id, submission_id, status, amount_cents, created_at, updated_at, next_check_at, expires_at, return_to)
     SELECT CAST(?1 AS TEXT), CAST(?2 AS BIGINT), 'INITIAL', CAST(?3 AS BIGINT), CAST(?4 AS TEXT), CAST(?4 AS TEXT), CAST(?5 AS TEXT), CAST(?6 AS TEXT), CAST(?7 AS TEXT)
     WHERE EXISTS (SELECT 1 FROM submissions WHERE id = CAST(?2 AS BIGINT) AND status = 'payment_pending' FOR UPDATE)
     ON CONFLICT DO NOTHING";

/// A payment of the built-in test provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestPayment {
    /// Transaction id.
    pub id: String,
    /// The payment request as the sender sent it.
    pub request: Value,
    /// `INITIAL`, `PAYED`, `FAILED` or `CANCELED`.
    pub status: String,
    /// Amount booked, in cents.
    pub gross_cents: i64,
    /// Method chosen.
    pub method: Option<String>,
    /// When paid.
    pub paid_at: Option<String>,
}

impl Store {
    /// The application behind a status token.
    pub async fn payment_case(&self, token: String) -> Result<Option<PaymentCase>, StoreError> {
        let rows = self
            .rows(
                "SELECT id, reference, form_id, form_version, language, status, fee, received_at FROM submissions WHERE status_token = ?1",
                vec![token.into()],
            )
            .await?;
        Ok(rows.first().map(|r| PaymentCase {
            submission_id: r[0].int(),
            reference: r[1].string(),
            form_id: r[2].string(),
            form_version: r[3].string(),
            language: r[4].string(),
            status: r[5].string(),
            fee: r[6].text().and_then(|f| serde_json::from_str(&f).ok()),
            received_at: r[7].string(),
        }))
    }

    /// Claim the one live transaction of an application: a new `INITIAL` row without a
    /// provider id, unless a live one exists (then that one) or the application waits for no
    /// payment any more ([`Claim::Closed`]).
    pub async fn claim_transaction(&self, new: Transaction) -> Result<Claim, StoreError> {
        // A live one may finish between a refused insert and the read that follows; then the
        // insert is tried again (a finished one no longer blocks it).
        for _ in 0..3 {
            let sql = match self.db {
                Db::Sqlite(_) => CLAIM,
                Db::Postgres(_) => CLAIM_LOCKING,
            };
            let inserted = self
                .run(
                    sql,
                    vec![
                        new.id.clone().into(),
                        new.submission_id.into(),
                        new.amount_cents.into(),
                        new.created_at.clone().into(),
                        new.next_check_at.clone().into(),
                        new.expires_at.clone().into(),
                        new.return_to.clone().into(),
                    ],
                )
                .await?;
            if inserted == 1 {
                return Ok(Claim::New);
            }
            if let Some(live) = self.live_transaction(new.submission_id).await? {
                return Ok(Claim::Existing(Box::new(live)));
            }
            let status =
                self.rows("SELECT status FROM submissions WHERE id = ?1", vec![new.submission_id.into()]).await?;
            if status.first().is_none_or(|r| r[0].string() != "payment_pending") {
                return Ok(Claim::Closed);
            }
        }
        Err(StoreError::Io(std::io::Error::other("the payment transaction changed three times while it was claimed")))
    }

    /// The live transaction of an application, if any.
    pub async fn live_transaction(&self, submission_id: i64) -> Result<Option<Transaction>, StoreError> {
        let rows = self
            .rows(
                "SELECT id, submission_id, status, amount_cents, provider_id, url, method, provider_reference, paid_at, created_at, updated_at, next_check_at, checks, expires_at, return_to
                 FROM payment_transactions WHERE submission_id = ?1 AND status IN ('INITIAL', 'PAYED', 'AMOUNT_MISMATCH')",
                vec![submission_id.into()],
            )
            .await?;
        Ok(rows.first().map(|r| transaction(r)))
    }

    /// Every transaction of an application, oldest first (the live one, always the newest,
    /// last — also when it was opened in the same second as the one before).
    pub async fn transactions(&self, submission_id: i64) -> Result<Vec<Transaction>, StoreError> {
        let rows = self
            .rows(
                "SELECT id, submission_id, status, amount_cents, provider_id, url, method, provider_reference, paid_at, created_at, updated_at, next_check_at, checks, expires_at, return_to
                 FROM payment_transactions WHERE submission_id = ?1
                 ORDER BY created_at, CASE WHEN status IN ('INITIAL', 'PAYED', 'AMOUNT_MISMATCH') THEN 1 ELSE 0 END, id",
                vec![submission_id.into()],
            )
            .await?;
        Ok(rows.iter().map(|r| transaction(r)).collect())
    }

    /// Transactions still `INITIAL` whose next status read is due at `now`.
    pub async fn due_transactions(&self, now: String, limit: i64) -> Result<Vec<Transaction>, StoreError> {
        let rows = self
            .rows(
                "SELECT id, submission_id, status, amount_cents, provider_id, url, method, provider_reference, paid_at, created_at, updated_at, next_check_at, checks, expires_at, return_to
                 FROM payment_transactions WHERE status = 'INITIAL' AND next_check_at <= ?1 ORDER BY next_check_at LIMIT ?2",
                vec![now.into(), limit.into()],
            )
            .await?;
        Ok(rows.iter().map(|r| transaction(r)).collect())
    }

    /// The provider created our claimed transaction.
    pub async fn transaction_created(
        &self,
        id: String,
        provider_id: String,
        url: String,
        now: String,
    ) -> Result<(), StoreError> {
        self.run(
            "UPDATE payment_transactions SET provider_id = ?2, url = ?3, updated_at = ?4 WHERE id = ?1",
            vec![id.into(), provider_id.into(), url.into(), now.into()],
        )
        .await?;
        Ok(())
    }

    /// Give up a claim the provider did not take (it could not be reached): a later try may
    /// claim again.
    pub async fn release_claim(&self, id: String) -> Result<(), StoreError> {
        self.run("DELETE FROM payment_transactions WHERE id = ?1 AND provider_id IS NULL", vec![id.into()]).await?;
        Ok(())
    }

    /// Record a final status the provider reported for a transaction still `INITIAL`
    /// (`PAYED` also marks the application received). `false` when it was final already.
    pub async fn finish_transaction(
        &self,
        t: &Transaction,
        status: &str,
        method: Option<String>,
        provider_reference: Option<String>,
        paid_at: Option<String>,
        now: String,
    ) -> Result<bool, StoreError> {
        // A payment the provider booked wins over our giving up (`EXPIRED`: the poller and a
        // status read met); any other final status is final.
        let (application, transaction) = if status == "PAYED" {
            (
                Some(
                    "UPDATE submissions SET status = 'received' WHERE id = ?1 AND status IN ('payment_pending', 'unpaid')
                 AND EXISTS (SELECT 1 FROM payment_transactions WHERE id = ?2 AND status IN ('INITIAL', 'EXPIRED'))",
                ),
                "UPDATE payment_transactions SET status = ?2, method = ?3, provider_reference = ?4, paid_at = ?5, updated_at = ?6, checks = checks + 1
                 WHERE id = ?1 AND status IN ('INITIAL', 'EXPIRED')",
            )
        } else {
            (
                None,
                "UPDATE payment_transactions SET status = ?2, method = ?3, provider_reference = ?4, paid_at = ?5, updated_at = ?6, checks = checks + 1
                 WHERE id = ?1 AND status = 'INITIAL'",
            )
        };
        if let Some(application) = application {
            // First the application, then the transaction: a crash between the two leaves the
            // transaction as it was, and the next status read finishes it. A transaction
            // cancelled or failed already (a contradicting late report) changes nothing.
            self.run(application, vec![t.submission_id.into(), t.id.clone().into()]).await?;
        }
        let changed = self
            .run(
                transaction,
                vec![
                    t.id.clone().into(),
                    status.into(),
                    method.into(),
                    provider_reference.into(),
                    paid_at.into(),
                    now.into(),
                ],
            )
            .await?;
        Ok(changed == 1)
    }

    /// A status read found the transaction still open: read again at `next`.
    pub async fn reschedule_transaction(&self, id: String, next: String, now: String) -> Result<(), StoreError> {
        self.run(
            "UPDATE payment_transactions SET next_check_at = ?2, updated_at = ?3, checks = checks + 1 WHERE id = ?1 AND status = 'INITIAL'",
            vec![id.into(), next.into(), now.into()],
        )
        .await?;
        Ok(())
    }

    /// Give up a transaction that stayed open past its time: `EXPIRED`, and its application
    /// `unpaid` (the clerk sees it so).
    pub async fn expire_transaction(&self, t: &Transaction, now: String) -> Result<bool, StoreError> {
        let changed = self
            .run(
                "UPDATE payment_transactions SET status = 'EXPIRED', updated_at = ?2 WHERE id = ?1 AND status = 'INITIAL'",
                vec![t.id.clone().into(), now.into()],
            )
            .await?;
        self.run(
            "UPDATE submissions SET status = 'unpaid' WHERE id = ?1 AND status = 'payment_pending'",
            vec![t.submission_id.into()],
        )
        .await?;
        Ok(changed == 1)
    }

    /// Applications waiting for payment since before `before` without an open transaction:
    /// `unpaid`. How many.
    pub async fn expire_unpaid(&self, before: String) -> Result<u64, StoreError> {
        self.run(
            "UPDATE submissions SET status = 'unpaid' WHERE status = 'payment_pending' AND received_at < ?1
             AND NOT EXISTS (SELECT 1 FROM payment_transactions t WHERE t.submission_id = submissions.id AND t.status = 'INITIAL')",
            vec![before.into()],
        )
        .await
    }

    /// The test provider records a new payment.
    pub async fn add_test_payment(
        &self,
        id: String,
        request: &Value,
        gross_cents: i64,
        now: String,
    ) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO test_payments (id, request, status, gross_cents, created_at) VALUES (?1, ?2, 'INITIAL', ?3, ?4)",
            vec![id.into(), request.to_string().into(), gross_cents.into(), now.into()],
        )
        .await?;
        Ok(())
    }

    /// A payment of the test provider.
    pub async fn test_payment(&self, id: String) -> Result<Option<TestPayment>, StoreError> {
        let rows = self
            .rows(
                "SELECT id, request, status, gross_cents, method, paid_at FROM test_payments WHERE id = ?1",
                vec![id.into()],
            )
            .await?;
        Ok(rows.first().map(|r| TestPayment {
            id: r[0].string(),
            request: serde_json::from_str(&r[1].string()).unwrap_or(Value::Null),
            status: r[2].string(),
            gross_cents: r[3].int(),
            method: r[4].text(),
            paid_at: r[5].text(),
        }))
    }

    /// The citizen finished a test payment (only once).
    pub async fn finish_test_payment(
        &self,
        id: String,
        status: &str,
        gross_cents: i64,
        method: Option<String>,
        paid_at: Option<String>,
    ) -> Result<bool, StoreError> {
        let changed = self
            .run(
                "UPDATE test_payments SET status = ?2, gross_cents = ?3, method = ?4, paid_at = ?5 WHERE id = ?1 AND status = 'INITIAL'",
                vec![id.into(), status.into(), gross_cents.into(), method.into(), paid_at.into()],
            )
            .await?;
        Ok(changed == 1)
    }
}

impl Transaction {
    /// A new claim for `submission_id`.
    pub fn claim(
        id: String,
        submission_id: i64,
        amount_cents: i64,
        now: String,
        next_check_at: String,
        expires_at: String,
        return_to: Option<String>,
    ) -> Transaction {
        Transaction {
            id,
            submission_id,
            status: "INITIAL".into(),
            amount_cents,
            created_at: now.clone(),
            updated_at: now,
            next_check_at,
            expires_at,
            return_to,
            provider_id: None,
            url: None,
            method: None,
            provider_reference: None,
            paid_at: None,
            checks: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::{backends, TestStore};
    use crate::store::SubmitOutcome;

    /// A time on the test date (`antrag_testing::today()`), RFC 3339.
    fn at(hh: u32, mm: u32, ss: u32) -> String {
        format!("{}T{hh:02}:{mm:02}:{ss:02}Z", antrag_testing::today())
    }

    #[tokio::test]
    async fn one_live_transaction_per_application_also_when_claimed_at_once() {
        for backend in backends().await {
            one_live_on(&backend).await;
        }
    }

    async fn one_live_on(backend: &TestStore) {
        let store = backend.open().await;
        let mut new = crate::store::tests::submission("k1", "h1");
        new.status = "payment_pending".into();
        new.fee = Some(serde_json::json!({"totalCents": 2000, "items": []}));
        let SubmitOutcome::Created(receipt) = store.submit(new).await.unwrap() else { panic!("not stored") };
        let case = store.payment_case(receipt.status_token.clone()).await.unwrap().unwrap();
        assert_eq!(
            (case.status.as_str(), case.fee.as_ref().map(|f| f["totalCents"].clone())),
            ("payment_pending", Some(2000.into()))
        );
        let claim = |id: &str| {
            Transaction::claim(id.into(), case.submission_id, 2000, at(12, 0, 0), at(12, 0, 30), at(14, 0, 0), None)
        };
        // Eight requests (reloads, tabs, instances) claim at once: one wins, the others see it.
        let claims = futures_join(&store, (0..8).map(|i| claim(&format!("t{i}"))).collect()).await;
        let new_ones = claims.iter().filter(|c| **c == Claim::New).count();
        assert_eq!(new_ones, 1, "{claims:?}");
        let live = store.live_transaction(case.submission_id).await.unwrap().unwrap();
        store.transaction_created(live.id.clone(), "p1".into(), "/pay/p1".into(), at(12, 0, 1)).await.unwrap();
        // Cancelled: history; a new try may claim.
        let live = store.live_transaction(case.submission_id).await.unwrap().unwrap();
        assert!(store.finish_transaction(&live, "CANCELED", None, None, None, at(12, 1, 0)).await.unwrap());
        assert!(!store.finish_transaction(&live, "PAYED", None, None, None, at(12, 1, 0)).await.unwrap(), "final once");
        assert_eq!(store.claim_transaction(claim("again")).await.unwrap(), Claim::New);
        let again = store.live_transaction(case.submission_id).await.unwrap().unwrap();
        // Opened in the same second as the cancelled one: still listed after it.
        assert_eq!(store.transactions(case.submission_id).await.unwrap().last().map(|t| t.id.as_str()), Some("again"));
        assert!(store
            .finish_transaction(
                &again,
                "PAYED",
                Some("PAYPAL".into()),
                Some("KZ".into()),
                Some(at(12, 2, 0)),
                at(12, 2, 0)
            )
            .await
            .unwrap());
        // Paid: the application is received, and no further claim opens a transaction.
        assert_eq!(store.payment_case(receipt.status_token.clone()).await.unwrap().unwrap().status, "received");
        assert!(
            matches!(store.claim_transaction(claim("late")).await.unwrap(), Claim::Existing(t) if t.status == "PAYED")
        );
        let all = store.transactions(case.submission_id).await.unwrap();
        let statuses: Vec<&str> = all.iter().map(|t| t.status.as_str()).collect();
        assert_eq!(statuses.iter().filter(|s| **s == "PAYED").count(), 1);
        assert_eq!(all.len(), 2, "{statuses:?}");
    }

    async fn futures_join(store: &Store, claims: Vec<Transaction>) -> Vec<Claim> {
        let tasks: Vec<_> = claims
            .into_iter()
            .map(|c| {
                let store = store.clone();
                tokio::spawn(async move { store.claim_transaction(c).await.unwrap() })
            })
            .collect();
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap());
        }
        out
    }

    #[tokio::test]
    async fn an_open_transaction_past_its_time_leaves_the_application_unpaid() {
        for backend in backends().await {
            let store = backend.open().await;
            let mut new = crate::store::tests::submission("k2", "h2");
            new.status = "payment_pending".into();
            // Received on the test date, so that only the open transaction keeps it pending.
            new.received_at = at(12, 0, 0);
            let SubmitOutcome::Created(receipt) = store.submit(new).await.unwrap() else { panic!("not stored") };
            let case = store.payment_case(receipt.status_token.clone()).await.unwrap().unwrap();
            let t = Transaction::claim(
                "x".into(),
                case.submission_id,
                500,
                at(12, 0, 0),
                at(12, 0, 30),
                at(14, 0, 0),
                None,
            );
            assert_eq!(store.claim_transaction(t.clone()).await.unwrap(), Claim::New);
            assert!(store.due_transactions(at(12, 0, 10), 10).await.unwrap().is_empty());
            assert_eq!(store.due_transactions(at(12, 0, 30), 10).await.unwrap().len(), 1);
            // Not given up while a transaction is open …
            let next_day = format!("{}T00:00:00Z", antrag_testing::today().add_days(1));
            assert_eq!(store.expire_unpaid(next_day).await.unwrap(), 0);
            // … until it expires.
            assert!(store.expire_transaction(&t, at(14, 0, 0)).await.unwrap());
            assert_eq!(store.payment_case(receipt.status_token.clone()).await.unwrap().unwrap().status, "unpaid");
            // A status read that started before we gave up finds it booked: the payment wins.
            let paid = store.finish_transaction(&t, "PAYED", None, None, Some(at(13, 59, 0)), at(14, 0, 1)).await;
            assert!(paid.unwrap());
            assert_eq!(store.payment_case(receipt.status_token).await.unwrap().unwrap().status, "received");
            assert_eq!(
                store.live_transaction(case.submission_id).await.unwrap().map(|t| t.status),
                Some("PAYED".into())
            );
        }
    }
}
