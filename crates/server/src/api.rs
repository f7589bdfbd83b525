//! The submission contract's handlers (`docs/api/openapi.yaml`).

use antrag_core::{check, payload_schema, Answers, Context, FileRef};
use axum::body::Body;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use bytes::Bytes;
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256, Sha512};
use tokio::io::AsyncWriteExt;

use crate::catalog::Entry;
use crate::problem::Problem;
use crate::shared::{constant_time_eq, hex, random_token};
use crate::state::AppState;
use crate::store::{Attachment, NewSubmission, SubmitOutcome};

/// `GET /api/v1/health`: up, and the store answers.
pub async fn health(State(state): State<AppState>) -> Result<Response, Problem> {
    state.store.ping().await.map_err(internal)?;
    let mut response = Json(json!({ "status": "ok", "forms": state.catalog.len() })).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The client's address: the peer, or behind trusted proxies the address the outermost saw.
pub(crate) fn client_ip(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    crate::proxy::client_address(peer, headers, state.config.trusted_proxies)
}

/// Rate limit and platform credential for the writing endpoints.
pub(crate) fn admit(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> Result<(), Problem> {
    if let Some((name, value)) = &state.config.platform_auth {
        let given = headers.get(name.as_str()).and_then(|v| v.to_str().ok()).unwrap_or("");
        if !constant_time_eq(given.as_bytes(), value.as_bytes()) {
            return Err(Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Platform credential required",
                format!("send the platform credential in the {name} header"),
            ));
        }
    }
    state.limiter.check(client_ip(state, peer, headers)).map_err(Problem::rate_limited)
}

/// `GET /api/v1/forms`: the catalog.
pub async fn list_forms(State(state): State<AppState>) -> Response {
    let mut response = Json(json!({ "forms": state.catalog.summaries() })).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// `GET /api/v1/forms/{id}`: the current definition (revalidate with ETag).
pub async fn current_form(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    match state.catalog.current(&id) {
        Some(entry) => definition_response(&entry, &headers, "no-cache"),
        None => unknown_form(&id).into_response(),
    }
}

/// `GET /api/v1/forms/{id}/versions/{version}`: one version (may be cached).
pub async fn form_version(
    State(state): State<AppState>,
    Path((id, version)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    match state.catalog.version(&id, &version) {
        Some(entry) => definition_response(&entry, &headers, "public, max-age=3600"),
        None if state.catalog.current(&id).is_some() => {
            Problem::not_found(format!("form \"{id}\" has no version \"{version}\"")).into_response()
        }
        None => unknown_form(&id).into_response(),
    }
}

/// `GET /api/v1/forms/{id}/versions/{version}/payload-schema`: JSON Schema of the payload.
pub async fn form_payload_schema(
    State(state): State<AppState>,
    Path((id, version)): Path<(String, String)>,
) -> Response {
    match state.catalog.version(&id, &version) {
        Some(entry) => {
            let mut response = Json(payload_schema(entry.form.def())).into_response();
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/schema+json"));
            response
        }
        None => unknown_form(&id).into_response(),
    }
}

fn definition_response(entry: &Entry, headers: &HeaderMap, cache: &'static str) -> Response {
    let etag = HeaderValue::from_str(&entry.etag).unwrap_or(HeaderValue::from_static("\"0\""));
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == entry.etag || t.trim() == "*"));
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/json")], entry.json.clone()).into_response()
    };
    let h = response.headers_mut();
    h.insert(header::ETAG, etag);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

/// A form sent over FIT-Connect takes no plain-text uploads or submissions here: its data are
/// encrypted in the browser.
fn fit_connect_only(state: &AppState, form: &str) -> Result<(), Problem> {
    match state.fit.destination_of(form) {
        Some(_) => Err(Problem::new(
            StatusCode::CONFLICT,
            "fit-connect-only",
            "This form is sent over FIT-Connect",
            "answers and files of this form are encrypted in the browser and sent over FIT-Connect (see GET /forms/{id}/transport)",
        )),
        None => Ok(()),
    }
}

fn unknown_form(id: &str) -> Problem {
    Problem::new(StatusCode::NOT_FOUND, "unknown-form", "Unknown form", format!("there is no form \"{id}\""))
}

/// Query of an attachment upload.
#[derive(Debug, Deserialize)]
pub struct UploadQuery {
    /// Static path of the file field (`fahrzeug.nutzungsnachweis`).
    pub field: String,
    /// File name as chosen by the citizen.
    pub name: String,
}

/// `POST /api/v1/forms/{id}/versions/{version}/attachments?field=…&name=…`: upload one file
/// (raw body). Streams to disk with a running SHA-512; the size limit is the field's
/// `maxSize` capped by the server's; the media type is sniffed from the content.
pub async fn upload(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path((id, version)): Path<(String, String)>,
    Query(query): Query<UploadQuery>,
    body: Body,
) -> Result<Response, Problem> {
    admit(&state, peer, &headers)?;
    let entry = state.catalog.version(&id, &version).ok_or_else(|| unknown_form(&id))?;
    fit_connect_only(&state, &id)?;
    let field = entry
        .form
        .field(&query.field)
        .filter(|f| f.datatype == antrag_core::DataType::File)
        .ok_or_else(|| Problem::bad_request(format!("\"{}\" is not a file field of this form", query.field)))?;
    let file = store_upload(&state, &id, &query.field, field, &query.name, body.into_data_stream()).await?;
    Ok((StatusCode::CREATED, Json(file)).into_response())
}

/// Store one file for a file field: streamed to disk with a running SHA-512, within the
/// field's `maxSize` capped by the server's, its type sniffed from the content and checked
/// against the field's; recorded as an unclaimed attachment of the form.
pub(crate) async fn store_upload<E>(
    state: &AppState,
    form_id: &str,
    field_path: &str,
    field: &antrag_core::Field,
    name: &str,
    stream: impl futures_util::Stream<Item = Result<Bytes, E>> + Unpin,
) -> Result<FileRef, Problem> {
    let name: String = name.chars().filter(|c| !c.is_control() && *c != '/' && *c != '\\').take(200).collect();
    if name.trim().is_empty() {
        return Err(Problem::bad_request("the file needs a name"));
    }
    let limit =
        field.constraints.max_size.map_or(state.config.max_upload_bytes, |m| m.min(state.config.max_upload_bytes));
    let allowed = field.constraints.media_types.clone();

    let attachment_id = random_token(16);
    let tmp = state.store.scratch_dir().join(format!("upload-{attachment_id}.part"));
    let result = receive(stream, &tmp, limit).await;
    let (size, sha512, head) = match result {
        Ok(r) => r,
        Err(problem) => {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(problem);
        }
    };
    let media_type = sniff(&head);
    if !allowed.is_empty() && !allowed.iter().any(|a| antrag_core::media_type_matches(a, &media_type)) {
        let _ = tokio::fs::remove_file(&tmp).await;
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "This type of file is not accepted",
            format!("the content is {media_type}; accepted: {}", allowed.join(", ")),
        )
        .with("mediaType", json!(media_type))
        .with("allowed", json!(allowed)));
    }
    if size == 0 {
        let _ = tokio::fs::remove_file(&tmp).await;
        return Err(Problem::bad_request("the file is empty"));
    }
    let record = Attachment {
        id: attachment_id.clone(),
        form_id: form_id.to_owned(),
        field: field_path.to_owned(),
        name: name.clone(),
        media_type: media_type.clone(),
        size,
        sha512: sha512.clone(),
        created_at: state.clock.now_rfc3339(),
        claimed: false,
    };
    // No record, no file: the store keeps both or neither.
    state.store.add_attachment(record, tmp).await.map_err(internal)?;
    tracing::info!(attachment = %attachment_id, size, media_type = %media_type, "attachment stored");
    Ok(FileRef { id: attachment_id, name, size, media_type, sha512: Some(sha512) })
}

/// Stream a body to `path`, enforcing `limit`; returns size, SHA-512 and the first bytes.
async fn receive<E>(
    mut stream: impl futures_util::Stream<Item = Result<Bytes, E>> + Unpin,
    path: &std::path::Path,
    limit: u64,
) -> Result<(u64, String, Vec<u8>), Problem> {
    let mut file = tokio::fs::File::create(path).await.map_err(internal)?;
    let mut hasher = Sha512::new();
    let mut size: u64 = 0;
    let mut head = Vec::with_capacity(512);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| Problem::bad_request("the upload was interrupted"))?;
        size += chunk.len() as u64;
        if size > limit {
            drop(file);
            let mut drained = size;
            while drained <= limit.saturating_add(DRAIN_CAP) {
                match stream.next().await {
                    Some(Ok(more)) => drained += more.len() as u64,
                    _ => break,
                }
            }
            return Err(Problem::too_large(limit));
        }
        if head.len() < 512 {
            head.extend_from_slice(&chunk[..chunk.len().min(512 - head.len())]);
        }
        hasher.update(&chunk);
        file.write_all(&chunk).await.map_err(internal)?;
    }
    file.sync_all().await.map_err(internal)?;
    Ok((size, hex(&hasher.finalize()), head))
}

/// How much of an oversized body is read and discarded before answering 413, so that a
/// client still writing its body can read the answer (instead of a reset connection).
const DRAIN_CAP: u64 = 32 * 1024 * 1024;

/// Read a whole body up to `limit` bytes; beyond it, drain up to [`DRAIN_CAP`] and answer 413.
pub(crate) async fn read_limited(body: Body, limit: u64) -> Result<Bytes, Problem> {
    let mut stream = body.into_data_stream();
    let mut buffer = Vec::new();
    let mut seen: u64 = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| Problem::bad_request("the request body was interrupted"))?;
        seen += chunk.len() as u64;
        if seen > limit {
            while seen <= DRAIN_CAP {
                match stream.next().await {
                    Some(Ok(more)) => seen += more.len() as u64,
                    _ => break,
                }
            }
            return Err(Problem::too_large(limit));
        }
        buffer.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(buffer))
}

/// The media type of content, from its magic bytes (never from what the client claims).
pub fn sniff(head: &[u8]) -> String {
    if let Some(kind) = infer::get(head) {
        return kind.mime_type().to_owned();
    }
    let text = !head.is_empty() && std::str::from_utf8(head).is_ok() && !head.contains(&0);
    if text { "text/plain" } else { "application/octet-stream" }.to_owned()
}

/// Body of `POST /api/v1/submissions`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SubmissionRequest {
    /// Form id.
    pub form_id: String,
    /// Definition version the answers were given for.
    pub form_version: String,
    /// Language the citizen used.
    pub language: String,
    /// The answers (the payload the web app built, or any answers a client sends): checked
    /// again here with `antrag_core::check`.
    pub data: Answers,
    /// The citizen's date (`YYYY-MM-DD`), so that "today" means the same day in browser and
    /// server; accepted within one day of the server's date.
    #[serde(default)]
    pub client_date: Option<String>,
    /// Routing fields of the platform profile.
    #[serde(default)]
    pub routing: Option<Routing>,
}

/// Where an application goes: LeiKa key and regional keys (OSI/SAC profiles).
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Routing {
    /// LeiKa service key (14 digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leika_key: Option<String>,
    /// Amtlicher Regionalschlüssel (12 digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ars: Option<String>,
    /// Amtlicher Gemeindeschlüssel (8 digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ags: Option<String>,
}

impl Routing {
    /// The first malformed field, if any.
    fn problem(&self) -> Option<String> {
        use antrag_core::formats::{is_ags, is_ars, is_leika_key};
        let bad = |v: &Option<String>, ok: fn(&str) -> bool| v.as_deref().is_some_and(|v| !ok(v));
        if bad(&self.leika_key, is_leika_key) {
            return Some("routing.leikaKey must have 14 digits".into());
        }
        if bad(&self.ars, is_ars) {
            return Some("routing.ars must have 12 digits".into());
        }
        if bad(&self.ags, is_ags) {
            return Some("routing.ags must have 8 digits".into());
        }
        None
    }
}

/// `POST /api/v1/submissions`: validate with antrag-core and store exactly once per
/// `Idempotency-Key`.
pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    // Admit (credential, rate limit) before reading a byte of the body.
    admit(&state, peer, &headers)?;
    let body = read_limited(body, state.config.max_body_bytes as u64).await?;
    let fault = if state.config.enable_faults { state.faults.next() } else { None };
    if let Some(response) = crate::faults::before(&fault).await {
        return Ok(response);
    }
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "idempotency-key-missing",
                "Idempotency-Key header required",
                "send a client-generated UUID in the Idempotency-Key header",
            )
        })?;
    if key.len() > 128 || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "idempotency-key-invalid",
            "Invalid Idempotency-Key",
            "use a UUID (letters, digits and hyphens, at most 128)",
        ));
    }
    // A key already used answers first, before any check that may have changed since it was
    // stored (the form's version, the day): a retry gets its receipt, never a refusal that
    // would make the client send the application again under a new key.
    let request_sha256 = hex(&Sha256::digest(&body));
    if let Some((hash, receipt)) = state.store.by_key(key.to_owned()).await.map_err(internal)? {
        if hash != request_sha256 {
            return Err(key_reused());
        }
        tracing::info!(reference = %receipt.reference, "idempotent replay");
        return Ok(receipt_response(StatusCode::CREATED, &receipt, true));
    }
    let request: SubmissionRequest = serde_json::from_slice(&body).map_err(|e| {
        // serde's message names the field and position, never the values typed.
        Problem::bad_request(format!(
            "the body is not a submission: {}",
            e.to_string().split(" at line").next().unwrap_or("")
        ))
    })?;
    let entry = state.catalog.current(&request.form_id).ok_or_else(|| unknown_form(&request.form_id))?;
    fit_connect_only(&state, &request.form_id)?;
    let def = entry.form.def();
    if def.version != request.form_version {
        let known = state.catalog.version(&request.form_id, &request.form_version).is_some();
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "version-changed",
            "The form has changed",
            format!("answers were given for version {}, the current version is {}", request.form_version, def.version),
        )
        .with("currentVersion", json!(def.version))
        .with("versionKnown", json!(known)));
    }
    if !def.languages.contains(&request.language) {
        return Err(Problem::bad_request(format!("language \"{}\" is not offered by this form", request.language)));
    }
    if let Some(routing) = &request.routing {
        if let Some(problem) = routing.problem() {
            return Err(Problem::bad_request(problem));
        }
        if let (Some(given), Some(own)) = (&routing.leika_key, &def.service.leika_key) {
            if given != own {
                return Err(Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "routing-mismatch",
                    "The routing does not fit the form",
                    format!("routing.leikaKey {given} is not this form's service {own}"),
                ));
            }
        }
    }
    // Answers handed back to change them (this browser's form session on this server's page,
    // where the app knows no platform routing) go where their first application was to go.
    let routing = match crate::pages::handed_back_routing(&state, &headers, &entry).await {
        Some(kept) => Some(kept),
        None => request.routing.as_ref().and_then(|r| serde_json::to_value(r).ok()),
    };
    let application = Application {
        data: request.data,
        client_date: request.client_date,
        language: request.language,
        routing,
        idempotency_key: key.to_owned(),
        request_sha256,
    };
    let accepted = accept(&state, &entry, application).await?;
    crate::pages::sent_by_the_app(&state, &headers, &entry, receipt_json(&accepted.0)).await;
    match accepted {
        (receipt, false) => {
            if fault == Some(crate::faults::Fault::DropAfterCommit) {
                tracing::warn!(reference = %receipt.reference, "fault injection: dropping the response after commit");
                return Ok(crate::faults::dropped());
            }
            if fault == Some(crate::faults::Fault::HangAfterCommit) {
                tracing::warn!(reference = %receipt.reference, "fault injection: no answer after commit");
                std::future::pending::<()>().await;
            }
            // Bound to this browser: by the cookie on this server's own pages; from another
            // site (an embedded form) by the secret in the payment's first address.
            let Some(binding) = crate::payment::change::bind(&state, &headers, &receipt).await else {
                return Ok(receipt_response(StatusCode::CREATED, &receipt, false));
            };
            let mut json = receipt_json(&receipt);
            if let Some(url) = json["paymentUrl"].as_str().map(|url| binding.start_url(url)) {
                json["paymentUrl"] = json!(url);
            }
            let mut response = json_receipt_response(StatusCode::CREATED, json, false);
            response.headers_mut().append(header::SET_COOKIE, binding.cookie);
            Ok(response)
        }
        (receipt, true) => Ok(receipt_response(StatusCode::CREATED, &receipt, true)),
    }
}

/// An application to store: answers of the current version of a form, from the JSON API or
/// from the pages without JavaScript.
pub(crate) struct Application {
    /// The answers (checked again here).
    pub data: Answers,
    /// The citizen's date, if known.
    pub client_date: Option<String>,
    /// The language used.
    pub language: String,
    /// Routing fields (checked by the caller).
    pub routing: Option<Value>,
    /// The key under which it is stored once.
    pub idempotency_key: String,
    /// Hash of what was sent, to tell a retry from a reuse of the key.
    pub request_sha256: String,
}

/// Check an application with the core and store it exactly once; the receipt, and whether
/// it was stored before under the same key (a retry).
pub(crate) async fn accept(
    state: &AppState,
    entry: &Entry,
    application: Application,
) -> Result<(crate::store::Receipt, bool), Problem> {
    let def = entry.form.def();
    // Trust only the server's own records of attachments: size, type and checksum.
    let mut data = application.data;
    let attachment_ids = rewrite_file_refs(state, entry, &mut data).await?;
    let ctx = Context::on(state.clock.request_today(application.client_date.as_deref()));
    let payload = check(&entry.form, &data, &ctx).map_err(|report| {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "The answers are not valid",
            format!("{} problem(s) found", report.issues.len()),
        )
        .with("issues", serde_json::to_value(&report).unwrap_or(Value::Null))
    })?;
    // The fee, from the checked payload, by the server: the browser's figure is never used.
    let (status, fee) = match &def.payment {
        None => ("received", None),
        Some(payment) => {
            let fee = antrag_core::fee(payment, payload.get(), ctx.today).map_err(|e| {
                tracing::error!(form = %def.id, error = %e, "the fee cannot be computed");
                Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "fee-not-computable",
                    "The fee cannot be computed",
                    format!("the form's fee definition does not fit these answers ({})", e.pointer),
                )
            })?;
            let json = crate::payment::fee_json(&fee, &application.language, &def.default_language);
            let charge = payment.timing == antrag_core::PaymentTiming::Before && fee.total_cents > 0;
            (if charge { "payment_pending" } else { "received" }, Some(json))
        }
    };
    let now = state.clock.now();
    let new = NewSubmission {
        idempotency_key: application.idempotency_key,
        request_sha256: application.request_sha256,
        form_id: def.id.clone(),
        form_version: def.version.clone(),
        language: application.language,
        payload,
        reference_prefix: def.service.reference_prefix.clone().unwrap_or_else(|| "ANT".into()),
        year: now.year(),
        received_at: crate::clock::rfc3339(now),
        status_token: random_token(32),
        attachment_ids,
        routing: application.routing,
        status: status.to_owned(),
        fee,
    };
    match state.store.submit(new).await.map_err(internal)? {
        SubmitOutcome::Created(receipt) => {
            tracing::info!(reference = %receipt.reference, form = %receipt.form_id, "submission stored");
            Ok((receipt, false))
        }
        SubmitOutcome::Replayed(receipt) => {
            tracing::info!(reference = %receipt.reference, "idempotent replay");
            Ok((receipt, true))
        }
        SubmitOutcome::KeyReused => Err(key_reused()),
        SubmitOutcome::AttachmentUnavailable(id) => Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "attachment-unavailable",
            "An attachment is not available",
            format!("attachment {id} is unknown, belongs to another form, or was already submitted"),
        )
        .with("attachment", json!(id))),
    }
}

/// The problem of a key stored before for another request.
fn key_reused() -> Problem {
    Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency-key-reused",
        "Idempotency-Key reused",
        "this Idempotency-Key was already used for a different submission; generate a new key per submission",
    )
}

/// The receipt as the contract writes it.
pub(crate) fn receipt_json(receipt: &crate::store::Receipt) -> Value {
    let mut json = json!({
        "reference": receipt.reference,
        "receivedAt": receipt.received_at,
        "status": receipt.status,
        "statusUrl": format!("/api/v1/status/{}", receipt.status_token),
    });
    // Stored, but sent only once the fee is paid: where the citizen pays.
    if receipt.status == "payment_pending" {
        json["paymentUrl"] = json!(format!("/zahlung/{}/start", receipt.status_token));
    }
    json
}

fn receipt_response(status: StatusCode, receipt: &crate::store::Receipt, replayed: bool) -> Response {
    json_receipt_response(status, receipt_json(receipt), replayed)
}

/// A receipt's answer (never cached; marked when it is the answer to a replayed request).
fn json_receipt_response(status: StatusCode, json: Value, replayed: bool) -> Response {
    let mut response = (status, Json(json)).into_response();
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if replayed {
        h.insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}

/// Replace every file reference in the answers by the server's record of that attachment;
/// returns the attachment ids.
async fn rewrite_file_refs(state: &AppState, entry: &Entry, data: &mut Answers) -> Result<Vec<String>, Problem> {
    let mut ids = Vec::new();
    for (path, files) in antrag_core::file_refs(&entry.form, data) {
        let mut replaced = Vec::with_capacity(files.len());
        for file in files {
            let record = state.store.attachment(file.id.clone()).await.map_err(internal)?;
            let record = record.ok_or_else(|| {
                Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "attachment-unavailable",
                    "An attachment is not available",
                    format!("attachment {} is unknown", file.id),
                )
                .with("attachment", json!(file.id))
            })?;
            ids.push(record.id.clone());
            replaced.push(FileRef {
                id: record.id,
                name: record.name,
                size: record.size,
                media_type: record.media_type,
                sha512: Some(record.sha512),
            });
        }
        antrag_core::answers::set(data, &path, serde_json::to_value(replaced).unwrap_or(Value::Null));
    }
    Ok(ids)
}

/// `GET /api/v1/status/{token}`: status for the citizen, by capability URL.
pub async fn status(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, Problem> {
    let receipt = state.store.receipt_by_token(token).await.map_err(internal)?;
    let receipt = receipt.ok_or_else(|| Problem::not_found("no submission has this status link"))?;
    let mut response = Json(json!({
        "reference": receipt.reference,
        "receivedAt": receipt.received_at,
        "status": receipt.status,
        "formId": receipt.form_id,
        "formVersion": receipt.form_version,
    }))
    .into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Pagination of the inbox.
#[derive(Debug, Deserialize)]
pub struct Page {
    /// Maximum number of entries (default 50, at most 500).
    #[serde(default)]
    pub limit: Option<u32>,
    /// Entries to skip.
    #[serde(default)]
    pub offset: Option<u32>,
}

/// `GET /api/v1/inbox/submissions` (clerk token): newest first.
pub async fn inbox_list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(page): Query<Page>,
) -> Result<Response, Problem> {
    authorize_clerk(&state, &headers)?;
    let list = state.store.list(page.limit.unwrap_or(50).min(500), page.offset.unwrap_or(0)).await.map_err(internal)?;
    let total = state.store.count().await.map_err(internal)?;
    Ok(Json(json!({ "total": total, "submissions": list })).into_response())
}

/// `GET /api/v1/inbox/submissions/{reference}` (clerk token).
pub async fn inbox_submission(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(reference): Path<String>,
) -> Result<Response, Problem> {
    authorize_clerk(&state, &headers)?;
    let found = state.store.submission(reference).await.map_err(internal)?;
    let submission = found.ok_or_else(|| Problem::not_found("no submission has this reference"))?;
    let mut json = serde_json::to_value(&submission).map_err(|_| Problem::internal())?;
    // The fee and every payment transaction: what was asked, what was paid, and how.
    let token = submission.receipt.status_token.clone();
    if let Some(summary) = crate::payment::FeeSummary::load(&state.store, token).await.map_err(internal)? {
        json["payment"] = summary.to_json();
    }
    Ok(Json(json).into_response())
}

/// `GET /api/v1/inbox/attachments/{id}` (clerk token): the file, with its checksum verified.
pub async fn inbox_attachment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    authorize_clerk(&state, &headers)?;
    let record = state
        .store
        .attachment(id.clone())
        .await
        .map_err(internal)?
        .ok_or_else(|| Problem::not_found("no such attachment"))?;
    let bytes = state.store.attachment_content(&record.id).await.map_err(internal)?.ok_or_else(|| {
        tracing::error!(attachment = %record.id, "attachment content missing");
        Problem::internal()
    })?;
    if hex(&Sha512::digest(&bytes)) != record.sha512 {
        tracing::error!(attachment = %record.id, "attachment checksum mismatch");
        return Err(Problem::internal());
    }
    let disposition = format!("attachment; filename*=UTF-8''{}", percent_encode(&record.name));
    Ok((
        [
            (header::CONTENT_TYPE, record.media_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".into()),
        ],
        bytes,
    )
        .into_response())
}

fn authorize_clerk(state: &AppState, headers: &HeaderMap) -> Result<(), Problem> {
    let unauthorized = || {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Clerk token required",
            "send the inbox token as Authorization: Bearer <token>",
        )
    };
    let Some(expected) = state.config.inbox_token.as_deref() else {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "inbox-disabled",
            "The inbox is disabled",
            "start the server with --inbox-token to enable it",
        ));
    };
    let given =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    match given {
        Some(token) if constant_time_eq(token.as_bytes(), expected.as_bytes()) => Ok(()),
        _ => Err(unauthorized()),
    }
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `POST /api/v1/_faults` (tests only): replace the queue of injected faults.
pub async fn set_faults(State(state): State<AppState>, Json(plan): Json<crate::faults::Plan>) -> Response {
    tracing::warn!(faults = plan.submissions.len(), "fault injection planned");
    state.faults.replace(plan.submissions);
    (StatusCode::NO_CONTENT, ()).into_response()
}

/// `GET /api/v1/_faults` (tests only): the faults still queued.
pub async fn faults(State(state): State<AppState>) -> Response {
    Json(json!({ "submissions": state.faults.pending() })).into_response()
}

/// Log an internal error (without personal data) and answer 500.
pub fn internal<E: std::fmt::Display>(error: E) -> Problem {
    tracing::error!(%error, "internal error");
    Problem::internal()
}
