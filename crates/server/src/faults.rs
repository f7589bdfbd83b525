//! Fault injection for tests (off by default; `--enable-faults` mounts it): a queue of faults
//! that the next submissions meet, set through `POST /api/v1/_faults`. Proves that clients
//! neither lose nor duplicate submissions when things go wrong.

use std::collections::VecDeque;
use std::sync::Mutex;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::problem::Problem;

/// One fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "fault")]
pub enum Fault {
    /// Answer 500 before storing anything.
    FailBeforeCommit,
    /// Store the submission, then drop the connection without an answer.
    DropAfterCommit,
    /// Store the submission, then never answer: the instance is killed with the request in
    /// flight (the client's retry goes to another instance).
    HangAfterCommit,
    /// Answer with this status (500, 503, 429; with Retry-After for the last two).
    Status {
        /// HTTP status.
        status: u16,
    },
    /// Wait this long before handling the request (past the client's timeout).
    Delay {
        /// Milliseconds.
        ms: u64,
    },
}

/// The queue of faults for the next submissions.
#[derive(Debug, Default)]
pub struct Faults {
    queue: Mutex<VecDeque<Fault>>,
}

impl Faults {
    /// The next fault, if any.
    pub fn next(&self) -> Option<Fault> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner()).pop_front()
    }

    /// Replace the queue.
    pub fn replace(&self, faults: Vec<Fault>) {
        *self.queue.lock().unwrap_or_else(|p| p.into_inner()) = faults.into();
    }

    /// The faults still queued.
    pub fn pending(&self) -> Vec<Fault> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner()).iter().cloned().collect()
    }
}

/// Body of `POST /api/v1/_faults`.
#[derive(Debug, Deserialize)]
pub struct Plan {
    /// Faults for the next submissions, in order.
    pub submissions: Vec<Fault>,
}

/// What a fault does before the submission is handled: `Some(response)` ends the request.
pub async fn before(fault: &Option<Fault>) -> Option<Response> {
    match fault {
        Some(Fault::FailBeforeCommit) => Some(Problem::internal().into_response()),
        Some(Fault::Status { status }) => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut problem =
                Problem::new(status, "injected", "Injected fault", format!("fault injection answered {status}"));
            if status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE {
                problem.retry_after = Some(1);
            }
            Some(problem.into_response())
        }
        Some(Fault::Delay { ms }) => {
            tokio::time::sleep(std::time::Duration::from_millis(*ms)).await;
            None
        }
        Some(Fault::DropAfterCommit | Fault::HangAfterCommit) | None => None,
    }
}

/// A response whose body fails at once: the connection is closed without a usable answer.
pub fn dropped() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<bytes::Bytes, std::io::Error>(std::io::Error::other("injected: response dropped"))
    });
    Response::new(axum::body::Body::from_stream(stream))
}
