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
