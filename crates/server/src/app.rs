//! The application: the router with its middleware (CORS, security and caching headers,
//! access log), and serving. The state is [`crate::state`]; the handlers live in their own
//! modules ([`crate::api`], [`crate::inbox`], [`crate::fitconnect`]).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;

use crate::problem::Problem;
use crate::state::AppState;
use crate::{api, fitconnect, inbox, pages, problem};
/// Content-Security-Policy of every page the server sends: no inline script or style, no
/// eval (only `wasm-unsafe-eval` to compile the app's WebAssembly).
pub const CSP: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";

/// How much work the server takes on at once, and for how long.
#[derive(Clone)]
struct Admission {
    slots: Arc<tokio::sync::Semaphore>,
    request_timeout: Duration,
    upload_timeout: Duration,
}

/// Every request takes a slot (none free: 503 with `Retry-After` at once, nothing queues up)
/// and must have its answer ready within its time limit (else 503 with `Retry-After`; a
/// submission cut off this way was stored completely or not at all, and the client's retry
/// with the same key gets its receipt). The answer's body streams after the slot is freed.
async fn admission(State(admission): State<Admission>, request: Request, next: Next) -> Response {
    let Ok(_slot) = admission.slots.clone().try_acquire_owned() else {
        tracing::warn!("busy: every request slot is taken");
        return Problem::busy(1, "the server is busy; please try again in a moment").into_response();
    };
    let upload =
        matches!(*request.method(), Method::POST | Method::PUT) && request.uri().path().contains("/attachments");
    let limit = if upload { admission.upload_timeout } else { admission.request_timeout };
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(seconds = limit.as_secs(), "a request ran out of time");
            Problem::busy(1, format!("the request took longer than {} seconds; please try again", limit.as_secs()))
                .into_response()
        }
    }
}

/// The complete router: API, and the web app as fallback.
pub fn router(state: AppState) -> Router {
    let admission = Admission {
        slots: Arc::new(tokio::sync::Semaphore::new(state.config.max_concurrent_requests)),
        request_timeout: state.config.request_timeout,
        upload_timeout: state.config.upload_timeout,
    };
    let api = Router::new()
        .route("/health", get(api::health))
        .route("/forms", get(api::list_forms))
        .route("/forms/{id}", get(api::current_form))
        .route("/forms/{id}/versions/{version}", get(api::form_version))
        .route("/forms/{id}/versions/{version}/payload-schema", get(api::form_payload_schema))
        .route("/forms/{id}/versions/{version}/attachments", post(api::upload).layer(DefaultBodyLimit::disable()))
        .route("/submissions", post(api::submit).layer(DefaultBodyLimit::disable()))
        .route("/status/{token}", get(api::status))
        .route("/inbox/submissions", get(api::inbox_list))
        .route("/inbox/submissions/{reference}", get(api::inbox_submission))
        .route("/inbox/attachments/{id}", get(api::inbox_attachment))
        .merge(fitconnect::relay::routes());
    let api = if state.config.enable_faults {
        tracing::warn!("fault injection is enabled: never do this in production");
        api.route("/_faults", get(api::faults).post(api::set_faults))
    } else {
        api
    };
    let api = api
        .fallback(|| async { Problem::not_found("no such API endpoint") })
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(middleware::from_fn(problem::problem_json))
        .layer(cors(&state.config.cors_origins, state.config.platform_auth.as_ref().map(|(name, _)| name.as_str())));

    // The built app's files; any other address is a page the server renders ("not found").
    let dist = &state.config.dist_dir;
    let not_found = {
        let state = state.clone();
        move |headers: axum::http::HeaderMap| {
            let state = state.clone();
            async move { pages::not_found(&state, &headers) }
        }
    };
    // Precompressed at build time (`.br`, `.gz` beside each file, scripts/post-build.mjs).
    let files = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(axum::handler::HandlerWithoutStateExt::into_service(not_found));
    Router::new()
        .nest("/api/v1", api)
        .merge(pages::routes())
        .merge(inbox::routes())
        .merge(fitconnect::destination::routes::routes())
        .merge(crate::payment::routes::routes())
        .merge(if state.payments.test_provider() {
            crate::payment::test_provider::routes(state.config.enable_faults)
        } else {
            Router::new()
        })
        .fallback_service(files)
        .layer(middleware::from_fn(static_headers))
        // Pages and API answers compressed as they go (the built files come precompressed and
        // pass through unchanged).
        .layer(tower_http::compression::CompressionLayer::new())
        // A bug must not cost the connection: a panicking handler answers 500 (logged).
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(|_: Box<dyn std::any::Any + Send>| {
            tracing::error!("internal error: a handler panicked");
            Problem::internal().into_response()
        }))
        .layer(middleware::from_fn_with_state(admission, self::admission))
        .layer(middleware::from_fn(access_log))
        .with_state(state)
}

/// The API for the configured origins: the contract's headers, `Authorization` (the OSI
/// profile's bearer token) and the platform's own auth header (`--platform-auth`, the SAC
/// profile's `X-SAC-Session`), so a browser's preflight lets them through.
fn cors(origins: &[String], platform_header: Option<&str>) -> CorsLayer {
    let allowed: Vec<HeaderValue> = origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    let mut headers = vec![
        header::CONTENT_TYPE,
        header::IF_NONE_MATCH,
        header::AUTHORIZATION,
        header::HeaderName::from_static("idempotency-key"),
    ];
    headers.extend(platform_header.and_then(|name| header::HeaderName::try_from(name).ok()));
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(allowed))
        .allow_methods([Method::GET, Method::POST, Method::PUT])
        .allow_headers(headers)
        .expose_headers([header::ETAG, header::RETRY_AFTER, "idempotent-replayed".parse().expect("header name")])
}

/// Security and caching headers: hashed assets are immutable, everything else revalidates;
/// HTML gets the CSP.
async fn static_headers(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    if path.starts_with("/api/") {
        return response;
    }
    let is_html = h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    }
    let hashed = path.rsplit('/').next().is_some_and(is_hashed_asset);
    let cache = if hashed { "public, max-age=31536000, immutable" } else { "no-cache" };
    // Pages set their own (`no-store`: they may hold answers).
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    }
    // The same address comes brotli, gzip or plain (precompressed files, compressed pages).
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    // Public files: any site may load them (Subresource Integrity needs CORS), and so the
    // embed loader on a municipality's site may read a widget's prerendered first screen (an
    // HTML fragment without answers); other pages are not for other sites to read.
    if (!is_html || path.starts_with("/prerender/")) && !is_private(&path) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    }
    response
}

/// Paths behind a login or a token (the clerk's inbox and its attachments, the FIT-Connect
/// test destination): never readable by other sites.
fn is_private(path: &str) -> bool {
    ["/inbox", "/fit-connect-test"].iter().any(|prefix| path == *prefix || path.starts_with(&format!("{prefix}/")))
}

/// Trunk names build outputs `name-<hash>.ext`, the hash in 12–16 hex digits (no zero padding).
fn is_hashed_asset(file: &str) -> bool {
    let stem = file.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| (12..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// One log line per request: method, route template (never the concrete path, which may hold
/// a capability token), status and duration. No bodies, no query strings.
async fn access_log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_else(|| {
        if request.uri().path().starts_with("/api/") {
            "/api/…".into()
        } else {
            "static".into()
        }
    });
    let response = next.run(request).await;
    tracing::info!(%method, route, status = response.status().as_u16(), ms = started.elapsed().as_millis() as u64, "request");
    response
}

/// Serve until Ctrl-C / SIGTERM.
pub async fn serve(state: AppState) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(state.config.addr).await?;
    serve_on(listener, state).await
}

/// Serve on a bound listener (tests bind port 0).
pub async fn serve_on(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    state.fit.listening_on(addr);
    state.payments.listening_on(addr);
    // Forget unclaimed uploads after the retention period, and files no record names, hourly.
    let (store, days, clock) = (state.store.clone(), state.config.attachment_retention_days, state.clock);
    let orphan_age = (state.config.upload_timeout * 2).max(Duration::from_secs(2 * 3600));
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every.tick().await;
            match store.purge_unclaimed(days, clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(removed = n, "unclaimed uploads purged"),
                Err(error) => tracing::error!(%error, "purging unclaimed uploads failed"),
            }
            if let Err(error) = store.purge_form_sessions(clock.now_rfc3339()).await {
                tracing::error!(%error, "purging expired sessions failed");
            }
            let handed_back = crate::clock::rfc3339(clock.now() - time::Duration::hours(crate::store::KEPT_HOURS));
            if let Err(error) = store.purge_withdrawn(handed_back).await {
                tracing::error!(%error, "clearing the answers of withdrawn applications failed");
            }
            match store.purge_orphan_files(orphan_age).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(removed = n, "files without a record purged"),
                Err(error) => tracing::error!(%error, "purging files without a record failed"),
            }
            if let Err(error) = store.purge_inbox_sessions(clock.now_rfc3339()).await {
                tracing::error!(%error, "purging expired inbox sessions failed");
            }
            if let Err(error) = store.purge_relayed(clock.now_rfc3339()).await {
                tracing::error!(%error, "purging expired relayed submissions failed");
            }
        }
    });
    if state.payments.enabled() {
        tokio::spawn(crate::payment::routes::poll(state.clone()));
    }
    tracing::info!(%addr, forms = state.catalog.len(), "Antrag reference server listening on http://{addr}");
    axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown())
        .await
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashed_assets() {
        assert!(super::is_hashed_asset("antrag-7d5b0f8729e216d.css"));
        assert!(super::is_hashed_asset("antrag-68a9a410e2f63cbe_bg.wasm"));
        assert!(!super::is_hashed_asset("embed.js"));
        assert!(!super::is_hashed_asset("boot.js"));
        assert!(!super::is_hashed_asset("antrag-config.json"));
    }
}
