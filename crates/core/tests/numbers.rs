//! Number rules: num, num_int, num_currency, ranges, German input.
mod common;
use common::*;
use serde_json::json;

#[test]
fn numbers_as_typed_and_as_json() {
    let f = one(json!({"field": "x", "datatype": "num", "label": "X", "constraints": {"min": 0.5, "max": 1000}}));
    for ok in ["1", "0,5", "1.000", "999,99", "12.5", " 7 "] {
        assert_eq!(check(&f, json!({"x": ok})), errs(&[]), "{ok}");
    }
    assert_eq!(check(&f, json!({"x": 12.5})), errs(&[]));
    assert_eq!(check(&f, json!({"x": "abc"})), errs(&[("x", "not_a_number")]));
    assert_eq!(report(&f, json!({"x": "0,4"})), json!([{"path": "x", "code": "too_small", "params": {"min": 0.5}}]));
    assert_eq!(
        report(&f, json!({"x": "1.000,01"})),
        json!([{"path": "x", "code": "too_large", "params": {"max": 1000.0}}])
    );
    assert_eq!(check(&f, json!({"x": true})), errs(&[("x", "wrong_type")]));
}

/// A JSON number is a number, never text to guess at: `1.234` is one and a quarter-ish, not
/// 1234 (as the typed `"1.234"` is read) — API clients send numbers, and an application handed
/// back to change it carries its payload's numbers.
#[test]
fn json_numbers_with_three_decimals_are_not_thousands() {
    let f = one(json!({"field": "x", "datatype": "num", "label": "X", "constraints": {"max": 100}}));
    assert_eq!(check(&f, json!({"x": 1.234})), errs(&[]));
    assert_eq!(check(&f, json!({"x": -0.125})), errs(&[]));
    assert_eq!(check(&f, json!({"x": 1234.5})), errs(&[("x", "too_large")]));
    let int = one(json!({"field": "x", "datatype": "num_int", "label": "X"}));
    assert_eq!(check(&int, json!({"x": 1.234})), errs(&[("x", "not_an_integer")]));
    // Put into an input, such a number is written so that it reads back the same.
    for (n, text) in [(json!(1.234), "1,234"), (json!(12.5), "12.5"), (json!(1000), "1000"), (json!(-0.125), "-0,125")]
    {
        assert_eq!(antrag_core::number::answer_text(n.as_number().unwrap()), text);
        assert_eq!(check(&f, json!({"x": text})), check(&f, json!({"x": n})), "{text}");
    }
}

/// A payload handed back as answers: numbers as an input shows them, in groups and lists too;
/// everything else as it was.
#[test]
fn a_payload_as_answers_again() {
    let form = antrag_core::Form::from_json(
        &json!({"format": "antrag/1", "id": "f", "version": "1", "title": "F", "languages": ["de"], "items": [
            {"field": "n", "datatype": "num", "label": "N"},
            {"field": "s", "datatype": "num_int", "kind": "select", "label": "S", "options": [{"value": "1", "label": "Eins"}]},
            {"group": "g", "label": "G", "items": [{"field": "m", "datatype": "num_currency", "label": "M"}]},
            {"group": "l", "label": "L", "max": 3, "items": [{"field": "k", "datatype": "num", "label": "K"}]}
        ]})
        .to_string(),
    )
    .unwrap();
    let payload = json!({"n": 1.234, "s": "1", "g": {"m": 12.5}, "l": [{"k": 3}, {"k": 0.125}], "other": 2});
    let answers = antrag_core::answers_from_payload(&form, payload.as_object().unwrap());
    assert_eq!(
        serde_json::Value::Object(answers),
        json!({"n": "1,234", "s": "1", "g": {"m": "12.5"}, "l": [{"k": "3"}, {"k": "0,125"}], "other": 2})
    );
}

#[test]
fn integers() {
    let f = one(json!({"field": "x", "datatype": "num_int", "label": "X", "constraints": {"min": 1, "max": 20}}));
    assert_eq!(check(&f, json!({"x": "3"})), errs(&[]));
    assert_eq!(check(&f, json!({"x": "3,0"})), errs(&[]));
    assert_eq!(check(&f, json!({"x": "3,5"})), errs(&[("x", "not_an_integer")]));
    assert_eq!(check(&f, json!({"x": "21"})), errs(&[("x", "too_large")]));
}

#[test]
fn currency_has_at_most_two_decimals() {
    let f = one(json!({"field": "x", "datatype": "num_currency", "label": "X"}));
    for ok in ["12", "12,5", "12,50", "1.234,56 €", "€ 3", "1,234.50"] {
        assert_eq!(check(&f, json!({"x": ok})), errs(&[]), "{ok}");
    }
    assert_eq!(
        report(&f, json!({"x": "12,345"})),
        json!([{"path": "x", "code": "too_many_decimals", "params": {"max": 2}}])
    );
}
