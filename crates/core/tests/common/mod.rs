//! Helpers for the rule-family tests: build a form from a few nodes, validate, and compare
//! reports as (path, code) pairs.
#![allow(dead_code)]

use antrag_core::{validate, Answers, Context, Date, Form};
use serde_json::{json, Value};

/// The day all tests treat as today.
pub fn ctx() -> Context {
    Context::on(Date::new(2026, 11, 28).unwrap())
}

/// A form with the given top-level items (and optional extra definition members).
pub fn form_with(items: Value, extra: Value) -> Form {
    let mut def = json!({
        "format": "antrag/1", "id": "test", "version": "1", "title": "Test",
        "languages": ["de", "en"], "items": items
    });
    if let (Some(d), Some(e)) = (def.as_object_mut(), extra.as_object()) {
        d.extend(e.clone());
    }
    Form::from_json(&def.to_string()).unwrap_or_else(|p| panic!("test form does not lint: {p:#?}"))
}

/// A form with the given top-level items.
pub fn form(items: Value) -> Form {
    form_with(items, json!({}))
}

/// A form with one field.
pub fn one(field: Value) -> Form {
    form(json!([field]))
}

/// The report as `(path, code)` pairs.
pub fn check(form: &Form, answers: Value) -> Vec<(String, String)> {
    let answers: Answers = serde_json::from_value(answers).expect("answers are an object");
    validate(form, &answers, &ctx())
        .issues
        .into_iter()
        .map(|i| (i.path.to_string(), i.error.code().to_owned()))
        .collect()
}

/// The report as JSON (with params).
pub fn report(form: &Form, answers: Value) -> Value {
    let answers: Answers = serde_json::from_value(answers).expect("answers are an object");
    serde_json::to_value(validate(form, &answers, &ctx())).unwrap()
}

/// `vec![(path, code)]` from string pairs.
pub fn errs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(p, c)| (p.to_string(), c.to_string())).collect()
}
