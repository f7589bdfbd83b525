//! Answers from elsewhere than typing: a new form's start, a draft of an older version
//! carried over, and the embedding host's identity and prefill values.
mod common;
use antrag_core::{apply_host_data, carry_over, initial_answers, Answers, FieldPath};
use common::*;
use serde_json::{json, Map, Value};

fn answers(value: Value) -> Answers {
    serde_json::from_value(value).unwrap()
}

fn map(value: Value) -> Map<String, Value> {
    value.as_object().unwrap().clone()
}

#[test]
fn a_new_form_starts_with_defaults_and_the_minimum_entries_of_lists() {
    let f = form(json!([
        {"field": "land", "datatype": "text", "label": "Land", "default": "Deutschland"},
        {"field": "name", "datatype": "text", "label": "Name"},
        {"group": "kinder", "label": "Kinder", "min": 2, "max": 5, "items": [
            {"field": "name", "datatype": "text", "label": "Name"},
            {"field": "wohnt_hier", "datatype": "bool", "label": "Wohnt hier", "default": true}
        ]},
        {"group": "kontakt", "label": "Kontakt", "items": [{"field": "art", "datatype": "text", "label": "Art", "default": "post"}]},
        {"group": "anlagen", "label": "Anlagen", "min": 0, "max": 3, "items": [{"field": "x", "datatype": "text", "label": "X", "default": "nie"}]}
    ]));
    assert_eq!(
        Value::Object(initial_answers(&f)),
        json!({
            "land": "Deutschland",
            "kinder": [{"wohnt_hier": true}, {"wohnt_hier": true}],
            "kontakt": {"art": "post"}
        })
    );
}

#[test]
fn a_draft_of_an_older_version_keeps_what_fits_and_returns_the_rest() {
    let f = form(json!([
        {"group": "person", "label": "Person", "items": [
            {"field": "vorname", "datatype": "text", "label": "Vorname"},
            {"field": "alter", "datatype": "num_int", "label": "Alter"}
        ]},
        {"field": "typ", "kind": "select", "datatype": "text", "label": "Typ", "options": [{"value": "pkw", "label": "PKW"}]},
        {"field": "zustimmung", "datatype": "bool", "label": "Zustimmung"},
        {"group": "kinder", "label": "Kinder", "min": 0, "max": 5, "items": [{"field": "name", "datatype": "text", "label": "Name"}]}
    ]));
    let old = answers(json!({
        "person": {"vorname": "Jürgen", "rufname": "Jo", "alter": "abc"},
        "typ": "lkw",
        "zustimmung": "ja",
        "kinder": {"name": "Mia"},
        "entfallen": 3
    }));
    let (kept, dropped) = carry_over(&f, &old, &ctx());
    // "abc" for a number is an answer a citizen can correct; it stays.
    assert_eq!(Value::Object(kept), json!({"person": {"vorname": "Jürgen", "alter": "abc"}}));
    let mut dropped: Vec<(String, Value)> = dropped.into_iter().map(|(p, v)| (p.to_string(), v)).collect();
    dropped.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        dropped,
        vec![
            ("entfallen".into(), json!(3)),
            ("kinder".into(), json!({"name": "Mia"})),
            ("person.rufname".into(), json!("Jo")),
            ("typ".into(), json!("lkw")),
            ("zustimmung".into(), json!("ja")),
        ]
    );
    // Answers that fit come through untouched.
    let fitting = answers(json!({"person": {"vorname": "Ana"}, "kinder": [{"name": "Ben"}]}));
    assert_eq!(carry_over(&f, &fitting, &ctx()), (fitting.clone(), vec![]));
}

#[test]
fn the_hosts_identity_and_prefill_fill_the_fields_they_may() {
    let f = form(json!([
        {"group": "person", "label": "Person", "items": [
            {"field": "vorname", "kind": "locked", "datatype": "text", "label": "Vorname", "prefill": {"mode": "mandatory", "attribute": "givenName"}},
            {"field": "nachname", "datatype": "text", "label": "Nachname", "prefill": {"mode": "optional", "attribute": "familyName"}},
            {"field": "titel", "datatype": "text", "label": "Titel", "prefill": {"mode": "none", "attribute": "title"}}
        ]},
        {"field": "plz", "datatype": "text", "label": "PLZ", "prefill": {"mode": "optional", "attribute": "postalCode"}},
        {"group": "kinder", "label": "Kinder", "min": 0, "max": 5, "items": [
            {"field": "name", "datatype": "text", "label": "Name", "prefill": {"mode": "mandatory", "attribute": "givenName"}}
        ]},
        {"field": "ort", "datatype": "text", "label": "Ort"}
    ]));
    let mut a = answers(json!({"person": {"vorname": "Alt", "nachname": "Schon da"}, "ort": "Halle"}));
    let identity = map(json!({"givenName": "Anna", "familyName": "Schmidt", "title": "Dr.", "postalCode": "06108"}));
    let prefill =
        map(json!({"ort": "Magdeburg", "person.titel": "Prof.", "unbekannt.feld": "x", "kinder[0].name": "Mia"}));
    apply_host_data(&f, &mut a, &identity, &prefill);
    assert_eq!(
        Value::Object(a),
        json!({
            // mandatory: always; optional: only into an empty field; none: never (but a prefill
            // value by path fills the empty field); lists are not touched by identity.
            "person": {"vorname": "Anna", "nachname": "Schon da", "titel": "Prof."},
            "plz": "06108",
            "ort": "Halle",
            "kinder": [{"name": "Mia"}]
        })
    );
    assert!(FieldPath::parse("kinder[0].name").is_ok());
}
