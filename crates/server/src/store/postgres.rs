//! The store on PostgreSQL, for operators who run several instances on one database
//! (docs/deployment.md). A pool of connections; versioned migrations that one instance runs
//! while the others wait (an advisory lock); submissions stored exactly once per
//! idempotency key also when two instances take the same key at the same moment (the
//! database's unique index decides, the loser answers with the winner's receipt); attachment
//! contents in the database, so every instance serves every file.
//!
//! Times are RFC 3339 text in UTC, as in SQLite, so both compare them the same way.

use std::time::Duration;

use deadpool_postgres::GenericClient;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use openssl::ssl::{SslConnector, SslMethod};
use tokio_postgres::error::SqlState;
use tokio_postgres::Row;

use super::{Attachment, NewSubmission, Receipt, StoreError, SubmitOutcome};

/// Schema migrations, applied in order; `antrag_migrations` records which ran.
const MIGRATIONS: &[&str] = &[
    // 1: everything the SQLite store had when PostgreSQL came (its migrations 1–5), with the
    // attachment contents in the database.
    "CREATE TABLE submissions (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        reference TEXT NOT NULL UNIQUE,
        idempotency_key TEXT NOT NULL UNIQUE,
        request_sha256 TEXT NOT NULL,
        form_id TEXT NOT NULL,
        form_version TEXT NOT NULL,
        language TEXT NOT NULL,
        payload TEXT NOT NULL,
        received_at TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'received',
        status_token TEXT NOT NULL UNIQUE,
        routing TEXT
    );
    CREATE TABLE reference_counters (
        prefix TEXT NOT NULL,
        year INTEGER NOT NULL,
        last BIGINT NOT NULL,
        PRIMARY KEY (prefix, year)
    );
    CREATE TABLE attachments (
        id TEXT PRIMARY KEY,
        form_id TEXT NOT NULL,
        field TEXT NOT NULL,
        name TEXT NOT NULL,
        media_type TEXT NOT NULL,
        size BIGINT NOT NULL,
        sha512 TEXT NOT NULL,
        created_at TEXT NOT NULL,
        submission_id BIGINT REFERENCES submissions(id),
        content BYTEA NOT NULL
    );
    CREATE INDEX attachments_by_submission ON attachments(submission_id);
    CREATE INDEX attachments_unclaimed ON attachments(created_at) WHERE submission_id IS NULL;
    CREATE TABLE form_sessions (
        session TEXT NOT NULL,
        form_id TEXT NOT NULL,
        form_version TEXT NOT NULL,
        answers TEXT NOT NULL,
        receipt TEXT,
        expires_at TEXT NOT NULL,
        PRIMARY KEY (session, form_id)
    );
    CREATE INDEX form_sessions_by_expiry ON form_sessions(expires_at);
    CREATE TABLE inbox_sessions (
        id_sha256 TEXT PRIMARY KEY,
        expires_at TEXT NOT NULL
    );
    CREATE INDEX inbox_sessions_by_expiry ON inbox_sessions(expires_at);
    CREATE TABLE relayed_submissions (
        id TEXT PRIMARY KEY,
        destination TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );
    CREATE INDEX relayed_submissions_by_expiry ON relayed_submissions(expires_at);",
    // 2: fees and payment transactions (SQLite's migration 6).
    super::payments::MIGRATION,
    // 3: applications handed back before paying (SQLite's migration 7).
    super::changing::MIGRATION,
    // 4: the host page handed-back answers return to (SQLite's migration 8).
    super::sessions::MIGRATION,
];

/// Key of the advisory lock under which migrations run (any fixed number of ours).
const MIGRATION_LOCK: i64 = 0x616e_7472_6167;

/// Connections one instance holds at most.
pub const DEFAULT_POOL_SIZE: usize = 16;

/// How long a request waits for a free connection before it is answered busy.
const POOL_WAIT: Duration = Duration::from_secs(10);

/// A pool of connections to one PostgreSQL database.
#[derive(Clone)]
pub(super) struct Postgres {
    pool: Pool,
}

/// Where a connection string points, without its password (for messages and logs).
pub fn describe(config: &tokio_postgres::Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            tokio_postgres::config::Host::Tcp(name) => name.clone(),
            tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "database \"{}\" on {}:{port} as \"{}\"",
        config.get_dbname().unwrap_or("(default)"),
        if hosts.is_empty() { "localhost".to_owned() } else { hosts.join(",") },
        config.get_user().unwrap_or("(default)")
    )
}

impl Postgres {
    /// Connect, and migrate the database to this version's schema.
    pub(super) async fn connect(config: tokio_postgres::Config, pool_size: usize) -> Result<Postgres, StoreError> {
        let tls = SslConnector::builder(SslMethod::tls()).map_err(|e| StoreError::Io(std::io::Error::other(e)))?;
        let tls = postgres_openssl::MakeTlsConnector::new(tls.build());
        let manager = Manager::from_config(config, tls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = Pool::builder(manager)
            .max_size(pool_size.max(1))
            .wait_timeout(Some(POOL_WAIT))
            .create_timeout(Some(POOL_WAIT))
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()
            .map_err(|e| StoreError::Pool(e.to_string()))?;
        let db = Postgres { pool };
        db.migrate().await?;
        Ok(db)
    }

    /// A connection from the pool.
    pub(super) async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool.get().await.map_err(|e| match e {
            deadpool_postgres::PoolError::Backend(e) => StoreError::Postgres(e),
            other => StoreError::Pool(other.to_string()),
        })
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // One instance migrates; the others wait here and then find nothing left to do.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS antrag_migrations (
                version INTEGER PRIMARY KEY,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )",
        )
        .await?;
        let done: i32 = tx.query_one("SELECT COALESCE(MAX(version), 0) FROM antrag_migrations", &[]).await?.get(0);
        let done = done as usize;
        if done > MIGRATIONS.len() {
            return Err(StoreError::Newer { found: done, known: MIGRATIONS.len() });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(done) {
            tx.batch_execute(sql).await?;
            tx.execute("INSERT INTO antrag_migrations (version) VALUES ($1)", &[&((i + 1) as i32)]).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Store a submission exactly once per idempotency key.
    pub(super) async fn submit(&self, new: &NewSubmission) -> Result<SubmitOutcome, StoreError> {
        // Two instances may take the same key at the same moment: both find nothing, one
        // commits, the other's insert meets the unique index and is rolled back. Tried again,
        // it finds the first one's record and answers with its receipt.
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.try_submit(new).await {
                Err(StoreError::Postgres(e)) if attempt < 4 && retryable(&e) => continue,
                other => return other,
            }
        }
    }

    async fn try_submit(&self, new: &NewSubmission) -> Result<SubmitOutcome, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        if let Some((hash, receipt)) = find_by_key(&tx, &new.idempotency_key).await? {
            return Ok(if hash == new.request_sha256 {
                SubmitOutcome::Replayed(receipt)
            } else {
                SubmitOutcome::KeyReused
            });
        }
        // Lock the attachments (in one order, so that two submissions never wait on each
        // other): a second submission naming one of them waits, then sees it claimed.
        let mut ids: Vec<&String> = new.attachment_ids.iter().collect();
        ids.sort();
        ids.dedup();
        for id in ids {
            let row =
                tx.query_opt("SELECT form_id, submission_id FROM attachments WHERE id = $1 FOR UPDATE", &[id]).await?;
            match row {
                Some(r) if r.get::<_, Option<i64>>(1).is_none() && r.get::<_, String>(0) == new.form_id => {}
                _ => return Ok(SubmitOutcome::AttachmentUnavailable(id.clone())),
            }
        }
        let last: i64 = tx
            .query_one(
                "INSERT INTO reference_counters (prefix, year, last) VALUES ($1, $2, 1)
                 ON CONFLICT (prefix, year) DO UPDATE SET last = reference_counters.last + 1 RETURNING last",
                &[&new.reference_prefix, &new.year],
            )
            .await?
            .get(0);
        let reference = format!("{}-{}-{:06}", new.reference_prefix, new.year, last);
        let payload = new.payload.get().to_string();
        let routing = new.routing.as_ref().map(serde_json::Value::to_string);
        let fee = new.fee.as_ref().map(serde_json::Value::to_string);
        let id: i64 = tx
            .query_one(
                "INSERT INTO submissions (reference, idempotency_key, request_sha256, form_id, form_version, language, payload, received_at, status_token, routing, status, fee)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                &[
                    &reference,
                    &new.idempotency_key,
                    &new.request_sha256,
                    &new.form_id,
                    &new.form_version,
                    &new.language,
                    &payload,
                    &new.received_at,
                    &new.status_token,
                    &routing,
                    &new.status,
                    &fee,
                ],
            )
            .await?
            .get(0);
        for attachment in &new.attachment_ids {
            tx.execute("UPDATE attachments SET submission_id = $1 WHERE id = $2", &[&id, attachment]).await?;
        }
        tx.commit().await?;
        Ok(SubmitOutcome::Created(Receipt {
            reference,
            received_at: new.received_at.clone(),
            status: new.status.clone(),
            status_token: new.status_token.clone(),
            form_id: new.form_id.clone(),
            form_version: new.form_version.clone(),
        }))
    }

    pub(super) async fn by_key(&self, key: &str) -> Result<Option<(String, Receipt)>, StoreError> {
        find_by_key(&self.client().await?, key).await
    }

    pub(super) async fn receipt_by_token(&self, token: &str) -> Result<Option<Receipt>, StoreError> {
        let client = self.client().await?;
        let row = client.query_opt(&format!("{RECEIPT_SELECT} WHERE status_token = $1"), &[&token]).await?;
        Ok(row.as_ref().map(receipt_row))
    }

    pub(super) async fn list(&self, limit: u32, offset: u32) -> Result<Vec<Receipt>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!("{RECEIPT_SELECT} ORDER BY id DESC LIMIT $1 OFFSET $2"),
                &[&i64::from(limit), &i64::from(offset)],
            )
            .await?;
        Ok(rows.iter().map(receipt_row).collect())
    }

    pub(super) async fn count(&self) -> Result<u64, StoreError> {
        let client = self.client().await?;
        Ok(client.query_one("SELECT COUNT(*) FROM submissions", &[]).await?.get::<_, i64>(0) as u64)
    }

    pub(super) async fn ping(&self) -> Result<(), StoreError> {
        self.client().await?.query_one("SELECT 1", &[]).await?;
        Ok(())
    }

    pub(super) async fn submission(
        &self,
        reference: &str,
    ) -> Result<Option<(Receipt, String, String, Option<String>, Vec<Attachment>)>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT reference, received_at, status, status_token, form_id, form_version, language, payload, id, routing FROM submissions WHERE reference = $1",
                &[&reference],
            )
            .await?;
        let Some(row) = row else { return Ok(None) };
        let id: i64 = row.get(8);
        let attachments = client
            .query(&format!("{ATTACHMENT_SELECT} WHERE submission_id = $1 ORDER BY created_at, id"), &[&id])
            .await?;
        Ok(Some((
            receipt_row(&row),
            row.get(6),
            row.get(7),
            row.get(9),
            attachments.iter().map(attachment_row).collect(),
        )))
    }

    pub(super) async fn add_attachment(&self, a: &Attachment, content: &[u8]) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO attachments (id, form_id, field, name, media_type, size, sha512, created_at, content)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                &[
                    &a.id,
                    &a.form_id,
                    &a.field,
                    &a.name,
                    &a.media_type,
                    &(a.size as i64),
                    &a.sha512,
                    &a.created_at,
                    &content,
                ],
            )
            .await?;
        Ok(())
    }

    pub(super) async fn attachment(&self, id: &str) -> Result<Option<Attachment>, StoreError> {
        let client = self.client().await?;
        Ok(client.query_opt(&format!("{ATTACHMENT_SELECT} WHERE id = $1"), &[&id]).await?.as_ref().map(attachment_row))
    }

    pub(super) async fn attachment_content(&self, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let client = self.client().await?;
        Ok(client.query_opt("SELECT content FROM attachments WHERE id = $1", &[&id]).await?.map(|r| r.get(0)))
    }

    pub(super) async fn purge_unclaimed(&self, cutoff: &str) -> Result<usize, StoreError> {
        let client = self.client().await?;
        let n = client
            .execute("DELETE FROM attachments WHERE submission_id IS NULL AND created_at < $1", &[&cutoff])
            .await?;
        Ok(n as usize)
    }

    /// Run one statement that changes rows; how many it changed.
    pub(super) async fn execute(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<u64, StoreError> {
        Ok(self.client().await?.execute(sql, params).await?)
    }
}

/// A conflict that a second try resolves: the unique index met by a concurrent insert of the
/// same key, or the database's choice of this transaction as a deadlock's or
/// serialization's victim.
fn retryable(e: &tokio_postgres::Error) -> bool {
    matches!(
        e.code(),
        Some(c) if *c == SqlState::UNIQUE_VIOLATION || *c == SqlState::T_R_DEADLOCK_DETECTED || *c == SqlState::T_R_SERIALIZATION_FAILURE
    )
}

const RECEIPT_SELECT: &str =
    "SELECT reference, received_at, status, status_token, form_id, form_version FROM submissions";
const ATTACHMENT_SELECT: &str =
    "SELECT id, form_id, field, name, media_type, size, sha512, created_at, submission_id IS NOT NULL FROM attachments";

fn receipt_row(r: &Row) -> Receipt {
    Receipt {
        reference: r.get(0),
        received_at: r.get(1),
        status: r.get(2),
        status_token: r.get(3),
        form_id: r.get(4),
        form_version: r.get(5),
    }
}

fn attachment_row(r: &Row) -> Attachment {
    Attachment {
        id: r.get(0),
        form_id: r.get(1),
        field: r.get(2),
        name: r.get(3),
        media_type: r.get(4),
        size: r.get::<_, i64>(5) as u64,
        sha512: r.get(6),
        created_at: r.get(7),
        claimed: r.get(8),
    }
}

async fn find_by_key(client: &impl GenericClient, key: &str) -> Result<Option<(String, Receipt)>, StoreError> {
    let row = client
        .query_opt(
            "SELECT request_sha256, reference, received_at, status, status_token, form_id, form_version FROM submissions WHERE idempotency_key = $1",
            &[&key],
        )
        .await?;
    Ok(row.map(|r| {
        (
            r.get(0),
            Receipt {
                reference: r.get(1),
                received_at: r.get(2),
                status: r.get(3),
                status_token: r.get(4),
                form_id: r.get(5),
                form_version: r.get(6),
            },
        )
    }))
}

/// For tests on a throwaway cluster (`scripts/postgres.sh`): a new, empty database in the
/// cluster that `admin_url` reaches, and the connection string of it.
pub async fn create_test_database(admin_url: &str) -> Result<String, StoreError> {
    let admin: tokio_postgres::Config =
        admin_url.parse().map_err(|e| StoreError::Pool(format!("not a connection string: {e}")))?;
    let (client, connection) = admin.connect(tokio_postgres::NoTls).await?;
    let task = tokio::spawn(connection);
    let name = format!("antrag_test_{}", crate::shared::random_token(8).to_lowercase());
    client.batch_execute(&format!("CREATE DATABASE {name}")).await?;
    drop(client);
    let _ = task.await;
    let host = match admin.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
        _ => "127.0.0.1".to_owned(),
    };
    let port = admin.get_ports().first().copied().unwrap_or(5432);
    let user = admin.get_user().unwrap_or("postgres");
    Ok(format!("postgres://{user}@{host}:{port}/{name}"))
}
