//! # antrag-core-wasm
//!
//! antrag-core for backends that are not written in Rust. An OSI or SAC platform (Java), a
//! Python or a Node service loads this crate's WebAssembly module with a standard runtime and
//! validates exactly as the browser and the reference server do — conditions, rules,
//! `requiredIf`, dates relative to today, file checks — instead of the structural
//! `payload-schema` alone.
//!
//! The module is built for `wasm32-unknown-unknown` and imports nothing: no clock, no
//! randomness, no file system. "Today" is an argument of every check, so a backend judges on
//! its own clock (and its tests on their fixed date). Everything crosses the boundary as JSON
//! text; the operations ([`Session::call`]) and the few exported functions are described in
//! `docs/api/core-module.md`.
//!
//! Natively, [`Session`] is the same interface: the tests and the `antrag-core-cases` program
//! (the native results the hosts must reproduce) use it.

#![warn(missing_docs)]

use antrag_core::codelist::parse_code_list;
use antrag_core::{lint, resolve_code_lists, Answers, CodeList, Context, Date, Form, Problem};
use serde::Deserialize;
use serde_json::{json, Value};

#[cfg(target_arch = "wasm32")]
mod exports;

/// The interface version: raised when an operation or a response changes incompatibly.
pub const INTERFACE: u32 = 1;

/// One request (`{"op": "…", …}`).
#[derive(Deserialize)]
#[serde(tag = "op", rename_all = "camelCase", rename_all_fields = "camelCase", deny_unknown_fields)]
enum Request {
    /// The interface and core versions.
    Version,
    /// Every problem of a definition (errors and warnings); loads nothing.
    Lint {
        definition: Value,
        #[serde(default)]
        code_lists: Vec<Value>,
    },
    /// Parse, lint and compile a definition; its handle serves later checks.
    Load {
        definition: Value,
        #[serde(default)]
        code_lists: Vec<Value>,
    },
    /// Check answers against a loaded form on a given day.
    Check { form: u32, answers: Value, today: String },
    /// Forget a loaded form.
    Unload { form: u32 },
}

/// The forms one module instance holds, and the operations on them.
#[derive(Default)]
pub struct Session {
    /// Loaded forms; a handle is an index + 1 (0 is never a handle), an unloaded slot is `None`.
    forms: Vec<Option<Form>>,
}

impl Session {
    /// Answer one request (JSON text) with a response (JSON text). Never fails: a request that
    /// cannot be carried out answers `{"ok": false, "error": {"code", "message"}}`.
    pub fn call(&mut self, request: &str) -> String {
        let response = match serde_json::from_str::<Request>(request) {
            Ok(request) => self.handle(request),
            Err(e) => failure("bad_request", format!("the request is not an operation of interface {INTERFACE}: {e}")),
        };
        response.to_string()
    }

    fn handle(&mut self, request: Request) -> Value {
        match request {
            Request::Version => json!({ "ok": true, "interface": INTERFACE, "core": env!("CARGO_PKG_VERSION") }),
            Request::Lint { definition, code_lists } => match prepare(definition, &code_lists) {
                Err(bad) => bad,
                Ok(Err(problems)) => json!({ "ok": true, "problems": problems }),
                Ok(Ok(def)) => json!({ "ok": true, "problems": lint::lint(&def) }),
            },
            Request::Load { definition, code_lists } => match prepare(definition, &code_lists) {
                Err(bad) => bad,
                Ok(Err(problems)) => invalid_definition(problems),
                Ok(Ok(def)) => match Form::new(def) {
                    Err(problems) => invalid_definition(problems),
                    Ok(form) => {
                        let response = json!({
                            "ok": true,
                            "id": form.def().id,
                            "version": form.def().version,
                            "warnings": form.warnings(),
                        });
                        let handle = self.insert(form);
                        let mut response = response;
                        response["form"] = json!(handle);
                        response
                    }
                },
            },
            Request::Check { form, answers, today } => {
                let Some(loaded) = self.form(form) else { return unknown_form(form) };
                let Some(today) = Date::parse_iso(&today) else {
                    return failure("bad_today", format!("today \"{today}\" is not a calendar day written YYYY-MM-DD"));
                };
                let Value::Object(answers) = answers else {
                    return failure("bad_answers", "answers must be a JSON object keyed by the definition's keys");
                };
                check(loaded, &answers, &Context::on(today))
            }
            Request::Unload { form } => match form.checked_sub(1).and_then(|i| self.forms.get_mut(i as usize)) {
                Some(slot @ Some(_)) => {
                    *slot = None;
                    json!({ "ok": true })
                }
                _ => unknown_form(form),
            },
        }
    }

    fn insert(&mut self, form: Form) -> u32 {
        let index = match self.forms.iter().position(Option::is_none) {
            Some(free) => {
                self.forms[free] = Some(form);
                free
            }
            None => {
                self.forms.push(Some(form));
                self.forms.len() - 1
            }
        };
        index as u32 + 1
    }

    fn form(&self, handle: u32) -> Option<&Form> {
        let index = handle.checked_sub(1)? as usize;
        self.forms.get(index)?.as_ref()
    }
}

/// The response of a check: the payload of valid answers, or the report (the `issues` of the
/// contract's 422 response).
fn check(form: &Form, answers: &Answers, ctx: &Context) -> Value {
    match antrag_core::check(form, answers, ctx) {
        Ok(valid) => json!({ "ok": true, "valid": true, "payload": valid.into_inner() }),
        Err(report) => json!({ "ok": true, "valid": false, "issues": report }),
    }
}

/// Parse a definition (a JSON object, or its text) with its code lists resolved. The outer
/// error is a response (a code list that cannot be read), the inner one the definition's
/// problems.
fn prepare(definition: Value, code_lists: &[Value]) -> Result<Result<antrag_core::FormDef, Vec<Problem>>, Value> {
    let mut lists: Vec<CodeList> = Vec::with_capacity(code_lists.len());
    for (i, list) in code_lists.iter().enumerate() {
        let parsed = match list {
            Value::String(text) => parse_code_list(text),
            other => parse_code_list(&other.to_string()),
        };
        match parsed {
            Ok(list) => lists.push(list),
            Err(problem) => {
                let pointer = format!("/codeLists/{i}{}", problem.pointer);
                return Err(json!({
                    "ok": false,
                    "error": { "code": "invalid_code_list", "message": format!("{pointer}: {}", problem.message), "pointer": pointer },
                }));
            }
        }
    }
    let parsed = match definition {
        Value::String(text) => lint::parse(&text),
        other => lint::parse_value(other),
    };
    Ok(parsed.map(|mut def| {
        resolve_code_lists(&mut def, &lists);
        def
    }))
}

fn invalid_definition(problems: Vec<Problem>) -> Value {
    let errors = problems.iter().filter(|p| p.severity == antrag_core::Severity::Error).count();
    json!({
        "ok": false,
        "error": { "code": "invalid_definition", "message": format!("the definition has {errors} error(s); see problems") },
        "problems": problems,
    })
}

fn unknown_form(handle: u32) -> Value {
    failure("unknown_form", format!("no form is loaded under handle {handle}"))
}

fn failure(code: &str, message: impl Into<String>) -> Value {
    json!({ "ok": false, "error": { "code": code, "message": message.into() } })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(session: &mut Session, request: Value) -> Value {
        serde_json::from_str(&session.call(&request.to_string())).unwrap()
    }

    const SMALL: &str = r#"{"format": "antrag/1", "id": "t", "version": "3", "title": "T", "languages": ["de"],
        "items": [
          {"field": "n", "datatype": "num", "label": "N", "required": true},
          {"field": "von", "datatype": "date", "label": "Von", "constraints": {"minDate": "today"}}
        ]}"#;

    #[test]
    fn a_loaded_form_checks_answers_on_the_given_day() {
        let mut s = Session::default();
        let loaded = call(&mut s, json!({"op": "load", "definition": SMALL}));
        assert_eq!(loaded, json!({"ok": true, "form": 1, "id": "t", "version": "3", "warnings": []}));
        let check = |s: &mut Session, today: &str| {
            call(s, json!({"op": "check", "form": 1, "answers": {"n": "2,5", "von": "2026-12-03"}, "today": today}))
        };
        assert_eq!(
            check(&mut s, "2026-12-03"),
            json!({"ok": true, "valid": true, "payload": {"n": 2.5, "von": "2026-12-03"}})
        );
        let late = check(&mut s, "2026-12-04");
        assert_eq!(late["valid"], false);
        assert_eq!(late["issues"][0]["path"], "von");
        assert_eq!(late["issues"][0]["code"], "date_too_early");
    }

    #[test]
    fn the_report_is_the_cores_report() {
        let mut s = Session::default();
        call(&mut s, json!({"op": "load", "definition": serde_json::from_str::<Value>(SMALL).unwrap()}));
        let form = Form::from_json(SMALL).unwrap();
        let today = Date::new(2026, 12, 3).unwrap();
        let answers: Answers = serde_json::from_value(json!({"n": "x", "von": "2026-02-30"})).unwrap();
        let native = serde_json::to_value(antrag_core::validate(&form, &answers, &Context::on(today))).unwrap();
        let got = call(&mut s, json!({"op": "check", "form": 1, "answers": answers, "today": "2026-12-03"}));
        assert_eq!(got["issues"], native);
        assert_eq!(native.as_array().unwrap().len(), 2);
    }

    #[test]
    fn bad_requests_say_what_is_wrong() {
        let mut s = Session::default();
        let code = |v: Value| v["error"]["code"].as_str().unwrap().to_owned();
        assert_eq!(code(call(&mut s, json!({"op": "send"}))), "bad_request");
        assert_eq!(
            code(call(&mut s, json!({"op": "check", "form": 1, "answers": {}, "today": "2026-12-03"}))),
            "unknown_form"
        );
        call(&mut s, json!({"op": "load", "definition": SMALL}));
        assert_eq!(
            code(call(&mut s, json!({"op": "check", "form": 1, "answers": {}, "today": "3.12.2026"}))),
            "bad_today"
        );
        assert_eq!(
            code(call(&mut s, json!({"op": "check", "form": 1, "answers": [1], "today": "2026-12-03"}))),
            "bad_answers"
        );
        assert_eq!(code(call(&mut s, json!({"op": "unload", "form": 0}))), "unknown_form");
        assert_eq!(call(&mut s, json!({"op": "unload", "form": 1})), json!({"ok": true}));
        assert_eq!(code(call(&mut s, json!({"op": "unload", "form": 1}))), "unknown_form");
        let not_json = s.call("{\"op\":");
        assert!(not_json.contains("bad_request"), "{not_json}");
        let bad_list = call(&mut s, json!({"op": "load", "definition": SMALL, "codeLists": [{"id": "x"}]}));
        assert_eq!(code(bad_list.clone()), "invalid_code_list");
        assert!(bad_list["error"]["pointer"].as_str().unwrap().starts_with("/codeLists/0"), "{bad_list}");
    }

    #[test]
    fn a_broken_definition_is_refused_with_every_problem_and_its_pointer() {
        let mut s = Session::default();
        let broken = json!({"format": "antrag/1", "id": "b", "version": "1", "title": "B", "languages": ["de"],
            "items": [{"field": "a", "datatype": "text", "label": "A", "constraints": {"pattern": "("},
                       "legalBasis": {"text": "x", "url": "javascript:alert(1)"}}]});
        let loaded = call(&mut s, json!({"op": "load", "definition": broken.clone()}));
        assert_eq!(loaded["error"]["code"], "invalid_definition");
        let linted = call(&mut s, json!({"op": "lint", "definition": broken}));
        assert_eq!(linted["ok"], true);
        assert_eq!(loaded["problems"], linted["problems"]);
        let pointers: Vec<&str> =
            linted["problems"].as_array().unwrap().iter().map(|p| p["pointer"].as_str().unwrap()).collect();
        assert!(pointers.contains(&"/items/0/constraints/pattern"), "{pointers:?}");
        assert!(pointers.contains(&"/items/0/legalBasis/url"), "{pointers:?}");
        let syntax = call(&mut s, json!({"op": "lint", "definition": "{\"format\": "}));
        assert_eq!(syntax["problems"][0]["code"], "json_syntax");
    }

    #[test]
    fn handles_are_reused_after_unload() {
        let mut s = Session::default();
        for expected in [1, 2] {
            assert_eq!(call(&mut s, json!({"op": "load", "definition": SMALL}))["form"], expected);
        }
        call(&mut s, json!({"op": "unload", "form": 1}));
        assert_eq!(call(&mut s, json!({"op": "load", "definition": SMALL}))["form"], 1);
        assert_eq!(call(&mut s, json!({"op": "version"}))["interface"], INTERFACE);
    }
}
