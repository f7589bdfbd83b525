//! Choices: single and multiple, unknown values, counts, code lists.
mod common;
use common::*;
use serde_json::json;

fn colours(multiple: bool) -> antrag_core::Form {
    one(json!({
        "field": "c", "kind": "select", "datatype": "text", "label": "Farbe", "multiple": multiple, "required": true,
        "options": [{"value": "r", "label": "Rot"}, {"value": "g", "label": "Grün"}, {"value": "b", "label": "Blau"}],
        "constraints": if multiple { json!({"minSelected": 1, "maxSelected": 2}) } else { json!({}) }
    }))
}

#[test]
fn single_choice() {
    let f = colours(false);
    assert_eq!(check(&f, json!({"c": "g"})), errs(&[]));
    assert_eq!(check(&f, json!({"c": "x"})), errs(&[("c", "unknown_option")]));
    assert_eq!(check(&f, json!({"c": ["g"]})), errs(&[("c", "wrong_type")]));
    assert_eq!(check(&f, json!({})), errs(&[("c", "required")]));
}

#[test]
fn multiple_choice() {
    let f = colours(true);
    assert_eq!(check(&f, json!({"c": ["r", "b"]})), errs(&[]));
    assert_eq!(check(&f, json!({"c": []})), errs(&[("c", "required")]));
    assert_eq!(check(&f, json!({"c": ["r", "g", "b"]})), errs(&[("c", "too_many_selected")]));
    assert_eq!(check(&f, json!({"c": ["r", "r"]})), errs(&[("c", "unknown_option")]));
    assert_eq!(check(&f, json!({"c": ["r", 1]})), errs(&[("c", "wrong_type")]));
}

#[test]
fn code_lists_resolve_into_options() {
    let mut def = antrag_core::lint::parse(
        &json!({
            "format": "antrag/1", "id": "t", "version": "1", "title": "T", "languages": ["de"],
            "items": [{"field": "land", "kind": "select", "datatype": "text", "label": "Staat", "codeList": {"id": "urn:test:staat"}}]
        })
        .to_string(),
    )
    .unwrap();
    // Unresolved: lint names the pointer.
    let problems = antrag_core::lint(&def);
    assert_eq!(problems[0].code, "unknown_code_list");
    assert_eq!(problems[0].pointer, "/items/0/codeList");
    let list = |version: &str, code: &str| antrag_core::CodeList {
        id: "urn:test:staat".into(),
        version: version.into(),
        name: None,
        entries: vec![antrag_core::definition::Choice { value: code.into(), label: "X".into(), hint: None }],
    };
    // Without a version the newest list wins.
    antrag_core::resolve_code_lists(&mut def, &[list("2020-01-01", "old"), list("2023-02-24", "000")]);
    let form = antrag_core::Form::new(def).unwrap();
    assert_eq!(check(&form, json!({"land": "000"})), errs(&[]));
    assert_eq!(check(&form, json!({"land": "old"})), errs(&[("land", "unknown_option")]));
}
