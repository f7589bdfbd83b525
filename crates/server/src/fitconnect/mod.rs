//! FIT-Connect: the relay a browser sends end-to-end encrypted submissions through, and a
//! FIT-Connect-compatible test destination.
//!
//! The web app encrypts data, metadata and attachments itself (WebCrypto, JWE); this server
//! never sees them in plain text on the FIT-Connect path. It only holds what must not be in a
//! browser — the OAuth client credentials of the sender — and relays a fixed set of Submission
//! API calls, adding the access token:
//!
//! | browser calls | relayed to the Submission API |
//! |---|---|
//! | `GET /api/v1/fit-connect/destinations/{id}` | `GET /v1/destinations/{id}` |
//! | `GET /api/v1/fit-connect/destinations/{id}/keys/{kid}` | `GET /v1/destinations/{id}/keys/{kid}` |
//! | `POST /api/v1/fit-connect/submissions` | `POST /v1/submissions` |
//! | `PUT /api/v1/fit-connect/submissions/{id}/attachments/{aid}` | `PUT /v1/submissions/{id}/attachments/{aid}` |
//! | `PUT /api/v1/fit-connect/submissions/{id}` | `PUT /v1/submissions/{id}` |
//! | `GET /api/v1/fit-connect/submissions/{id}` | `GET /v1/submissions/{id}` |
//!
//! Only destinations configured for a form are reachable, and only submissions created
//! through this relay can be continued: it is no open proxy. Which form goes over FIT-Connect
//! is configuration (`--fit-connect-form FORM=DESTINATION`); the app asks
//! `GET /api/v1/forms/{id}/transport`.

pub mod destination;
pub mod expiring;
pub mod keytrust;
pub mod metadata;
pub mod relay;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::problem::Problem;

/// The destination id that names the built-in test destination in `--fit-connect-form`.
pub const TEST: &str = "test";

/// Submissions in progress the relay remembers at once (in the store, ids only); more are
/// refused with 503 until some expire.
pub const MAX_RELAYED: usize = 100_000;

/// FIT-Connect settings.
#[derive(Debug, Clone, Default)]
pub struct FitConnectConfig {
    /// Form id → destination id (`test` for the built-in test destination).
    pub forms: BTreeMap<String, String>,
    /// Base URL of the Submission API (`https://submission-api-testing.fit-connect.fitko.dev/v1`);
    /// the test destination when absent.
    pub api: Option<String>,
    /// OAuth token URL (`https://auth-testing.fit-connect.fitko.dev/token`).
    pub token_url: Option<String>,
    /// OAuth client id of the sender.
    pub client_id: Option<String>,
    /// OAuth client secret of the sender (never sent to a browser, never logged).
    pub client_secret: Option<String>,
    /// Serve the test destination under `/fit-connect-test`.
    pub test_destination: bool,
    /// The official metadata JSON Schema, checked by the test destination when given.
    pub metadata_schema: Option<PathBuf>,
    /// Root certificates (PEM) a destination key's chain must end in (the Verwaltungs-PKI);
    /// needed with `api`; with only the test destination its test CA.
    pub trust_roots: Option<PathBuf>,
    /// Certificate revocation lists (PEM) checked with the roots, re-read at every key check.
    pub crls: Option<PathBuf>,
}

/// Runtime state of the FIT-Connect relay.
pub struct FitConnect {
    forms: BTreeMap<String, String>,
    api: Option<String>,
    token_url: Option<String>,
    client_id: String,
    client_secret: String,
    http: reqwest::Client,
    token: tokio::sync::Mutex<Option<(String, Instant)>>,
    self_base: OnceLock<String>,
    roots: Option<keytrust::TrustRoots>,
    /// The roots as the browser gets them with each FIT-Connect transport (base64 DER), encoded
    /// once.
    roots_for_browser: Vec<String>,
    /// The test destination, when served.
    pub destination: Option<destination::TestDestination>,
}

impl std::fmt::Debug for FitConnect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FitConnect").field("forms", &self.forms).field("api", &self.api).finish_non_exhaustive()
    }
}

impl FitConnect {
    /// Check the configuration against the catalog and set up (the test destination's key
    /// pair is created once in `data_dir` and kept).
    pub fn new(
        config: &FitConnectConfig,
        catalog: &crate::catalog::Catalog,
        data_dir: &std::path::Path,
    ) -> Result<FitConnect, String> {
        let destination = if config.test_destination {
            Some(destination::TestDestination::open(data_dir, config.metadata_schema.as_deref())?)
        } else {
            None
        };
        let mut forms = BTreeMap::new();
        for (form, dest) in &config.forms {
            let entry =
                catalog.current(form).ok_or_else(|| format!("--fit-connect-form: there is no form \"{form}\""))?;
            let service = &entry.form.def().service;
            if service.leika_key.is_none() || service.schema_uri.is_none() {
                return Err(format!(
                    "--fit-connect-form: form \"{form}\" needs service.leikaKey and service.schemaUri for FIT-Connect"
                ));
            }
            let dest = if dest == TEST {
                match &destination {
                    Some(d) => d.id.clone(),
                    None => return Err("--fit-connect-form …=test needs --fit-connect-test-destination".into()),
                }
            } else if crate::shared::is_uuid(dest) {
                dest.clone()
            } else {
                return Err(format!("--fit-connect-form: destination \"{dest}\" is not a UUID (or \"test\")"));
            };
            forms.insert(form.clone(), dest);
        }
        if !forms.is_empty() && config.api.is_none() && destination.is_none() {
            return Err("FIT-Connect forms need --fit-connect-api (or --fit-connect-test-destination)".into());
        }
        let (client_id, client_secret) = match (&config.client_id, &config.client_secret, &destination) {
            (Some(id), Some(secret), _) => (id.clone(), secret.clone()),
            (None, None, Some(d)) if config.api.is_none() => (d.client_id.clone(), d.client_secret.clone()),
            (None, None, _) if forms.is_empty() => (String::new(), String::new()),
            _ => return Err("FIT-Connect needs --fit-connect-client-id and --fit-connect-client-secret".into()),
        };
        if config.api.is_some() && config.token_url.is_none() {
            return Err("--fit-connect-api needs --fit-connect-token-url".into());
        }
        let roots = match (&config.trust_roots, &config.api, &destination) {
            (Some(path), _, _) => {
                let pem = std::fs::read(path)
                    .map_err(|e| format!("--fit-connect-trust-roots {}: cannot read it ({e})", path.display()))?;
                Some(
                    keytrust::TrustRoots::from_pem(&pem)
                        .map_err(|e| format!("--fit-connect-trust-roots {}: {e}", path.display()))?,
                )
            }
            (None, None, Some(d)) => Some(keytrust::TrustRoots::of(vec![d.test_ca.clone()])),
            (None, Some(_), _) if !forms.is_empty() => {
                return Err("--fit-connect-api needs --fit-connect-trust-roots: the root certificates (PEM) of the Verwaltungs-PKI that destination keys must chain to".into())
            }
            (None, _, _) => None,
        };
        let roots = match (roots, &config.crls) {
            (Some(roots), Some(path)) => Some(
                roots
                    .with_revocation_lists(path.clone())
                    .map_err(|e| format!("--fit-connect-crls {}: {e}", path.display()))?,
            ),
            (None, Some(_)) => return Err("--fit-connect-crls needs --fit-connect-trust-roots".into()),
            (roots, None) => {
                if config.api.is_some() && roots.is_some() {
                    tracing::warn!("FIT-Connect keys are not checked for revocation: give --fit-connect-crls");
                }
                roots
            }
        };
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(FitConnect {
            forms,
            api: config.api.clone().map(|a| a.trim_end_matches('/').to_owned()),
            token_url: config.token_url.clone(),
            client_id,
            client_secret,
            http,
            token: tokio::sync::Mutex::new(None),
            self_base: OnceLock::new(),
            roots_for_browser: roots.as_ref().map(keytrust::TrustRoots::to_base64_der).unwrap_or_default(),
            roots,
            destination,
        })
    }

    /// Tell the relay where this server listens (the test destination is reached over HTTP
    /// like any Submission API).
    pub fn listening_on(&self, addr: SocketAddr) {
        let _ = self.self_base.set(format!("http://{addr}"));
    }

    fn api_base(&self) -> Option<String> {
        self.api.clone().or_else(|| self.self_base.get().map(|b| format!("{b}/fit-connect-test/v1")))
    }

    fn token_endpoint(&self) -> Option<String> {
        self.token_url.clone().or_else(|| self.self_base.get().map(|b| format!("{b}/fit-connect-test/token")))
    }

    /// How the web app sends a form (`GET /api/v1/forms/{id}/transport`): the open contract,
    /// or FIT-Connect through this relay, encrypted in the browser.
    pub fn transport(&self, entry: &crate::catalog::Entry) -> Value {
        let def = entry.form.def();
        match self.destination_of(&def.id) {
            Some(destination) => json!({
                "kind": "fit-connect",
                "destinationId": destination,
                "relay": "/api/v1/fit-connect",
                "serviceType": {
                    "name": def.title.resolve(&def.default_language, &def.default_language),
                    "identifier": format!("urn:de:fim:leika:leistung:{}", def.service.leika_key.as_deref().unwrap_or_default()),
                },
                "schemaUri": def.service.schema_uri,
                // The browser checks the key's chain itself too (src/x509.rs), against the
                // same roots the relay uses.
                "trustRoots": self.roots_for_browser,
            }),
            None => json!({ "kind": "contract" }),
        }
    }

    /// The destination of a form that goes over FIT-Connect.
    pub fn destination_of(&self, form: &str) -> Option<&str> {
        self.forms.get(form).map(String::as_str)
    }

    /// Check a destination's published key (see [`keytrust`]) on the day `unix_time`.
    fn check_key(&self, jwk: &Value, kid: &str, unix_time: i64) -> Result<(), String> {
        match &self.roots {
            Some(roots) => roots.check(jwk, kid, unix_time),
            None => Err("no trust roots are configured (--fit-connect-trust-roots)".into()),
        }
    }

    fn allowed_destination(&self, id: &str) -> bool {
        self.forms.values().any(|d| d == id)
    }

    /// An access token (client credentials), cached until shortly before it expires.
    async fn access_token(&self, refresh: bool) -> Result<String, Problem> {
        let mut cached = self.token.lock().await;
        if !refresh {
            if let Some((token, until)) = cached.as_ref() {
                if Instant::now() < *until {
                    return Ok(token.clone());
                }
            }
        }
        let url = self.token_endpoint().ok_or_else(|| relay_problem("no token URL configured"))?;
        let response = self
            .http
            .post(&url)
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", self.client_id.as_str()),
                ("client_secret", self.client_secret.as_str()),
            ])
            .send()
            .await
            .map_err(|e| relay_problem(format!("token endpoint not reachable: {}", without_url(e))))?;
        if !response.status().is_success() {
            return Err(relay_problem(format!("token endpoint answered {}", response.status())));
        }
        let body: Value = response.json().await.map_err(|_| relay_problem("token endpoint answered no JSON"))?;
        let token = body["access_token"].as_str().ok_or_else(|| relay_problem("no access_token in the answer"))?;
        let lifetime = body["expires_in"].as_u64().unwrap_or(300).saturating_sub(60).max(10);
        *cached = Some((token.to_owned(), Instant::now() + Duration::from_secs(lifetime)));
        Ok(token.to_owned())
    }

    /// Forward one call to the Submission API with the access token; a rejected token is
    /// renewed once.
    async fn forward(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: bytes::Bytes,
    ) -> Result<Response, Problem> {
        let mut refresh = false;
        loop {
            let response = self.send(method.clone(), path, content_type, refresh, body.clone().into()).await?;
            if response.status() == StatusCode::UNAUTHORIZED && !refresh {
                refresh = true;
                continue;
            }
            return relayed(response).await;
        }
    }

    /// Forward one call whose body streams through (uploads: never held in memory here). A
    /// stream cannot be sent twice: when the token was rejected it is renewed and the client
    /// is asked to send again (503, `Retry-After: 1`).
    async fn forward_stream(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: reqwest::Body,
    ) -> Result<Response, Problem> {
        let response = self.send(method, path, content_type, false, body).await?;
        if response.status() == StatusCode::UNAUTHORIZED {
            self.access_token(true).await?;
            return Err(Problem::busy(1, "the relay renewed its access token; send the upload again"));
        }
        relayed(response).await
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        refresh: bool,
        body: reqwest::Body,
    ) -> Result<reqwest::Response, Problem> {
        let base = self.api_base().ok_or_else(|| relay_problem("no Submission API configured"))?;
        let token = self.access_token(refresh).await?;
        let mut request = self.http.request(method, format!("{base}{path}")).bearer_auth(&token);
        if let Some(ct) = content_type {
            request = request.header(header::CONTENT_TYPE, ct);
        }
        request
            .body(body)
            .send()
            .await
            .map_err(|e| relay_problem(format!("Submission API not reachable: {}", without_url(e))))
    }
}

/// The Submission API's answer as this server's, not cached.
async fn relayed(response: reqwest::Response) -> Result<Response, Problem> {
    let status = response.status();
    let ct = response.headers().get(header::CONTENT_TYPE).cloned();
    let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
    let bytes = response.bytes().await.map_err(|_| relay_problem("the Submission API's answer broke off"))?;
    let mut out = (status, bytes).into_response();
    if let Some(ct) = ct {
        out.headers_mut().insert(header::CONTENT_TYPE, ct);
    }
    if let Some(retry_after) = retry_after {
        out.headers_mut().insert(header::RETRY_AFTER, retry_after);
    }
    out.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(out)
}

fn relay_problem(detail: impl Into<String>) -> Problem {
    Problem::new(StatusCode::BAD_GATEWAY, "fit-connect-unavailable", "FIT-Connect is not reachable", detail)
}

/// reqwest errors name the URL; keep credentials and ids of the query out of messages.
fn without_url(error: reqwest::Error) -> String {
    let text = error.without_url().to_string();
    text.chars().take(200).collect()
}
