//! The load command: N concurrent clients each send M submissions (valid example answers,
//! unique idempotency keys), and a share of them is sent twice as a client would after a lost
//! response. Afterwards the rows are counted through the clerk inbox: zero lost, zero
//! duplicated. Prints throughput and latency percentiles.
//!
//! Clients behave like the web app: an answer 503 or 429 (server busy, rate limited) is
//! retried with the same key after its `Retry-After`, and a failed connection or a gateway's
//! 502/504 after a short pause, up to [`MAX_ATTEMPTS`] times; the run reports how often that
//! happened. So a run against a server whose limits it exceeds — or against instances that
//! are killed and restarted during the run — shows whether the service stays up and loses
//! nothing.
//!
//! Given several API bases (instances of one service on one database), the requests
//! alternate between them, so every retry goes to the next instance.

use std::time::{Duration, Instant};

use antrag_core::Answers;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::conformance::{built_in_answers, new_key, upload_files};

/// Sends of one submission at most, busy answers included.
pub const MAX_ATTEMPTS: usize = 100;

/// Load parameters.
#[derive(Debug, Clone)]
pub struct Options {
    /// API bases, e.g. `http://127.0.0.1:8080/api/v1`: one, or several instances of one
    /// service that the requests alternate between.
    pub base_urls: Vec<String>,
    /// Concurrent clients.
    pub clients: usize,
    /// Submissions per client.
    pub submissions: usize,
    /// Form to submit.
    pub form: String,
    /// Clerk token, to count the stored rows.
    pub inbox_token: Option<String>,
    /// Every n-th submission is sent a second time with the same key (0: never).
    pub retry_every: usize,
    /// The day the submissions are dated (`clientDate`) and the example answers' relative
    /// dates are resolved for.
    pub today: antrag_core::Date,
}

/// What the run measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Distinct submissions sent (= keys).
    pub sent: usize,
    /// Extra sends with a repeated key.
    pub retries: usize,
    /// Submissions that did not end in 201 (after retrying busy answers).
    pub failures: usize,
    /// Busy answers (503, 429) that were retried after their `Retry-After`.
    pub busy: usize,
    /// Sends that met no answer (connection failed or cut, or a gateway's 502/504) and were
    /// retried with the same key.
    pub unanswered: usize,
    /// Whether every stored submission has its own reference number (when countable).
    pub references_unique: Option<bool>,
    /// Rows the backend holds now minus before (when countable).
    pub stored: Option<u64>,
    /// Wall time.
    pub elapsed: Duration,
    /// Latency percentiles (p50, p90, p99, max) in milliseconds.
    pub latency_ms: [f64; 4],
}

impl Report {
    /// Submissions per second (first sends only).
    pub fn throughput(&self) -> f64 {
        self.sent as f64 / self.elapsed.as_secs_f64()
    }

    /// Human-readable summary.
    pub fn summary(&self) -> String {
        let stored = match self.stored {
            Some(n) => {
                let lost = (self.sent as u64).saturating_sub(n);
                let duplicated = n.saturating_sub(self.sent as u64);
                format!("{n} stored: {lost} lost, {duplicated} duplicated")
            }
            None => "stored rows not counted (no --inbox-token)".into(),
        };
        let references = match self.references_unique {
            Some(true) => "; references unique",
            Some(false) => "; REFERENCES DUPLICATED",
            None => "",
        };
        format!(
            "{} submissions + {} retried keys in {:.1} s: {:.0} submissions/s; latency p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {} busy answers and {} unanswered sends retried; {} failed; {stored}{references}",
            self.sent,
            self.retries,
            self.elapsed.as_secs_f64(),
            self.throughput(),
            self.latency_ms[0],
            self.latency_ms[1],
            self.latency_ms[2],
            self.latency_ms[3],
            self.busy,
            self.unanswered,
            self.failures
        )
    }

    /// Whether every submission is stored exactly once.
    pub fn exact(&self) -> bool {
        self.failures == 0 && self.stored == Some(self.sent as u64) && self.references_unique != Some(false)
    }
}

async fn count(client: &Client, base: &str, token: &str) -> Result<u64, String> {
    let r = client
        .get(format!("{base}/inbox/submissions?limit=1"))
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let body: Value = r.json().await.map_err(|e| e.to_string())?;
    body["total"].as_u64().ok_or_else(|| "the inbox gave no total".to_owned())
}

/// Whether the stored submissions' references are all different (paged through the inbox).
async fn references_unique(client: &Client, base: &str, token: &str) -> Result<bool, String> {
    let mut seen = std::collections::HashSet::new();
    let mut offset = 0;
    loop {
        let r = client
            .get(format!("{base}/inbox/submissions?limit=500&offset={offset}"))
            .bearer_auth(token)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let body: Value = r.json().await.map_err(|e| e.to_string())?;
        let page = body["submissions"].as_array().ok_or("the inbox gave no list")?;
        for s in page {
            if !seen.insert(s["reference"].as_str().unwrap_or_default().to_owned()) {
                return Ok(false);
            }
        }
        if page.len() < 500 {
            return Ok(true);
        }
        offset += page.len();
    }
}

/// Run the load.
pub async fn run(options: Options) -> Result<Report, String> {
    let bases: Vec<String> = options.base_urls.iter().map(|b| b.trim_end_matches('/').to_owned()).collect();
    let base = bases.first().cloned().ok_or("name at least one API base")?;
    let client = Client::builder()
        .pool_max_idle_per_host(options.clients)
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| e.to_string())?;
    let definition: Value = client
        .get(format!("{base}/forms/{}", options.form))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let form = antrag_core::Form::new(antrag_core::lint::parse_value(definition).map_err(|p| p[0].to_string())?)
        .map_err(|p| p[0].to_string())?;
    let mut answers: Answers = serde_json::from_value(
        built_in_answers(&options.form, options.today).ok_or("no example answers for this form")?,
    )
    .map_err(|e| e.to_string())?;
    if !antrag_core::file_refs(&form, &answers).is_empty() {
        return Err("choose a form whose example answers have no files (attachments are claimed once)".into());
    }
    upload_files(&client, &base, &[], &form, &mut answers).await?;
    let body = json!({
        "formId": form.def().id, "formVersion": form.def().version, "language": form.def().default_language, "data": answers,
        "clientDate": options.today.to_string()
    });
    let before = match &options.inbox_token {
        Some(t) => Some(count(&client, &base, t).await?),
        None => None,
    };

    let started = Instant::now();
    let turn = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let bases = std::sync::Arc::new(bases);
    let mut tasks = Vec::new();
    for c in 0..options.clients {
        let (client, bases, turn, body) = (client.clone(), bases.clone(), turn.clone(), body.clone());
        let (m, retry_every) = (options.submissions, options.retry_every);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(m);
            let (mut failures, mut retries, mut busy, mut unanswered) = (0usize, 0usize, 0usize, 0usize);
            for i in 0..m {
                let key = new_key();
                let sends = if retry_every > 0 && (c * m + i) % retry_every == 0 { 2 } else { 1 };
                for _ in 0..sends {
                    let t = Instant::now();
                    let mut ok = false;
                    for _ in 0..MAX_ATTEMPTS {
                        let base = &bases[turn.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % bases.len()];
                        let response = client
                            .post(format!("{base}/submissions"))
                            .header("Idempotency-Key", &key)
                            .json(&body)
                            .send()
                            .await;
                        let response = match response {
                            Ok(r)
                                if r.status() != StatusCode::BAD_GATEWAY
                                    && r.status() != StatusCode::GATEWAY_TIMEOUT =>
                            {
                                r
                            }
                            _ => {
                                // No answer: the same key again, as the web app does.
                                unanswered += 1;
                                tokio::time::sleep(Duration::from_millis(200)).await;
                                continue;
                            }
                        };
                        let status = response.status();
                        if status == StatusCode::SERVICE_UNAVAILABLE || status == StatusCode::TOO_MANY_REQUESTS {
                            busy += 1;
                            let wait = response
                                .headers()
                                .get("retry-after")
                                .and_then(|v| v.to_str().ok())
                                .and_then(|v| v.parse::<u64>().ok())
                                .unwrap_or(1);
                            tokio::time::sleep(Duration::from_secs(wait.min(30))).await;
                            continue;
                        }
                        ok = status == StatusCode::CREATED;
                        break;
                    }
                    latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                    failures += usize::from(!ok);
                }
                retries += sends - 1;
            }
            (latencies, failures, retries, busy, unanswered)
        }));
    }
    let mut latencies = Vec::new();
    let (mut failures, mut retries, mut busy, mut unanswered) = (0, 0, 0, 0);
    for task in tasks {
        let (l, f, r, b, u) = task.await.map_err(|e| e.to_string())?;
        latencies.extend(l);
        failures += f;
        retries += r;
        busy += b;
        unanswered += u;
    }
    let elapsed = started.elapsed();
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| latencies.get(((latencies.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or(0.0);
    let (stored, references_unique) = match (&options.inbox_token, before) {
        (Some(t), Some(b)) => {
            (Some(count(&client, &base, t).await? - b), Some(references_unique(&client, &base, t).await?))
        }
        _ => (None, None),
    };
    Ok(Report {
        sent: options.clients * options.submissions,
        retries,
        failures,
        busy,
        unanswered,
        references_unique,
        stored,
        elapsed,
        latency_ms: [pct(0.5), pct(0.9), pct(0.99), latencies.last().copied().unwrap_or(0.0)],
    })
}
