//! Semantic formats: e-mail, phone, IBAN, BIC, PLZ, Steuer-IdNr, URL; and our e-mail rule
//! checked against the `validator` crate's.
mod common;
use common::*;
use proptest::prelude::*;
use serde_json::json;
use validator::ValidateEmail;

fn formatted(format: &str) -> antrag_core::Form {
    one(json!({"field": "x", "datatype": "text", "format": format, "label": "X"}))
}

#[test]
fn each_format_accepts_and_rejects() {
    let cases: &[(&str, &[&str], &[&str], &str)] = &[
        ("email", &["a@b.de", "vorname.nachname+amt@stadt-halle.de"], &["a@b", "@b.de", "a b@c.de"], "invalid_email"),
        (
            "phone",
            &["+49 345 1234567", "0345/123456", "(0345) 12 34 56"],
            &["123", "+49 abc", "12--34"],
            "invalid_phone",
        ),
        (
            "iban",
            &["DE89 3704 0044 0532 0130 00", "AT611904300234573201"],
            &["DE89370400440532013001", "XX"],
            "invalid_iban",
        ),
        ("bic", &["COBADEFFXXX", "MARKDEF1100"], &["COBADEF", "1OBADEFF"], "invalid_bic"),
        ("plz", &["06108", "99998"], &["6108", "00100", "061080"], "invalid_plz"),
        ("steuer_id", &["86095742719", "860 957 427 19"], &["86095742718", "1234567890"], "invalid_steuer_id"),
        ("url", &["https://www.halle.de/formulare"], &["www.halle.de", "javascript:alert(1)"], "invalid_url"),
    ];
    for (format, good, bad, code) in cases {
        let f = formatted(format);
        for g in *good {
            assert_eq!(check(&f, json!({"x": g})), errs(&[]), "{format}: {g}");
        }
        for b in *bad {
            assert_eq!(check(&f, json!({"x": b})), errs(&[("x", code)]), "{format}: {b}");
        }
    }
}

/// Our WHATWG e-mail check must agree with the validator crate's (which we keep out of the
/// wasm for its size), except that we require a dot in the domain.
fn agree(address: &str) {
    let ours = antrag_core::formats::is_email(address);
    let theirs = address.validate_email() && address.rsplit_once('@').is_some_and(|(_, d)| d.contains('.'));
    assert_eq!(ours, theirs, "{address:?}");
}

#[test]
fn email_agrees_with_validator_on_known_cases() {
    for a in [
        "a@b.de",
        "a.b@c.de",
        "a+b@c.de",
        "\"quoted\"@x.de",
        "a@b..de",
        "a@-b.de",
        "a@b-.de",
        "a@b.c-d.de",
        "a@[127.0.0.1]",
        "ab@ü.de",
        "x@xn--mller-kva.de",
        "a@b.de.",
        ".a@b.de",
        "a.@b.de",
        "a@@b.de",
        "",
    ] {
        if a == "a@[127.0.0.1]" || a == ".a@b.de" || a == "a.@b.de" {
            // Deliberate differences: no IP literals for citizens; WHATWG (and we) allow dots
            // anywhere in the local part, validator's regex does too — keep them documented.
            continue;
        }
        agree(a);
    }
}

proptest! {
    #[test]
    fn email_agrees_with_validator(local in "[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]{1,12}", labels in proptest::collection::vec("[a-z0-9][a-z0-9-]{0,8}[a-z0-9]", 1..4)) {
        agree(&format!("{local}@{}", labels.join(".")));
    }
}

#[test]
fn routing_keys_are_digits_of_their_length() {
    use antrag_core::formats::{is_ags, is_ars, is_leika_key};
    assert!(is_leika_key("99050012104000"));
    assert!(!is_leika_key("9905001210400") && !is_leika_key("9905001210400a") && !is_leika_key("990500121040000"));
    assert!(is_ars("150020000000") && !is_ars("15002000000"));
    assert!(is_ags("15002000") && !is_ags("1500200x"));
    // Only ASCII digits: other Unicode digits are not part of a key.
    assert!(!is_ags("١٥٠٠٢٠٠٠"));
}
