//! Turning codes and values into text for the citizen: error messages (with the fallback
//! chain field message → locale message → built-in key), and answers as the summary shows them.

use antrag_core::definition::{DataType, Field, FormDef, Format, Kind, Node, Rule};
use antrag_core::error::DatePart;
use antrag_core::number::{format_german, parse_decimal};
use antrag_core::{ErrorCode, FileRef, Text, WidgetKind};
use serde_json::Value;

use crate::i18n::{t, tf, tp};

/// A number as written in `lang` (`1.234,5` in German, `1,234.5` otherwise).
pub fn number(lang: &str, n: f64, decimals: Option<usize>) -> String {
    let canonical = match decimals {
        Some(d) => format!("{n:.d$}"),
        None if n.fract() == 0.0 => format!("{n:.0}"),
        None => n.to_string(),
    };
    let german = format_german(&canonical, decimals);
    if lang.starts_with("de") {
        german
    } else {
        german.replace('.', "\u{0}").replace(',', ".").replace('\u{0}', ",")
    }
}

/// A date `YYYY-MM-DD` written out (`27. März 1990`, `27 March 1990`).
pub fn date(lang: &str, iso: &str) -> String {
    match antrag_core::Date::parse_iso(iso) {
        Some(d) => tf(
            lang,
            "date.long",
            &[
                ("day", &d.day.to_string()),
                ("month", &t(lang, &format!("month.{}", d.month))),
                ("year", &d.year.to_string()),
            ],
        ),
        None => iso.to_owned(),
    }
}

/// A UTC time (RFC 3339, `2026-11-28T12:00:00Z`) in German time: CET (UTC+1), or CEST
/// (UTC+2) from the last Sunday of March to the last Sunday of October, 01:00 UTC each — as
/// `YYYY-MM-DD` and `HH:MM`. The server shows times this way; the browser uses its own zone.
pub fn german_time(rfc3339: &str) -> Option<(String, String)> {
    let (date, rest) = rfc3339.split_once('T')?;
    let date = antrag_core::Date::parse_iso(date)?;
    let (h, m) = antrag_core::date::parse_time(rest.get(..5)?)?;
    if !rest.ends_with('Z') && !rest.ends_with("+00:00") {
        return None;
    }
    // Minutes since 1970 in UTC, and the two switches of this year.
    let minutes = |d: antrag_core::Date, h: u32, m: u32| d.to_days() * 1440 + i64::from(h * 60 + m);
    let last_sunday = |month: u32| {
        let last = antrag_core::Date::new(date.year, month, 31).expect("March and October have 31 days");
        // 1970-01-01 was a Thursday: days % 7 == 3 is a Sunday.
        last.add_days(-(last.to_days() - 3).rem_euclid(7))
    };
    let utc = minutes(date, h, m);
    let summer = utc >= minutes(last_sunday(3), 1, 0) && utc < minutes(last_sunday(10), 1, 0);
    let local = utc + if summer { 120 } else { 60 };
    let day = antrag_core::Date::from_days(local.div_euclid(1440));
    let clock = local.rem_euclid(1440);
    Some((day.to_string(), format!("{:02}:{:02}", clock / 60, clock % 60)))
}

/// Text made safe to stand in HTML markup (`&`, `<`, `>`, quotes as entities).
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A file size (`10 MB`, `512 KB`).
pub fn size(lang: &str, bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b >= KB * KB {
        let mb = b / (KB * KB);
        let decimals = if mb.fract() == 0.0 || mb >= 10.0 { 0 } else { 1 };
        tf(lang, "size.mb", &[("n", &number(lang, round(mb, decimals), Some(decimals)))])
    } else if b >= KB {
        tf(lang, "size.kb", &[("n", &number(lang, (b / KB).ceil(), Some(0)))])
    } else {
        tf(lang, "size.bytes", &[("n", &bytes.to_string())])
    }
}

fn round(x: f64, decimals: usize) -> f64 {
    let f = 10f64.powi(decimals as i32);
    (x * f).round() / f
}

/// A media type as citizens know it (`PDF`, `JPG`, `PNG`, `Bilder`).
pub fn media_type(lang: &str, media: &str) -> String {
    match media {
        "application/pdf" => "PDF".into(),
        "image/jpeg" => "JPG".into(),
        "image/png" => "PNG".into(),
        "image/*" => t(lang, "media.image"),
        other => other.rsplit('/').next().unwrap_or(other).to_uppercase(),
    }
}

/// A list joined with "or" (`PDF, JPG oder PNG`).
pub fn or_list(lang: &str, items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {} {last}", init.join(", "), t(lang, "list.or")),
    }
}

/// The message for an error on a field (`field` given) or a group (only its label), in `lang`.
pub fn error_message(
    lang: &str,
    def: &FormDef,
    label: &Text,
    field: Option<&Field>,
    widget: Option<WidgetKind>,
    error: &ErrorCode,
) -> String {
    let dl = &def.default_language;
    let label = label.resolve(lang, dl).trim_end_matches(['?', ':']).to_owned();
    if let Some(text) = field.and_then(|f| f.messages.get(error.code())) {
        return text.resolve(lang, dl).to_owned();
    }
    if let ErrorCode::Rule { rule } = error {
        if let Some(r) = find_rule(def, rule) {
            return r.message.resolve(lang, dl).to_owned();
        }
    }
    let l = ("label", label.as_str());
    match error {
        ErrorCode::Required => {
            let key = match widget {
                Some(WidgetKind::Radios | WidgetKind::Select | WidgetKind::YesNo | WidgetKind::Checkboxes) => {
                    "error.required.choose"
                }
                Some(WidgetKind::File) => "error.required.upload",
                Some(WidgetKind::Checkbox) => "error.required.confirm",
                _ => "error.required",
            };
            tf(lang, key, &[l])
        }
        ErrorCode::TooShort { min } => tp(lang, "error.too_short", f64::from(*min), &[l, ("min", &min.to_string())]),
        ErrorCode::TooLong { max } => tp(lang, "error.too_long", f64::from(*max), &[l, ("max", &max.to_string())]),
        ErrorCode::TooManyDecimals { max } => {
            tp(lang, "error.too_many_decimals", f64::from(*max), &[l, ("max", &max.to_string())])
        }
        ErrorCode::TooSmall { min } => tf(lang, "error.too_small", &[l, ("min", &bound(lang, field, *min))]),
        ErrorCode::TooLarge { max } => tf(lang, "error.too_large", &[l, ("max", &bound(lang, field, *max))]),
        ErrorCode::DateIncomplete { missing } => {
            let part = match missing {
                DatePart::Day => "day",
                DatePart::Month => "month",
                DatePart::Year => "year",
            };
            tf(lang, &format!("error.date_incomplete.{part}"), &[l])
        }
        ErrorCode::DateTooEarly { min } => tf(lang, "error.date_too_early", &[l, ("min", &date(lang, min))]),
        ErrorCode::DateTooLate { max } => tf(lang, "error.date_too_late", &[l, ("max", &date(lang, max))]),
        ErrorCode::TooFewSelected { min } => {
            tp(lang, "error.too_few_selected", f64::from(*min), &[l, ("min", &min.to_string())])
        }
        ErrorCode::TooManySelected { max } => {
            tp(lang, "error.too_many_selected", f64::from(*max), &[l, ("max", &max.to_string())])
        }
        ErrorCode::FileTooLarge { max } => tf(lang, "error.file_too_large", &[l, ("max", &size(lang, *max))]),
        ErrorCode::FileTypeNotAllowed { allowed } => {
            let names: Vec<String> = allowed.iter().map(|m| media_type(lang, m)).collect();
            tf(lang, "error.file_type_not_allowed", &[l, ("allowed", &or_list(lang, &names))])
        }
        ErrorCode::TooManyFiles { max } => {
            tp(lang, "error.too_many_files", f64::from(*max), &[l, ("max", &max.to_string())])
        }
        ErrorCode::TooFewEntries { min } => {
            tp(lang, "error.too_few_entries", f64::from(*min), &[l, ("min", &min.to_string())])
        }
        ErrorCode::TooManyEntries { max } => {
            tp(lang, "error.too_many_entries", f64::from(*max), &[l, ("max", &max.to_string())])
        }
        other => tf(lang, &format!("error.{}", other.code()), &[l]),
    }
}

fn bound(lang: &str, field: Option<&Field>, value: f64) -> String {
    match field {
        Some(f) if f.datatype == DataType::NumCurrency => format!("{} €", number(lang, value, Some(2))),
        _ => number(lang, value, None),
    }
}

fn find_rule<'a>(def: &'a FormDef, id: &str) -> Option<&'a Rule> {
    fn in_nodes<'a>(nodes: &'a [Node], id: &str) -> Option<&'a Rule> {
        nodes.iter().find_map(|n| match n {
            Node::Group(g) => g.rules.iter().find(|r| r.id == id).or_else(|| in_nodes(&g.items, id)),
            Node::Field(_) => None,
        })
    }
    def.rules.iter().find(|r| r.id == id).or_else(|| in_nodes(&def.items, id))
}

/// An answer as the summary shows it (`None` when not answered).
pub fn answer(lang: &str, def: &FormDef, field: &Field, value: Option<&Value>) -> Option<String> {
    let value = value.filter(|v| antrag_core::answers::is_present(Some(v)))?;
    let dl = &def.default_language;
    let option_label = |code: &str| {
        field
            .options
            .iter()
            .flatten()
            .find(|o| o.value == code)
            .map(|o| o.label.resolve(lang, dl).to_owned())
            .unwrap_or_else(|| code.to_owned())
    };
    if field.kind == Kind::Select {
        return Some(match value {
            Value::Array(items) => {
                items.iter().filter_map(Value::as_str).map(option_label).collect::<Vec<_>>().join(", ")
            }
            Value::String(s) => option_label(s),
            other => other.to_string(),
        });
    }
    Some(match (&field.datatype, value) {
        (DataType::Bool, Value::Bool(b)) => t(lang, if *b { "widget.yes" } else { "widget.no" }),
        (DataType::Date, Value::String(s)) => match antrag_core::parse_date_answer(s) {
            Ok(d) => date(lang, &d.to_string()),
            Err(_) => s.clone(),
        },
        // The parts as typed (`2032-1-2T10:15`), like a date answer.
        (DataType::DateTime, Value::String(s)) => match s.split_once('T') {
            Some((d, time)) => match antrag_core::parse_date_answer(d) {
                Ok(d) => format!("{}, {time}", date(lang, &d.to_string())),
                Err(_) => s.clone(),
            },
            None => s.clone(),
        },
        (DataType::Num | DataType::NumInt | DataType::NumCurrency, v) => {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            match parse_decimal(&text) {
                Some(d) if field.datatype == DataType::NumCurrency => {
                    format!("{} €", number(lang, d.to_f64(), Some(2)))
                }
                Some(d) => number(lang, d.to_f64(), None),
                None => text,
            }
        }
        (DataType::File, v) => serde_json::from_value::<Vec<FileRef>>(v.clone())
            .map(|files| {
                files.iter().map(|f| format!("{} ({})", f.name, size(lang, f.size))).collect::<Vec<_>>().join(", ")
            })
            .unwrap_or_default(),
        (_, Value::String(s)) if field.format == Some(Format::Iban) => group_iban(s),
        (_, Value::String(s)) => s.trim().to_owned(),
        (_, other) => other.to_string(),
    })
}

/// An IBAN in groups of four (`DE89 3704 0044 0532 0130 00`).
pub fn group_iban(text: &str) -> String {
    let compact = antrag_core::formats::normalize_iban(text);
    compact.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_dates_sizes() {
        assert_eq!(number("de", 1234.5, Some(2)), "1.234,50");
        assert_eq!(number("en", 1234.5, Some(2)), "1,234.50");
        assert_eq!(number("de", 3.0, None), "3");
        assert_eq!(date("de", "1990-03-27"), "27. März 1990");
        assert_eq!(date("en", "1990-03-27"), "27 March 1990");
        assert_eq!(size("de", 10 * 1024 * 1024), "10 MB");
        assert_eq!(size("de", 1536 * 1024), "1,5 MB");
        assert_eq!(size("en", 2048), "2 KB");
        assert_eq!(or_list("de", &["PDF".into(), "JPG".into(), "PNG".into()]), "PDF, JPG oder PNG");
        assert_eq!(group_iban("de89370400440532013000"), "DE89 3704 0044 0532 0130 00");
    }

    #[test]
    fn messages_follow_the_fallback_chain() {
        let form = antrag_core::Form::from_json(include_str!("../forms/bewohnerparkausweis.json")).unwrap();
        let def = form.def();
        let plate = form.field("fahrzeug.kennzeichen").unwrap();
        // The field's own message wins…
        let own =
            error_message("de", def, &plate.label, Some(plate), Some(WidgetKind::Text), &ErrorCode::PatternMismatch);
        assert!(own.contains("B-AB 1234"), "{own}");
        // …then the locale's message for the code, with the label…
        let generic = error_message(
            "de",
            def,
            &plate.label,
            Some(plate),
            Some(WidgetKind::Text),
            &ErrorCode::TooLong { max: 12 },
        );
        assert_eq!(generic, "„Amtliches Kennzeichen“ darf höchstens 12 Zeichen lang sein.");
        // …with the widget's variant of "required".
        let keeper = form.field("fahrzeug.ist_halter").unwrap();
        let choose =
            error_message("en", def, &keeper.label, Some(keeper), Some(WidgetKind::YesNo), &ErrorCode::Required);
        assert_eq!(choose, "Select an answer for “Is the vehicle registered to you”.");
        let birth = form.field("antragsteller.geburtsdatum").unwrap();
        let late = error_message(
            "de",
            def,
            &birth.label,
            Some(birth),
            None,
            &ErrorCode::DateTooLate { max: "2010-11-28".into() },
        );
        assert_eq!(late, "„Geburtsdatum“ muss am oder vor dem 28. November 2010 liegen.");
    }

    #[test]
    fn german_time_follows_summer_time() {
        let at = |t: &str| german_time(t).map(|(d, h)| format!("{d} {h}"));
        assert_eq!(at("2026-11-28T12:00:00Z").as_deref(), Some("2026-11-28 13:00"));
        assert_eq!(at("2026-07-01T23:30:00Z").as_deref(), Some("2026-07-02 01:30"));
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(at("2026-03-29T00:59:00Z").as_deref(), Some("2026-03-29 01:59"));
        assert_eq!(at("2026-03-29T01:00:00Z").as_deref(), Some("2026-03-29 03:00"));
        assert_eq!(at("2026-10-25T00:59:00Z").as_deref(), Some("2026-10-25 02:59"));
        assert_eq!(at("2026-10-25T01:00:00Z").as_deref(), Some("2026-10-25 02:00"));
        assert_eq!(at("2031-12-31T23:00:00Z").as_deref(), Some("2032-01-01 00:00"));
        assert_eq!(at("2026-11-28T12:00:00+05:00"), None);
        assert_eq!(at("gestern"), None);
    }

    #[test]
    fn dates_and_date_times_as_typed_are_written_out() {
        let form = antrag_core::Form::from_json(include_str!("../forms/wohngeld.json")).unwrap();
        let (def, call) = (form.def(), form.field("zeitraum.rueckruf_termin").unwrap());
        let shown = |text: &str| answer("de", def, call, Some(&Value::String(text.into())));
        // Day and month typed without a leading zero, as citizens do.
        assert_eq!(shown("2032-1-2T10:15").as_deref(), Some("2. Januar 2032, 10:15"));
        assert_eq!(shown("2026-11-30T09:05").as_deref(), Some("30. November 2026, 09:05"));
        assert_eq!(shown("2032-13-2T10:15").as_deref(), Some("2032-13-2T10:15"));
        let start = form.field("zeitraum.beginn").unwrap();
        assert_eq!(
            answer("de", def, start, Some(&Value::String("2032-1-3".into()))).as_deref(),
            Some("3. Januar 2032")
        );
    }
}
