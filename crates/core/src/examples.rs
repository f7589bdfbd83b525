//! Example answers with dates written relative to today.
//!
//! The shared example files (`forms/examples/<id>.json`: named valid answers, and invalid
//! answers with the report they must give) feed the core's, the server's, the browser's and
//! any backend's tests. A date near today in them — a start that must lie in the future, a
//! birthday one day short of 18 years — would be wrong a few days after it was written, so
//! such dates are written relative to today inside any JSON string:
//!
//! * `{today}`, `{today+3d}`, `{today-18y+1d}`: the offsets of a date bound
//!   ([`DateBound`](crate::date::DateBound)), years, months and days;
//! * anywhere in a string: `"{today+4d}T10:00"` is a date and time four days ahead.
//!
//! [`resolve`] turns them into `YYYY-MM-DD` for a given day. Strings without `{today` stay as
//! they are.

use serde_json::Value;

use crate::date::{Date, DateBound};

/// A relative date that could not be read: where it stands (a JSON pointer) and what it says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRelativeDate {
    /// JSON pointer of the string, e.g. `/valid/keeper/antragsteller/geburtsdatum`.
    pub pointer: String,
    /// The unreadable part, e.g. `{today+3w}`.
    pub text: String,
}

impl std::fmt::Display for BadRelativeDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: \"{}\" is not a relative date; write {{today}} or {{today}} with offsets such as +3d, -18y, +1m",
            self.pointer, self.text
        )
    }
}

impl std::error::Error for BadRelativeDate {}

/// Replace every `{today…}` in the strings of `value` (keys stay as they are) by the date it
/// names for `today`.
pub fn resolve(value: &mut Value, today: Date) -> Result<(), BadRelativeDate> {
    resolve_at(value, today, &mut String::new())
}

fn resolve_at(value: &mut Value, today: Date, pointer: &mut String) -> Result<(), BadRelativeDate> {
    match value {
        Value::String(text) if text.contains("{today") => {
            *text = resolve_text(text, today).map_err(|bad| BadRelativeDate { pointer: pointer.clone(), text: bad })?;
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                resolve_at(item, today, pointer)?;
                pointer.truncate(len);
            }
        }
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                resolve_at(item, today, pointer)?;
                pointer.truncate(len);
            }
        }
        _ => {}
    }
    Ok(())
}

/// One string: each `{today…}` replaced; the unreadable placeholder as the error.
pub fn resolve_text(text: &str, today: Date) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{today") {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('}') else {
            return Err(rest[start..].to_owned());
        };
        let placeholder = &rest[start..=start + len];
        let bound = DateBound::parse(&placeholder[1..placeholder.len() - 1])
            .filter(|b| matches!(b, DateBound::Relative { .. }))
            .ok_or_else(|| placeholder.to_owned())?;
        out.push_str(&bound.resolve(today).to_string());
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn day(text: &str) -> Date {
        Date::parse_iso(text).unwrap()
    }

    #[test]
    fn placeholders_become_dates_for_the_given_day() {
        let mut value = json!({
            "a": "{today}", "b": ["{today+3d}", "{today-18y+1d}"], "c": "{today+4d}T10:00",
            "d": "plain {text}", "e": 5, "{today}": "keys stay"
        });
        resolve(&mut value, day("2029-02-28")).unwrap();
        assert_eq!(
            value,
            json!({
                "a": "2029-02-28", "b": ["2029-03-03", "2011-03-01"], "c": "2029-03-04T10:00",
                "d": "plain {text}", "e": 5, "{today}": "keys stay"
            })
        );
    }

    #[test]
    fn year_end_and_leap_days() {
        assert_eq!(resolve_text("{today+1d}", day("2031-12-31")).unwrap(), "2032-01-01");
        assert_eq!(resolve_text("{today+1y}", day("2028-02-29")).unwrap(), "2029-02-28");
        assert_eq!(resolve_text("{today+1d}/{today-1d}", day("2028-02-28")).unwrap(), "2028-02-29/2028-02-27");
    }

    #[test]
    fn unreadable_placeholders_are_named_with_their_place() {
        let mut value = json!({"valid": {"x": {"beginn": "{today+3w}"}}});
        let error = resolve(&mut value, day("2026-11-28")).unwrap_err();
        assert_eq!(error, BadRelativeDate { pointer: "/valid/x/beginn".into(), text: "{today+3w}".into() });
        assert!(error.to_string().contains("/valid/x/beginn"));
        assert_eq!(resolve_text("{today+3d", day("2026-11-28")), Err("{today+3d".into()));
        // An absolute date is not a relative one.
        assert_eq!(resolve_text("{today2026-01-01}", day("2026-11-28")), Err("{today2026-01-01}".into()));
    }
}
