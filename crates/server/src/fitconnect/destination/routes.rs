//! The test destination's routes under `/fit-connect-test` (see [`super`]): an OAuth token
//! endpoint and the Submission API calls of a sender; on submit everything is decrypted and
//! verified, and a verified application is stored.

use std::collections::HashMap;
use std::time::Instant;

use antrag_core::{check, Context};
use axum::body::Body;
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Form, Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::super::metadata::{Hash, Metadata};
use super::{Submission, TestDestination, HELD_UPLOADS, MAX_TOKENS, TOKEN_LIFETIME};
use crate::api::read_limited;
use crate::problem::Problem;
use crate::shared::{constant_time_eq, is_uuid, random_token, uuid_v4};
use crate::state::AppState;
use crate::store::{Attachment, NewSubmission, SubmitOutcome};

/// The routes under `/fit-connect-test`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/fit-connect-test/token", post(token))
        .route("/fit-connect-test/v1/destinations/{destination}", get(destination))
        .route("/fit-connect-test/v1/destinations/{destination}/keys/{kid}", get(key))
        .route("/fit-connect-test/v1/submissions", post(create))
        .route("/fit-connect-test/v1/submissions/{submission}", put(submit).get(status))
        .route(
            "/fit-connect-test/v1/submissions/{submission}/attachments/{attachment}",
            put(upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
}

fn dest(state: &AppState) -> Result<&TestDestination, Problem> {
    state.fit.destination.as_ref().ok_or_else(|| Problem::not_found("the test destination is off"))
}

#[derive(Deserialize)]
struct TokenRequest {
    grant_type: String,
    client_id: String,
    client_secret: String,
}

async fn token(State(state): State<AppState>, Form(request): Form<TokenRequest>) -> Result<Response, Problem> {
    let d = dest(&state)?;
    let ok = request.grant_type == "client_credentials"
        && constant_time_eq(request.client_id.as_bytes(), d.client_id.as_bytes())
        && constant_time_eq(request.client_secret.as_bytes(), d.client_secret.as_bytes());
    if !ok {
        return Err(Problem::new(
            StatusCode::UNAUTHORIZED,
            "invalid-client",
            "Invalid client",
            "unknown client or wrong secret",
        ));
    }
    let token = random_token(32);
    if !d.tokens.lock().expect("lock").insert(token.clone(), (), Instant::now()) {
        return Err(Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "Too many access tokens",
            format!("the test destination holds {MAX_TOKENS} live tokens; try again later"),
        ));
    }
    let lifetime = TOKEN_LIFETIME.as_secs();
    Ok(Json(json!({ "access_token": token, "token_type": "Bearer", "expires_in": lifetime })).into_response())
}

/// The services this destination accepts: the forms configured for it.
fn services(state: &AppState, d: &TestDestination) -> Vec<(String, String, String)> {
    state
        .config
        .fit_connect
        .forms
        .iter()
        .filter(|(_, dest)| *dest == crate::fitconnect::TEST || **dest == d.id)
        .filter_map(|(form, _)| {
            let def = state.catalog.current(form)?.form.def().clone();
            Some((
                format!("urn:de:fim:leika:leistung:{}", def.service.leika_key?),
                def.service.schema_uri?,
                form.clone(),
            ))
        })
        .collect()
}

async fn destination(
    State(state): State<AppState>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
) -> Result<Response, Problem> {
    let d = dest(&state)?;
    d.authorized(&headers)?;
    if id != d.id {
        return Err(Problem::not_found("no such destination"));
    }
    let services: Vec<Value> = services(&state, d)
        .into_iter()
        .map(|(identifier, schema, _)| {
            json!({ "identifier": identifier, "submissionSchemas": [{ "schemaUri": schema, "mimeType": "application/json" }], "regions": [] })
        })
        .collect();
    Ok(Json(json!({
        "destinationId": d.id,
        "status": "active",
        "encryptionKid": d.kid,
        "metadataVersions": ["1.0.0"],
        "services": services,
    }))
    .into_response())
}

async fn key(
    State(state): State<AppState>,
    headers: HeaderMap,
    UrlPath((id, kid)): UrlPath<(String, String)>,
) -> Result<Response, Problem> {
    let d = dest(&state)?;
    d.authorized(&headers)?;
    if id != d.id || kid != d.kid {
        return Err(Problem::not_found("no such key"));
    }
    Ok(Json(d.public_jwk()).into_response())
}

async fn create(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Result<Response, Problem> {
    let d = dest(&state)?;
    d.authorized(&headers)?;
    let body = read_limited(body, 64 * 1024).await?;
    let request: Value = serde_json::from_slice(&body).map_err(|_| Problem::bad_request("the body is not JSON"))?;
    if request["destinationId"].as_str() != Some(d.id.as_str()) {
        return Err(Problem::bad_request("destinationId names no destination here"));
    }
    let service = request["serviceType"]["identifier"].as_str().unwrap_or_default().to_owned();
    if !services(&state, d).iter().any(|(identifier, _, _)| *identifier == service) {
        return Err(Problem::bad_request(format!("this destination does not offer the service \"{service}\"")));
    }
    let announced: Vec<String> = request["announcedAttachments"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    if let Some(bad) = announced.iter().find(|id| !is_uuid(id)) {
        return Err(Problem::bad_request(format!("announced attachment \"{bad}\" is not a UUID")));
    }
    if announced.len() > 100 {
        return Err(Problem::bad_request("at most 100 attachments"));
    }
    let submission_id = uuid_v4();
    let case_id = uuid_v4();
    let submission = Submission {
        case_id: case_id.clone(),
        service,
        announced,
        attachments: HashMap::new(),
        state: "incomplete",
        reference: None,
        problem: None,
    };
    if !d.submissions.lock().expect("lock").insert(submission_id.clone(), submission, Instant::now()) {
        return Err(Problem::busy(60, "the test destination holds too many submissions; try again later"));
    }
    Ok((StatusCode::CREATED, Json(json!({ "destinationId": d.id, "submissionId": submission_id, "caseId": case_id })))
        .into_response())
}

async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    UrlPath((submission, attachment)): UrlPath<(String, String)>,
    body: Body,
) -> Result<Response, Problem> {
    let d = dest(&state)?;
    d.authorized(&headers)?;
    let limit = state.config.max_upload_bytes / 3 * 4 + 4096;
    let body = read_limited(body, limit).await?;
    let jwe = String::from_utf8(body.to_vec()).map_err(|_| Problem::bad_request("an attachment is a JWE (text)"))?;
    let mut submissions = d.submissions.lock().expect("lock");
    let now = Instant::now();
    let held: u64 = submissions.values(now).flat_map(|s| s.attachments.values()).map(|a| a.len() as u64).sum();
    if held + jwe.len() as u64 > HELD_UPLOADS * limit {
        return Err(Problem::busy(60, "the test destination holds too many uploads of unsent submissions"));
    }
    let sub = submissions.get_mut(&submission, now).ok_or_else(|| Problem::not_found("no such submission"))?;
    if sub.state != "incomplete" {
        return Err(conflict(format!("the submission is already {}", sub.state)));
    }
    if !sub.announced.contains(&attachment) {
        return Err(Problem::bad_request("this attachment was not announced when the submission was created"));
    }
    sub.attachments.insert(attachment, jwe.trim().to_owned());
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn conflict(detail: String) -> Problem {
    Problem::new(StatusCode::CONFLICT, "fit-connect-state", "Not possible in this state", detail)
}

fn rejected(detail: String) -> Problem {
    Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "fit-connect-rejected", "The submission was rejected", detail)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubmitBody {
    encrypted_metadata: String,
    encrypted_data: Option<String>,
}

async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    UrlPath(submission): UrlPath<String>,
    body: Body,
) -> Result<Response, Problem> {
    let d = dest(&state)?;
    d.authorized(&headers)?;
    let body = read_limited(body, state.config.max_body_bytes as u64 * 2).await?;
    let request: SubmitBody = serde_json::from_slice(&body)
        .map_err(|_| Problem::bad_request("the body must be {\"encryptedMetadata\": JWE, \"encryptedData\": JWE}"))?;
    let sub = {
        let submissions = d.submissions.lock().expect("lock");
        submissions.get(&submission, Instant::now()).cloned().ok_or_else(|| Problem::not_found("no such submission"))?
    };
    if sub.state == "submitted" {
        // Idempotent: the same submission again gets the same answer.
        return Ok(accepted(d, &submission, &sub));
    }
    if sub.state == "rejected" {
        return Err(rejected(sub.problem.clone().unwrap_or_default()));
    }
    if let Some(missing) = sub.announced.iter().find(|id| !sub.attachments.contains_key(*id)) {
        return Err(conflict(format!("announced attachment {missing} has not been uploaded")));
    }
    match verify_and_store(&state, d, &submission, &sub, &request).await {
        Ok(reference) => {
            let mut submissions = d.submissions.lock().expect("lock");
            let Some(entry) = submissions.get_mut(&submission, Instant::now()) else {
                return Err(Problem::not_found("the submission expired while it was checked"));
            };
            entry.state = "submitted";
            entry.reference = Some(reference);
            // Filed: the encrypted uploads are no longer needed in memory.
            entry.attachments.clear();
            let entry = entry.clone();
            Ok(accepted(d, &submission, &entry))
        }
        Err(Failure::Rejected(reason)) => {
            tracing::warn!(submission = %submission, "FIT-Connect test destination rejected a submission");
            let mut submissions = d.submissions.lock().expect("lock");
            if let Some(entry) = submissions.get_mut(&submission, Instant::now()) {
                entry.state = "rejected";
                entry.problem = Some(reason.clone());
                entry.attachments.clear();
            }
            Err(rejected(reason))
        }
        Err(Failure::Internal(problem)) => Err(problem),
    }
}

fn accepted(d: &TestDestination, submission: &str, sub: &Submission) -> Response {
    let mut response = (
        StatusCode::ACCEPTED,
        Json(json!({
            "destinationId": d.id,
            "submissionId": submission,
            "caseId": sub.case_id,
            "status": sub.state,
            // Not part of FIT-Connect: the reference number the demo authority filed it under.
            "reference": sub.reference,
        })),
    )
        .into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn status(
    State(state): State<AppState>,
    headers: HeaderMap,
    UrlPath(submission): UrlPath<String>,
) -> Result<Response, Problem> {
    let d = dest(&state)?;
    d.authorized(&headers)?;
    let sub = d
        .submissions
        .lock()
        .expect("lock")
        .get(&submission, Instant::now())
        .cloned()
        .ok_or_else(|| Problem::not_found("no such submission"))?;
    Ok(Json(json!({
        "submissionId": submission,
        "caseId": sub.case_id,
        "destinationId": d.id,
        "serviceType": { "identifier": sub.service },
        "status": sub.state,
        "problem": sub.problem,
    }))
    .into_response())
}

enum Failure {
    Rejected(String),
    Internal(Problem),
}

impl From<String> for Failure {
    fn from(reason: String) -> Self {
        Failure::Rejected(reason)
    }
}

/// Decrypt and check everything; store the application. Returns its reference number.
async fn verify_and_store(
    state: &AppState,
    d: &TestDestination,
    submission: &str,
    sub: &Submission,
    request: &SubmitBody,
) -> Result<String, Failure> {
    // Metadata: decrypt, official schema (when given), structure.
    let metadata_bytes = d.decrypt("metadata", &request.encrypted_metadata)?;
    let metadata_json: Value =
        serde_json::from_slice(&metadata_bytes).map_err(|e| format!("metadata: not JSON ({e})"))?;
    if let Some(schema) = &d.metadata_schema {
        if let Some(error) = schema.iter_errors(&metadata_json).next() {
            // The path and the rule, never the value (a reply address is personal data).
            return Err(format!(
                "metadata violates the metadata schema at {} (rule {})",
                error.instance_path(),
                error.schema_path()
            )
            .into());
        }
    }
    let metadata: Metadata =
        serde_json::from_value(metadata_json).map_err(|e| format!("metadata violates the metadata schema: {e}"))?;
    if let Some(problem) = metadata.problems().into_iter().next() {
        return Err(format!("metadata violates the metadata schema: {problem}").into());
    }
    let data_meta =
        metadata.content_structure.data.clone().ok_or_else(|| "metadata: no contentStructure.data".to_owned())?;

    // The form: the service of the submission and the schema the metadata names.
    let (_, schema_uri, form_id) = services(state, d)
        .into_iter()
        .find(|(identifier, _, _)| *identifier == sub.service)
        .ok_or_else(|| "the service of this submission is no longer offered".to_owned())?;
    if data_meta.submission_schema.schema_uri != schema_uri {
        return Err(format!(
            "metadata names the data schema {}, but this service expects {schema_uri}",
            data_meta.submission_schema.schema_uri
        )
        .into());
    }
    if data_meta.submission_schema.mime_type != "application/json" {
        return Err("this destination takes data as application/json".to_owned().into());
    }
    let entry = state.catalog.current(&form_id).ok_or_else(|| "the form is no longer served".to_owned())?;

    // Data: decrypt, hash, payload schema, antrag-core.
    let encrypted_data = request.encrypted_data.as_deref().ok_or_else(|| "encryptedData is missing".to_owned())?;
    let data_bytes = d.decrypt("data", encrypted_data)?;
    let hash = Hash::sha512(&data_bytes);
    if hash.content != data_meta.hash.content {
        return Err("hash mismatch: the data do not match contentStructure.data.hash".to_owned().into());
    }
    let data: Value = serde_json::from_slice(&data_bytes).map_err(|e| format!("data: not JSON ({e})"))?;
    let payload_schema = antrag_core::payload_schema(entry.form.def());
    let validator = jsonschema::draft202012::new(&payload_schema)
        .map_err(|e| Failure::Internal(crate::api::internal(format!("payload schema: {e}"))))?;
    if let Some(error) = validator.iter_errors(&data).next() {
        return Err(format!(
            "data violate the payload schema of the form at {} (rule {})",
            error.instance_path(),
            error.schema_path()
        )
        .into());
    }

    // Attachments: exactly the announced ones; decrypt, hash, media type.
    let mut listed: Vec<&str> =
        metadata.content_structure.attachments.iter().map(|a| a.attachment_id.as_str()).collect();
    listed.sort_unstable();
    let mut announced: Vec<&str> = sub.announced.iter().map(String::as_str).collect();
    announced.sort_unstable();
    if listed != announced {
        return Err("metadata lists other attachments than were announced".to_owned().into());
    }
    let mut files: Vec<(Attachment, Vec<u8>)> = Vec::new();
    for meta in &metadata.content_structure.attachments {
        let jwe = sub
            .attachments
            .get(&meta.attachment_id)
            .ok_or_else(|| format!("attachment {} missing", meta.attachment_id))?;
        let bytes = d.decrypt(&format!("attachment {}", meta.attachment_id), jwe)?;
        if Hash::sha512(&bytes).content != meta.hash.content {
            return Err(format!(
                "hash mismatch: attachment {} does not match its hash in the metadata",
                meta.attachment_id
            )
            .into());
        }
        if let Some(kind) = infer::get(&bytes) {
            if kind.mime_type() != meta.mime_type {
                return Err(format!(
                    "attachment {} is {}, but the metadata says {}",
                    meta.attachment_id,
                    kind.mime_type(),
                    meta.mime_type
                )
                .into());
            }
        }
        let sha512 = Hash::sha512(&bytes).content;
        files.push((
            Attachment {
                id: meta.attachment_id.clone(),
                form_id: form_id.clone(),
                field: String::new(),
                name: meta.filename.clone().unwrap_or_else(|| meta.attachment_id.clone()),
                media_type: meta.mime_type.clone(),
                size: bytes.len() as u64,
                sha512,
                created_at: state.clock.now_rfc3339(),
                claimed: false,
            },
            bytes,
        ));
    }
    // The files the answers name are exactly these attachments, with their sizes and types.
    let answers: antrag_core::Answers = data.as_object().cloned().ok_or_else(|| "data: not an object".to_owned())?;
    let refs = antrag_core::file_refs(&entry.form, &answers);
    let mut named: Vec<&str> = refs.iter().flat_map(|(_, f)| f.iter().map(|r| r.id.as_str())).collect();
    named.sort_unstable();
    let mut carried: Vec<&str> = files.iter().map(|(a, _)| a.id.as_str()).collect();
    carried.sort_unstable();
    if named != carried {
        return Err("the answers name other files than the submission carries".to_owned().into());
    }
    for (_, list) in &refs {
        for r in list {
            let (file, _) = files.iter().find(|(a, _)| a.id == r.id).expect("matched above");
            if r.size != file.size || r.media_type != file.media_type {
                return Err(format!("the answers describe attachment {} differently than the metadata", r.id).into());
            }
        }
    }
    let date = metadata.additional_reference_info.as_ref().and_then(|r| r.application_date.as_deref());
    let ctx = Context::on(state.clock.request_today(date));
    let payload = check(&entry.form, &answers, &ctx).map_err(|report| {
        let issue = &report.issues[0];
        format!("the answers are not valid: {} {} ({} problem(s))", issue.path, issue.error.code(), report.issues.len())
    })?;

    // Store: the files, then the application (idempotent per FIT-Connect submission).
    for (attachment, bytes) in &files {
        let known = state
            .store
            .attachment(attachment.id.clone())
            .await
            .map_err(|e| Failure::Internal(crate::api::internal(e)))?;
        if known.is_none() {
            let received = state.store.scratch_dir().join(format!("upload-{}.part", attachment.id));
            tokio::fs::write(&received, bytes).await.map_err(|e| Failure::Internal(crate::api::internal(e)))?;
            state
                .store
                .add_attachment(attachment.clone(), received)
                .await
                .map_err(|e| Failure::Internal(crate::api::internal(e)))?;
        }
    }
    let def = entry.form.def();
    let now = state.clock.now();
    let new = NewSubmission {
        idempotency_key: format!("fit-connect-{submission}"),
        request_sha256: hash.content.chars().take(64).collect(),
        form_id: def.id.clone(),
        form_version: def.version.clone(),
        language: def.default_language.clone(),
        payload,
        reference_prefix: def.service.reference_prefix.clone().unwrap_or_else(|| "ANT".into()),
        year: now.year(),
        received_at: crate::clock::rfc3339(now),
        status_token: random_token(32),
        attachment_ids: files.iter().map(|(a, _)| a.id.clone()).collect(),
        routing: Some(
            json!({ "fitConnect": { "submissionId": submission, "caseId": sub.case_id, "destinationId": d.id } }),
        ),
        status: "received".into(),
        fee: None,
    };
    match state.store.submit(new).await.map_err(|e| Failure::Internal(crate::api::internal(e)))? {
        SubmitOutcome::Created(receipt) | SubmitOutcome::Replayed(receipt) => {
            tracing::info!(reference = %receipt.reference, "FIT-Connect submission verified and stored");
            Ok(receipt.reference)
        }
        SubmitOutcome::KeyReused => Err("this submission was stored before with other contents".to_owned().into()),
        SubmitOutcome::AttachmentUnavailable(id) => Err(format!("attachment {id} is not available").into()),
    }
}
