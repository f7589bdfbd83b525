//! `antrag-server`: the reference backend and the project's command-line tools.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use antrag_server::Config;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// Antrag reference server: serves the web app and demo forms, receives submissions.
#[derive(Parser, Debug)]
#[command(name = "antrag-server", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the web app and the API (the default).
    Serve(Box<ServeArgs>),
    /// Check form definitions and print every problem with its JSON pointer.
    Lint {
        /// Definition files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Directory of code lists to resolve references from.
        #[arg(long, default_value = "codelists")]
        codelists: PathBuf,
    },
    /// Print the JSON Schema of the definition format (antrag/1).
    DefinitionSchema,
    /// Count the submissions in a data directory, straight from its database file
    /// (prints `{"rows": n, "keys": n}`).
    Count {
        /// The server's data directory.
        #[arg(long, default_value = "./data")]
        data_dir: PathBuf,
    },
    /// Check a backend against the submission contract and print a pass/fail table.
    Conformance {
        /// API base URL, e.g. http://127.0.0.1:8080/api/v1
        #[arg(long)]
        base_url: String,
        /// Form to submit (default: a demo form the backend serves).
        #[arg(long)]
        form: Option<String>,
        /// File with valid answers for that form (default: the demo form's examples).
        #[arg(long)]
        answers: Option<PathBuf>,
        /// Header sent with every request, as NAME=VALUE (a platform credential); repeatable.
        #[arg(long = "header")]
        headers: Vec<String>,
        /// The backend's today, YYYY-MM-DD (default: today, UTC): the submissions' date and the
        /// day the examples' relative dates are resolved for.
        #[arg(long, value_parser = parse_date)]
        today: Option<antrag_core::Date>,
    },
    /// Load a backend: N concurrent clients × M submissions, then count the stored rows.
    Load {
        /// API base URL, e.g. http://127.0.0.1:8080/api/v1; repeat for several instances of
        /// one service: the requests alternate between them.
        #[arg(long = "base-url", required = true)]
        base_urls: Vec<String>,
        /// Concurrent clients.
        #[arg(long, default_value_t = 50)]
        clients: usize,
        /// Submissions per client.
        #[arg(long, default_value_t = 200)]
        submissions: usize,
        /// Form to submit (its example answers are used).
        #[arg(long, default_value = "bewohnerparkausweis")]
        form: String,
        /// Clerk inbox token, to count stored rows (zero lost, zero duplicated).
        #[arg(long, env = "ANTRAG_INBOX_TOKEN", hide_env_values = true)]
        inbox_token: Option<String>,
        /// Send every n-th submission twice with the same key, as after a lost response (0: never).
        #[arg(long, default_value_t = 10)]
        retry_every: usize,
        /// The backend's today, YYYY-MM-DD (default: today, UTC).
        #[arg(long, value_parser = parse_date)]
        today: Option<antrag_core::Date>,
    },
    /// Write the first screen of every form in every language as HTML for static hosting
    /// (`DIR/<form>.<lang>.html`, next to the web app's files as `prerender/`): the embed
    /// loader shows it at once and the wasm hydrates it. See docs/embedding.md.
    Prerender {
        /// Where to write the files (created if missing), e.g. dist/prerender.
        #[arg(long)]
        out: PathBuf,
        /// Directory of form definitions (*.json); repeat for several.
        #[arg(long = "forms-dir", value_delimiter = ',', default_value = "./forms")]
        forms_dirs: Vec<PathBuf>,
        /// Directory of code lists.
        #[arg(long, default_value = "./codelists")]
        codelists_dir: PathBuf,
        /// The day the first screens are rendered for, YYYY-MM-DD (default: today, UTC). The
        /// widget judges answers on the citizen's own day.
        #[arg(long, value_parser = parse_date)]
        today: Option<antrag_core::Date>,
    },
    /// Import a FIM data schema (XDatenfelder 2.0 / 3.0.0 XML) as a form definition and print
    /// the import report (fields, groups, rules translated and not, warnings).
    ImportFim {
        /// The XDatenfelder file (Stammdatenschema, Datenfeldgruppe or Datenfeld message).
        file: PathBuf,
        /// Directory of genericode code lists (*.xml) for code-list references.
        #[arg(long)]
        codelists: Option<PathBuf>,
        /// Where to write the definition (JSON); without it only the report is printed.
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
        /// Form id of the definition (default: fim-<schema id>).
        #[arg(long)]
        id: Option<String>,
        /// Print the report as JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Fetch the code lists the export references from XRepository into the --codelists
        /// directory first (as `codelists-sync` does).
        #[arg(long, requires = "codelists")]
        fetch_codelists: bool,
        /// XRepository or a mirror, for --fetch-codelists.
        #[arg(long, default_value = antrag_server::codelists::XREPOSITORY)]
        repository: String,
    },
    /// Fetch the code lists that FIM exports (*.xml) or definitions (*.json) reference from
    /// XRepository (by URN and version; the newest valid version when none is given), check
    /// them and keep them in a directory, which then serves offline. Exits 1 when a list
    /// could not be had (its fields stay free-text inputs).
    CodelistsSync {
        /// FIM exports and definitions.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The directory the lists are kept in (genericode `*.xml` for import-fim, Antrag
        /// `*.json` for --codelists-dir).
        #[arg(long)]
        dir: PathBuf,
        /// XRepository or a mirror.
        #[arg(long, default_value = antrag_server::codelists::XREPOSITORY)]
        repository: String,
        /// Use the directory only; fetch nothing.
        #[arg(long)]
        offline: bool,
    },
    /// Import every FIM export (*.xml) under the given folders and print the figures: rules
    /// translated (occurrences and distinct rules), code lists resolved, the slowest import.
    FimCorpus {
        /// Folders (searched recursively) or files.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Directory of genericode code lists (*.xml) for code-list references.
        #[arg(long)]
        codelists: Option<PathBuf>,
    },
    /// Print valid answers for a definition, found by the validator (for tests and tools that
    /// submit forms without hand-written examples).
    SampleAnswers {
        /// Definition file.
        file: PathBuf,
        /// Directory of code lists.
        #[arg(long, default_value = "codelists")]
        codelists: PathBuf,
        /// The day the answers must be valid on, YYYY-MM-DD (default: today, UTC).
        #[arg(long, value_parser = parse_date)]
        today: Option<antrag_core::Date>,
    },
    /// Print the shared example answers (forms/examples/<id>.json) with their relative dates
    /// (`{today+3d}`) resolved for a day — for test suites and backends outside Rust.
    ResolveExamples {
        /// Example files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The day, YYYY-MM-DD (default: today, UTC).
        #[arg(long, value_parser = parse_date)]
        today: Option<antrag_core::Date>,
        /// Directory to write the resolved files into (same names); without it, the one file
        /// is printed.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print a generated definition of N fields (the benchmark's forms: a realistic mix of
    /// types in sections of ten).
    GenerateForm {
        /// Number of fields.
        #[arg(long)]
        fields: usize,
        /// All sections on one page instead of one step per section.
        #[arg(long)]
        one_page: bool,
    },
    /// Print the JSON Schema of the payload of a definition.
    PayloadSchema {
        /// Definition file.
        file: PathBuf,
        /// Directory of code lists.
        #[arg(long, default_value = "codelists")]
        codelists: PathBuf,
    },
}

#[derive(Args, Debug, Clone)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "ANTRAG_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Directory for the SQLite database and uploaded files (created if missing). With
    /// --database-url only uploads being received pass through it.
    #[arg(long, env = "ANTRAG_DATA_DIR", default_value = "./data")]
    data_dir: PathBuf,
    /// PostgreSQL instead of SQLite, for several instances on one database (docs/deployment.md):
    /// postgres://USER@HOST:PORT/DB?sslmode=require, or key=value pairs. Prefer the environment
    /// variable: a command line is visible to every user of the machine.
    #[arg(long, env = "ANTRAG_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// PostgreSQL connections this instance holds at most.
    #[arg(long, env = "ANTRAG_DATABASE_POOL_SIZE", default_value_t = antrag_server::store::postgres::DEFAULT_POOL_SIZE)]
    database_pool_size: usize,
    /// Directory of form definitions (*.json) to serve; repeat the flag (or separate with
    /// commas) for several directories.
    #[arg(long = "forms-dir", env = "ANTRAG_FORMS_DIRS", value_delimiter = ',', default_value = "./forms")]
    forms_dirs: Vec<PathBuf>,
    /// Directory of code lists (*.json) that definitions may reference.
    #[arg(long, env = "ANTRAG_CODELISTS_DIR", default_value = "./codelists")]
    codelists_dir: PathBuf,
    /// Directory of the built web app (trunk build output).
    #[arg(long, env = "ANTRAG_DIST_DIR", default_value = "./dist")]
    dist_dir: PathBuf,
    /// Token for the clerk inbox (sign-in page, and Authorization: Bearer <token> for the API);
    /// without it the inbox is off. Prefer the environment variable or --inbox-token-file: a
    /// command line is visible to every user of the machine.
    #[arg(long, env = "ANTRAG_INBOX_TOKEN", hide_env_values = true, conflicts_with = "inbox_token_file")]
    inbox_token: Option<String>,
    /// File holding the inbox token (its first line; e.g. a container secret).
    #[arg(long, env = "ANTRAG_INBOX_TOKEN_FILE")]
    inbox_token_file: Option<PathBuf>,
    /// Origin allowed to use the API from a browser (repeat, or comma-separated), e.g. https://www.musterstadt.de
    #[arg(long = "cors-origin", env = "ANTRAG_CORS_ORIGINS", value_delimiter = ',')]
    cors_origins: Vec<String>,
    /// Largest accepted attachment, bytes (a field's own maxSize may be smaller).
    #[arg(long, env = "ANTRAG_MAX_UPLOAD_BYTES", default_value_t = 25 * 1024 * 1024)]
    max_upload_bytes: u64,
    /// Largest accepted JSON request body, bytes.
    #[arg(long, env = "ANTRAG_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    max_body_bytes: usize,
    /// Uploads and submissions allowed per client address and minute (0: no limit).
    #[arg(long, env = "ANTRAG_RATE_LIMIT", default_value_t = 600)]
    rate_limit: u32,
    /// Requests handled at once; beyond that the server answers 503 with Retry-After at once
    /// (clients retry; nothing queues up in memory).
    #[arg(long, env = "ANTRAG_MAX_CONCURRENT_REQUESTS", default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..))]
    max_concurrent_requests: u32,
    /// Seconds a request may take until its answer starts; then 503 with Retry-After.
    #[arg(long, env = "ANTRAG_REQUEST_TIMEOUT", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    request_timeout: u64,
    /// Seconds an upload may take (25 MB over a slow mobile uplink takes minutes).
    #[arg(long, env = "ANTRAG_UPLOAD_TIMEOUT", default_value_t = 900, value_parser = clap::value_parser!(u64).range(1..))]
    upload_timeout: u64,
    /// Number of reverse proxies in front of the server (--trust-proxy alone: 1). The client
    /// address is the X-Forwarded-For entry the outermost of them added; entries further left
    /// are the client's own and ignored. Leave it off when clients reach the server directly.
    #[arg(long, env = "ANTRAG_TRUST_PROXY", value_name = "HOPS", num_args = 0..=1, default_missing_value = "1", default_value_t = 0)]
    trust_proxy: u8,
    /// Require a platform credential on uploads and submissions, as NAME=VALUE
    /// (e.g. "Authorization=Bearer abc"); see docs/api/profiles.md.
    #[arg(long, env = "ANTRAG_PLATFORM_AUTH", hide_env_values = true)]
    platform_auth: Option<String>,
    /// Days an upload that no submission claimed is kept before it is deleted (keep it longer
    /// than the web app's draft lifetime).
    #[arg(long, env = "ANTRAG_ATTACHMENT_RETENTION_DAYS", default_value_t = 8)]
    attachment_retention_days: u32,
    /// Send a form over FIT-Connect, as FORM=DESTINATION-UUID (or FORM=test for the test
    /// destination); repeat, or separate with commas. See docs/fit-connect.md.
    #[arg(long = "fit-connect-form", env = "ANTRAG_FIT_CONNECT_FORMS", value_delimiter = ',')]
    fit_connect_forms: Vec<String>,
    /// Base URL of the FIT-Connect Submission API, e.g. https://submission-api-testing.fit-connect.fitko.dev/v1
    #[arg(long, env = "ANTRAG_FIT_CONNECT_API")]
    fit_connect_api: Option<String>,
    /// OAuth token URL of FIT-Connect, e.g. https://auth-testing.fit-connect.fitko.dev/token
    #[arg(long, env = "ANTRAG_FIT_CONNECT_TOKEN_URL")]
    fit_connect_token_url: Option<String>,
    /// OAuth client id of this sender (Onlinedienst).
    #[arg(long, env = "ANTRAG_FIT_CONNECT_CLIENT_ID")]
    fit_connect_client_id: Option<String>,
    /// OAuth client secret of this sender; stays on the server.
    #[arg(long, env = "ANTRAG_FIT_CONNECT_CLIENT_SECRET", hide_env_values = true)]
    fit_connect_client_secret: Option<String>,
    /// Serve a FIT-Connect-compatible test destination under /fit-connect-test (tests, demos).
    #[arg(long, env = "ANTRAG_FIT_CONNECT_TEST_DESTINATION")]
    fit_connect_test_destination: bool,
    /// The official FIT-Connect metadata JSON Schema (metadata.schema.json), checked by the
    /// test destination.
    #[arg(long, env = "ANTRAG_FIT_CONNECT_METADATA_SCHEMA")]
    fit_connect_metadata_schema: Option<PathBuf>,
    /// Root certificates (PEM) of the Verwaltungs-PKI: a destination's key is passed to the
    /// browser only when its x5c chain ends in one of them. Required with --fit-connect-api.
    #[arg(long, env = "ANTRAG_FIT_CONNECT_TRUST_ROOTS")]
    fit_connect_trust_roots: Option<PathBuf>,
    /// Certificate revocation lists (PEM) of the Verwaltungs-PKI, kept current by a job of the
    /// operator; read again at every key check. A key whose chain no current list covers is
    /// refused.
    #[arg(long, env = "ANTRAG_FIT_CONNECT_CRLS")]
    fit_connect_crls: Option<PathBuf>,
    /// Take fees with the payment provider built into this server (no money moves): for tests
    /// and demos, never in production.
    #[arg(long, env = "ANTRAG_TEST_PAYMENT_PROVIDER", conflicts_with = "payment_provider_url")]
    test_payment_provider: bool,
    /// Base URL of the XBezahldienste API of the payment platform (before /paymenttransaction).
    #[arg(long, env = "ANTRAG_PAYMENT_PROVIDER_URL", requires_all = ["payment_originator_id", "payment_endpoint_id"])]
    payment_provider_url: Option<String>,
    /// XBezahldienste originatorId (the online service, as the platform registered it).
    #[arg(long, env = "ANTRAG_PAYMENT_ORIGINATOR_ID")]
    payment_originator_id: Option<String>,
    /// XBezahldienste endPointId (the authority's endpoint, e.g. its AGS).
    #[arg(long, env = "ANTRAG_PAYMENT_ENDPOINT_ID")]
    payment_endpoint_id: Option<String>,
    /// OAuth2 token endpoint of the payment platform (client credentials).
    #[arg(long, env = "ANTRAG_PAYMENT_TOKEN_URL", requires_all = ["payment_client_id", "payment_client_secret"])]
    payment_token_url: Option<String>,
    /// OAuth2 client id at the payment platform.
    #[arg(long, env = "ANTRAG_PAYMENT_CLIENT_ID")]
    payment_client_id: Option<String>,
    /// OAuth2 client secret at the payment platform (better in the environment than on the
    /// command line).
    #[arg(long, env = "ANTRAG_PAYMENT_CLIENT_SECRET", hide_env_values = true)]
    payment_client_secret: Option<String>,
    /// TLS client certificate and key (one PEM file) for the payment platform.
    #[arg(long, env = "ANTRAG_PAYMENT_CLIENT_CERTIFICATE", conflicts_with = "payment_token_url")]
    payment_client_certificate: Option<PathBuf>,
    /// How often open payment transactions are looked at, in seconds (each one is read with
    /// backoff: this interval, doubled per read, at most an hour).
    #[arg(long, env = "ANTRAG_PAYMENT_POLL_SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    payment_poll_seconds: u64,
    /// Minutes after which an application whose fee was not paid is given up as unpaid.
    #[arg(long, env = "ANTRAG_PAYMENT_EXPIRY_MINUTES", default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..))]
    payment_expiry_minutes: u64,
    /// TESTS ONLY: the expiry in seconds instead of minutes.
    #[arg(long, hide = true)]
    test_only_payment_expiry_seconds: Option<u64>,
    /// The address citizens reach this server at (https://formulare.example.de), for the
    /// payment provider's return address; without it, the request's Host header.
    #[arg(long, env = "ANTRAG_PUBLIC_URL")]
    public_url: Option<String>,
    /// Mount the fault-injection API (/api/v1/_faults) for tests; never in production.
    #[arg(long, hide = false)]
    enable_faults: bool,
    /// TESTS ONLY: start the server's clock on this day, YYYY-MM-DD, at 12:00 UTC, so that a
    /// test suite fixes the browser's and the server's date alike (docs/testing.md). Logged as
    /// a warning at start; never in production.
    #[arg(long, value_parser = parse_date)]
    test_only_today: Option<antrag_core::Date>,
    /// Log format.
    #[arg(long, env = "ANTRAG_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

#[derive(ValueEnum, Debug, Clone, Copy)]
enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => serve(cli.serve),
        Some(Command::Serve(args)) => serve(*args),
        Some(Command::Lint { files, codelists }) => lint(&files, &codelists),
        Some(Command::Conformance { base_url, form, answers, headers, today }) => {
            conformance(base_url, form, answers, headers, today.unwrap_or_else(system_today))
        }
        Some(Command::Load { base_urls, clients, submissions, form, inbox_token, retry_every, today }) => {
            let today = today.unwrap_or_else(system_today);
            let options =
                antrag_server::load::Options { base_urls, clients, submissions, form, inbox_token, retry_every, today };
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
            match runtime.block_on(antrag_server::load::run(options)) {
                Ok(report) => {
                    println!("{}", report.summary());
                    if report.failures == 0 && report.stored.is_none_or(|n| n == report.sent as u64) {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::FAILURE
                    }
                }
                Err(e) => {
                    eprintln!("load: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some(Command::Count { data_dir }) => match antrag_server::store::Store::count_file(&data_dir) {
            Ok((rows, keys)) => {
                println!("{}", serde_json::json!({ "rows": rows, "keys": keys }));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{}: {e}", data_dir.display());
                ExitCode::FAILURE
            }
        },
        Some(Command::FimCorpus { paths, codelists }) => fim_corpus(&paths, codelists),
        Some(Command::CodelistsSync { files, dir, repository, offline }) => {
            codelists_sync(&files, antrag_server::codelists::Options { dir, repository, offline })
        }
        Some(Command::ImportFim { file, codelists, output, id, json, fetch_codelists, repository }) => {
            if fetch_codelists {
                let dir = codelists.clone().unwrap_or_default();
                let options = antrag_server::codelists::Options { dir, repository, offline: false };
                // A list that cannot be had is reported; the import goes on (its field
                // becomes a free-text input, with a warning in the report).
                let _ = codelists_sync(std::slice::from_ref(&file), options);
            }
            import_fim(&file, codelists, output, id, json)
        }
        Some(Command::GenerateForm { fields, one_page }) => {
            let mut def = antrag_core::generate::definition(fields);
            if one_page {
                if let Some(map) = def.as_object_mut() {
                    map.remove("ui");
                }
            }
            println!("{}", serde_json::to_string_pretty(&def).expect("json"));
            ExitCode::SUCCESS
        }
        Some(Command::DefinitionSchema) => {
            println!("{}", serde_json::to_string_pretty(&antrag_core::schema::definition_schema()).expect("json"));
            ExitCode::SUCCESS
        }
        Some(Command::Prerender { out, forms_dirs, codelists_dir, today }) => {
            prerender(&out, &forms_dirs, &codelists_dir, today.unwrap_or_else(system_today))
        }
        Some(Command::ResolveExamples { files, today, out }) => {
            resolve_examples(&files, today.unwrap_or_else(system_today), out)
        }
        Some(Command::SampleAnswers { file, codelists, today }) => {
            let Some(entry) = load_definition(&file, &codelists) else { return ExitCode::FAILURE };
            let ctx = antrag_core::Context::on(today.unwrap_or_else(system_today));
            match antrag_core::generate::sample_answers(&entry.form, &ctx) {
                Ok(answers) => {
                    println!("{}", serde_json::to_string_pretty(&answers).expect("json"));
                    ExitCode::SUCCESS
                }
                Err(report) => {
                    eprintln!("{}: no valid answers found; still open:", file.display());
                    for issue in &report.issues {
                        eprintln!("  {}: {}", issue.path, issue.error.code());
                    }
                    ExitCode::FAILURE
                }
            }
        }
        Some(Command::PayloadSchema { file, codelists }) => {
            let Some(entry) = load_definition(&file, &codelists) else { return ExitCode::FAILURE };
            println!("{}", serde_json::to_string_pretty(&antrag_core::payload_schema(entry.form.def())).expect("json"));
            ExitCode::SUCCESS
        }
    }
}

/// A definition file with its code lists resolved and linted, as the server would serve it;
/// `None` after printing what is wrong (unreadable file, or every problem with its pointer).
fn load_definition(file: &Path, codelists: &Path) -> Option<antrag_server::catalog::Entry> {
    let (lists, _) = antrag_server::catalog::load_code_lists(codelists);
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}: {e}", file.display());
            return None;
        }
    };
    match antrag_server::catalog::prepare(&text, &lists) {
        Ok(entry) => Some(entry),
        Err(problems) => {
            problems.iter().for_each(|p| eprintln!("{}: {p}", file.display()));
            None
        }
    }
}

fn import_fim(
    file: &Path,
    codelists: Option<PathBuf>,
    output: Option<PathBuf>,
    id: Option<String>,
    json: bool,
) -> ExitCode {
    let Some(lists) = fim_code_lists("import-fim", codelists.as_deref()) else { return ExitCode::FAILURE };
    let xml = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("import-fim: {}: {e}", file.display());
            return ExitCode::FAILURE;
        }
    };
    let started = std::time::Instant::now();
    let imported = match antrag_fim::import(&xml, &antrag_fim::Options { form_id: id, codelists: lists }) {
        Ok(imported) => imported,
        Err(e) => {
            eprintln!("import-fim: {}: {e}", file.display());
            return ExitCode::FAILURE;
        }
    };
    let elapsed = started.elapsed();
    if let Some(out) = &output {
        let text = serde_json::to_string_pretty(&imported.definition).expect("definition serializes") + "\n";
        if let Err(e) = std::fs::write(out, text) {
            eprintln!("import-fim: {}: {e}", out.display());
            return ExitCode::FAILURE;
        }
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&imported.report).expect("report serializes"));
    } else {
        print!("{}", imported.report);
        println!(
            "\nImported in {:.1} ms{}",
            elapsed.as_secs_f64() * 1000.0,
            output.map(|o| format!("; definition written to {}", o.display())).unwrap_or_default()
        );
    }
    ExitCode::SUCCESS
}

/// The genericode lists of a directory for a FIM command (none without one); `None` after
/// saying which file could not be read.
fn fim_code_lists(command: &str, dir: Option<&Path>) -> Option<antrag_fim::CodeLists> {
    match dir.map(antrag_fim::CodeLists::load_dir).transpose() {
        Ok(lists) => Some(lists.unwrap_or_default()),
        Err(e) => {
            eprintln!("{command}: code lists: {e}");
            None
        }
    }
}

fn codelists_sync(files: &[PathBuf], options: antrag_server::codelists::Options) -> ExitCode {
    use antrag_server::codelists::{references_in, sync, Outcome};
    let references = match references_in(files) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("codelists-sync: {e}");
            return ExitCode::FAILURE;
        }
    };
    if references.is_empty() {
        println!("codelists-sync: the files reference no code lists");
        return ExitCode::SUCCESS;
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let outcomes = runtime.block_on(sync(&references, &options));
    let mut missing = 0;
    for (reference, outcome) in &outcomes {
        match outcome {
            Outcome::Cached { version, note: None } => {
                println!("{reference}: in {} (version {version})", options.dir.display())
            }
            Outcome::Cached { version, note: Some(note) } => {
                println!("{reference}: in {} (version {version}; {note})", options.dir.display())
            }
            Outcome::Fetched { version } => println!("{reference}: fetched and checked (version {version})"),
            Outcome::Missing { reason } => {
                missing += 1;
                println!("{reference}: NOT AVAILABLE — {reason}");
            }
        }
    }
    if missing > 0 {
        println!(
            "\ncodelists-sync: {missing} of {} code list(s) could not be had; fields that use them stay free-text inputs (with a warning in the import report)",
            outcomes.len()
        );
        return ExitCode::FAILURE;
    }
    println!("\ncodelists-sync: all {} code list(s) available in {}", outcomes.len(), options.dir.display());
    ExitCode::SUCCESS
}

fn fim_corpus(paths: &[PathBuf], codelists: Option<PathBuf>) -> ExitCode {
    fn collect(path: &Path, out: &mut Vec<PathBuf>) {
        if path.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
                .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            entries.sort();
            for entry in entries {
                collect(&entry, out);
            }
        } else if path.extension().is_some_and(|x| x == "xml") {
            out.push(path.to_owned());
        }
    }
    let Some(lists) = fim_code_lists("fim-corpus", codelists.as_deref()) else { return ExitCode::FAILURE };
    let mut files = Vec::new();
    for path in paths {
        if !path.exists() {
            eprintln!("fim-corpus: {}: no such file or folder", path.display());
            return ExitCode::FAILURE;
        }
        collect(path, &mut files);
    }
    let options = antrag_fim::Options { form_id: None, codelists: lists };
    let mut summary = antrag_fim::corpus::Summary::default();
    for file in &files {
        let Ok(xml) = std::fs::read_to_string(file) else {
            println!("{}: not readable as text, skipped", file.display());
            continue;
        };
        let started = std::time::Instant::now();
        match antrag_fim::import(&xml, &options) {
            Ok(imported) => {
                let took = started.elapsed();
                let r = &imported.report;
                println!(
                    "{}: rules {}/{}, code lists {}/{}, {:.1} ms",
                    file.display(),
                    r.rules_translated(),
                    r.rules.len(),
                    r.code_lists_resolved,
                    r.code_lists_resolved + r.code_lists_missing,
                    took.as_secs_f64() * 1000.0
                );
                summary.add(&file.display().to_string(), r, took);
            }
            // Code lists, XSDs and other XML in the folders are no data schemas.
            Err(e) => println!("{}: not imported ({e})", file.display()),
        }
    }
    print!("\n{summary}");
    ExitCode::SUCCESS
}

/// Today on this machine's clock (UTC), for the tools that talk to a backend.
fn system_today() -> antrag_core::Date {
    antrag_server::clock::Clock::system().today()
}

/// A `YYYY-MM-DD` command-line value.
fn parse_date(text: &str) -> Result<antrag_core::Date, String> {
    antrag_core::Date::parse_iso(text)
        .ok_or_else(|| format!("\"{text}\" is not a date: write a real calendar day as YYYY-MM-DD"))
}

fn prerender(out: &Path, forms_dirs: &[PathBuf], codelists_dir: &Path, today: antrag_core::Date) -> ExitCode {
    let catalog = match antrag_server::catalog::Catalog::load(forms_dirs, codelists_dir) {
        Ok(catalog) => catalog,
        Err(errors) => {
            errors.iter().for_each(|e| eprint!("{e}"));
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = std::fs::create_dir_all(out) {
        eprintln!("prerender: {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    let mut written = 0;
    for summary in catalog.summaries() {
        let Some(entry) = catalog.current(&summary.id) else { continue };
        for lang in &entry.form.def().languages {
            let path = out.join(format!("{}.{lang}.html", summary.id));
            if let Err(e) = std::fs::write(&path, antrag_server::pages::prerender(&entry, lang, today)) {
                eprintln!("prerender: {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
            written += 1;
        }
    }
    println!("prerender: {written} first screens written to {}", out.display());
    ExitCode::SUCCESS
}

fn resolve_examples(files: &[PathBuf], today: antrag_core::Date, out: Option<PathBuf>) -> ExitCode {
    if out.is_none() && files.len() > 1 {
        eprintln!("resolve-examples: give --out DIR for more than one file");
        return ExitCode::FAILURE;
    }
    if let Some(dir) = &out {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("resolve-examples: {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    }
    for file in files {
        let resolved = std::fs::read_to_string(file).map_err(|e| e.to_string()).and_then(|text| {
            let mut value: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
            antrag_core::examples::resolve(&mut value, today).map_err(|e| e.to_string())?;
            Ok(serde_json::to_string_pretty(&value).expect("json") + "\n")
        });
        let text = match resolved {
            Ok(text) => text,
            Err(e) => {
                eprintln!("resolve-examples: {}: {e}", file.display());
                return ExitCode::FAILURE;
            }
        };
        match (&out, file.file_name()) {
            (Some(dir), Some(name)) => {
                if let Err(e) = std::fs::write(dir.join(name), text) {
                    eprintln!("resolve-examples: {}: {e}", dir.join(name).display());
                    return ExitCode::FAILURE;
                }
            }
            _ => print!("{text}"),
        }
    }
    ExitCode::SUCCESS
}

fn conformance(
    base_url: String,
    form: Option<String>,
    answers: Option<PathBuf>,
    headers: Vec<String>,
    today: antrag_core::Date,
) -> ExitCode {
    let answers = match answers.map(|p| std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))) {
        Some(Ok(text)) => match serde_json::from_str(&text) {
            Ok(v) => Some(v),
            Err(e) => {
                eprintln!("answers: {e}");
                return ExitCode::FAILURE;
            }
        },
        Some(Err(e)) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
        None => None,
    };
    let headers = headers
        .iter()
        .filter_map(|h| h.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let options = antrag_server::conformance::Options { base_url, form, answers, headers, today };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    let outcome = runtime.block_on(antrag_server::conformance::run(options));
    print!("{}", outcome.table());
    if outcome.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn serve(args: ServeArgs) -> ExitCode {
    init_logging(args.log_format);
    let mut fit_forms = std::collections::BTreeMap::new();
    for pair in &args.fit_connect_forms {
        match pair.split_once('=') {
            Some((form, dest)) if !form.trim().is_empty() && !dest.trim().is_empty() => {
                fit_forms.insert(form.trim().to_owned(), dest.trim().to_owned());
            }
            _ => {
                eprintln!("--fit-connect-form: \"{pair}\" is not FORM=DESTINATION");
                return ExitCode::FAILURE;
            }
        }
    }
    let fit_connect = antrag_server::fitconnect::FitConnectConfig {
        forms: fit_forms,
        api: args.fit_connect_api,
        token_url: args.fit_connect_token_url,
        client_id: args.fit_connect_client_id,
        client_secret: args.fit_connect_client_secret,
        test_destination: args.fit_connect_test_destination,
        metadata_schema: args.fit_connect_metadata_schema,
        trust_roots: args.fit_connect_trust_roots,
        crls: args.fit_connect_crls,
    };
    let inbox_token = match inbox_token(args.inbox_token, args.inbox_token_file.as_deref()) {
        Ok(token) => token,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let provider = if args.test_payment_provider {
        Some(antrag_server::payment::ProviderConfig::Test)
    } else if let Some(base_url) = args.payment_provider_url {
        let auth = if let Some(token_url) = args.payment_token_url {
            antrag_server::payment::ProviderAuth::OAuth2 {
                token_url,
                client_id: args.payment_client_id.unwrap_or_default(),
                client_secret: args.payment_client_secret.unwrap_or_default(),
            }
        } else if let Some(path) = args.payment_client_certificate {
            match std::fs::read(&path) {
                Ok(pem) => antrag_server::payment::ProviderAuth::ClientCertificate { pem },
                Err(e) => {
                    eprintln!("--payment-client-certificate: cannot read {}: {e}", path.display());
                    return ExitCode::FAILURE;
                }
            }
        } else {
            antrag_server::payment::ProviderAuth::None
        };
        let ids = [args.payment_originator_id.unwrap_or_default(), args.payment_endpoint_id.unwrap_or_default()];
        if let Some(bad) = ids.iter().find(|id| !antrag_server::payment::is_provider_id(id)) {
            eprintln!("--payment-originator-id / --payment-endpoint-id: \"{bad}\" must be 1–36 letters, digits, hyphens or underscores");
            return ExitCode::FAILURE;
        }
        let [originator_id, endpoint_id] = ids;
        Some(antrag_server::payment::ProviderConfig::XBezahldienste { base_url, originator_id, endpoint_id, auth })
    } else {
        None
    };
    let payment = antrag_server::payment::PaymentConfig {
        provider,
        poll_every: std::time::Duration::from_secs(args.payment_poll_seconds),
        expire_after: match args.test_only_payment_expiry_seconds {
            Some(s) => std::time::Duration::from_secs(s),
            None => std::time::Duration::from_secs(args.payment_expiry_minutes * 60),
        },
        public_url: args.public_url,
    };
    let config = Config {
        addr: args.addr,
        payment,
        data_dir: args.data_dir,
        database_url: args.database_url,
        database_pool_size: args.database_pool_size,
        forms_dirs: args.forms_dirs,
        codelists_dir: args.codelists_dir,
        dist_dir: args.dist_dir,
        inbox_token,
        cors_origins: args.cors_origins,
        max_upload_bytes: args.max_upload_bytes,
        max_body_bytes: args.max_body_bytes,
        rate_limit: args.rate_limit,
        max_concurrent_requests: args.max_concurrent_requests as usize,
        request_timeout: std::time::Duration::from_secs(args.request_timeout),
        upload_timeout: std::time::Duration::from_secs(args.upload_timeout),
        trusted_proxies: args.trust_proxy,
        fit_connect,
        enable_faults: args.enable_faults,
        attachment_retention_days: args.attachment_retention_days,
        test_only_today: args.test_only_today,
        platform_auth: args
            .platform_auth
            .as_deref()
            .and_then(|a| a.split_once('='))
            .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned())),
    };
    if !config.dist_dir.join("index.html").exists() {
        tracing::warn!(dist = %config.dist_dir.display(), "no built web app found; build it with `make build` (the API works without it)");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    let state = match runtime.block_on(antrag_server::prepare(config)) {
        Ok(state) => state,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(antrag_server::serve(state)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cannot serve: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The inbox token from the environment, the command line (warned about) or a file.
fn inbox_token(given: Option<String>, file: Option<&std::path::Path>) -> Result<Option<String>, String> {
    let on_command_line = std::env::args().any(|a| a == "--inbox-token" || a.starts_with("--inbox-token="));
    if on_command_line {
        tracing::warn!(
            "the inbox token was given on the command line, where every user of this machine can read it; set ANTRAG_INBOX_TOKEN or use --inbox-token-file"
        );
    }
    let token = match file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("--inbox-token-file {}: cannot read it ({e})", path.display()))?;
            let token = text.lines().next().unwrap_or_default().trim().to_owned();
            if token.is_empty() {
                return Err(format!("--inbox-token-file {}: the file is empty", path.display()));
            }
            Some(token)
        }
        None => given.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()),
    };
    if token.as_ref().is_some_and(|t| t.len() < 16) {
        tracing::warn!(
            "the inbox token is shorter than 16 characters; use a long random one (e.g. openssl rand -hex 32)"
        );
    }
    Ok(token)
}

fn lint(files: &[PathBuf], codelists: &std::path::Path) -> ExitCode {
    let (lists, list_errors) = antrag_server::catalog::load_code_lists(codelists);
    let mut failed = !list_errors.is_empty();
    list_errors.iter().for_each(|e| eprint!("{e}"));
    for file in files {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{}: {e}", file.display());
                failed = true;
                continue;
            }
        };
        match antrag_server::catalog::prepare(&text, &lists) {
            Ok(entry) => {
                for w in entry.form.warnings() {
                    println!("{}: {w}", file.display());
                }
                println!("{}: ok", file.display());
            }
            Err(problems) => {
                failed |= antrag_core::lint::has_errors(&problems);
                for p in problems {
                    println!("{}: {p}", file.display());
                }
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ANTRAG_LOG").unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
}
