//! Several instances of the reference server on one PostgreSQL database (docs/deployment.md):
//! the conformance kit through a balancer that alternates between two instances; work begun
//! on one instance finished on the other; a load during which the instances are killed and
//! restarted loses nothing and duplicates nothing; a killed instance's submission in flight is
//! answered by the other with the same receipt.
//!
//! Needs `ANTRAG_TEST_DATABASE_URL`, a cluster where the tests may create databases: `make
//! test` (its `test-postgres` step) starts a throwaway one with scripts/postgres.sh. Without
//! it the tests say so and pass (`cargo test` on a machine without PostgreSQL).

#[path = "support/balancer.rs"]
mod balancer;
#[allow(dead_code)] // each test file uses some of the helpers
mod support;

use std::path::Path;
use std::time::Duration;

use antrag_server::conformance::{self, built_in_answers, new_key, upload_files, Options};
use serde_json::{json, Value};
use support::Server;

const TOKEN: &str = "inbox-test-token-0123456789abcdef";

/// A fresh database in the test cluster, or `None` (with a message) without one.
async fn database() -> Option<String> {
    match std::env::var("ANTRAG_TEST_DATABASE_URL") {
        Ok(admin) if !admin.is_empty() => {
            Some(antrag_server::store::postgres::create_test_database(&admin).await.expect("a test database"))
        }
        _ => {
            assert!(
                std::env::var("ANTRAG_REQUIRE_POSTGRES").is_err(),
                "ANTRAG_REQUIRE_POSTGRES is set but ANTRAG_TEST_DATABASE_URL is not: start a cluster with scripts/postgres.sh"
            );
            eprintln!("skipped: ANTRAG_TEST_DATABASE_URL is not set (`make test-postgres` starts a test cluster)");
            None
        }
    }
}

/// One instance on the database `url`, with its own data directory (uploads being received).
async fn instance(url: &str, data: &Path, port: Option<u16>, extra: &[&str]) -> Server {
    let forms = support::root().join("forms");
    let configure = |command: &mut std::process::Command| {
        command.args(["--database-url", url, "--inbox-token", TOKEN, "--rate-limit", "0"]).args(extra);
    };
    match port {
        Some(port) => support::start_on(port, data, &forms, configure).await,
        None => support::start_in(data, &forms, configure).await,
    }
}

/// Submissions stored, as the inbox of `base` counts them.
async fn total(base: &str) -> u64 {
    let list =
        support::json(reqwest::Client::new().get(format!("{base}/inbox/submissions?limit=1")).bearer_auth(TOKEN)).await;
    list["total"].as_u64().unwrap()
}

fn bewohnerparkausweis() -> Value {
    let today = antrag_testing::today();
    json!({
        "formId": "bewohnerparkausweis", "formVersion": "1.0.0", "language": "de",
        "data": built_in_answers("bewohnerparkausweis", today).unwrap(),
        "clientDate": today.to_string()
    })
}

async fn submit(base: &str, key: &str) -> reqwest::Result<reqwest::Response> {
    reqwest::Client::new()
        .post(format!("{base}/submissions"))
        .header("Idempotency-Key", key)
        .json(&bewohnerparkausweis())
        .timeout(Duration::from_secs(30))
        .send()
        .await
}

#[tokio::test]
async fn the_conformance_kit_passes_against_two_instances_on_one_database() {
    let Some(url) = database().await else { return };
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (instance(&url, da.path(), None, &[]).await, instance(&url, db.path(), None, &[]).await);
    let balancer = balancer::start(&[&a.base, &b.base]).await;
    let outcome = conformance::run(Options {
        base_url: balancer.base.clone(),
        form: None,
        answers: None,
        headers: vec![],
        today: antrag_testing::today(),
    })
    .await;
    assert!(outcome.passed(), "{}", outcome.table());
}

#[tokio::test]
async fn work_begun_on_one_instance_is_finished_on_the_other() {
    let Some(url) = database().await else { return };
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (instance(&url, da.path(), None, &[]).await, instance(&url, db.path(), None, &[]).await);
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let today = antrag_testing::today();

    // Files uploaded to A, the application sent to B: B knows A's uploads.
    let definition: Value = support::json(client.get(format!("{}/forms/wohngeld", a.base))).await;
    let form = antrag_core::Form::from_json(&definition.to_string()).unwrap();
    let mut answers = built_in_answers("wohngeld", today).unwrap().as_object().unwrap().clone();
    assert!(!antrag_core::file_refs(&form, &answers).is_empty(), "the example has files");
    upload_files(&client, &a.base, &[], &form, &mut answers).await.unwrap();
    let body = json!({
        "formId": "wohngeld", "formVersion": form.def().version, "language": "de", "data": answers,
        "clientDate": today.to_string()
    });
    let key = new_key();
    let sent = client.post(format!("{}/submissions", b.base)).header("Idempotency-Key", &key).json(&body);
    let sent = sent.send().await.unwrap();
    assert_eq!(sent.status(), 201, "{}", sent.text().await.unwrap());
    let receipt: Value = sent.json().await.unwrap();
    let reference = receipt["reference"].as_str().unwrap();

    // The status URL B gave answers on A; the same key on A is a replay of B's record.
    let status_url = receipt["statusUrl"].as_str().unwrap();
    let origin_a = a.base.trim_end_matches("/api/v1");
    let status = client.get(format!("{origin_a}{status_url}")).send().await.unwrap();
    assert_eq!(status.status(), 200, "{status_url} on A");
    let again = client.post(format!("{}/submissions", a.base)).header("Idempotency-Key", &key).json(&body);
    let again = again.send().await.unwrap();
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Value>().await.unwrap()["reference"], reference);

    // A clerk on A reads the application and downloads every file, byte for byte.
    let stored =
        support::json(client.get(format!("{}/inbox/submissions/{reference}", a.base)).bearer_auth(TOKEN)).await;
    let files = stored["attachments"].as_array().unwrap();
    assert!(!files.is_empty());
    for file in files {
        let download = client.get(format!("{}/inbox/attachments/{}", a.base, file["id"].as_str().unwrap()));
        let download = download.bearer_auth(TOKEN).send().await.unwrap();
        assert_eq!(download.status(), 200);
        assert_eq!(download.bytes().await.unwrap().len() as u64, file["size"].as_u64().unwrap());
    }

    // A clerk signed in on A is signed in on B; signing out on B ends it on A.
    let origin_b = b.base.trim_end_matches("/api/v1");
    let login = client.post(format!("{origin_a}/inbox/login")).form(&[("token", TOKEN)]).send().await.unwrap();
    assert_eq!(login.status(), 303);
    let cookie = login.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let inbox_b = client.get(format!("{origin_b}/inbox")).header("cookie", &cookie).send().await.unwrap();
    assert!(inbox_b.text().await.unwrap().contains(reference), "B shows the session's inbox");
    let logout = client.post(format!("{origin_b}/inbox/logout")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(logout.status(), 303);
    let inbox_a = client.get(format!("{origin_a}/inbox")).header("cookie", &cookie).send().await.unwrap();
    assert!(!inbox_a.text().await.unwrap().contains(reference), "signed out everywhere");
}

#[tokio::test]
async fn a_load_with_instances_killed_and_restarted_loses_and_duplicates_nothing() {
    let Some(url) = database().await else { return };
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = instance(&url, da.path(), None, &[]).await;
    let mut b = instance(&url, db.path(), None, &[]).await;
    let (base_a, base_b) = (a.base.clone(), b.base.clone());
    let load = tokio::spawn(antrag_server::load::run(antrag_server::load::Options {
        base_urls: vec![base_a.clone(), base_b.clone()],
        clients: 12,
        submissions: 100,
        form: "bewohnerparkausweis".into(),
        inbox_token: Some(TOKEN.into()),
        retry_every: 5,
        today: antrag_testing::today(),
    }));
    // Kill the instances in turn as the load passes 15, 45 and 75 % (SIGKILL: requests in
    // flight are cut), each started again on its port at once; the clients retry what met
    // no answer, on the other instance.
    let mut killed = 0;
    for (round, share) in [180, 540, 900].into_iter().enumerate() {
        let survivor = if round % 2 == 0 { b.base.clone() } else { a.base.clone() };
        while total(&survivor).await < share && !load.is_finished() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        if load.is_finished() {
            break;
        }
        let (victim, dir) = if round % 2 == 0 { (&mut a, da.path()) } else { (&mut b, db.path()) };
        let port = victim.port();
        victim.kill();
        killed += 1;
        *victim = instance(&url, dir, Some(port), &[]).await;
    }
    let report = load.await.unwrap().unwrap();
    eprintln!("two instances, {killed} kills: {}", report.summary());
    assert!(killed >= 2, "the load ended before two instances were killed: {}", report.summary());
    assert!(report.exact(), "{}", report.summary());
    assert_eq!(report.references_unique, Some(true));
    assert_eq!(total(&b.base).await, 1200);
}

#[tokio::test]
async fn a_killed_instances_submission_in_flight_is_answered_by_the_other_with_the_same_receipt() {
    let Some(url) = database().await else { return };
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = instance(&url, da.path(), None, &["--enable-faults"]).await;
    let b = instance(&url, db.path(), None, &[]).await;
    let client = reqwest::Client::new();

    // A stores the application and is killed before it answers.
    let plan = json!({ "submissions": [{ "fault": "hang_after_commit" }] });
    assert!(client.post(format!("{}/_faults", a.base)).json(&plan).send().await.unwrap().status().is_success());
    let key = new_key();
    let in_flight = tokio::spawn({
        let (base, key) = (a.base.clone(), key.clone());
        async move { submit(&base, &key).await }
    });
    for _ in 0..200 {
        if total(&b.base).await == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(total(&b.base).await, 1, "A committed the application");
    a.kill();
    assert!(in_flight.await.unwrap().is_err(), "the citizen got no answer from A");
    // The citizen's retry (same key) reaches B: the receipt of what A stored.
    let retry = submit(&b.base, &key).await.unwrap();
    assert_eq!(retry.status(), 201);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    let stored = support::json(client.get(format!("{}/inbox/submissions?limit=1", b.base)).bearer_auth(TOKEN)).await;
    let receipt: Value = retry.json().await.unwrap();
    assert_eq!(receipt["reference"], stored["submissions"][0]["reference"], "the same receipt");

    // An instance killed before it stored anything: the retry on B stores it, once.
    let mut a = instance(&url, da.path(), Some(a.port()), &["--enable-faults"]).await;
    let plan = json!({ "submissions": [{ "fault": "delay", "ms": 20000 }] });
    assert!(client.post(format!("{}/_faults", a.base)).json(&plan).send().await.unwrap().status().is_success());
    let key = new_key();
    let in_flight = tokio::spawn({
        let (base, key) = (a.base.clone(), key.clone());
        async move { submit(&base, &key).await }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    a.kill();
    assert!(in_flight.await.unwrap().is_err());
    let retry = submit(&b.base, &key).await.unwrap();
    assert_eq!(retry.status(), 201);
    assert!(retry.headers().get("idempotent-replayed").is_none(), "stored now, by B");
    assert_eq!(total(&b.base).await, 2);
}
