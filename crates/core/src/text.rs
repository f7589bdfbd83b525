//! Multilingual texts and the language fallback chain.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The language tag of Leichte Sprache (easy-to-read German). BCP 47 has no registered
/// subtag for it, so Antrag uses the private-use tag `de-x-ls`; it falls back to `de`.
pub const LEICHTE_SPRACHE: &str = "de-x-ls";

/// A text shown to a citizen: either one string in the form's default language, or one
/// string per language tag (`de`, `en`, `de-x-ls`, `tr`, `uk`, `ar`, …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Text {
    /// A text in the form's default language only.
    Plain(String),
    /// Texts by language tag.
    Localized(BTreeMap<String, String>),
}

/// Read by hand rather than by `#[serde(untagged)]`, which buffers every text in serde's
/// private `Content` first: a second copy of the string and map readers in the web app's
/// wasm, for one of the most common values of a definition.
impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a text, or an object of texts by language tag")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Text, E> {
                Ok(Text::Plain(text.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, text: String) -> Result<Text, E> {
                Ok(Text::Plain(text))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Text, A::Error> {
                let mut texts = BTreeMap::new();
                while let Some((tag, text)) = map.next_entry::<String, String>()? {
                    texts.insert(tag, text);
                }
                Ok(Text::Localized(texts))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl Text {
    /// The text in `lang`, following the fallback chain: the exact tag, then its primary
    /// language (`de-x-ls` → `de`), then `default_lang`, then any language present.
    pub fn resolve<'a>(&'a self, lang: &str, default_lang: &str) -> &'a str {
        match self {
            Text::Plain(text) => text,
            Text::Localized(map) => fallback_chain(lang, default_lang)
                .find_map(|tag| map.get(tag))
                .or_else(|| map.values().next())
                .map(String::as_str)
                .unwrap_or(""),
        }
    }

    /// The language tags this text carries (`None` for a plain text).
    pub fn languages(&self) -> Option<impl Iterator<Item = &str>> {
        match self {
            Text::Plain(_) => None,
            Text::Localized(map) => Some(map.keys().map(String::as_str)),
        }
    }

    /// Whether the text has a version in `lang` itself (no fallback).
    pub fn has(&self, lang: &str, default_lang: &str) -> bool {
        match self {
            Text::Plain(_) => lang == default_lang,
            Text::Localized(map) => map.contains_key(lang),
        }
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Text::Plain(text.to_owned())
    }
}

/// The tags tried, in order, to find a text in `lang`.
pub fn fallback_chain<'a>(lang: &'a str, default_lang: &'a str) -> impl Iterator<Item = &'a str> {
    let primary = lang.split('-').next().filter(|p| *p != lang);
    std::iter::once(lang).chain(primary).chain(std::iter::once(default_lang))
}

/// Whether `tag` is a well-formed language tag of the kinds Antrag uses: a 2–3 letter primary
/// language, optionally followed by subtags of 1–8 alphanumerics (`de`, `en`, `de-x-ls`, `pt-BR`).
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Whether a language is written right to left (for the page's `dir` attribute).
pub fn is_rtl(lang: &str) -> bool {
    matches!(lang.split('-').next(), Some("ar" | "fa" | "he" | "ur" | "ps" | "ku"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn localized(pairs: &[(&str, &str)]) -> Text {
        Text::Localized(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn texts_read_from_a_string_or_an_object_of_strings() {
        let plain: Text = serde_json::from_str(r#""Name""#).unwrap();
        assert_eq!(plain, Text::Plain("Name".into()));
        let both: Text = serde_json::from_value(serde_json::json!({"de": "Name", "en": "Name (en)"})).unwrap();
        assert_eq!(both, localized(&[("de", "Name"), ("en", "Name (en)")]));
        for text in [plain, both] {
            assert_eq!(serde_json::from_str::<Text>(&serde_json::to_string(&text).unwrap()).unwrap(), text);
        }
        for bad in [serde_json::json!(3), serde_json::json!(["Name"]), serde_json::json!({"de": 3})] {
            let e = serde_json::from_value::<Text>(bad.clone()).unwrap_err().to_string();
            assert!(e.contains("invalid type"), "{bad}: {e}");
        }
    }

    #[test]
    fn leichte_sprache_falls_back_to_german() {
        let t = localized(&[("de", "Antrag"), ("en", "Application")]);
        assert_eq!(t.resolve("de-x-ls", "de"), "Antrag");
        let t = localized(&[("de", "Antrag"), ("de-x-ls", "Ihr Antrag")]);
        assert_eq!(t.resolve("de-x-ls", "de"), "Ihr Antrag");
    }

    #[test]
    fn missing_language_falls_back_to_default_then_any() {
        let t = localized(&[("de", "Straße"), ("en", "Street")]);
        assert_eq!(t.resolve("uk", "de"), "Straße");
        assert_eq!(t.resolve("uk", "fr"), "Straße");
        assert_eq!(Text::from("Name").resolve("en", "de"), "Name");
    }

    #[test]
    fn language_tags() {
        for ok in ["de", "en", "de-x-ls", "pt-BR", "tr", "uk", "ar"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in ["", "d", "DE", "german", "de_DE", "de--x", "de-toolongtag"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
        assert!(is_rtl("ar") && !is_rtl("de"));
    }
}
