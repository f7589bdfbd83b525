//! Conditions: visibility (with cascades and steps), requiredIf, repeat scoping, and that
//! hidden answers are neither validated nor submitted.
mod common;
use antrag_core::{visibility, Answers, FieldPath};
use common::*;
use serde_json::json;

fn form_a() -> antrag_core::Form {
    form_with(
        json!([
            {"field": "hund", "datatype": "bool", "label": "Hund?", "required": true},
            {"group": "details", "label": "Hund", "visibleIf": {"==": [{"var": "hund"}, true]}, "items": [
                {"field": "rasse", "datatype": "text", "label": "Rasse", "required": true},
                {"field": "gefaehrlich", "datatype": "bool", "label": "Gefährlich?"},
                {"field": "gutachten", "datatype": "text", "label": "Gutachten", "visibleIf": {"==": [{"var": "details.gefaehrlich"}, true]}, "required": true}
            ]},
            {"field": "telefon", "datatype": "text", "label": "Telefon", "requiredIf": {"missing": ["email"]}},
            {"field": "email", "datatype": "text", "label": "E-Mail"}
        ]),
        json!({"ui": {"steps": [
            {"id": "a", "title": "A", "items": ["hund", "details"]},
            {"id": "b", "title": "B", "items": ["telefon", "email"], "visibleIf": {"!=": [{"var": "details.rasse"}, "Dackel"]}}
        ]}}),
    )
}

#[test]
fn hidden_fields_are_not_validated() {
    let f = form_a();
    assert_eq!(check(&f, json!({"hund": false, "email": "x"})), errs(&[]));
    assert_eq!(check(&f, json!({"hund": true, "email": "x"})), errs(&[("details.rasse", "required")]));
}

#[test]
fn visibility_cascades() {
    let f = form_a();
    // gutachten depends on gefaehrlich, which is inside details, which depends on hund.
    let answers = json!({"hund": true, "details": {"rasse": "X", "gefaehrlich": true}, "email": "x"});
    assert_eq!(check(&f, answers), errs(&[("details.gutachten", "required")]));
    // When hund becomes false, gefaehrlich is hidden, so gutachten is hidden too.
    let answers = json!({"hund": false, "details": {"rasse": "X", "gefaehrlich": true}, "email": "x"});
    assert_eq!(check(&f, answers.clone()), errs(&[]));
    let a: Answers = serde_json::from_value(answers).unwrap();
    let v = visibility(&f, &a, &ctx());
    assert!(!v.is_visible(&FieldPath::parse("details.gutachten").unwrap()));
    assert!(v.is_visible(&FieldPath::parse("hund").unwrap()));
}

#[test]
fn hidden_answers_are_not_submitted_but_kept() {
    let f = form_a();
    let a: Answers =
        serde_json::from_value(json!({"hund": false, "details": {"rasse": "Dackel"}, "email": "x@y.de"})).unwrap();
    let payload = antrag_core::check(&f, &a, &ctx()).unwrap().into_inner();
    assert_eq!(payload, json!({"hund": false, "email": "x@y.de"}));
    // The answers themselves still hold the hidden value, so it comes back when shown again.
    assert_eq!(a["details"]["rasse"], "Dackel");
}

#[test]
fn required_if_and_step_visibility() {
    let f = form_a();
    assert_eq!(check(&f, json!({"hund": false})), errs(&[("telefon", "required")]));
    // Step b is hidden for Dackel owners: its fields are not required then.
    assert_eq!(check(&f, json!({"hund": true, "details": {"rasse": "Dackel"}})), errs(&[]));
    let a: Answers = serde_json::from_value(json!({"hund": true, "details": {"rasse": "Dackel"}})).unwrap();
    assert_eq!(visibility(&f, &a, &ctx()).visible_steps(), vec![0]);
}

#[test]
fn conditions_inside_repeats_use_the_same_entry() {
    let f = form(json!([
        {"group": "kinder", "label": "Kinder", "min": 0, "max": null, "items": [
            {"field": "alter", "datatype": "num_int", "label": "Alter", "required": true},
            {"field": "schule", "datatype": "text", "label": "Schule", "visibleIf": {">=": [{"var": "kinder.alter"}, 6]}, "required": true}
        ]},
        {"field": "hinweis", "datatype": "text", "label": "Hinweis", "visibleIf": {"some": [{"var": "kinder"}, {"<": [{"var": "alter"}, 3]}]}, "required": true}
    ]));
    let answers = json!({"kinder": [{"alter": "7"}, {"alter": "2"}, {"alter": "10", "schule": "GS Nord"}]});
    assert_eq!(check(&f, answers), errs(&[("kinder[0].schule", "required"), ("hinweis", "required")]));
}

#[test]
fn today_in_conditions() {
    let f = form(json!([
        {"field": "beginn", "datatype": "date", "label": "Beginn", "required": true},
        {"field": "grund", "datatype": "text", "label": "Grund für Rückwirkung", "visibleIf": {"<": [{"var": "beginn"}, {"today": []}]}, "required": true}
    ]));
    assert_eq!(check(&f, json!({"beginn": "2026-12-01"})), errs(&[]));
    assert_eq!(check(&f, json!({"beginn": "2026-1-5"})), errs(&[("grund", "required")]));
}

#[test]
fn cross_field_rules_with_messages() {
    let f = form_with(
        json!([
            {"field": "von", "datatype": "date", "label": "Von"},
            {"field": "bis", "datatype": "date", "label": "Bis"},
            {"field": "tel", "datatype": "text", "label": "Telefon"},
            {"field": "mail", "datatype": "text", "label": "E-Mail"}
        ]),
        json!({"rules": [
            {"id": "bis_nach_von", "when": {"and": [{"var": "von"}, {"var": "bis"}]}, "assert": {"<=": [{"var": "von"}, {"var": "bis"}]},
             "fields": ["bis"], "message": {"de": "Das Ende muss nach dem Beginn liegen.", "en": "The end must be after the start."}},
            {"id": "kontakt", "assert": {"!": {"missing_some": [1, ["tel", "mail"]]}}, "fields": ["tel", "mail"], "message": "Telefon oder E-Mail angeben"}
        ]}),
    );
    assert_eq!(check(&f, json!({"von": "2026-01-02", "bis": "2026-01-01", "tel": "1"})), errs(&[("bis", "rule")]));
    assert_eq!(check(&f, json!({"von": "2026-01-01", "bis": "2026-01-01", "mail": "a@b.de"})), errs(&[]));
    assert_eq!(report(&f, json!({})), json!([{"path": "tel", "code": "rule", "params": {"rule": "kontakt"}}]));
}
