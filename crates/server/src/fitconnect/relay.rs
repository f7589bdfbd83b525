//! The relay's routes under `/api/v1` (see [`super`]): which transport a form uses, and the
//! Submission API calls a browser may make through this server.

use axum::body::Body;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use futures_util::StreamExt;

use super::destination::SUBMISSION_LIFETIME;
use super::{relay_problem, MAX_RELAYED};
use crate::api::{admit, read_limited};
use crate::clock::rfc3339;
use crate::problem::Problem;
use crate::state::AppState;

/// The relay routes under `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/forms/{id}/transport", get(transport))
        .route("/fit-connect/destinations/{destination}", get(get_destination))
        .route("/fit-connect/destinations/{destination}/keys/{kid}", get(get_key))
        .route("/fit-connect/submissions", post(create_submission))
        .route("/fit-connect/submissions/{submission}", put(submit).get(get_submission))
        .route(
            "/fit-connect/submissions/{submission}/attachments/{attachment}",
            put(upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
}

/// `GET /api/v1/forms/{id}/transport`: how the app sends this form.
async fn transport(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, Problem> {
    let entry = state.catalog.current(&id).ok_or_else(|| Problem::not_found(format!("there is no form \"{id}\"")))?;
    let mut response = Json(state.fit.transport(&entry)).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}

fn forbidden_destination() -> Problem {
    Problem::new(
        StatusCode::FORBIDDEN,
        "fit-connect-destination",
        "Destination not allowed",
        "this server relays only to the destinations configured for its forms",
    )
}

fn unknown_submission() -> Problem {
    Problem::not_found("no submission with this id was created through this server")
}

async fn get_destination(State(state): State<AppState>, Path(destination): Path<String>) -> Result<Response, Problem> {
    if !state.fit.allowed_destination(&destination) {
        return Err(forbidden_destination());
    }
    state.fit.forward(Method::GET, &format!("/destinations/{destination}"), None, bytes::Bytes::new()).await
}

async fn get_key(
    State(state): State<AppState>,
    Path((destination, kid)): Path<(String, String)>,
) -> Result<Response, Problem> {
    if !state.fit.allowed_destination(&destination) {
        return Err(forbidden_destination());
    }
    let kid: String = kid.chars().filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c)).collect();
    let response = state
        .fit
        .forward(Method::GET, &format!("/destinations/{destination}/keys/{kid}"), None, bytes::Bytes::new())
        .await?;
    if !response.status().is_success() {
        return Ok(response);
    }
    // A browser encrypts for this key: pass it on only when its certificate chain holds.
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 256 * 1024).await.map_err(|_| relay_problem("answer broke off"))?;
    let jwk: Value = serde_json::from_slice(&bytes).map_err(|_| relay_problem("the key is not JSON"))?;
    if let Err(reason) = state.fit.check_key(&jwk, &kid, state.clock.now().unix_timestamp()) {
        tracing::warn!(destination = %destination, kid = %kid, reason = %reason, "FIT-Connect key refused");
        return Err(Problem::new(
            StatusCode::BAD_GATEWAY,
            "fit-connect-key-untrusted",
            "The destination's key is not trusted",
            format!("the key {kid} of destination {destination} was refused: {reason}"),
        ));
    }
    Ok(Response::from_parts(parts, Body::from(bytes)))
}

async fn create_submission(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    admit(&state, peer, &headers)?;
    let body = read_limited(body, 64 * 1024).await?;
    let request: Value = serde_json::from_slice(&body).map_err(|_| Problem::bad_request("the body is not JSON"))?;
    let destination = request["destinationId"].as_str().unwrap_or_default();
    if !state.fit.allowed_destination(destination) {
        return Err(forbidden_destination());
    }
    let busy = || Problem::busy(60, "too many FIT-Connect submissions are in progress; try again in a minute");
    if !state.store.relayed_room(state.clock.now_rfc3339(), MAX_RELAYED).await.map_err(crate::api::internal)? {
        return Err(busy());
    }
    let response = state.fit.forward(Method::POST, "/submissions", Some("application/json"), body).await?;
    if response.status().is_success() {
        // Remember the id so that only submissions started here can be continued here.
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, 1024 * 1024).await.map_err(|_| relay_problem("answer broke off"))?;
        if let Some(id) =
            serde_json::from_slice::<Value>(&bytes).ok().and_then(|v| v["submissionId"].as_str().map(str::to_owned))
        {
            let now = state.clock.now();
            let until = now + time::Duration::seconds(SUBMISSION_LIFETIME.as_secs() as i64);
            let kept = state
                .store
                .remember_relayed(id, destination.to_owned(), rfc3339(now), rfc3339(until), MAX_RELAYED)
                .await
                .map_err(crate::api::internal)?;
            if !kept {
                return Err(busy());
            }
        }
        return Ok(Response::from_parts(parts, Body::from(bytes)));
    }
    Ok(response)
}

async fn known(state: &AppState, submission: &str) -> Result<(), Problem> {
    let now = state.clock.now_rfc3339();
    if state.store.is_relayed(submission.to_owned(), now).await.map_err(crate::api::internal)? {
        Ok(())
    } else {
        Err(unknown_submission())
    }
}

async fn upload(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path((submission, attachment)): Path<(String, String)>,
    body: Body,
) -> Result<Response, Problem> {
    admit(&state, peer, &headers)?;
    known(&state, &submission).await?;
    if !crate::shared::is_uuid(&attachment) {
        return Err(Problem::bad_request("the attachment id must be a UUID"));
    }
    // A JWE is the file in base64url plus about 1 KB. It streams through to the Submission
    // API chunk by chunk and is cut off past the limit; nothing of it is held here.
    let limit = state.config.max_upload_bytes / 3 * 4 + 4096;
    let announced =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|length| length > limit) {
        return Err(Problem::too_large(limit));
    }
    let too_large = Arc::new(AtomicBool::new(false));
    let flag = too_large.clone();
    let mut seen = 0u64;
    let stream = body.into_data_stream().map(move |chunk| {
        let chunk = chunk.map_err(std::io::Error::other)?;
        seen += chunk.len() as u64;
        if seen > limit {
            flag.store(true, Ordering::Relaxed);
            return Err(std::io::Error::other("the upload is larger than allowed"));
        }
        Ok(chunk)
    });
    let result = state
        .fit
        .forward_stream(
            Method::PUT,
            &format!("/submissions/{submission}/attachments/{attachment}"),
            Some("application/jose"),
            reqwest::Body::wrap_stream(stream),
        )
        .await;
    if too_large.load(Ordering::Relaxed) {
        return Err(Problem::too_large(limit));
    }
    result
}

async fn submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(submission): Path<String>,
    body: Body,
) -> Result<Response, Problem> {
    admit(&state, peer, &headers)?;
    known(&state, &submission).await?;
    let body = read_limited(body, state.config.max_body_bytes as u64 * 2).await?;
    state.fit.forward(Method::PUT, &format!("/submissions/{submission}"), Some("application/json"), body).await
}

async fn get_submission(State(state): State<AppState>, Path(submission): Path<String>) -> Result<Response, Problem> {
    known(&state, &submission).await?;
    state.fit.forward(Method::GET, &format!("/submissions/{submission}"), None, bytes::Bytes::new()).await
}
