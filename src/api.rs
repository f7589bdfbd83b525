//! The open submission contract, client side: catalog, definitions, submissions with an
//! idempotency key and retries. Failures are typed end to end, never reduced to an `Option`.

use antrag_core::trusted::{self, Obj, Read};
use antrag_core::Report;
use gloo_net::http::{Request, RequestBuilder, Response};
use wasm_bindgen::JsCast;

use crate::config::ClientConfig;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A catalog entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Form id.
    pub id: String,
    /// Current version.
    pub version: String,
    /// Title.
    pub title: antrag_core::Text,
    /// Description.
    #[serde(default)]
    pub description: Option<antrag_core::Text>,
    /// Languages.
    pub languages: Vec<String>,
    /// Default language.
    pub default_language: String,
}

impl Summary {
    /// Read as the server writes it ([`antrag_core::trusted`]).
    pub fn read(value: Value) -> Read<Summary> {
        let mut o = Obj::new(value)?;
        Ok(Summary {
            id: o.req("id", trusted::string)?,
            version: o.req("version", trusted::string)?,
            title: o.req("title", trusted::text)?,
            description: o.opt("description", trusted::text)?,
            languages: o.req("languages", trusted::strings)?,
            default_language: o.req("defaultLanguage", trusted::string)?,
        })
    }
}

/// Why a request failed.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// No answer: offline, DNS, connection refused, CORS, aborted.
    Network,
    /// The server answered with an error status.
    Status {
        /// HTTP status.
        status: u16,
        /// The problem's detail, if the body was problem+json.
        detail: Option<String>,
    },
    /// The answer was not what the contract says.
    Malformed(String),
}

/// Why a submission failed.
#[derive(Clone, Debug, PartialEq)]
pub enum SubmitError {
    /// No answer from the server (retryable).
    Network,
    /// The server re-validated and found problems (422): the same report the core produces.
    Rejected(Report),
    /// An uploaded file is no longer available on the server (422 `attachment-unavailable`):
    /// the citizen has to choose it again.
    AttachmentUnavailable {
        /// The attachment id.
        id: String,
    },
    /// The definition changed since the form was loaded (409).
    VersionChanged {
        /// The version the server accepts now.
        current: String,
    },
    /// Too many requests (429), retry after the given seconds.
    RateLimited {
        /// Seconds to wait.
        retry_after: u32,
    },
    /// FIT-Connect: the answers could not be encrypted for the destination (its key is
    /// unusable, or WebCrypto failed); the reason is technical.
    Encryption(String),
    /// FIT-Connect: the destination refused the submission; its reason.
    Undeliverable(String),
    /// Another server answer (5xx retryable, other 4xx not).
    Server {
        /// HTTP status.
        status: u16,
        /// Retry-After seconds, if sent.
        retry_after: Option<u32>,
    },
}

impl SubmitError {
    /// Whether the same request may succeed later (network errors, 5xx, 429).
    pub fn is_retryable(&self) -> bool {
        match self {
            SubmitError::Network | SubmitError::RateLimited { .. } => true,
            SubmitError::Server { status, .. } => *status >= 500 || *status == 429,
            SubmitError::Rejected(_)
            | SubmitError::Encryption(_)
            | SubmitError::Undeliverable(_)
            | SubmitError::VersionChanged { .. }
            | SubmitError::AttachmentUnavailable { .. } => false,
        }
    }
}

/// The receipt of a stored submission.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    /// Reference number.
    pub reference: String,
    /// Receipt time (RFC 3339).
    pub received_at: String,
    /// Status.
    pub status: String,
    /// Capability URL of the status.
    pub status_url: String,
    /// Stored, but sent only once its fee is paid: where the citizen pays (server-relative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_url: Option<String>,
}

impl Receipt {
    /// Read as the server writes it ([`antrag_core::trusted`]).
    pub fn read(value: Value) -> Read<Receipt> {
        let mut o = Obj::new(value)?;
        Ok(Receipt {
            reference: o.req("reference", trusted::string)?,
            received_at: o.req("receivedAt", trusted::string)?,
            status: o.req("status", trusted::string)?,
            status_url: o.req("statusUrl", trusted::string)?,
            payment_url: o.opt("paymentUrl", trusted::string)?,
        })
    }
}

/// Body of a submission.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubmissionRequest {
    /// Form id.
    pub form_id: String,
    /// Definition version.
    pub form_version: String,
    /// Language used.
    pub language: String,
    /// The payload from antrag-core.
    pub data: Value,
    /// The citizen's date.
    pub client_date: String,
    /// Routing fields of the platform profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routing: Option<Value>,
}

fn with_auth(builder: RequestBuilder, config: &ClientConfig) -> RequestBuilder {
    match &config.auth {
        Some((name, value)) => builder.header(name, value),
        None => builder,
    }
}

async fn send(request: Result<Request, gloo_net::Error>) -> Result<Response, ApiError> {
    let request = request.map_err(|e| ApiError::Malformed(e.to_string()))?;
    let response = request.send().await.map_err(|_| ApiError::Network)?;
    if response.ok() || response.status() == 304 {
        return Ok(response);
    }
    let status = response.status();
    let detail = response.json::<Value>().await.ok().and_then(|v| v["detail"].as_str().map(str::to_owned));
    Err(ApiError::Status { status, detail })
}

/// The catalog.
pub async fn catalog(config: ClientConfig) -> Result<Vec<Summary>, ApiError> {
    let response = send(Request::get(&format!("{}/forms", config.api)).build()).await?;
    let forms = |v| Obj::new(v)?.req("forms", |v| trusted::list(v, Summary::read));
    crate::json::read_response(response, forms).await.map_err(ApiError::Malformed)
}

/// The response boot.js requested for form `id` before the app started (`definition` or
/// `transport`), taken once; only for the standalone app on its own API.
async fn prefetched(config: &ClientConfig, id: &str, which: &str) -> Option<Response> {
    use wasm_bindgen::JsCast;
    if config.api != crate::config::API_BASE {
        return None;
    }
    let window = crate::dom::window()?;
    let prefetch = js_sys::Reflect::get(&window, &"__antragPrefetch".into()).ok().filter(|v| v.is_object())?;
    if js_sys::Reflect::get(&prefetch, &"id".into()).ok()?.as_string()? != id {
        return None;
    }
    let promise = js_sys::Reflect::get(&prefetch, &which.into()).ok()?.dyn_into::<js_sys::Promise>().ok()?;
    let _ = js_sys::Reflect::delete_property(prefetch.unchecked_ref::<js_sys::Object>(), &which.into());
    let response = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let raw: web_sys::Response = response.dyn_into().ok()?;
    Some(Response::from(raw))
}

async fn checked(response: Response) -> Result<Response, ApiError> {
    if response.ok() || response.status() == 304 {
        return Ok(response);
    }
    let status = response.status();
    let detail = response.json::<Value>().await.ok().and_then(|v| v["detail"].as_str().map(str::to_owned));
    Err(ApiError::Status { status, detail })
}

/// The current definition of a form, as JSON text (parsed and linted by the caller).
pub async fn definition(config: &ClientConfig, id: &str) -> Result<String, ApiError> {
    let response = match prefetched(config, id, "definition").await {
        Some(response) => checked(response).await?,
        None => send(Request::get(&format!("{}/forms/{}", config.api, encode(id))).build()).await?,
    };
    response.text().await.map_err(|e| ApiError::Malformed(e.to_string()))
}

/// The status of a stored application by its capability token (`GET /status/{token}`):
/// `{reference, receivedAt, status, formId, formVersion}`.
pub async fn status(config: &ClientConfig, token: &str) -> Result<Value, ApiError> {
    let response = send(Request::get(&format!("{}/status/{}", config.api, encode(token))).build()).await?;
    crate::json::response(response).await.map_err(ApiError::Malformed)
}

/// Parse a definition received from the server. The server parses and lints every definition
/// before it serves it, so the browser skips lint and serde's derived readers (and their code:
/// [`antrag_core::trusted`]); a definition that does not even read is reported with its place.
pub fn parse_definition(json: &str) -> Result<antrag_core::Form, String> {
    let def = serde_json::from_str::<Value>(json).map_err(|e| e.to_string())?;
    let def = antrag_core::trusted::definition(def).map_err(|e| e.to_string())?;
    if def.format != antrag_core::definition::FORMAT {
        return Err(format!("unsupported format {}", def.format));
    }
    Ok(antrag_core::Form::trusted(def))
}

/// How the server sends this form (`GET /forms/{id}/transport`); a backend without that
/// endpoint (404) takes the open contract.
pub async fn transport(config: &ClientConfig, id: &str) -> Result<crate::fit::Transport, ApiError> {
    let url = format!("{}/forms/{}/transport", config.api, encode(id));
    let answer = match prefetched(config, id, "transport").await {
        Some(response) => checked(response).await,
        None => send(Request::get(&url).build()).await,
    };
    match answer {
        Ok(response) => {
            crate::json::read_response(response, crate::fit::Transport::read).await.map_err(ApiError::Malformed)
        }
        Err(ApiError::Status { status: 404, .. }) => Ok(crate::fit::Transport::Contract),
        Err(e) => Err(e),
    }
}

/// Submit once. The caller keeps `key` with the answers until a receipt arrives, and retries
/// with the same key.
pub async fn submit(config: &ClientConfig, request: &SubmissionRequest, key: &str) -> Result<Receipt, SubmitError> {
    // Give up after the configured timeout: the outcome is then unknown, and a retry with the
    // same key finds out (the server stores each key once).
    let controller = web_sys::AbortController::new().ok();
    let timer = controller.as_ref().and_then(|c| {
        let c = c.clone();
        let abort = wasm_bindgen::closure::Closure::once_into_js(move || c.abort());
        crate::dom::window()?
            .set_timeout_with_callback_and_timeout_and_arguments_0(abort.unchecked_ref(), config.timeout_ms as i32)
            .ok()
    });
    let built = with_auth(Request::post(&format!("{}/submissions", config.api)), config)
        .header("Idempotency-Key", key)
        .header("Content-Type", "application/json")
        .abort_signal(controller.as_ref().map(|c| c.signal()).as_ref())
        .body(crate::json::to_text(request))
        .map_err(|_| SubmitError::Server { status: 0, retry_after: None })?;
    let sent = built.send().await;
    if let (Some(w), Some(t)) = (crate::dom::window(), timer) {
        w.clear_timeout_with_handle(t);
    }
    let response = sent.map_err(|_| SubmitError::Network)?;
    let status = response.status();
    let retry_after = response.headers().get("retry-after").and_then(|v| v.trim().parse::<u32>().ok());
    if status == 201 || status == 200 {
        // A success whose body never arrives (a dropped connection) is an unknown outcome:
        // retry with the same key.
        return crate::json::read_response(response, Receipt::read).await.map_err(|_| SubmitError::Network);
    }
    let problem: Value = response.json().await.unwrap_or(Value::Null);
    Err(match status {
        422 if problem["type"].as_str().is_some_and(|t| t.ends_with("/attachment-unavailable")) => {
            SubmitError::AttachmentUnavailable { id: problem["attachment"].as_str().unwrap_or_default().to_owned() }
        }
        422 if problem.get("issues").is_some() => match trusted::list(problem["issues"].clone(), trusted::issue) {
            Ok(issues) => SubmitError::Rejected(Report { issues }),
            Err(_) => SubmitError::Server { status, retry_after },
        },
        409 => {
            SubmitError::VersionChanged { current: problem["currentVersion"].as_str().unwrap_or_default().to_owned() }
        }
        429 => SubmitError::RateLimited { retry_after: retry_after.unwrap_or(5) },
        _ => SubmitError::Server { status, retry_after },
    })
}

/// Percent-encode a path segment (as JavaScript's `encodeURIComponent`; pure Rust, so the
/// server's renderer writes the same links).
pub fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Why an upload failed.
#[derive(Clone, Debug, PartialEq)]
pub enum UploadError {
    /// No connection.
    Network,
    /// The server refused the type (415).
    Type,
    /// The server refused the size (413).
    Size,
    /// Another status.
    Status(u16),
}

/// Upload one file for a file field, reporting progress (0.0–1.0). XMLHttpRequest, because
/// fetch has no upload progress.
pub async fn upload(
    config: &ClientConfig,
    form_id: &str,
    version: &str,
    field: &str,
    file: &web_sys::File,
    on_progress: impl Fn(f64) + 'static,
) -> Result<antrag_core::FileRef, UploadError> {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let url = format!(
        "{}/forms/{}/versions/{}/attachments?field={}&name={}",
        config.api,
        encode(form_id),
        encode(version),
        encode(field),
        encode(&file.name())
    );
    let xhr = web_sys::XmlHttpRequest::new().map_err(|_| UploadError::Network)?;
    xhr.open("POST", &url).map_err(|_| UploadError::Network)?;
    if let Some((name, value)) = &config.auth {
        let _ = xhr.set_request_header(name, value);
    }
    let progress = Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |ev: web_sys::ProgressEvent| {
        if ev.length_computable() && ev.total() > 0.0 {
            on_progress(ev.loaded() / ev.total());
        }
    });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    }
    let done = js_sys::Promise::new(&mut |resolve, _reject| {
        xhr.set_onloadend(Some(&resolve));
    });
    xhr.send_with_opt_blob(Some(file)).map_err(|_| UploadError::Network)?;
    let _ = wasm_bindgen_futures::JsFuture::from(done).await;
    drop(progress);
    match xhr.status().unwrap_or(0) {
        201 | 200 => {
            let text = xhr.response_text().ok().flatten().unwrap_or_default();
            crate::json::from_text(&text).map_err(|_| UploadError::Status(201))
        }
        0 => Err(UploadError::Network),
        413 => Err(UploadError::Size),
        415 => Err(UploadError::Type),
        status => Err(UploadError::Status(status)),
    }
}
