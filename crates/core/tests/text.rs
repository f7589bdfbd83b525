//! Text rules: required, empty means absent, lengths in characters, DIN SPEC 91379, patterns.
mod common;
use common::*;
use serde_json::json;

#[test]
fn required_and_empty_means_absent() {
    let f = one(
        json!({"field": "name", "datatype": "text", "label": "Name", "required": true, "constraints": {"minLength": 2}}),
    );
    assert_eq!(check(&f, json!({})), errs(&[("name", "required")]));
    assert_eq!(check(&f, json!({"name": ""})), errs(&[("name", "required")]));
    assert_eq!(check(&f, json!({"name": "   "})), errs(&[("name", "required")]));
    assert_eq!(check(&f, json!({"name": null})), errs(&[("name", "required")]));
    assert_eq!(check(&f, json!({"name": "Al"})), errs(&[]));
    // Every rule but required passes on an absent answer.
    let optional = one(
        json!({"field": "name", "datatype": "text", "label": "Name", "constraints": {"minLength": 2, "pattern": "[a-z]+"}}),
    );
    assert_eq!(check(&optional, json!({})), errs(&[]));
    assert_eq!(check(&optional, json!({"name": ""})), errs(&[]));
}

#[test]
fn lengths_count_characters_not_bytes() {
    let f =
        one(json!({"field": "n", "datatype": "text", "label": "N", "constraints": {"minLength": 3, "maxLength": 5}}));
    // "Jürgß" is 5 characters but 7 bytes.
    assert_eq!(check(&f, json!({"n": "Jürgß"})), errs(&[]));
    assert_eq!(check(&f, json!({"n": "Öß"})), errs(&[("n", "too_short")]));
    assert_eq!(check(&f, json!({"n": "Łódźęż"})), errs(&[("n", "too_long")]));
    // Non-Latin scripts count characters too (10 CJK chars = 30 bytes).
    assert_eq!(check(&f, json!({"n": "王小明"})), errs(&[]));
    assert_eq!(check(&f, json!({"n": "Олександр"})), errs(&[("n", "too_long")]));
    // Surrounding whitespace does not count.
    assert_eq!(check(&f, json!({"n": "  Ana  "})), errs(&[]));
    assert_eq!(report(&f, json!({"n": "abcdef"})), json!([{"path": "n", "code": "too_long", "params": {"max": 5}}]));
}

#[test]
fn text_latin_is_din_spec_91379() {
    let f = one(json!({"field": "n", "datatype": "text_latin", "label": "N"}));
    for ok in
        ["Jürgen Groß", "Łukasz Żółć", "Ærøskøbing", "Şahin Çelik", "Dvořák", "N\u{302}guyen", "O'Brien-Smith, Jr."]
    {
        assert_eq!(check(&f, json!({"n": ok})), errs(&[]), "{ok}");
    }
    for bad in ["Олександр", "王小明", "محمد", "Ἀθηνᾶ", "emoji 🙂"] {
        assert_eq!(check(&f, json!({"n": bad})), errs(&[("n", "not_latin")]), "{bad}");
    }
}

#[test]
fn patterns_match_the_whole_answer() {
    let f = one(
        json!({"field": "hn", "datatype": "text", "label": "Hausnummer", "constraints": {"pattern": "[0-9]{1,4}[a-z]?"}}),
    );
    assert_eq!(check(&f, json!({"hn": "12a"})), errs(&[]));
    assert_eq!(check(&f, json!({"hn": "x12a"})), errs(&[("hn", "pattern_mismatch")]));
    assert_eq!(check(&f, json!({"hn": "12ab"})), errs(&[("hn", "pattern_mismatch")]));
    // Alternation is anchored as a whole.
    let alt = one(json!({"field": "x", "datatype": "text", "label": "X", "constraints": {"pattern": "a|b"}}));
    assert_eq!(check(&alt, json!({"x": "ab"})), errs(&[("x", "pattern_mismatch")]));
    // Umlauts in patterns.
    let um = one(json!({"field": "x", "datatype": "text", "label": "X", "constraints": {"pattern": "[A-ZÄÖÜ]{1,3}"}}));
    assert_eq!(check(&um, json!({"x": "MÜ"})), errs(&[]));
}

#[test]
fn wrong_json_types_are_reported_not_panicked() {
    let f = one(json!({"field": "n", "datatype": "text", "label": "N", "required": true}));
    assert_eq!(check(&f, json!({"n": 42})), errs(&[("n", "wrong_type")]));
    assert_eq!(check(&f, json!({"n": {"a": 1}})), errs(&[("n", "wrong_type")]));
    assert_eq!(check(&f, json!({"n": "ok", "extra": 1})), errs(&[("extra", "unknown_field")]));
}
