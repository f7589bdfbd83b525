//! The configuration of a server and the state every handler shares: the catalog, the store,
//! rate limits, injected faults, FIT-Connect and the clock. Built once at start by [`prepare`].

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use crate::catalog::Catalog;
use crate::store::Store;
use crate::{clock, faults, fitconnect, ratelimit};

/// Server configuration (from flags and environment; see `antrag-server --help`).
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on.
    pub addr: SocketAddr,
    /// Directory of the SQLite database and attachment files (with `database_url`: of the
    /// uploads being received).
    pub data_dir: PathBuf,
    /// PostgreSQL connection string; SQLite in `data_dir` without one.
    pub database_url: Option<String>,
    /// PostgreSQL connections held at most.
    pub database_pool_size: usize,
    /// Directories of form definitions.
    pub forms_dirs: Vec<PathBuf>,
    /// Directory of code lists.
    pub codelists_dir: PathBuf,
    /// Directory of the built web app (trunk's `dist`).
    pub dist_dir: PathBuf,
    /// Token for the clerk inbox; the inbox is off without one.
    pub inbox_token: Option<String>,
    /// Origins allowed to call the API from the browser (embedding sites).
    pub cors_origins: Vec<String>,
    /// Global cap on one attachment, bytes.
    pub max_upload_bytes: u64,
    /// Cap on JSON request bodies, bytes.
    pub max_body_bytes: usize,
    /// Uploads and submissions per client and minute (0: unlimited).
    pub rate_limit: u32,
    /// Requests handled at once; more are answered 503 with `Retry-After` at once.
    pub max_concurrent_requests: usize,
    /// Time a request may take until its answer starts (uploads: `upload_timeout`).
    pub request_timeout: std::time::Duration,
    /// Time an upload may take (a large file over a slow mobile connection).
    pub upload_timeout: std::time::Duration,
    /// Reverse proxies in front of the server whose `X-Forwarded-For` entries are trusted
    /// (0: use the peer address; see [`crate::proxy`]).
    pub trusted_proxies: u8,
    /// When set, uploads and submissions need this header with this value (the platform's
    /// session credential, see docs/api/profiles.md).
    pub platform_auth: Option<(String, String)>,
    /// Mount the fault-injection API (tests only).
    pub enable_faults: bool,
    /// Days an upload no submission claimed is kept (longer than a citizen's draft).
    pub attachment_retention_days: u32,
    /// FIT-Connect relay and test destination.
    pub fit_connect: fitconnect::FitConnectConfig,
    /// Fees and online payment.
    pub payment: crate::payment::PaymentConfig,
    /// TESTS ONLY: start the server's clock on this day (12:00 UTC) instead of the system's.
    pub test_only_today: Option<antrag_core::Date>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: "data".into(),
            database_url: None,
            database_pool_size: crate::store::postgres::DEFAULT_POOL_SIZE,
            forms_dirs: vec!["forms".into()],
            codelists_dir: "codelists".into(),
            dist_dir: "dist".into(),
            inbox_token: None,
            cors_origins: Vec::new(),
            max_upload_bytes: 25 * 1024 * 1024,
            max_body_bytes: 1024 * 1024,
            rate_limit: 600,
            max_concurrent_requests: 256,
            request_timeout: std::time::Duration::from_secs(30),
            upload_timeout: std::time::Duration::from_secs(900),
            trusted_proxies: 0,
            platform_auth: None,
            enable_faults: false,
            attachment_retention_days: 8,
            fit_connect: fitconnect::FitConnectConfig::default(),
            payment: crate::payment::PaymentConfig {
                provider: None,
                poll_every: std::time::Duration::from_secs(30),
                expire_after: std::time::Duration::from_secs(2 * 3600),
                public_url: None,
            },
            test_only_today: None,
        }
    }
}

/// Inbox sign-in attempts allowed per client address and minute.
pub const INBOX_LOGINS_PER_MINUTE: u32 = 10;

/// Shared state of the handlers.
#[derive(Clone)]
pub struct AppState {
    /// The forms.
    pub catalog: Arc<Catalog>,
    /// Storage.
    pub store: Store,
    /// Configuration.
    pub config: Arc<Config>,
    /// Rate limiting of writes.
    pub limiter: Arc<ratelimit::RateLimiter>,
    /// Throttling of inbox sign-in attempts.
    pub login_limiter: Arc<ratelimit::RateLimiter>,
    /// Injected faults (used only with `enable_faults`).
    pub faults: Arc<faults::Faults>,
    /// FIT-Connect relay and test destination.
    pub fit: Arc<fitconnect::FitConnect>,
    /// The payment provider adapter.
    pub payments: Arc<crate::payment::Payments>,
    /// Where dates and timestamps come from.
    pub clock: clock::Clock,
    /// The frame of the pages the server renders.
    pub shell: Arc<crate::pages::shell::Shell>,
}

/// Load the catalog, open (and migrate) the store and build the state.
pub async fn prepare(config: Config) -> Result<AppState, String> {
    let catalog = Catalog::load(&config.forms_dirs, &config.codelists_dir)
        .map_err(|errors| errors.iter().map(ToString::to_string).collect::<String>())?;
    let store = match &config.database_url {
        None => Store::open(&config.data_dir)
            .map_err(|e| format!("cannot open the data directory {}: {e}", config.data_dir.display()))?,
        Some(url) => {
            // The message names where, never the password.
            let pg: tokio_postgres::Config = url.parse().map_err(|e| {
                format!("--database-url (ANTRAG_DATABASE_URL) is not a PostgreSQL connection string: {e}; write postgres://USER@HOST:PORT/DATABASE")
            })?;
            let place = crate::store::postgres::describe(&pg);
            let store = Store::open_postgres(pg, config.database_pool_size, &config.data_dir)
                .await
                .map_err(|e| format!("cannot use the {place}: {e}"))?;
            tracing::info!(database = %place, "store on PostgreSQL");
            store
        }
    };
    let limiter = Arc::new(ratelimit::RateLimiter::new(config.rate_limit));
    let fit = fitconnect::FitConnect::new(&config.fit_connect, &catalog, &config.data_dir)?;
    let payments = crate::payment::Payments::new(&config.payment, config.addr)?;
    for id in catalog.charging_forms() {
        if !payments.enabled() {
            return Err(format!(
                "form \"{id}\" charges a fee before it is sent (payment.timing \"before\"), but no payment provider is configured: start with --payment-provider-url … (an XBezahldienste platform) or, for tests and demos, --test-payment-provider"
            ));
        }
        if config.fit_connect.forms.contains_key(&id) {
            return Err(format!(
                "form \"{id}\" charges a fee before it is sent and goes over FIT-Connect; paying before a FIT-Connect submission is not supported yet: set payment.timing to \"notice\" or send it through this server"
            ));
        }
    }
    let clock = match config.test_only_today {
        None => clock::Clock::system(),
        Some(day) => {
            tracing::warn!(
                today = %day,
                "TEST ONLY: the server's clock is set to {day} (--test-only-today); every date it checks and records is wrong in production"
            );
            clock::Clock::test_only_from(day)
        }
    };
    let shell = Arc::new(crate::pages::shell::Shell::load(&config.dist_dir));
    Ok(AppState {
        catalog: Arc::new(catalog),
        store,
        config: Arc::new(config),
        limiter,
        login_limiter: Arc::new(ratelimit::RateLimiter::new(INBOX_LOGINS_PER_MINUTE)),
        faults: Arc::default(),
        fit: Arc::new(fit),
        payments: Arc::new(payments),
        clock,
        shell,
    })
}
