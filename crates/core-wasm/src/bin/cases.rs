//! `antrag-core-cases --today YYYY-MM-DD [--out FILE]`: the requests every host of the module
//! sends, with the responses of the native core — what the Node and Python hosts must get,
//! byte for byte in meaning, through the WebAssembly module.
//!
//! The requests: each demo form of `forms/` loaded with the code lists of `codelists/`, each of
//! its shared examples (`forms/examples/<id>.json`, valid and invalid, dates resolved for the
//! given day) checked, and definitions with known problems linted.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use antrag_core_wasm::Session;
use serde_json::{json, Value};

/// Broken definitions whose problems the module must report as the native linter does.
fn broken_definitions() -> Vec<(&'static str, Value)> {
    let base = |items: Value| json!({"format": "antrag/1", "id": "kaputt", "version": "1", "title": "Kaputt", "languages": ["de"], "items": items});
    vec![
        ("unknown datatype", base(json!([{"field": "a", "datatype": "colour", "label": "A"}]))),
        (
            "broken pattern",
            base(json!([{"field": "a", "datatype": "text", "label": "A", "constraints": {"pattern": "(["}}])),
        ),
        (
            "duplicate key",
            base(json!([
                {"field": "a", "datatype": "text", "label": "A"},
                {"field": "a", "datatype": "text", "label": "A again"}
            ])),
        ),
        (
            "javascript link",
            base(
                json!([{"field": "a", "datatype": "text", "label": "A", "legalBasis": {"text": "Satzung", "url": "javascript:alert(1)"}}]),
            ),
        ),
        ("not JSON", Value::String("{\"format\": \"antrag/1\", \"id\": ".into())),
        (
            "missing code list",
            base(
                json!([{"field": "r", "kind": "select", "datatype": "text", "label": "R", "codeList": {"id": "urn:fehlt"}}]),
            ),
        ),
    ]
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value_of = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let Some(today) = value_of("--today") else {
        eprintln!("antrag-core-cases: give the day the examples are checked on: --today YYYY-MM-DD");
        return ExitCode::from(2);
    };
    let Some(day) = antrag_core::Date::parse_iso(&today) else {
        eprintln!("antrag-core-cases: --today \"{today}\" is not a calendar day written YYYY-MM-DD");
        return ExitCode::from(2);
    };
    match cases(&today, day) {
        Ok(cases) => {
            let text = serde_json::to_string_pretty(&cases).expect("JSON");
            match value_of("--out") {
                Some(out) => {
                    if let Err(e) = std::fs::write(&out, text) {
                        eprintln!("antrag-core-cases: {out}: {e}");
                        return ExitCode::FAILURE;
                    }
                }
                None => println!("{text}"),
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("antrag-core-cases: {e}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn json_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    Ok(files)
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn cases(today: &str, day: antrag_core::Date) -> Result<Value, String> {
    let mut session = Session::default();
    let mut call = |request: &Value| -> Value {
        serde_json::from_str(&session.call(&request.to_string())).expect("the interface answers JSON")
    };
    let code_lists = json_files(&root().join("codelists"))?
        .iter()
        .map(|p| read(p).map(Value::String))
        .collect::<Result<Vec<_>, _>>()?;
    let mut forms = Vec::new();
    for path in json_files(&root().join("forms"))? {
        let load = json!({"op": "load", "definition": read(&path)?, "codeLists": code_lists});
        let loaded = call(&load);
        let handle = loaded["form"].as_u64().ok_or_else(|| format!("{}: does not load: {loaded}", path.display()))?;
        let id = loaded["id"].as_str().unwrap_or_default().to_owned();
        let examples_path = root().join("forms/examples").join(format!("{id}.json"));
        let mut checks = Vec::new();
        if examples_path.exists() {
            let mut examples: Value = serde_json::from_str(&read(&examples_path)?)
                .map_err(|e| format!("{}: {e}", examples_path.display()))?;
            antrag_core::examples::resolve(&mut examples, day)
                .map_err(|e| format!("{}: {e}", examples_path.display()))?;
            let valid = examples["valid"].as_object().cloned().unwrap_or_default();
            let invalid = examples["invalid"].as_object().cloned().unwrap_or_default();
            let named = valid
                .into_iter()
                .map(|(name, answers)| (format!("valid/{name}"), answers))
                .chain(invalid.into_iter().map(|(name, case)| (format!("invalid/{name}"), case["answers"].clone())));
            for (name, answers) in named {
                let request = json!({"op": "check", "form": handle, "answers": answers, "today": today});
                let expected = call(&request);
                let want_valid = name.starts_with("valid/");
                if expected["valid"] != want_valid {
                    return Err(format!("{id} {name}: the native core says valid = {}", expected["valid"]));
                }
                checks.push(json!({"name": name, "request": request, "expected": expected}));
            }
        }
        forms.push(json!({"id": id, "load": load, "loaded": loaded, "checks": checks}));
    }
    let lint = broken_definitions()
        .into_iter()
        .map(|(name, definition)| {
            let request = json!({"op": "lint", "definition": definition});
            let expected = call(&request);
            json!({"name": name, "request": request, "expected": expected})
        })
        .collect::<Vec<_>>();
    let version = call(&json!({"op": "version"}));
    Ok(json!({"today": today, "version": version, "forms": forms, "lint": lint}))
}
