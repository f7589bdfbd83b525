//! Every XDatenfelder file under `../shared/fixtures/fim` (real FIM exports; test use only,
//! never copied into the repository): each 2.0 / 3.0.0 file imports, the definition passes
//! lint and can be filled in (the validator finds valid answers), and the report figures match
//! the snapshot in `tests/snapshots/shared-fixtures.txt`; the 1.x file is rejected naming its
//! version. Skips with a message when the folder is absent (override: ANTRAG_FIM_FIXTURES).
//! After an intended change, re-bless the snapshot with ANTRAG_BLESS=1.

use std::path::{Path, PathBuf};

use antrag_core::Form;
use antrag_fim::{import, CodeLists, ImportError, Options};

fn fixtures() -> Option<PathBuf> {
    let dir = std::env::var_os("ANTRAG_FIM_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/fim"));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIPPED: FIM fixtures not found at {} (set ANTRAG_FIM_FIXTURES to run)", dir.display());
        None
    }
}

fn xml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "codelists" && n != "xsd") {
                xml_files(&path, out);
            }
        } else if path.extension().is_some_and(|x| x == "xml") {
            out.push(path);
        }
    }
}

/// The XDatenfelder version a file declares (from its root namespace).
fn declared_version(xml: &str) -> Option<&'static str> {
    let head = &xml[..xml.len().min(2000)];
    if head.contains("urn:xoev-de:fim:standard:xdatenfelder_3.0.0") {
        Some("3.0.0")
    } else if head.contains("urn:xoev-de:fim:standard:xdatenfelder_2") {
        Some("2.0")
    } else if head.contains("urn:xoev-de:fim:standard:xdatenfelder_1") {
        Some("1")
    } else {
        None
    }
}

#[test]
fn every_shared_fixture_imports() {
    let Some(dir) = fixtures() else { return };
    let lists = CodeLists::load_dir(&dir.join("codelists")).expect("the shared code lists are genericode");
    let options = Options { codelists: lists, ..Options::default() };
    let ctx = antrag_testing::context();
    let mut files = Vec::new();
    xml_files(&dir, &mut files);
    let mut lines = Vec::new();
    let mut imported = 0;
    for file in &files {
        let name = file.strip_prefix(&dir).unwrap().display().to_string();
        let xml = std::fs::read_to_string(file).unwrap();
        match (declared_version(&xml), import(&xml, &options)) {
            (Some("1"), Err(ImportError::UnsupportedVersion { version, message })) => {
                assert_eq!(version, "1", "{name}");
                assert!(message.contains("XDatenfelder 1"), "{name}: {message}");
                lines.push(format!("{name}: rejected (XDatenfelder {version})"));
            }
            (Some("1"), other) => {
                panic!("{name}: an XDatenfelder 1.x file must be rejected naming its version, got {other:?}")
            }
            (Some(_), Ok(result)) => {
                let def = result.definition;
                let problems = antrag_core::lint(&def);
                assert!(problems.iter().all(|p| p.severity != antrag_core::Severity::Error), "{name}: {problems:?}");
                // The browser reads the served definition with antrag_core::trusted, not serde.
                let served = serde_json::to_value(&def).unwrap();
                assert_eq!(antrag_core::trusted::definition(served).as_ref(), Ok(&def), "{name}: read in the browser");
                let form = Form::new(def).unwrap_or_else(|p| panic!("{name}: {p:?}"));
                if let Err(report) = antrag_core::generate::sample_answers(&form, &ctx) {
                    panic!("{name}: no valid answers found, still open: {:?}", report.issues);
                }
                let untranslated: Vec<&str> =
                    result.report.rules.iter().filter(|r| !r.translated).map(|r| r.id.as_str()).collect();
                let mut untranslated = untranslated;
                untranslated.dedup();
                lines.push(format!("{name}: {} untranslated=[{}]", result.report.figures(), untranslated.join(",")));
                imported += 1;
            }
            // A parser test file with no data fields at all (only a rule): nothing to fill in.
            (Some(_), Err(ImportError::Structure { message, .. })) if message.contains("contains no data fields") => {
                lines.push(format!("{name}: no data fields ({message})"));
            }
            (Some(v), Err(e)) => panic!("{name} (XDatenfelder {v}) must import: {e}"),
            (None, _) => lines.push(format!("{name}: not an XDatenfelder message")),
        }
    }
    assert!(imported >= 8, "expected the real 2.0 and 3.0.0 exports, imported {imported}");
    let actual = lines.join("\n") + "\n";
    let snapshot = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/shared-fixtures.txt");
    if std::env::var_os("ANTRAG_BLESS").is_some() {
        std::fs::create_dir_all(snapshot.parent().unwrap()).unwrap();
        std::fs::write(&snapshot, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    assert_eq!(actual, expected, "import figures changed; if intended, re-run with ANTRAG_BLESS=1");
}

/// The figure the rule translation is measured by (issue: three in four rule occurrences and
/// two in five distinct rules translated over the shared XDF3 exports).
#[test]
fn most_rules_of_the_shared_xdf3_exports_are_translated() {
    let Some(dir) = fixtures() else { return };
    let lists = CodeLists::load_dir(&dir.join("codelists")).expect("the shared code lists are genericode");
    let options = Options { codelists: lists, ..Options::default() };
    let mut files = Vec::new();
    for sub in ["xdf3", "xdf3-corpus"] {
        xml_files(&dir.join(sub), &mut files);
    }
    let mut summary = antrag_fim::corpus::Summary::default();
    for file in &files {
        let xml = std::fs::read_to_string(file).unwrap();
        let started = std::time::Instant::now();
        let imported = import(&xml, &options).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        summary.add(&file.display().to_string(), &imported.report, started.elapsed());
    }
    eprintln!("{summary}");
    assert!(summary.files >= 20, "{summary}");
    assert!(summary.occurrence_share() >= 0.75, "{summary}");
    assert!(summary.distinct_share() >= 0.40, "{summary}");
}
