//! Fuzz parsing, lint and validation together: the input is split into a definition and
//! answers (at the first 0xFF byte, or a built-in definition when there is none). Nothing may
//! panic, and validating the payload of valid answers must find no problem.
#![no_main]

use antrag_core::{lint, submission_payload, validate, visibility, Answers, Context, Date, Form};
use libfuzzer_sys::fuzz_target;

const BUILT_IN: &str = include_str!("../../forms/bewohnerparkausweis.json");

fuzz_target!(|data: &[u8]| {
    let (definition, answers) = match data.iter().position(|b| *b == 0xFF) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (BUILT_IN.as_bytes(), data),
    };
    let Ok(definition) = std::str::from_utf8(definition) else { return };
    let parsed = match antrag_core::parse(definition) {
        Ok(def) => def,
        Err(problems) => {
            assert!(!problems.is_empty());
            return;
        }
    };
    let _ = lint(&parsed);
    let Ok(form) = Form::new(parsed) else { return };
    let Ok(answers) = serde_json::from_slice::<Answers>(answers) else { return };
    let ctx = Context::on(Date::new(2026, 11, 28).unwrap());
    let report = validate(&form, &answers, &ctx);
    let _ = visibility(&form, &answers, &ctx);
    let payload = submission_payload(&form, &answers, &ctx);
    if report.is_valid() {
        let again: Answers = serde_json::from_value(payload).unwrap();
        assert!(validate(&form, &again, &ctx).is_valid(), "the payload of valid answers must be valid");
    }
});
