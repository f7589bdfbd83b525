//! # antrag-testing
//!
//! The one place every test layer takes "today" from, so that no test depends on the day it
//! runs (docs/testing.md, "Time in tests"):
//!
//! * the date in `tests/today.txt`,
//! * or `ANTRAG_TEST_TODAY=YYYY-MM-DD`, which `make test` passes to every layer — native tests
//!   read it at run time, the wasm tests (which have no environment) when they are compiled,
//!   the end-to-end suite sets the browser's clock and the reference server's
//!   (`--test-only-today`) to it.
//!
//! Dates in the shared examples are written relative to that day (`{today+3d}`, see
//! [`antrag_core::examples`]); [`examples`] reads them resolved.

#![warn(missing_docs)]
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};

use antrag_core::{Context, Date};
use serde_json::Value;

/// The repository's fixed test date (`tests/today.txt`).
const DEFAULT_TODAY: &str = include_str!("../../../tests/today.txt");

/// The test date: `ANTRAG_TEST_TODAY` when set, otherwise `tests/today.txt`.
///
/// # Panics
/// When that text is not a real calendar day written `YYYY-MM-DD` — the run stops with a
/// message that says which setting is wrong.
pub fn today() -> Date {
    let (text, source) = match override_text() {
        Some(text) if !text.trim().is_empty() => (text, "ANTRAG_TEST_TODAY"),
        _ => (DEFAULT_TODAY.to_owned(), "tests/today.txt"),
    };
    parse(&text).unwrap_or_else(|message| panic!("{source}: {message}"))
}

/// A validation context on the test date.
pub fn context() -> Context {
    Context::on(today())
}

/// Read a test date, with the message a person needs when it is wrong.
pub fn parse(text: &str) -> Result<Date, String> {
    let text = text.trim();
    Date::parse_iso(text).ok_or_else(|| {
        format!("\"{text}\" is not a date: write a real calendar day as YYYY-MM-DD, e.g. ANTRAG_TEST_TODAY=2029-02-28")
    })
}

#[cfg(not(target_arch = "wasm32"))]
fn override_text() -> Option<String> {
    std::env::var("ANTRAG_TEST_TODAY").ok()
}

#[cfg(target_arch = "wasm32")]
fn override_text() -> Option<String> {
    option_env!("ANTRAG_TEST_TODAY").map(str::to_owned)
}

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The shared examples of a demo form (`forms/examples/<id>.json`) with their relative dates
/// resolved for [`today`].
///
/// # Panics
/// When the file is missing, is not JSON, or holds an unreadable relative date.
pub fn examples(form_id: &str) -> Value {
    let path = root().join("forms/examples").join(format!("{form_id}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    resolved(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Examples given as text, with their relative dates resolved for [`today`].
pub fn resolved(text: &str) -> Result<Value, String> {
    let mut value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    antrag_core::examples::resolve(&mut value, today()).map_err(|e| e.to_string())?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_repository_date_is_a_date() {
        assert!(parse(DEFAULT_TODAY).is_ok());
    }

    #[test]
    fn a_wrong_date_says_how_to_write_it() {
        let message = parse("2029-02-30").unwrap_err();
        assert!(message.contains("\"2029-02-30\" is not a date") && message.contains("YYYY-MM-DD"), "{message}");
        assert!(parse("28.02.2029").is_err());
        assert_eq!(parse(" 2029-02-28\n"), Ok(Date::new(2029, 2, 28).unwrap()));
    }
}
