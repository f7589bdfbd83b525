//! The submission payload and its JSON Schema.
mod common;
use antrag_core::{check, payload_schema, validate, Answers};

fn payload(f: &antrag_core::Form, a: &Answers) -> serde_json::Value {
    check(f, a, &ctx()).unwrap_or_else(|r| panic!("{r:?}")).into_inner()
}
use common::*;
use serde_json::json;

fn sample() -> antrag_core::Form {
    form(json!([
        {"field": "betrag", "datatype": "num_currency", "label": "Betrag"},
        {"field": "anzahl", "datatype": "num_int", "label": "Anzahl", "required": true},
        {"field": "datum", "datatype": "date", "label": "Datum"},
        {"field": "iban", "datatype": "text", "format": "iban", "label": "IBAN"},
        {"field": "info", "kind": "label", "datatype": "text", "label": "Hinweis"},
        {"field": "quelle", "kind": "hidden", "datatype": "text", "label": "Quelle", "default": "web"},
        {"group": "kinder", "label": "Kinder", "min": 0, "max": null, "items": [{"field": "name", "datatype": "text", "label": "Name"}]}
    ]))
}

#[test]
fn typed_values() {
    let a: Answers = serde_json::from_value(json!({
        "betrag": "1.234,50", "anzahl": "3", "datum": "2024-3-7", "iban": "de89 3704 0044 0532 0130 00",
        "kinder": [{"name": " Ana "}, {}]
    }))
    .unwrap();
    assert_eq!(
        payload(&sample(), &a),
        json!({"betrag": 1234.5, "anzahl": 3, "datum": "2024-03-07", "iban": "DE89370400440532013000", "quelle": "web", "kinder": [{"name": "Ana"}, {}]})
    );
}

#[test]
fn payload_is_a_fixed_point_and_validates_like_the_answers() {
    let f = sample();
    let a: Answers = serde_json::from_value(json!({"betrag": "12,5", "anzahl": "3", "datum": "2024-03-07"})).unwrap();
    let p = payload(&f, &a);
    let p_answers: Answers = serde_json::from_value(p.clone()).unwrap();
    assert_eq!(payload(&f, &p_answers), p);
    assert!(validate(&f, &p_answers, &ctx()).is_valid());
}

#[test]
fn schema_describes_the_payload() {
    let schema = payload_schema(sample().def());
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(schema["properties"]["anzahl"]["type"], "integer");
    assert_eq!(schema["properties"]["betrag"]["multipleOf"], 0.01);
    assert_eq!(schema["properties"]["datum"]["format"], "date");
    assert_eq!(schema["properties"]["kinder"]["type"], "array");
    assert_eq!(schema["required"], json!(["anzahl"]));
    assert!(schema["properties"].get("info").is_none(), "static text has no answer");
}

#[test]
fn big_numbers_and_number_patterns_survive_the_payload() {
    let f = form(json!([
        {"field": "gross", "datatype": "num", "label": "Groß"},
        {"field": "code", "datatype": "num_int", "label": "Code", "constraints": {"pattern": "[0-9]{4}"}}
    ]));
    let a: Answers = serde_json::from_value(json!({"gross": "100.000.000.000.000.000.000", "code": "1.234"})).unwrap();
    assert!(validate(&f, &a, &ctx()).is_valid());
    let p: Answers = serde_json::from_value(payload(&f, &a)).unwrap();
    assert!(validate(&f, &p, &ctx()).is_valid(), "{p:?}");
}
