//! A load balancer for tests: requests alternate between the instances behind it, one
//! request to the next instance, as a round-robin balancer does; an instance that refuses
//! the connection (killed, restarting) is skipped. An answer cut off mid-way is a 502, as a
//! real balancer gives.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, StatusCode};
use axum::response::{IntoResponse, Response};

/// A running balancer.
pub struct Balancer {
    /// Its API base, e.g. `http://127.0.0.1:41234/api/v1`.
    pub base: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Balancer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct Upstreams {
    origins: Vec<String>,
    turn: AtomicUsize,
    client: reqwest::Client,
}

/// Balance between the API bases `bases` (`http://127.0.0.1:PORT/api/v1`).
pub async fn start(bases: &[&str]) -> Balancer {
    let origins = bases.iter().map(|b| b.trim_end_matches("/api/v1").to_owned()).collect();
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let upstreams = Arc::new(Upstreams { origins, turn: AtomicUsize::new(0), client });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/api/v1", listener.local_addr().unwrap());
    let app = axum::Router::new().fallback(forward).with_state(upstreams);
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Balancer { base, task }
}

const HOP_BY_HOP: [&str; 5] = ["host", "connection", "transfer-encoding", "content-length", "keep-alive"];

async fn forward(State(up): State<Arc<Upstreams>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 64 * 1024 * 1024).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
    let first = up.turn.fetch_add(1, Ordering::Relaxed);
    for i in 0..up.origins.len() {
        let origin = &up.origins[(first + i) % up.origins.len()];
        let mut outgoing = up.client.request(parts.method.clone(), format!("{origin}{path}")).body(body.clone());
        for (name, value) in &parts.headers {
            if !HOP_BY_HOP.contains(&name.as_str()) {
                outgoing = outgoing.header(name, value);
            }
        }
        let answer = match outgoing.send().await {
            Ok(answer) => answer,
            // Not reachable: the next instance, as a balancer's health check would.
            Err(e) if e.is_connect() => continue,
            Err(_) => return StatusCode::BAD_GATEWAY.into_response(),
        };
        let status = answer.status();
        let headers = answer.headers().clone();
        let Ok(bytes) = answer.bytes().await else { return StatusCode::BAD_GATEWAY.into_response() };
        let mut response = Response::new(Body::from(bytes));
        *response.status_mut() = status;
        for (name, value) in &headers {
            if !HOP_BY_HOP.contains(&name.as_str()) {
                response.headers_mut().append(HeaderName::from(name), value.clone());
            }
        }
        return response;
    }
    StatusCode::BAD_GATEWAY.into_response()
}
