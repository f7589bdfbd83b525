//! The contract against the real server process: the conformance kit passes (and fails against
//! a backend that breaks idempotency), retries and lost responses never make a second row,
//! limits answer with problem+json, every documented path exists, and a load run is exact.

use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

mod support;

use antrag_server::conformance::{self, new_key, Options};
use serde_json::{json, Value};
use support::Server;

const TOKEN: &str = "contract-test-token";

async fn start(extra: &[&str]) -> Server {
    support::start(|command| {
        command.args(["--inbox-token", TOKEN, "--log-format", "json"]).args(extra);
    })
    .await
}

async fn rows(base: &str) -> u64 {
    let r: Value =
        support::json(reqwest::Client::new().get(format!("{base}/inbox/submissions?limit=1")).bearer_auth(TOKEN)).await;
    r["total"].as_u64().unwrap()
}

fn valid_body() -> Value {
    let today = antrag_testing::today();
    json!({
        "formId": "bewohnerparkausweis", "formVersion": "1.0.0", "language": "de",
        "data": conformance::built_in_answers("bewohnerparkausweis", today).unwrap(),
        "clientDate": today.to_string()
    })
}

async fn submit(base: &str, key: &str, body: &Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{base}/submissions"))
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_reference_server_passes_the_conformance_kit() {
    let server = start(&[]).await;
    let outcome = kit_against(server.base.clone()).await;
    assert!(outcome.passed(), "\n{}", outcome.table());
    assert!(outcome.checks.len() >= 19);
    let same = outcome.checks.iter().find(|c| c.name == "submit.same_reports").unwrap();
    assert!(same.detail.starts_with("5 shared invalid example(s) of bewohnerparkausweis"), "{}", same.detail);
}

/// A backend in front of the reference server that changes requests and answers on the way:
/// `fresh_keys` gives every submission a new Idempotency-Key, `answer` rewrites response bodies.
async fn tampering_backend(upstream: String, fresh_keys: bool, answer: fn(u16, Vec<u8>) -> Vec<u8>) -> String {
    let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
        let upstream = upstream.clone();
        async move {
            let (parts, body) = request.into_parts();
            let bytes = axum::body::to_bytes(body, 16 * 1024 * 1024).await.unwrap_or_default();
            let path =
                parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/").trim_start_matches("/api/v1").to_owned();
            let mut request =
                reqwest::Client::new().request(parts.method.clone(), format!("{upstream}{path}")).body(bytes);
            for (name, value) in &parts.headers {
                if name != "host" && name != "content-length" && !(fresh_keys && name == "idempotency-key") {
                    request = request.header(name, value);
                }
            }
            if fresh_keys && parts.headers.contains_key("idempotency-key") {
                request = request.header("Idempotency-Key", new_key());
            }
            let response = request.send().await.unwrap();
            let status = response.status();
            let mut headers = response.headers().clone();
            headers.remove("content-length");
            let body = answer(status.as_u16(), response.bytes().await.unwrap_or_default().to_vec());
            let mut out = axum::response::Response::new(axum::body::Body::from(body));
            *out.status_mut() = status;
            *out.headers_mut() = headers;
            out
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/api/v1")
}

async fn kit_against(base_url: String) -> conformance::Outcome {
    conformance::run(Options { base_url, form: None, answers: None, headers: vec![], today: antrag_testing::today() })
        .await
}

fn failed(outcome: &conformance::Outcome) -> Vec<&str> {
    outcome.checks.iter().filter(|c| !c.passed).map(|c| c.name.as_str()).collect()
}

/// A backend that forgets idempotency keys (it gives every request a fresh one) must fail.
#[tokio::test]
async fn the_kit_fails_a_backend_that_ignores_idempotency() {
    let server = start(&[]).await;
    let outcome = kit_against(tampering_backend(server.base.clone(), true, |_, body| body).await).await;
    assert!(!outcome.passed());
    assert!(failed(&outcome).contains(&"idempotency.replay"), "{}", outcome.table());
    assert!(failed(&outcome).contains(&"idempotency.concurrent"), "{}", outcome.table());
}

/// A backend that validates less than antrag-core (here: it never reports a rule, as a
/// structural JSON Schema check would not) fails the report comparison, and only that.
#[tokio::test]
async fn the_kit_fails_a_backend_whose_reports_differ_from_the_core() {
    let server = start(&[]).await;
    let outcome = kit_against(
        tampering_backend(server.base.clone(), false, |status, body| {
            if status != 422 {
                return body;
            }
            let mut problem: Value = serde_json::from_slice(&body).unwrap();
            if let Some(issues) = problem["issues"].as_array_mut() {
                issues.pop();
            }
            serde_json::to_vec(&problem).unwrap()
        })
        .await,
    )
    .await;
    assert_eq!(failed(&outcome), ["submit.same_reports"], "{}", outcome.table());
    let detail = &outcome.checks.iter().find(|c| c.name == "submit.same_reports").unwrap().detail;
    assert!(detail.contains("where antrag-core reports"), "{detail}");
}

#[tokio::test]
async fn retries_lost_responses_and_concurrent_duplicates_make_one_row() {
    let server = start(&[]).await;
    let body = valid_body();

    // The same key retried: one row, the same receipt.
    let key = new_key();
    let first: Value = submit(&server.base, &key, &body).await.json().await.unwrap();
    let second = submit(&server.base, &key, &body).await;
    assert_eq!(second.status(), 201);
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    assert_eq!(second.json::<Value>().await.unwrap()["reference"], first["reference"]);
    assert_eq!(rows(&server.base).await, 1);

    // The client sends the request and vanishes before the answer (response lost after
    // commit); its retry with the same key gets the stored receipt and no second row.
    let key = new_key();
    let payload = body.to_string();
    let authority = server.base.trim_start_matches("http://").split('/').next().unwrap().to_owned();
    let mut socket = TcpStream::connect(&authority).unwrap();
    write!(
        socket,
        "POST /api/v1/submissions HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\nIdempotency-Key: {key}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{payload}",
        payload.len()
    )
    .unwrap();
    socket.flush().unwrap();
    drop(socket);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let retried = submit(&server.base, &key, &body).await;
    assert_eq!(retried.status(), 201);
    assert_eq!(rows(&server.base).await, 2);

    // Twenty concurrent requests with one key: one row.
    let key = new_key();
    let requests = (0..20).map(|_| submit(&server.base, &key, &body));
    let answers = futures_util::future::join_all(requests).await;
    let mut references = std::collections::BTreeSet::new();
    for a in answers {
        assert_eq!(a.status(), 201);
        references.insert(a.json::<Value>().await.unwrap()["reference"].as_str().unwrap().to_owned());
    }
    assert_eq!(references.len(), 1);
    assert_eq!(rows(&server.base).await, 3);
}

#[tokio::test]
async fn limits_and_framework_errors_are_problem_json() {
    let server = start(&["--rate-limit", "4"]).await;
    let client = reqwest::Client::new();
    let is_problem =
        |r: &reqwest::Response| r.headers()["content-type"].to_str().unwrap().starts_with("application/problem+json");

    // An upload over the field's maxSize (10 MB) is cut off with 413.
    let big = vec![b'%'; 10 * 1024 * 1024 + 1];
    let r = client
        .post(format!(
            "{}/forms/bewohnerparkausweis/versions/1.0.0/attachments?field=fahrzeug.nutzungsnachweis&name=big.pdf",
            server.base
        ))
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert!(is_problem(&r));
    assert_eq!(r.json::<Value>().await.unwrap()["limit"], 10 * 1024 * 1024);
    // A field that is not a file field.
    let r = client
        .post(format!(
            "{}/forms/bewohnerparkausweis/versions/1.0.0/attachments?field=anschrift.plz&name=x.pdf",
            server.base
        ))
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // Missing query parameters: axum's own rejection, turned into problem+json.
    let r = client
        .post(format!("{}/forms/bewohnerparkausweis/versions/1.0.0/attachments", server.base))
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(is_problem(&r));
    // Unknown endpoint, wrong method.
    let r = client.get(format!("{}/nothing-here", server.base)).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(is_problem(&r));
    let r = client.delete(format!("{}/submissions", server.base)).send().await.unwrap();
    assert_eq!(r.status(), 405);
    assert!(is_problem(&r));
    // The inbox needs its token.
    let r = client.get(format!("{}/inbox/submissions", server.base)).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert!(is_problem(&r));

    // Rate limit (4 writes a minute): the two upload attempts that reached a handler used two
    // tokens (the one rejected for missing parameters did not), so two submissions pass.
    let body = valid_body();
    assert_eq!(submit(&server.base, &new_key(), &body).await.status(), 201);
    assert_eq!(submit(&server.base, &new_key(), &body).await.status(), 201);
    let limited = submit(&server.base, &new_key(), &body).await;
    assert_eq!(limited.status(), 429);
    assert!(is_problem(&limited));
    let wait: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait));
}

#[tokio::test]
async fn routing_and_platform_credential() {
    let server = start(&["--platform-auth", "X-Platform-Token=geheim"]).await;
    let mut body = valid_body();
    body["routing"] = json!({"leikaKey": "99108001001000", "ars": "150020000000"});
    let refused = submit(&server.base, &new_key(), &body).await;
    assert_eq!(refused.status(), 401);
    let client = reqwest::Client::new();
    let send = |body: Value| {
        client
            .post(format!("{}/submissions", server.base))
            .header("Idempotency-Key", new_key())
            .header("X-Platform-Token", "geheim")
            .json(&body)
            .send()
    };
    let accepted = send(body.clone()).await.unwrap();
    assert_eq!(accepted.status(), 201);
    let reference = accepted.json::<Value>().await.unwrap()["reference"].as_str().unwrap().to_owned();
    let stored: Value =
        support::json(client.get(format!("{}/inbox/submissions/{reference}", server.base)).bearer_auth(TOKEN)).await;
    assert_eq!(stored["routing"]["ars"], "150020000000");
    // A LeiKa key of another service is refused.
    body["routing"]["leikaKey"] = json!("99999999999999");
    assert_eq!(send(body.clone()).await.unwrap().status(), 422);
    body["routing"] = json!({"ars": "15002"});
    assert_eq!(send(body).await.unwrap().status(), 400);
}

#[tokio::test]
async fn every_documented_path_is_served() {
    let server = start(&[]).await;
    let spec: Value = serde_yaml_ng::from_str(conformance::OPENAPI).unwrap();
    let client = reqwest::Client::new();
    for (path, operations) in spec["paths"].as_object().unwrap() {
        let concrete = path
            .replace("{formId}", "bewohnerparkausweis")
            .replace("{version}", "1.0.0")
            .replace("{token}", "unknown")
            .replace("{reference}", "BPA-0000-000000")
            .replace("{attachmentId}", "unknown")
            .replace("{originatorId}", "antrag")
            .replace("{endPointId}", "test")
            .replace("{transactionId}", "unknown");
        // Pages outside the API (payment) name the server's root in their own `servers`.
        let base = if operations.get("servers").is_some() {
            server.base.trim_end_matches("/api/v1").to_owned()
        } else {
            server.base.clone()
        };
        for method in operations.as_object().unwrap().keys().filter(|m| *m != "parameters" && *m != "servers") {
            let r = client
                .request(method.to_uppercase().parse().unwrap(), format!("{base}{concrete}"))
                .bearer_auth(TOKEN)
                .send()
                .await
                .unwrap();
            let status = r.status();
            let body: Value = r.json().await.unwrap_or(Value::Null);
            assert_ne!(body["detail"], "no such API endpoint", "{method} {path} is documented but not served");
            assert_ne!(status, 405, "{method} {path}");
        }
    }
}

#[tokio::test]
async fn a_load_run_stores_every_submission_exactly_once() {
    let server = start(&["--rate-limit", "0"]).await;
    let report = antrag_server::load::run(antrag_server::load::Options {
        base_urls: vec![server.base.clone()],
        clients: 8,
        submissions: 25,
        form: "bewohnerparkausweis".into(),
        inbox_token: Some(TOKEN.into()),
        retry_every: 5,
        today: antrag_testing::today(),
    })
    .await
    .unwrap();
    assert!(report.exact(), "{}", report.summary());
    assert_eq!(report.retries, 40);
}

#[test]
fn the_schema_check_can_fail() {
    let schemas = conformance::Schemas::load().unwrap();
    assert!(schemas.check("Receipt", &json!({"reference": "BPA-2026-000001", "receivedAt": "2026-11-28T12:00:00Z", "status": "received", "statusUrl": "/x"})).is_empty());
    assert!(!schemas.check("Receipt", &json!({"reference": "nope", "status": "received"})).is_empty());
    assert!(!schemas.check("ValidationProblem", &json!({"type": "x", "title": "t", "status": 422, "detail": "d", "issues": [{"path": "a", "code": "bogus"}]})).is_empty());
}

#[tokio::test]
async fn a_stored_application_is_replayed_even_after_its_form_changed_version() {
    // The citizen's retry (same key, same body) must get its receipt, never 409 "version
    // changed" — else the client sends it again under a new key: a duplicate.
    let data = tempfile::tempdir().unwrap();
    let forms = tempfile::tempdir().unwrap();
    let definition = std::fs::read_to_string(support::root().join("forms/bewohnerparkausweis.json")).unwrap();
    std::fs::write(forms.path().join("bewohnerparkausweis.json"), &definition).unwrap();
    let flags = |command: &mut std::process::Command| {
        command.args(["--inbox-token", TOKEN]);
    };
    let (key, body) = (new_key(), valid_body());
    let first = {
        let server = support::start_in(data.path(), forms.path(), flags).await;
        let response = submit(&server.base, &key, &body).await;
        assert_eq!(response.status(), 201);
        response.json::<Value>().await.unwrap()
    };
    // The municipality publishes a new version of the form.
    let mut changed: Value = serde_json::from_str(&definition).unwrap();
    changed["version"] = json!("2.0.0");
    std::fs::write(forms.path().join("bewohnerparkausweis.json"), changed.to_string()).unwrap();
    let server = support::start_in(data.path(), forms.path(), flags).await;

    let retry = submit(&server.base, &key, &body).await;
    assert_eq!(retry.status(), 201, "a retry of a stored application");
    assert_eq!(retry.headers().get("idempotent-replayed").and_then(|v| v.to_str().ok()), Some("true"));
    let replayed: Value = retry.json().await.unwrap();
    assert_eq!(replayed["reference"], first["reference"]);
    assert_eq!(rows(&server.base).await, 1);

    // The same key for another application is still refused as reused, not as a version change.
    let mut other = valid_body();
    other["clientDate"] = json!(antrag_testing::today().to_string());
    other["language"] = json!("en");
    assert_eq!(submit(&server.base, &key, &other).await.status(), 422);
    // And a new application of the old version gets the version change.
    assert_eq!(submit(&server.base, &new_key(), &body).await.status(), 409);
    assert_eq!(rows(&server.base).await, 1);
}

#[tokio::test]
async fn cors_lets_the_platform_headers_through_and_keeps_private_paths_to_the_origin() {
    let site = "https://www.musterstadt.de";
    let files = support::root().join("public").canonicalize().unwrap();
    let files = files.to_str().unwrap();
    let flags =
        ["--platform-auth", "X-SAC-Session=demo-session", "--cors-origin", site, "--fit-connect-test-destination"];
    let server = start(&[&flags[..], &["--dist-dir", files]].concat()).await;
    let client = reqwest::Client::new();
    let preflight = |origin: &'static str, headers: &'static str| {
        client
            .request(reqwest::Method::OPTIONS, format!("{}/submissions", server.base))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", headers)
            .send()
    };
    let header =
        |r: &reqwest::Response, name: &str| r.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_lowercase);
    // SAC: the session header; OSI: the bearer token.
    for headers in ["content-type,idempotency-key,x-sac-session", "authorization,content-type,idempotency-key"] {
        let answer = preflight(site, headers).await.unwrap();
        assert!(answer.status().is_success(), "{headers}: {}", answer.status());
        assert_eq!(header(&answer, "access-control-allow-origin").as_deref(), Some(site));
        let allowed = header(&answer, "access-control-allow-headers").unwrap_or_default();
        for h in headers.split(',') {
            assert!(allowed.contains(h), "{h} not in {allowed}");
        }
    }
    // Another site gets no permission.
    let foreign = preflight("https://evil.example", "content-type,idempotency-key,x-sac-session").await.unwrap();
    assert_eq!(header(&foreign, "access-control-allow-origin"), None);
    // The real request from the municipality's page.
    let sent = client
        .post(format!("{}/submissions", server.base))
        .header("Origin", site)
        .header("X-SAC-Session", "demo-session")
        .header("Idempotency-Key", new_key())
        .json(&valid_body())
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 201);
    assert_eq!(header(&sent, "access-control-allow-origin").as_deref(), Some(site));
    // Paths behind a login or token are not opened to every site; public files are.
    let root = server.base.trim_end_matches("/api/v1").to_owned();
    for private in ["/inbox/inbox.css", "/fit-connect-test/v1/destinations/unknown"] {
        let answer =
            client.get(format!("{root}{private}")).header("Origin", "https://evil.example").send().await.unwrap();
        assert_eq!(header(&answer, "access-control-allow-origin"), None, "{private}");
    }
    let public = client.get(format!("{root}/boot.js")).send().await.unwrap();
    assert_eq!(header(&public, "access-control-allow-origin").as_deref(), Some("*"), "{public:?}");
    // A widget's prerendered first screen, read by the embed loader on the municipality's site;
    // a page of the server's own is not.
    let first_screen = client.get(format!("{root}/prerender/bewohnerparkausweis.de.html")).send().await.unwrap();
    assert_eq!(first_screen.status(), 200);
    assert_eq!(header(&first_screen, "access-control-allow-origin").as_deref(), Some("*"));
    let page = client.get(format!("{root}/forms/bewohnerparkausweis")).send().await.unwrap();
    assert_eq!(header(&page, "access-control-allow-origin"), None);
}

#[tokio::test]
async fn behind_a_proxy_a_client_cannot_pick_its_own_rate_limit_bucket() {
    // One proxy in front; it appends the address it saw. Whatever the client wrote before that
    // entry is its own invention and must not make it a new client.
    let server = start(&["--rate-limit", "2", "--trust-proxy"]).await;
    let body = valid_body();
    let from = |forwarded: String| {
        reqwest::Client::new()
            .post(format!("{}/submissions", server.base))
            .header("Idempotency-Key", new_key())
            .header("X-Forwarded-For", forwarded)
            .json(&body)
            .send()
    };
    for n in 0..2 {
        assert_eq!(from(format!("198.51.100.{n}, 203.0.113.7")).await.unwrap().status(), 201);
    }
    let limited = from("198.51.100.99, 203.0.113.7".into()).await.unwrap();
    assert_eq!(limited.status(), 429, "a forged first entry must not reset the limit");
    assert_eq!(from("203.0.113.8".into()).await.unwrap().status(), 201, "another client still gets in");
    // IPv6: a client holds a /64; a new address in it is the same client.
    for host in ["1", "2"] {
        assert_eq!(from(format!("2001:db8:5:6::{host}")).await.unwrap().status(), 201);
    }
    assert_eq!(from("2001:db8:5:6:a:b:c:d".into()).await.unwrap().status(), 429);
}

#[tokio::test]
async fn a_refused_client_is_answered_before_it_sends_its_body() {
    let server = start(&["--rate-limit", "1"]).await;
    assert_eq!(submit(&server.base, &new_key(), &valid_body()).await.status(), 201);
    // The client announces a large body and sends none of it: the limit answers at once
    // instead of the server waiting for (and buffering) the body first.
    let authority = server.base.trim_start_matches("http://").trim_end_matches("/api/v1").to_owned();
    let mut socket = TcpStream::connect(&authority).unwrap();
    socket.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        socket,
        "POST /api/v1/submissions HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\nIdempotency-Key: {}\r\nContent-Length: 900000\r\n\r\n",
        new_key()
    )
    .unwrap();
    socket.flush().unwrap();
    let mut head = [0u8; 12];
    std::io::Read::read_exact(&mut socket, &mut head).expect("an answer before the body was sent");
    assert_eq!(&head, b"HTTP/1.1 429");
}

#[tokio::test]
async fn past_its_limits_the_server_answers_busy_and_loses_nothing() {
    // Two requests at a time; 40 clients that retry busy answers after Retry-After, as the
    // web app does.
    let server = start(&["--rate-limit", "0", "--max-concurrent-requests", "2"]).await;
    let report = antrag_server::load::run(antrag_server::load::Options {
        base_urls: vec![server.base.clone()],
        clients: 40,
        submissions: 5,
        form: "bewohnerparkausweis".into(),
        inbox_token: Some(TOKEN.into()),
        retry_every: 4,
        today: antrag_testing::today(),
    })
    .await
    .unwrap();
    assert!(report.busy > 0, "the clients must have exceeded the limit: {}", report.summary());
    assert!(report.exact(), "{}", report.summary());
    let health = reqwest::get(format!("{}/health", server.base)).await.unwrap();
    assert_eq!(health.status(), 200, "still up");
}

#[tokio::test]
async fn a_request_out_of_time_is_answered_busy_and_its_retry_is_stored_once() {
    let server = start(&["--enable-faults", "--request-timeout", "1"]).await;
    let client = reqwest::Client::new();
    let plan = json!({ "submissions": [{ "fault": "delay", "ms": 3000 }] });
    let set = client.post(format!("{}/_faults", server.base)).json(&plan).send().await.unwrap();
    assert!(set.status().is_success());
    let key = new_key();
    let started = std::time::Instant::now();
    let slow = submit(&server.base, &key, &valid_body()).await;
    assert_eq!(slow.status(), 503);
    assert_eq!(slow.headers()["retry-after"], "1");
    assert!(started.elapsed() < Duration::from_millis(2500), "answered at the limit, not after the delay");
    // The request cut off at its limit stored all or nothing; the client's retry with the
    // same key and any later one make one row.
    assert_eq!(submit(&server.base, &key, &valid_body()).await.status(), 201);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let again = submit(&server.base, &key, &valid_body()).await;
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(rows(&server.base).await, 1);
}
