//! Errors as `application/problem+json` (RFC 9457). Every error answer of the API is one.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

/// Base of the problem type URIs; the documentation lists each type.
pub const TYPE_BASE: &str = "https://antrag.dev/problems/";

/// An API error.
#[derive(Debug, Clone)]
pub struct Problem {
    /// HTTP status.
    pub status: StatusCode,
    /// Problem type slug (`validation`, `unknown-form`, …).
    pub kind: &'static str,
    /// Short, fixed summary of the type.
    pub title: &'static str,
    /// Explanation of this occurrence (never containing personal data).
    pub detail: String,
    /// Extension members (`issues`, `currentVersion`, …).
    pub extensions: Box<Map<String, Value>>,
    /// Seconds after which a retry makes sense (429, 503).
    pub retry_after: Option<u64>,
}

impl Problem {
    /// A problem without extensions.
    pub fn new(status: StatusCode, kind: &'static str, title: &'static str, detail: impl Into<String>) -> Self {
        Problem { status, kind, title, detail: detail.into(), extensions: Box::default(), retry_after: None }
    }

    /// Add an extension member.
    pub fn with(mut self, key: &str, value: Value) -> Self {
        self.extensions.insert(key.to_owned(), value);
        self
    }

    /// 400: the body is not the JSON the endpoint expects.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::BAD_REQUEST, "bad-request", "The request is malformed", detail)
    }

    /// 404.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
    }

    /// 500, logged by the caller; the detail never reveals internals.
    pub fn internal() -> Self {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "The server could not complete the request. Please try again.",
        )
    }

    /// 413.
    pub fn too_large(limit: u64) -> Self {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "The request body is too large",
            format!("at most {limit} bytes are accepted"),
        )
        .with("limit", json!(limit))
    }

    /// 429 with Retry-After.
    pub fn rate_limited(retry_after: u64) -> Self {
        let mut p = Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "Too many requests",
            format!("retry after {retry_after} seconds"),
        );
        p.retry_after = Some(retry_after);
        p
    }

    /// 503 with Retry-After: the server is at a capacity limit; the request may be repeated.
    pub fn busy(retry_after: u64, detail: impl Into<String>) -> Self {
        let mut p = Problem::new(StatusCode::SERVICE_UNAVAILABLE, "busy", "The server is busy", detail);
        p.retry_after = Some(retry_after);
        p
    }

    /// The problem's JSON body.
    pub fn body(&self) -> Value {
        let mut body = json!({
            "type": format!("{TYPE_BASE}{}", self.kind),
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        if let Some(obj) = body.as_object_mut() {
            obj.extend(self.extensions.as_ref().clone());
        }
        body
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut response = (self.status, serde_json::to_string(&self.body()).unwrap_or_default()).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// Turn error answers that did not come from our handlers (axum's own rejections: unknown
/// method, body over the limit, malformed query) into problem+json too, so every error of the
/// API has the same shape.
pub async fn problem_json(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json"));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let (kind, title) = match status {
        StatusCode::BAD_REQUEST => ("bad-request", "The request is malformed"),
        StatusCode::NOT_FOUND => ("not-found", "Not found"),
        StatusCode::METHOD_NOT_ALLOWED => ("method-not-allowed", "Method not allowed"),
        StatusCode::PAYLOAD_TOO_LARGE => ("too-large", "The request body is too large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported-media-type", "Unsupported media type"),
        StatusCode::UNPROCESSABLE_ENTITY => ("unprocessable", "The request cannot be processed"),
        s if s.is_server_error() => ("internal", "Internal error"),
        _ => ("error", "The request failed"),
    };
    let detail = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "the body is larger than this endpoint accepts".to_owned(),
        StatusCode::METHOD_NOT_ALLOWED => "this endpoint does not support the method".to_owned(),
        s if s.is_server_error() => "The server could not complete the request. Please try again.".to_owned(),
        _ => "the request does not have the form this endpoint expects".to_owned(),
    };
    Problem::new(status, kind, title, detail).into_response()
}
