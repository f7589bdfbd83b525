//! `codelists-sync` against a local stand-in for XRepository that serves recorded genericode
//! files (our synthetic lists in crates/fim/tests/fixtures/codelists): lists are fetched by
//! URN and version or as the newest version, checked and kept; the directory then serves
//! offline; what cannot be had is named. Nothing here needs the internet.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use antrag_server::codelists::{sync, Options, Outcome, Reference};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fim/tests/fixtures").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The stand-in: a few lists, the valid version of one, a wrong and a broken answer; counts
/// the requests it gets.
async fn repository() -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let staat = fixture("codelists/staat.xml");
    let halter = fixture("codelists/halter.xml");
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        counter.fetch_add(1, Ordering::SeqCst);
        let (staat, halter) = (staat.clone(), halter.clone());
        async move {
            let path = uri.path().to_owned();
            let ok = |body: String| (axum::http::StatusCode::OK, body);
            match path.as_str() {
                "/api/version_codeliste/urn:test:staat_2024-01-01/genericode" => ok(staat),
                "/api/codeliste/urn:test:halter/gueltigeVersion" => {
                    ok("<dat:versionCodeliste><dat:kennung>urn:test:halter_1</dat:kennung></dat:versionCodeliste>"
                        .into())
                }
                "/api/version_codeliste/urn:test:halter_1/genericode" => ok(halter),
                // Another list than the one asked for, and no genericode at all.
                "/api/version_codeliste/urn:test:falsch_1/genericode" => ok(staat),
                "/api/version_codeliste/urn:test:kaputt_1/genericode" => ok("<html>Wartungsarbeiten</html>".into()),
                _ => (axum::http::StatusCode::NOT_FOUND, "not found".into()),
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), hits)
}

fn reference(id: &str, version: Option<&str>) -> Reference {
    Reference { id: id.into(), version: version.map(Into::into) }
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|r| r.filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned())).collect())
        .unwrap_or_default();
    names.sort();
    names
}

#[tokio::test]
async fn lists_are_fetched_checked_kept_and_then_served_offline() {
    let (repository, hits) = repository().await;
    let dir = tempfile::tempdir().unwrap();
    let options = Options { dir: dir.path().to_owned(), repository, offline: false };
    let wanted = [reference("urn:test:staat", Some("2024-01-01")), reference("urn:test:halter", None)];
    let first = sync(&wanted, &options).await;
    assert_eq!(first[0].1, Outcome::Fetched { version: "2024-01-01".into() });
    assert_eq!(first[1].1, Outcome::Fetched { version: "1".into() });
    assert_eq!(
        files(dir.path()),
        [
            "urn_test_halter_1.json",
            "urn_test_halter_1.xml",
            "urn_test_staat_2024-01-01.json",
            "urn_test_staat_2024-01-01.xml"
        ]
    );
    // The kept genericode file is the list as published; the Antrag form has its entries.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("urn_test_staat_2024-01-01.xml")).unwrap(),
        fixture("codelists/staat.xml")
    );
    let json = std::fs::read_to_string(dir.path().join("urn_test_staat_2024-01-01.json")).unwrap();
    let list = antrag_core::codelist::parse_code_list(&json).unwrap();
    assert_eq!((list.id.as_str(), list.version.as_str()), ("urn:test:staat", "2024-01-01"));
    assert!(!list.entries.is_empty());
    let fetched = hits.load(Ordering::SeqCst);
    assert_eq!(fetched, 3, "two lists and one version lookup");

    // Again: a named version comes from the directory; the newest is looked up, then found there.
    let again = sync(&wanted, &options).await;
    assert_eq!(again[0].1, Outcome::Cached { version: "2024-01-01".into(), note: None });
    assert_eq!(again[1].1, Outcome::Cached { version: "1".into(), note: None });
    assert_eq!(hits.load(Ordering::SeqCst), fetched + 1, "only the version lookup");

    // Offline: nothing is asked, everything comes from the directory.
    let offline = Options { offline: true, ..options.clone() };
    let served = sync(&wanted, &offline).await;
    assert!(matches!(served[0].1, Outcome::Cached { .. }));
    assert!(matches!(&served[1].1, Outcome::Cached { note: Some(n), .. } if n.contains("offline")));
    assert_eq!(hits.load(Ordering::SeqCst), fetched + 1);
    let missing = sync(&[reference("urn:test:neu", Some("1"))], &offline).await;
    assert!(matches!(&missing[0].1, Outcome::Missing { reason } if reason.contains("offline")), "{missing:?}");
}

#[tokio::test]
async fn what_cannot_be_had_is_named_and_nothing_wrong_is_kept() {
    let (repository, _) = repository().await;
    let dir = tempfile::tempdir().unwrap();
    let options = Options { dir: dir.path().to_owned(), repository, offline: false };
    let outcomes = sync(
        &[
            reference("urn:test:unbekannt", Some("1")),
            reference("urn:test:falsch", Some("1")),
            reference("urn:test:kaputt", Some("1")),
            reference("urn:test:ohneversion", None),
        ],
        &options,
    )
    .await;
    let reasons: Vec<String> = outcomes
        .iter()
        .map(|(_, o)| match o {
            Outcome::Missing { reason } => reason.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(reasons[0].contains("does not know it (404)"), "{}", reasons[0]);
    assert!(
        reasons[1].contains("answered with urn:test:staat version 2024-01-01, not the list asked for"),
        "{}",
        reasons[1]
    );
    assert!(reasons[2].contains("no genericode code list"), "{}", reasons[2]);
    assert!(reasons[3].contains("newest version could not be looked up"), "{}", reasons[3]);
    assert!(files(dir.path()).is_empty(), "{:?}", files(dir.path()));

    // A repository that does not answer at all.
    let gone = Options { repository: "http://127.0.0.1:9".into(), ..options };
    let outcomes = sync(&[reference("urn:test:staat", Some("2024-01-01"))], &gone).await;
    assert!(matches!(&outcomes[0].1, Outcome::Missing { reason } if reason.contains("did not answer")), "{outcomes:?}");
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_antrag-server"))
}

#[tokio::test]
async fn the_command_reads_an_export_and_says_what_is_missing() {
    let (repository, _) = repository().await;
    let dir = tempfile::tempdir().unwrap();
    let export: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fim/tests/fixtures/xdf3-musterantrag.xml");
    let repo = repository.clone();
    let (d, e) = (dir.path().to_owned(), export.clone());
    let out = tokio::task::spawn_blocking(move || {
        bin().args(["codelists-sync", "--dir"]).arg(&d).arg("--repository").arg(&repo).arg(&e).output().unwrap()
    })
    .await
    .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("urn:test:staat version 2024-01-01: fetched and checked"), "{text}");
    assert!(
        text.contains("urn:test:familienstand version 1: NOT AVAILABLE — the repository does not know it (404)"),
        "{text}"
    );
    assert!(text.contains("1 of 2 code list(s) could not be had"), "{text}");

    // import-fim uses the lists it fetched: the Staatsangehörigkeit field gets its options.
    let (d, e) = (dir.path().to_owned(), export);
    let out = tokio::task::spawn_blocking(move || {
        bin()
            .args(["import-fim", "--json", "--fetch-codelists", "--codelists"])
            .arg(&d)
            .arg("--repository")
            .arg(&repository)
            .arg(&e)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report_start = stdout.find("{\n").expect("a JSON report");
    let report: serde_json::Value = serde_json::from_str(&stdout[report_start..]).unwrap();
    assert_eq!(report["codeListsResolved"], 1, "{report}");
    assert_eq!(report["codeListsMissing"], 1, "{report}");
}
