//! File rules: count, size, media types (with wildcards), shape.
mod common;
use common::*;
use serde_json::json;

fn file(size: u64, media: &str) -> serde_json::Value {
    json!({"id": "a", "name": "f", "size": size, "mediaType": media})
}

#[test]
fn size_type_and_count() {
    let f = one(json!({
        "field": "f", "datatype": "file", "label": "Nachweis", "required": true,
        "constraints": {"maxSize": 1000, "mediaTypes": ["application/pdf", "image/*"], "maxFiles": 2}
    }));
    assert_eq!(check(&f, json!({"f": [file(1000, "application/pdf")]})), errs(&[]));
    assert_eq!(check(&f, json!({"f": [file(10, "image/png"), file(10, "image/jpeg; charset=x")]})), errs(&[]));
    assert_eq!(
        report(&f, json!({"f": [file(1001, "application/pdf")]})),
        json!([{"path": "f", "code": "file_too_large", "params": {"max": 1000}}])
    );
    assert_eq!(check(&f, json!({"f": [file(10, "text/html")]})), errs(&[("f", "file_type_not_allowed")]));
    assert_eq!(
        check(&f, json!({"f": [file(1, "image/png"), file(1, "image/png"), file(1, "image/png")]})),
        errs(&[("f", "too_many_files")])
    );
    assert_eq!(check(&f, json!({"f": []})), errs(&[("f", "required")]));
    assert_eq!(check(&f, json!({"f": [{"id": "a"}]})), errs(&[("f", "wrong_type")]));
    assert_eq!(check(&f, json!({"f": "a.pdf"})), errs(&[("f", "wrong_type")]));
}

#[test]
fn one_file_is_checked_before_upload_as_the_answer_will_be() {
    let f = one(json!({
        "field": "f", "datatype": "file", "label": "Nachweis",
        "constraints": {"maxSize": 1000, "mediaTypes": ["application/pdf", "image/*"]}
    }));
    let field = f.field("f").unwrap();
    assert_eq!(antrag_core::check_file(field, 1000, "application/pdf"), Ok(()));
    assert_eq!(antrag_core::check_file(field, 10, "image/png"), Ok(()));
    assert_eq!(
        antrag_core::check_file(field, 1001, "image/png"),
        Err(antrag_core::ErrorCode::FileTooLarge { max: 1000 })
    );
    assert_eq!(
        antrag_core::check_file(field, 10, "text/html"),
        Err(antrag_core::ErrorCode::FileTypeNotAllowed { allowed: vec!["application/pdf".into(), "image/*".into()] })
    );
    // A field without limits takes any file.
    let open = one(json!({"field": "g", "datatype": "file", "label": "Anlage"}));
    assert_eq!(antrag_core::check_file(open.field("g").unwrap(), u64::MAX, "application/x-anything"), Ok(()));
}
