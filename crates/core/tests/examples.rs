//! The shared fixtures: every demo form in `forms/` lints clean, and its named valid and
//! invalid answers in `forms/examples/<id>.json` give exactly the expected reports. The same
//! files feed the server and browser tests.

use std::path::{Path, PathBuf};

use antrag_core::{check, validate, Answers, Form};
use serde_json::Value;

fn forms_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../forms")
}

/// The bundled code lists (`codelists/*.json`).
fn code_lists() -> Vec<antrag_core::CodeList> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../codelists");
    let mut lists = Vec::new();
    for entry in std::fs::read_dir(dir).expect("codelists/") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).unwrap();
            lists.push(
                antrag_core::codelist::parse_code_list(&text).unwrap_or_else(|p| panic!("{}: {p:?}", path.display())),
            );
        }
    }
    lists
}

fn demo_forms() -> Vec<(String, Form, Value)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(forms_dir()).expect("forms/") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        let mut def = antrag_core::parse(&text).unwrap_or_else(|p| panic!("{}: {p:#?}", path.display()));
        antrag_core::resolve_code_lists(&mut def, &code_lists());
        let form = Form::new(def).unwrap_or_else(|problems| {
            panic!(
                "{} does not lint: {}",
                path.display(),
                problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n")
            )
        });
        let id = form.def().id.clone();
        let examples = antrag_testing::examples(&id);
        out.push((id, form, examples));
    }
    assert!(!out.is_empty(), "no demo forms found");
    out
}

#[test]
fn demo_forms_lint_without_warnings() {
    for (id, form, _) in demo_forms() {
        assert!(form.warnings().is_empty(), "{id}: {:?}", form.warnings());
    }
}

#[test]
fn valid_examples_pass() {
    for (id, form, examples) in demo_forms() {
        let ctx = antrag_testing::context();
        let valid = examples["valid"].as_object().expect("valid examples");
        assert!(!valid.is_empty());
        for (name, answers) in valid {
            let answers: Answers = serde_json::from_value(answers.clone()).unwrap();
            let report = validate(&form, &answers, &ctx);
            assert!(report.is_valid(), "{id}/{name}: {}", serde_json::to_string_pretty(&report).unwrap());
        }
    }
}

#[test]
fn invalid_examples_give_the_expected_reports() {
    for (id, form, examples) in demo_forms() {
        let ctx = antrag_testing::context();
        for (name, case) in examples["invalid"].as_object().expect("invalid examples") {
            let answers: Answers = serde_json::from_value(case["answers"].clone()).unwrap();
            let report = serde_json::to_value(validate(&form, &answers, &ctx)).unwrap();
            let expected = case["expect"].as_array().expect("expect list");
            let got = report.as_array().unwrap();
            let summary = |v: &[Value]| v.iter().map(|i| format!("{} {}", i["path"], i["code"])).collect::<Vec<_>>();
            assert_eq!(summary(got), summary(expected), "{id}/{name}");
            for (g, e) in got.iter().zip(expected) {
                if let Some(params) = e.get("params") {
                    assert_eq!(&g["params"], params, "{id}/{name} {}", e["path"]);
                }
            }
        }
    }
}

#[test]
fn payload_drops_hidden_answers_and_types_values() {
    let (_, form, examples) = demo_forms().into_iter().find(|(id, ..)| id == "bewohnerparkausweis").unwrap();
    let ctx = antrag_testing::context();
    let answers: Answers = serde_json::from_value(examples["valid"]["hidden_answers_are_ignored"].clone()).unwrap();
    let payload = check(&form, &answers, &ctx).unwrap().into_inner();
    assert_eq!(payload["fahrzeug"], serde_json::json!({"kennzeichen": "B-A 1", "ist_halter": true}));
    assert_eq!(payload["antragsteller"]["geburtsdatum"], "2000-01-31");
    assert!(payload.get("kontakt").is_none(), "an unanswered group is absent");
}

#[test]
fn the_documented_example_is_valid_and_behaves_as_described() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/definition-format.md")).unwrap();
    let start = doc.find("```json\n").expect("an example") + 8;
    let end = start + doc[start..].find("```").unwrap();
    let form = Form::from_json(&doc[start..end]).unwrap_or_else(|p| panic!("{p:#?}"));
    assert!(form.warnings().is_empty(), "{:?}", form.warnings());
    let ctx = antrag_testing::context();
    let check = |answers: serde_json::Value| -> Vec<String> {
        let answers = antrag_testing::resolved(&answers.to_string()).unwrap();
        let answers: Answers = serde_json::from_value(answers).unwrap();
        validate(&form, &answers, &ctx).issues.iter().map(|i| format!("{} {}", i.path, i.error.code())).collect()
    };
    let file = serde_json::json!([{"id": "1", "name": "p.pdf", "size": 10, "mediaType": "application/pdf"}]);
    // Phone needed only without e-mail; description only for "sonstige"; end after start.
    assert_eq!(
        check(
            serde_json::json!({"antragsteller": {"name": "A"}, "nutzung": {"art": "sonstige", "beginn": "{today+7d}", "ende": "{today+6d}", "flaeche": "3", "lageplan": file}})
        ),
        ["antragsteller.telefon required", "nutzung.beschreibung required", "nutzung.ende rule"]
    );
    assert_eq!(
        check(
            serde_json::json!({"antragsteller": {"name": "A", "email": "a@b.de"}, "nutzung": {"art": "geruest", "beginn": "{today+2d}", "ende": "{today+6d}", "flaeche": "3", "lageplan": file}})
        ),
        ["nutzung.beginn date_too_early"]
    );
}

#[test]
fn sample_answers_are_found_for_every_demo_form() {
    for (id, form, _) in demo_forms() {
        let ctx = antrag_testing::context();
        let answers = antrag_core::generate::sample_answers(&form, &ctx)
            .unwrap_or_else(|report| panic!("{id}: no sample answers: {:?}", report.issues));
        assert!(validate(&form, &answers, &ctx).is_valid(), "{id}");
        // Only what is asked for: every answer is needed by the report of the empty form or
        // by what it opened up — at least, nothing optional at top level is filled.
        assert!(!answers.is_empty(), "{id}");
    }
    for fields in [20, 200] {
        let form =
            Form::new(antrag_core::parse(&antrag_core::generate::definition(fields).to_string()).unwrap()).unwrap();
        let ctx = antrag_testing::context();
        let answers = antrag_core::generate::sample_answers(&form, &ctx).unwrap();
        assert!(validate(&form, &answers, &ctx).is_valid(), "generated {fields}");
    }
}

#[test]
fn sample_answers_report_what_cannot_be_answered() {
    // A pattern no sample text matches: the report says which field is still open.
    let def = antrag_core::parse(
        r#"{"format":"antrag/1","id":"x","version":"1","title":"X","languages":["de"],
            "items":[{"field":"code","datatype":"text","label":"Code","required":true,
                      "constraints":{"pattern":"(?i)Q[0-9]{3}Z"}}]}"#,
    )
    .unwrap();
    let form = Form::new(def).unwrap();
    let ctx = antrag_testing::context();
    let report = antrag_core::generate::sample_answers(&form, &ctx).unwrap_err();
    assert_eq!(report.issues.len(), 1);
    assert_eq!(report.issues[0].path.to_string(), "code");
}

#[test]
fn pattern_samples_match_their_patterns() {
    use antrag_core::generate::pattern_sample;
    for pattern in [
        "[A-Z]{2}[0-9]{3}",
        "([0]{1}[1-9]{1}|[1-9]{1}[0-9]{1})[0-9]{3}",
        r"\d{5}",
        r"[A-ZÄÖÜ]{1,3}-[A-Z]{1,2} ?[1-9][0-9]{0,3}E?",
        r"(?:DE)?[0-9]{9}",
        "[^0-9]+",
        r"\w+@\w+\.de",
    ] {
        let sample = pattern_sample(pattern).unwrap_or_else(|| panic!("no sample for {pattern}"));
        let re = regex_lite::Regex::new(&format!("^(?:{pattern})$")).unwrap();
        assert!(re.is_match(&sample), "{sample:?} does not match {pattern}");
    }
    assert_eq!(pattern_sample("(?=x)"), None);
    assert_eq!(pattern_sample("a{"), None);
}

#[test]
fn field_error_agrees_with_validate_field_by_field() {
    // The renderer answers a keystroke with `field_error`; it must say what `validate` says for
    // that field (rules and visibility aside).
    for (id, form, examples) in demo_forms() {
        let ctx = antrag_testing::context();
        let mut cases: Vec<Value> = examples["valid"].as_object().unwrap().values().cloned().collect();
        cases.extend(examples["invalid"].as_object().unwrap().values().map(|c| c["answers"].clone()));
        for answers in cases {
            let answers: antrag_core::Answers = serde_json::from_value(answers).unwrap();
            let report = validate(&form, &answers, &ctx);
            for issue in &report.issues {
                if matches!(issue.error, antrag_core::ErrorCode::Rule { .. })
                    || form.field(&issue.path.static_path()).is_none()
                {
                    continue;
                }
                assert_eq!(
                    antrag_core::field_error(&form, &answers, &ctx, &issue.path).as_ref(),
                    Some(&issue.error),
                    "{id}: {}",
                    issue.path
                );
            }
        }
    }
}

#[test]
fn requirements_of_many_paths_agree_with_is_required_one_by_one() {
    // The renderer asks one `Requirements` about every field after a change; sharing its
    // evaluation must not change any verdict, in whatever order the paths come.
    for (id, form, examples) in demo_forms() {
        let ctx = antrag_testing::context();
        let empty = antrag_core::Answers::new();
        let paths: Vec<_> = validate(&form, &empty, &ctx).issues.into_iter().map(|i| i.path).collect();
        let mut cases: Vec<Value> = examples["valid"].as_object().unwrap().values().cloned().collect();
        cases.extend(examples["invalid"].as_object().unwrap().values().map(|c| c["answers"].clone()));
        for answers in cases {
            let answers: antrag_core::Answers = serde_json::from_value(answers).unwrap();
            let shared = antrag_core::Requirements::new(&form, &answers, &ctx);
            for path in paths.iter().chain(paths.iter().rev()) {
                assert_eq!(
                    shared.is_required(path),
                    antrag_core::is_required(&form, &answers, &ctx, path),
                    "{id}: {path}"
                );
            }
        }
    }
}
