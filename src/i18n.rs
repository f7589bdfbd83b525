//! UI strings from the locale files in `locales/`, with interpolation (`{name}`), CLDR plural
//! categories and a fallback chain (requested language → its primary language → German).
//!
//! Adding a language: drop `locales/<tag>.json` next to the others and list it in [`LOCALES`];
//! missing keys fall back to German. Right-to-left languages get `dir="rtl"` from
//! [`antrag_core::text::is_rtl`].

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use serde_json::Value;

/// Language tags with a locale file, and the files' contents.
pub const LOCALES: &[(&str, &str)] = &[
    ("de", include_str!("../locales/de.json")),
    ("de-x-ls", include_str!("../locales/de-x-ls.json")),
    ("en", include_str!("../locales/en.json")),
];

/// The language every lookup finally falls back to.
pub const FALLBACK: &str = "de";

type Strings = serde_json::Map<String, Value>;

thread_local! {
    static PARSED: RefCell<HashMap<&'static str, Rc<Strings>>> = RefCell::new(HashMap::new());
}

fn strings(tag: &str) -> Option<Rc<Strings>> {
    let (tag, source) = LOCALES.iter().find(|(t, _)| *t == tag)?;
    PARSED.with(|parsed| {
        let mut parsed = parsed.borrow_mut();
        let entry = parsed.entry(tag).or_insert_with(|| {
            // Through `Value`, whose parser the app has anyway (crate::json).
            Rc::new(match serde_json::from_str(source) {
                Ok(Value::Object(strings)) => strings,
                _ => Strings::new(),
            })
        });
        Some(entry.clone())
    })
}

/// Whether the UI has its own strings for a language (otherwise German is shown).
pub fn has_locale(lang: &str) -> bool {
    LOCALES.iter().any(|(t, _)| *t == lang || lang.split('-').next() == Some(t))
}

fn lookup(lang: &str, key: &str) -> Option<Value> {
    antrag_core::text::fallback_chain(lang, FALLBACK).find_map(|tag| strings(tag)?.get(key).cloned())
}

/// The string for `key` in `lang` (the key itself when no locale has it, so a gap is visible).
pub fn t(lang: &str, key: &str) -> String {
    tf(lang, key, &[])
}

/// The string for `key` with `{name}` placeholders filled from `params`.
pub fn tf(lang: &str, key: &str, params: &[(&str, &str)]) -> String {
    match lookup(lang, key) {
        Some(Value::String(s)) => interpolate(&s, params),
        Some(Value::Object(forms)) => {
            let text = forms.get("other").and_then(Value::as_str).unwrap_or(key);
            interpolate(text, params)
        }
        _ => key.to_owned(),
    }
}

/// The plural form of `key` for `count` (CLDR category of `lang`), with placeholders filled.
pub fn tp(lang: &str, key: &str, count: f64, params: &[(&str, &str)]) -> String {
    match lookup(lang, key) {
        Some(Value::Object(forms)) => {
            let category = plural_category(lang, count);
            let text = forms.get(category).or_else(|| forms.get("other")).and_then(Value::as_str).unwrap_or(key);
            interpolate(text, params)
        }
        _ => tf(lang, key, params),
    }
}

/// Replace `{name}` by the value of `name`; unknown placeholders stay as they are.
pub fn interpolate(template: &str, params: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                match params.iter().find(|(k, _)| *k == name) {
                    Some((_, value)) => out.push_str(value),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// CLDR plural category of a number in a language (integers; decimals are "other" except
/// where the rules say otherwise).
pub fn plural_category(lang: &str, n: f64) -> &'static str {
    let integer = n.fract() == 0.0 && n >= 0.0;
    let i = n.abs() as u64;
    match lang.split('-').next().unwrap_or(lang) {
        "ar" if integer => match (i, i % 100) {
            (0, _) => "zero",
            (1, _) => "one",
            (2, _) => "two",
            (_, 3..=10) => "few",
            (_, 11..=99) => "many",
            _ => "other",
        },
        "uk" | "ru" if integer => match (i % 10, i % 100) {
            (1, m) if m != 11 => "one",
            (2..=4, m) if !(12..=14).contains(&m) => "few",
            _ => "many",
        },
        "ar" | "uk" | "ru" => "other",
        // de, en, tr and most others: one for exactly 1.
        _ if integer && i == 1 => "one",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_locale_has_every_key_of_the_fallback() {
        let base: Strings = serde_json::from_str(LOCALES[0].1).unwrap();
        for (tag, source) in LOCALES {
            let strings: Strings = serde_json::from_str(source).unwrap_or_else(|e| panic!("locales/{tag}.json: {e}"));
            let missing: Vec<_> = base.keys().filter(|k| !strings.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{tag} lacks {missing:?}");
            for (key, value) in &strings {
                if let Value::Object(forms) = value {
                    assert!(forms.contains_key("other"), "{tag} {key}: plural forms need \"other\"");
                }
            }
        }
    }

    #[test]
    fn interpolation_and_fallback() {
        assert_eq!(tf("de", "step.progress", &[("current", "2"), ("total", "5")]), "Schritt 2 von 5");
        assert_eq!(tf("en", "step.progress", &[("current", "2"), ("total", "5")]), "Step 2 of 5");
        // Leichte Sprache has its own strings; languages without a locale file fall back to
        // German.
        assert_eq!(t("de-x-ls", "optional"), "(freiwillig)");
        assert_eq!(tf("de-x-ls", "error.required", &[("label", "Vorname")]), "Bitte schreiben Sie etwas bei: Vorname");
        assert_eq!(t("uk", "nav.next"), "Weiter");
        assert_eq!(t("de", "no.such.key"), "no.such.key");
        assert_eq!(interpolate("{a} and {b}", &[("a", "x")]), "x and {b}");
        assert_eq!(interpolate("open { brace", &[]), "open { brace");
    }

    #[test]
    fn plurals() {
        assert_eq!(
            tp("en", "error.too_long", 1.0, &[("label", "Name"), ("max", "1")]),
            "“Name” must be 1 character or fewer."
        );
        assert_eq!(
            tp("en", "error.too_long", 5.0, &[("label", "Name"), ("max", "5")]),
            "“Name” must be 5 characters or fewer."
        );
        assert_eq!(plural_category("uk", 1.0), "one");
        assert_eq!(plural_category("uk", 3.0), "few");
        assert_eq!(plural_category("uk", 12.0), "many");
        assert_eq!(plural_category("ar", 0.0), "zero");
        assert_eq!(plural_category("ar", 2.0), "two");
        assert_eq!(plural_category("ar", 105.0), "few");
        assert_eq!(plural_category("tr", 1.0), "one");
        assert_eq!(plural_category("de", 1.5), "other");
    }
}
