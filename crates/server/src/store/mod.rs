//! Durable storage, on one of two databases:
//!
//! - **SQLite** (the default; `make run` and most tests): one file in the data directory, WAL
//!   with `synchronous=FULL`; attachment contents as files beside it with SHA-512 checksums.
//! - **PostgreSQL** (`--database-url`; several instances on one database, see
//!   [`postgres`] and docs/deployment.md): everything, attachment contents included, in the
//!   database, so that any instance answers any request.
//!
//! A submission is acknowledged only after its transaction committed. Idempotency keys are
//! unique in the database, so a retried request can never create a second record — also
//! when two instances receive it at once.

mod changing;
mod clerks;
mod payments;
pub mod postgres;
mod relayed;
mod sessions;
mod sql;

pub use changing::{Withdrawn, KEPT_HOURS};
pub use payments::{Claim, PaymentCase, TestPayment, Transaction};
pub use sessions::FormSession;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use serde_json::Value;

/// Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &[
    // 1: submissions, reference counters, attachments.
    "CREATE TABLE submissions (
        id INTEGER PRIMARY KEY,
        reference TEXT NOT NULL UNIQUE,
        idempotency_key TEXT NOT NULL UNIQUE,
        request_sha256 TEXT NOT NULL,
        form_id TEXT NOT NULL,
        form_version TEXT NOT NULL,
        language TEXT NOT NULL,
        payload TEXT NOT NULL,
        received_at TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'received',
        status_token TEXT NOT NULL UNIQUE
    );
    CREATE TABLE reference_counters (
        prefix TEXT NOT NULL,
        year INTEGER NOT NULL,
        last INTEGER NOT NULL,
        PRIMARY KEY (prefix, year)
    );
    CREATE TABLE attachments (
        id TEXT PRIMARY KEY,
        form_id TEXT NOT NULL,
        field TEXT NOT NULL,
        name TEXT NOT NULL,
        media_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha512 TEXT NOT NULL,
        created_at TEXT NOT NULL,
        submission_id INTEGER REFERENCES submissions(id)
    );
    CREATE INDEX attachments_by_submission ON attachments(submission_id);",
    // 2: routing fields of the platform profile (LeiKa key, ARS/AGS).
    "ALTER TABLE submissions ADD COLUMN routing TEXT;",
    // 3: answers between the steps of a form filled in without JavaScript (see sessions.rs).
    "CREATE TABLE form_sessions (
        session TEXT NOT NULL,
        form_id TEXT NOT NULL,
        form_version TEXT NOT NULL,
        answers TEXT NOT NULL,
        receipt TEXT,
        expires_at TEXT NOT NULL,
        PRIMARY KEY (session, form_id)
    );
    CREATE INDEX form_sessions_by_expiry ON form_sessions(expires_at);",
    // 4: signed-in clerks of the inbox (see clerks.rs): a hash of the session id, never the id.
    "CREATE TABLE inbox_sessions (
        id_sha256 TEXT PRIMARY KEY,
        expires_at TEXT NOT NULL
    );
    CREATE INDEX inbox_sessions_by_expiry ON inbox_sessions(expires_at);",
    // 5: submissions started through the FIT-Connect relay (see relayed.rs): only these may be
    // continued through it — also after a restart.
    "CREATE TABLE relayed_submissions (
        id TEXT PRIMARY KEY,
        destination TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );
    CREATE INDEX relayed_submissions_by_expiry ON relayed_submissions(expires_at);",
    // 6: fees and payment transactions (see payments.rs): one live transaction per
    // application, enforced by the database; the built-in test payment provider's records.
    payments::MIGRATION,
    // 7: applications handed back before paying, to change the answers (see changing.rs).
    changing::MIGRATION,
    // 8: the host page an embedded form's handed-back answers return to (see sessions.rs).
    sessions::MIGRATION,
];

/// Storage errors.
#[derive(Debug)]
pub enum StoreError {
    /// SQLite failed.
    Db(rusqlite::Error),
    /// PostgreSQL failed.
    Postgres(tokio_postgres::Error),
    /// No PostgreSQL connection could be had in time.
    Pool(String),
    /// The file system failed.
    Io(std::io::Error),
    /// The database was migrated by a newer version of the server.
    Newer {
        /// Migrations the database has.
        found: usize,
        /// Migrations this version knows.
        known: usize,
    },
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Db(e) => write!(f, "database: {e}"),
            StoreError::Postgres(e) => match e.as_db_error() {
                Some(db) => write!(f, "PostgreSQL: {} ({})", db.message(), db.code().code()),
                None => match std::error::Error::source(e) {
                    // "error connecting to server: Connection refused (os error 111)"
                    Some(cause) => write!(f, "PostgreSQL: {e}: {cause}"),
                    None => write!(f, "PostgreSQL: {e}"),
                },
            },
            StoreError::Pool(e) => write!(f, "PostgreSQL connection pool: {e}"),
            StoreError::Io(e) => write!(f, "file system: {e}"),
            StoreError::Newer { found, known } => write!(
                f,
                "the database has schema version {found}, this server knows only up to {known}: it was migrated by a newer Antrag; run that version (or newer)"
            ),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Db(e)
    }
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        StoreError::Postgres(e)
    }
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        StoreError::Io(e)
    }
}

/// The store. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    db: Db,
    /// SQLite: where attachment files live. PostgreSQL: where uploads are received before
    /// they go into the database.
    files: PathBuf,
}

#[derive(Clone)]
enum Db {
    /// One connection serialises writes (SQLite has one writer anyway).
    Sqlite(Arc<Mutex<Connection>>),
    Postgres(postgres::Postgres),
}

/// A submission to store.
#[derive(Debug, Clone)]
pub struct NewSubmission {
    /// Client-chosen idempotency key.
    pub idempotency_key: String,
    /// SHA-256 of the request body, to tell a retry from a reuse of the key.
    pub request_sha256: String,
    /// Form id.
    pub form_id: String,
    /// Definition version.
    pub form_version: String,
    /// Language the citizen used.
    pub language: String,
    /// The payload, as only the core's check makes it.
    pub payload: antrag_core::Valid<antrag_core::Payload>,
    /// Prefix of the reference number.
    pub reference_prefix: String,
    /// Year for the reference number.
    pub year: i32,
    /// Receipt time, RFC 3339.
    pub received_at: String,
    /// Capability token for the status URL.
    pub status_token: String,
    /// Attachment ids the payload references.
    pub attachment_ids: Vec<String>,
    /// Routing fields (JSON), if the client sent any.
    pub routing: Option<Value>,
    /// `received`, or `payment_pending` when a fee is to be paid before it counts as sent.
    pub status: String,
    /// The fee the server computed (items and total in cents), when the form has one.
    pub fee: Option<Value>,
}

/// A stored submission's receipt (what the client is told).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    /// Reference number (`BPA-2026-000123`).
    pub reference: String,
    /// Receipt time.
    pub received_at: String,
    /// Processing status.
    pub status: String,
    /// Capability token of the status URL.
    #[serde(skip)]
    pub status_token: String,
    /// Form id.
    pub form_id: String,
    /// Definition version.
    pub form_version: String,
}

/// What storing a submission did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitOutcome {
    /// A new record was committed.
    Created(Receipt),
    /// The key was seen before with the same request: the earlier receipt.
    Replayed(Receipt),
    /// The key was seen before with a different request.
    KeyReused,
    /// An attachment is unknown, belongs to another form or to another submission.
    AttachmentUnavailable(String),
}

/// A stored submission, for the clerk inbox.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredSubmission {
    /// The receipt.
    #[serde(flatten)]
    pub receipt: Receipt,
    /// Language.
    pub language: String,
    /// The payload.
    pub payload: Value,
    /// Routing fields, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub routing: Option<Value>,
    /// Attachments.
    pub attachments: Vec<Attachment>,
}

/// An attachment record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    /// Id.
    pub id: String,
    /// Form id it was uploaded for.
    #[serde(skip)]
    pub form_id: String,
    /// Field path it was uploaded for.
    #[serde(skip)]
    pub field: String,
    /// File name.
    pub name: String,
    /// Sniffed media type.
    pub media_type: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-512, hex.
    pub sha512: String,
    /// Upload time.
    #[serde(skip)]
    pub created_at: String,
    /// Whether a submission references it.
    #[serde(skip)]
    pub claimed: bool,
}

impl Store {
    /// Open (and migrate) the SQLite store in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        let files = files_dir(data_dir)?;
        let mut conn = Connection::open(data_dir.join("antrag.sqlite3"))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn)?;
        Ok(Store { db: Db::Sqlite(Arc::new(Mutex::new(conn))), files })
    }

    /// Connect to (and migrate) the PostgreSQL database `config` with at most `pool_size`
    /// connections; uploads are received in `data_dir` before they go into the database.
    pub async fn open_postgres(
        config: tokio_postgres::Config,
        pool_size: usize,
        data_dir: &Path,
    ) -> Result<Store, StoreError> {
        let files = files_dir(data_dir)?;
        let db = postgres::Postgres::connect(config, pool_size).await?;
        Ok(Store { db: Db::Postgres(db), files })
    }

    /// Which database this is, for the start message.
    pub fn kind(&self) -> &'static str {
        match self.db {
            Db::Sqlite(_) => "SQLite",
            Db::Postgres(_) => "PostgreSQL",
        }
    }

    /// Where an upload is received (a file of this server's own, renamed or read into the
    /// store by [`Store::add_attachment`]).
    pub fn scratch_dir(&self) -> &Path {
        &self.files
    }

    async fn with<T: Send + 'static>(
        &self,
        conn: &Arc<Mutex<Connection>>,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let conn = conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Io(std::io::Error::other(e)))?
    }

    /// Store a submission exactly once per idempotency key.
    pub async fn submit(&self, new: NewSubmission) -> Result<SubmitOutcome, StoreError> {
        let conn = match &self.db {
            Db::Sqlite(conn) => conn,
            Db::Postgres(db) => return db.submit(&new).await,
        };
        self.with(conn, move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if let Some((hash, receipt)) = find_by_key(&tx, &new.idempotency_key)? {
                return Ok(if hash == new.request_sha256 { SubmitOutcome::Replayed(receipt) } else { SubmitOutcome::KeyReused });
            }
            for id in &new.attachment_ids {
                let row: Option<(String, Option<i64>)> = tx
                    .query_row("SELECT form_id, submission_id FROM attachments WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                match row {
                    Some((form, None)) if form == new.form_id => {}
                    _ => return Ok(SubmitOutcome::AttachmentUnavailable(id.clone())),
                }
            }
            let last: i64 = tx.query_row(
                "INSERT INTO reference_counters (prefix, year, last) VALUES (?1, ?2, 1)
                 ON CONFLICT (prefix, year) DO UPDATE SET last = last + 1 RETURNING last",
                params![new.reference_prefix, new.year],
                |r| r.get(0),
            )?;
            let reference = format!("{}-{}-{:06}", new.reference_prefix, new.year, last);
            tx.execute(
                "INSERT INTO submissions (reference, idempotency_key, request_sha256, form_id, form_version, language, payload, received_at, status_token, routing, status, fee)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    reference,
                    new.idempotency_key,
                    new.request_sha256,
                    new.form_id,
                    new.form_version,
                    new.language,
                    new.payload.get().to_string(),
                    new.received_at,
                    new.status_token,
                    new.routing.as_ref().map(Value::to_string),
                    new.status,
                    new.fee.as_ref().map(Value::to_string)
                ],
            )?;
            let submission_id = tx.last_insert_rowid();
            for id in &new.attachment_ids {
                tx.execute("UPDATE attachments SET submission_id = ?1 WHERE id = ?2", params![submission_id, id])?;
            }
            tx.commit()?;
            Ok(SubmitOutcome::Created(Receipt {
                reference,
                received_at: new.received_at,
                status: new.status,
                status_token: new.status_token,
                form_id: new.form_id,
                form_version: new.form_version,
            }))
        })
        .await
    }

    /// What is stored under an idempotency key: the hash of the request that stored it, and
    /// its receipt.
    pub async fn by_key(&self, key: String) -> Result<Option<(String, Receipt)>, StoreError> {
        match &self.db {
            Db::Sqlite(conn) => self.with(conn, move |conn| Ok(find_by_key(conn, &key)?)).await,
            Db::Postgres(db) => db.by_key(&key).await,
        }
    }

    /// The receipt behind a status token.
    pub async fn receipt_by_token(&self, token: String) -> Result<Option<Receipt>, StoreError> {
        match &self.db {
            Db::Sqlite(conn) => {
                self.with(conn, move |conn| {
                    Ok(conn
                        .query_row(&format!("{RECEIPT_SELECT} WHERE status_token = ?1"), [token], receipt_row)
                        .optional()?)
                })
                .await
            }
            Db::Postgres(db) => db.receipt_by_token(&token).await,
        }
    }

    /// Submissions, newest first.
    pub async fn list(&self, limit: u32, offset: u32) -> Result<Vec<Receipt>, StoreError> {
        match &self.db {
            Db::Sqlite(conn) => {
                self.with(conn, move |conn| {
                    let mut stmt = conn.prepare(&format!("{RECEIPT_SELECT} ORDER BY id DESC LIMIT ?1 OFFSET ?2"))?;
                    let rows = stmt.query_map(params![limit, offset], receipt_row)?;
                    Ok(rows.collect::<Result<Vec<_>, _>>()?)
                })
                .await
            }
            Db::Postgres(db) => db.list(limit, offset).await,
        }
    }

    /// Open a data directory read-only and count its submissions and distinct idempotency
    /// keys (for fault tests, straight from the database file).
    pub fn count_file(data_dir: &Path) -> Result<(u64, u64), StoreError> {
        let conn =
            Connection::open_with_flags(data_dir.join("antrag.sqlite3"), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let rows: i64 = conn.query_row("SELECT COUNT(*) FROM submissions", [], |r| r.get(0))?;
        let keys: i64 = conn.query_row("SELECT COUNT(DISTINCT idempotency_key) FROM submissions", [], |r| r.get(0))?;
        Ok((rows as u64, keys as u64))
    }

    /// Number of stored submissions (for tests and the load command).
    pub async fn count(&self) -> Result<u64, StoreError> {
        match &self.db {
            Db::Sqlite(conn) => {
                self.with(conn, |conn| {
                    Ok(conn.query_row("SELECT COUNT(*) FROM submissions", [], |r| r.get::<_, i64>(0))? as u64)
                })
                .await
            }
            Db::Postgres(db) => db.count().await,
        }
    }

    /// Whether the database answers (the health check).
    pub async fn ping(&self) -> Result<(), StoreError> {
        match &self.db {
            Db::Sqlite(conn) => self.with(conn, |conn| Ok(conn.query_row("SELECT 1", [], |_| Ok(()))?)).await,
            Db::Postgres(db) => db.ping().await,
        }
    }

    /// One submission with payload and attachments.
    pub async fn submission(&self, reference: String) -> Result<Option<StoredSubmission>, StoreError> {
        let found = match &self.db {
            Db::Postgres(db) => db.submission(&reference).await?,
            Db::Sqlite(conn) => {
                self.with(conn, move |conn| {
                    let row = conn
                        .query_row(
                            "SELECT reference, received_at, status, status_token, form_id, form_version, language, payload, id, routing FROM submissions WHERE reference = ?1",
                            [&reference],
                            |r| {
                                Ok((
                                    receipt_row(r)?,
                                    r.get::<_, String>(6)?,
                                    r.get::<_, String>(7)?,
                                    r.get::<_, i64>(8)?,
                                    r.get::<_, Option<String>>(9)?,
                                ))
                            },
                        )
                        .optional()?;
                    let Some((receipt, language, payload, id, routing)) = row else { return Ok(None) };
                    let mut stmt =
                        conn.prepare(&format!("{ATTACHMENT_SELECT} WHERE submission_id = ?1 ORDER BY created_at, id"))?;
                    let attachments = stmt.query_map([id], attachment_row)?.collect::<Result<Vec<_>, _>>()?;
                    Ok(Some((receipt, language, payload, routing, attachments)))
                })
                .await?
            }
        };
        Ok(found.map(|(receipt, language, payload, routing, attachments)| StoredSubmission {
            receipt,
            language,
            payload: serde_json::from_str(&payload).unwrap_or(Value::Null),
            routing: routing.and_then(|r| serde_json::from_str(&r).ok()),
            attachments,
        }))
    }

    /// Record an uploaded file whose content is the complete, synced file `received` in
    /// [`Store::scratch_dir`]. The store takes the file: it is kept as the attachment's
    /// content (SQLite: renamed to its place; PostgreSQL: read into the database) or, when
    /// the record cannot be written, deleted — nothing stays that no one can find.
    pub async fn add_attachment(&self, attachment: Attachment, received: PathBuf) -> Result<(), StoreError> {
        match &self.db {
            Db::Postgres(db) => {
                let stored = match tokio::fs::read(&received).await {
                    Ok(content) => db.add_attachment(&attachment, &content).await,
                    Err(e) => Err(e.into()),
                };
                let _ = tokio::fs::remove_file(&received).await;
                stored
            }
            Db::Sqlite(conn) => {
                let path = self.files.join(&attachment.id);
                if let Err(e) = tokio::fs::rename(&received, &path).await {
                    let _ = tokio::fs::remove_file(&received).await;
                    return Err(e.into());
                }
                let stored = self
                    .with(conn, move |conn| {
                        conn.execute(
                            "INSERT INTO attachments (id, form_id, field, name, media_type, size, sha512, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                            params![
                                attachment.id,
                                attachment.form_id,
                                attachment.field,
                                attachment.name,
                                attachment.media_type,
                                attachment.size as i64,
                                attachment.sha512,
                                attachment.created_at
                            ],
                        )?;
                        Ok(())
                    })
                    .await;
                if stored.is_err() {
                    let _ = tokio::fs::remove_file(&path).await;
                }
                stored
            }
        }
    }

    /// The content of an attachment (checked against its SHA-512 by the caller).
    pub async fn attachment_content(&self, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match &self.db {
            Db::Postgres(db) => db.attachment_content(id).await,
            Db::Sqlite(_) => match tokio::fs::read(self.files.join(id)).await {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e.into()),
            },
        }
    }

    /// Delete uploads no submission claimed that were made more than `days` before `now`
    /// (records and contents). Returns how many were removed.
    pub async fn purge_unclaimed(&self, days: u32, now: time::OffsetDateTime) -> Result<usize, StoreError> {
        let files = self.files.clone();
        let cutoff = now - time::Duration::days(i64::from(days));
        let cutoff = cutoff.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
        let conn = match &self.db {
            Db::Postgres(db) => return db.purge_unclaimed(&cutoff).await,
            Db::Sqlite(conn) => conn,
        };
        self.with(conn, move |conn| {
            let ids: Vec<String> = {
                let mut stmt =
                    conn.prepare("SELECT id FROM attachments WHERE submission_id IS NULL AND created_at < ?1")?;
                let rows = stmt.query_map([&cutoff], |r| r.get(0))?;
                rows.collect::<Result<_, _>>()?
            };
            for id in &ids {
                conn.execute("DELETE FROM attachments WHERE id = ?1 AND submission_id IS NULL", [id])?;
                let _ = std::fs::remove_file(files.join(id));
            }
            Ok(ids.len())
        })
        .await
    }

    /// Delete files in the files directory that no attachment record names — an upload cut
    /// off mid-way (`upload-*.part`), or a file whose record could not be written — once they
    /// are older than `min_age` (longer than any upload may take). Returns how many. (On
    /// PostgreSQL the directory only receives uploads: every old file there is such a one.)
    pub async fn purge_orphan_files(&self, min_age: std::time::Duration) -> Result<usize, StoreError> {
        let files = self.files.clone();
        let recorded = |conn: Option<&Connection>, name: &str| -> Result<bool, StoreError> {
            Ok(match conn {
                Some(conn) => {
                    !name.ends_with(".part")
                        && conn
                            .query_row("SELECT 1 FROM attachments WHERE id = ?1", [name], |_| Ok(()))
                            .optional()?
                            .is_some()
                }
                None => false,
            })
        };
        let sweep = move |conn: Option<&Connection>| -> Result<usize, StoreError> {
            let now = std::time::SystemTime::now();
            let mut removed = 0;
            for entry in std::fs::read_dir(&files)? {
                let entry = entry?;
                let old = entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .is_ok_and(|at| now.duration_since(at).is_ok_and(|age| age >= min_age));
                let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
                if !old || !entry.file_type().is_ok_and(|t| t.is_file()) {
                    continue;
                }
                if !recorded(conn, &name)? && std::fs::remove_file(entry.path()).is_ok() {
                    removed += 1;
                }
            }
            Ok(removed)
        };
        match &self.db {
            Db::Sqlite(conn) => self.with(conn, move |conn| sweep(Some(conn))).await,
            Db::Postgres(_) => tokio::task::spawn_blocking(move || sweep(None))
                .await
                .map_err(|e| StoreError::Io(std::io::Error::other(e)))?,
        }
    }

    /// An attachment record.
    pub async fn attachment(&self, id: String) -> Result<Option<Attachment>, StoreError> {
        match &self.db {
            Db::Sqlite(conn) => {
                self.with(conn, move |conn| {
                    Ok(conn
                        .query_row(&format!("{ATTACHMENT_SELECT} WHERE id = ?1"), [id], attachment_row)
                        .optional()?)
                })
                .await
            }
            Db::Postgres(db) => db.attachment(&id).await,
        }
    }
}

impl Store {
    /// Delete the rows of `table` (one of ours with an `expires_at`) that expired at `now`;
    /// returns how many.
    async fn purge(&self, table: &'static str, now: String) -> Result<usize, StoreError> {
        match &self.db {
            Db::Sqlite(conn) => {
                self.with(conn, move |conn| {
                    Ok(conn.execute(&format!("DELETE FROM {table} WHERE expires_at <= ?1"), params![now])?)
                })
                .await
            }
            Db::Postgres(db) => {
                Ok(db.execute(&format!("DELETE FROM {table} WHERE expires_at <= $1"), &[&now]).await? as usize)
            }
        }
    }
}

/// The files directory in `data_dir`, made if missing.
fn files_dir(data_dir: &Path) -> Result<PathBuf, StoreError> {
    let files = data_dir.join("files");
    std::fs::create_dir_all(&files)?;
    Ok(files)
}

const RECEIPT_SELECT: &str =
    "SELECT reference, received_at, status, status_token, form_id, form_version FROM submissions";
const ATTACHMENT_SELECT: &str =
    "SELECT id, form_id, field, name, media_type, size, sha512, created_at, submission_id IS NOT NULL FROM attachments";

fn receipt_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Receipt> {
    Ok(Receipt {
        reference: r.get(0)?,
        received_at: r.get(1)?,
        status: r.get(2)?,
        status_token: r.get(3)?,
        form_id: r.get(4)?,
        form_version: r.get(5)?,
    })
}

fn attachment_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Attachment> {
    Ok(Attachment {
        id: r.get(0)?,
        form_id: r.get(1)?,
        field: r.get(2)?,
        name: r.get(3)?,
        media_type: r.get(4)?,
        size: r.get::<_, i64>(5)? as u64,
        sha512: r.get(6)?,
        created_at: r.get(7)?,
        claimed: r.get(8)?,
    })
}

fn find_by_key(conn: &Connection, key: &str) -> rusqlite::Result<Option<(String, Receipt)>> {
    conn.query_row(
        "SELECT request_sha256, reference, received_at, status, status_token, form_id, form_version FROM submissions WHERE idempotency_key = ?1",
        [key],
        |r| {
            Ok((
                r.get(0)?,
                Receipt {
                    reference: r.get(1)?,
                    received_at: r.get(2)?,
                    status: r.get(3)?,
                    status_token: r.get(4)?,
                    form_id: r.get(5)?,
                    form_version: r.get(6)?,
                },
            ))
        },
    )
    .optional()
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let done: usize = conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))? as usize;
    if done > MIGRATIONS.len() {
        return Err(StoreError::Newer { found: done, known: MIGRATIONS.len() });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(done) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

/// What the store's tests share: they run on SQLite, and on PostgreSQL too when
/// `ANTRAG_TEST_DATABASE_URL` names a cluster (`make test` starts one: scripts/postgres.sh).
#[cfg(test)]
pub(crate) mod testing {
    use super::Store;

    /// One backend to test on: a fresh data directory, and a fresh database on PostgreSQL.
    pub(crate) struct TestStore {
        dir: tempfile::TempDir,
        url: Option<String>,
    }

    impl TestStore {
        /// Open the store (again: a second open is another process on the same data).
        pub(crate) async fn open(&self) -> Store {
            match &self.url {
                None => Store::open(self.dir.path()).unwrap(),
                Some(url) => Store::open_postgres(url.parse().unwrap(), 4, self.dir.path()).await.unwrap(),
            }
        }

        /// Its name, for assertion messages.
        pub(crate) fn name(&self) -> &'static str {
            if self.url.is_some() {
                "PostgreSQL"
            } else {
                "SQLite"
            }
        }
    }

    /// SQLite, and PostgreSQL when there is a test cluster.
    pub(crate) async fn backends() -> Vec<TestStore> {
        let mut all = vec![TestStore { dir: tempfile::tempdir().unwrap(), url: None }];
        match std::env::var("ANTRAG_TEST_DATABASE_URL") {
            Ok(admin) if !admin.is_empty() => {
                let url = super::postgres::create_test_database(&admin).await.unwrap();
                all.push(TestStore { dir: tempfile::tempdir().unwrap(), url: Some(url) });
            }
            _ => eprintln!(
                "store tests: SQLite only (ANTRAG_TEST_DATABASE_URL is not set; `make test-postgres` sets it)"
            ),
        }
        all
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::testing::backends;
    use super::*;

    /// A payload of a one-field form, through the core's check as every stored payload.
    pub(super) fn checked(answers: Value) -> antrag_core::Valid<antrag_core::Payload> {
        let form = antrag_core::Form::from_json(
            r#"{"format": "antrag/1", "id": "f", "version": "1", "title": "F", "languages": ["de"],
                "items": [{"field": "a", "datatype": "num_int", "label": "A"}]}"#,
        )
        .unwrap();
        antrag_core::check(&form, answers.as_object().unwrap(), &antrag_testing::context()).unwrap()
    }

    pub(super) fn submission(key: &str, hash: &str) -> NewSubmission {
        NewSubmission {
            idempotency_key: key.into(),
            request_sha256: hash.into(),
            form_id: "f".into(),
            form_version: "1".into(),
            language: "de".into(),
            payload: checked(serde_json::json!({"a": "1"})),
            reference_prefix: "TST".into(),
            year: 2026,
            received_at: "2026-11-28T12:00:00Z".into(),
            status_token: format!("token-{key}"),
            attachment_ids: vec![],
            routing: None,
            status: "received".into(),
            fee: None,
        }
    }

    #[tokio::test]
    async fn one_record_per_key_and_sequential_references() {
        for backend in backends().await {
            one_record_per_key(&backend).await;
        }
    }

    async fn one_record_per_key(backend: &testing::TestStore) {
        let store = backend.open().await;
        let SubmitOutcome::Created(first) = store.submit(submission("k1", "h1")).await.unwrap() else { panic!() };
        assert_eq!(first.reference, "TST-2026-000001");
        assert_eq!(store.submit(submission("k1", "h1")).await.unwrap(), SubmitOutcome::Replayed(first.clone()));
        assert_eq!(store.submit(submission("k1", "other")).await.unwrap(), SubmitOutcome::KeyReused);
        let SubmitOutcome::Created(second) = store.submit(submission("k2", "h2")).await.unwrap() else { panic!() };
        assert_eq!(second.reference, "TST-2026-000002");
        assert_eq!(store.count().await.unwrap(), 2);
        // Reopening runs no migration twice and keeps the data.
        drop(store);
        let store = backend.open().await;
        assert_eq!(store.count().await.unwrap(), 2);
        assert_eq!(store.receipt_by_token("token-k2".into()).await.unwrap().unwrap().reference, second.reference);
    }

    #[tokio::test]
    async fn attachments_are_claimed_once() {
        for backend in backends().await {
            claimed_once(&backend).await;
        }
    }

    /// Two processes on one database (two stores, two pools) take the same keys at the same
    /// moment, and many new ones: one record per key, references unique and gapless.
    #[tokio::test]
    async fn concurrent_writers_store_each_key_once() {
        for backend in backends().await {
            let (a, b) = (backend.open().await, backend.open().await);
            let mut tasks = Vec::new();
            for i in 0..40 {
                for store in [a.clone(), b.clone()] {
                    // Every key twice (once per store), some three times.
                    let key = format!("k{}", i % 30);
                    tasks.push(tokio::spawn(async move { store.submit(submission(&key, &key)).await.unwrap() }));
                }
            }
            let mut created = std::collections::BTreeSet::new();
            let mut receipts = std::collections::BTreeMap::new();
            for task in tasks {
                match task.await.unwrap() {
                    SubmitOutcome::Created(r) => {
                        assert!(created.insert(r.reference.clone()), "{}: {} twice", backend.name(), r.reference);
                        receipts.insert(r.reference.clone(), r);
                    }
                    SubmitOutcome::Replayed(r) => {
                        receipts.insert(r.reference.clone(), r);
                    }
                    other => panic!("{}: {other:?}", backend.name()),
                }
            }
            assert_eq!(created.len(), 30, "{}: one record per key", backend.name());
            assert_eq!(receipts.len(), 30, "{}: every replay names a stored record", backend.name());
            assert_eq!(a.count().await.unwrap(), 30, "{}", backend.name());
            let expected: std::collections::BTreeSet<String> = (1..=30).map(|n| format!("TST-2026-{n:06}")).collect();
            assert_eq!(created, expected, "{}: references unique and without gaps", backend.name());
        }
    }

    /// A received upload in the store's scratch directory, as the upload handler leaves it.
    fn received(store: &Store, id: &str, content: &[u8]) -> PathBuf {
        let path = store.scratch_dir().join(format!("upload-{id}.part"));
        std::fs::write(&path, content).unwrap();
        path
    }

    async fn claimed_once(backend: &testing::TestStore) {
        let store = backend.open().await;
        let name = backend.name();
        let att = Attachment {
            id: "a1".into(),
            form_id: "f".into(),
            field: "x".into(),
            name: "n.pdf".into(),
            media_type: "application/pdf".into(),
            size: 3,
            sha512: "00".into(),
            created_at: "t".into(),
            claimed: false,
        };
        let file = received(&store, "a1", b"pdf");
        store.add_attachment(att, file.clone()).await.unwrap();
        assert!(!file.exists(), "{name}: the store took the received file");
        assert_eq!(store.attachment_content("a1").await.unwrap().as_deref(), Some(&b"pdf"[..]), "{name}");
        let mut s = submission("k1", "h1");
        s.attachment_ids = vec!["a1".into()];
        assert!(matches!(store.submit(s).await.unwrap(), SubmitOutcome::Created(_)), "{name}");
        let mut again = submission("k2", "h2");
        again.attachment_ids = vec!["a1".into()];
        assert_eq!(store.submit(again).await.unwrap(), SubmitOutcome::AttachmentUnavailable("a1".into()), "{name}");
        // Unclaimed uploads are purged after their retention; claimed ones stay.
        let old = Attachment {
            id: "old".into(),
            created_at: "2000-01-01T00:00:00Z".into(),
            ..store.attachment("a1".into()).await.unwrap().unwrap()
        };
        store.add_attachment(old, received(&store, "old", b"x")).await.unwrap();
        let now = crate::clock::Clock::test_only_from(antrag_testing::today()).now();
        assert_eq!(store.purge_unclaimed(8, now).await.unwrap(), 1, "{name}");
        assert!(store.attachment("old".into()).await.unwrap().is_none(), "{name}");
        assert_eq!(store.attachment_content("old").await.unwrap(), None, "{name}: the content went with the record");
        assert!(store.attachment("a1".into()).await.unwrap().is_some(), "{name}");
        // Files no record names (an upload cut off, a record that failed) go once they are old.
        let long_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3 * 3600);
        for file in ["orphan", "upload-x.part"] {
            std::fs::File::create(store.scratch_dir().join(file)).unwrap().set_modified(long_ago).unwrap();
        }
        std::fs::File::create(store.scratch_dir().join("fresh-orphan")).unwrap();
        if let Ok(recorded) = std::fs::File::options().write(true).open(store.scratch_dir().join("a1")) {
            recorded.set_modified(long_ago).unwrap();
        }
        assert_eq!(store.purge_orphan_files(std::time::Duration::from_secs(2 * 3600)).await.unwrap(), 2, "{name}");
        assert_eq!(
            store.attachment_content("a1").await.unwrap().as_deref(),
            Some(&b"pdf"[..]),
            "{name}: a recorded file stays"
        );
        assert!(store.scratch_dir().join("fresh-orphan").exists(), "{name}: a file may still be getting its record");
        assert!(!store.scratch_dir().join("orphan").exists() && !store.scratch_dir().join("upload-x.part").exists());
        let mut unknown = submission("k3", "h3");
        unknown.attachment_ids = vec!["nope".into()];
        assert_eq!(store.submit(unknown).await.unwrap(), SubmitOutcome::AttachmentUnavailable("nope".into()), "{name}");
    }
}
