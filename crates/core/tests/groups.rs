//! Groups: nesting, repeatable entries with min..max, optional groups, per-entry rules.
mod common;
use common::*;
use serde_json::json;

fn vehicles() -> antrag_core::Form {
    form(json!([{
        "group": "fahrzeuge", "label": "Fahrzeuge", "min": 1, "max": 3, "entryLabel": "Fahrzeug {n}",
        "items": [
            {"field": "kennzeichen", "datatype": "text", "label": "Kennzeichen", "required": true},
            {"field": "gewicht", "datatype": "num_int", "label": "Gewicht"},
            {"field": "anhaenger", "datatype": "num_int", "label": "Anhängelast",
             "visibleIf": {">": [{"var": "fahrzeuge.gewicht"}, 3500]}, "required": true}
        ],
        "rules": [{"id": "leicht", "assert": {"<=": [{"var": "fahrzeuge.gewicht"}, 40000]}, "fields": ["fahrzeuge.gewicht"], "message": "Zu schwer"}]
    }]))
}

#[test]
fn entries_are_validated_with_their_index() {
    let f = vehicles();
    assert_eq!(
        check(&f, json!({"fahrzeuge": [{"kennzeichen": "B-A 1"}, {}, {"kennzeichen": "B-A 3", "gewicht": "4000"}]})),
        errs(&[("fahrzeuge[1].kennzeichen", "required"), ("fahrzeuge[2].anhaenger", "required")])
    );
}

#[test]
fn entry_counts() {
    let f = vehicles();
    assert_eq!(check(&f, json!({})), errs(&[("fahrzeuge", "too_few_entries")]));
    assert_eq!(check(&f, json!({"fahrzeuge": []})), errs(&[("fahrzeuge", "too_few_entries")]));
    let four =
        json!({"fahrzeuge": [{"kennzeichen": "a"}, {"kennzeichen": "b"}, {"kennzeichen": "c"}, {"kennzeichen": "d"}]});
    assert_eq!(report(&f, four), json!([{"path": "fahrzeuge", "code": "too_many_entries", "params": {"max": 3}}]));
    assert_eq!(check(&f, json!({"fahrzeuge": {"kennzeichen": "a"}})), errs(&[("fahrzeuge", "wrong_type")]));
    assert_eq!(check(&f, json!({"fahrzeuge": ["a"]})), errs(&[("fahrzeuge[0]", "wrong_type")]));
}

#[test]
fn rules_run_per_entry() {
    let f = vehicles();
    let answers = json!({"fahrzeuge": [{"kennzeichen": "a", "gewicht": "50000", "anhaenger": "1"}, {"kennzeichen": "b", "gewicht": "1000"}]});
    assert_eq!(
        report(&f, answers),
        json!([{"path": "fahrzeuge[0].gewicht", "code": "rule", "params": {"rule": "leicht"}}])
    );
}

#[test]
fn optional_group_is_only_checked_when_present() {
    let f = form(json!([{
        "group": "zweitwohnsitz", "label": "Zweitwohnsitz", "min": 0, "max": 1,
        "items": [{"field": "ort", "datatype": "text", "label": "Ort", "required": true}]
    }]));
    assert_eq!(check(&f, json!({})), errs(&[]));
    assert_eq!(check(&f, json!({"zweitwohnsitz": []})), errs(&[]));
    assert_eq!(check(&f, json!({"zweitwohnsitz": [{}]})), errs(&[("zweitwohnsitz[0].ort", "required")]));
}

#[test]
fn nested_groups_and_unknown_keys() {
    let f = form(json!([{"group": "a", "label": "A", "items": [{"group": "b", "label": "B", "items": [
        {"field": "c", "datatype": "text", "label": "C", "required": true}
    ]}]}]));
    assert_eq!(check(&f, json!({"a": {"b": {"c": "x"}}})), errs(&[]));
    assert_eq!(check(&f, json!({"a": {"b": {}, "z": 1}})), errs(&[("a.z", "unknown_field"), ("a.b.c", "required")]));
    assert_eq!(check(&f, json!({"a": 5})), errs(&[("a", "wrong_type")]));
}
