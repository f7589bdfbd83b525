//! Runtime field paths: `antragsteller.anschrift[1].plz`.
//!
//! A path names one place in the answers: data keys joined by dots, with a zero-based index
//! after the key of each repeatable group. Its static form (no indices) names a node of the
//! definition and is what conditions refer to.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One segment of a path.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    /// A data key.
    Key(String),
    /// An entry of a repeatable group.
    Index(usize),
}

/// A path to a place in the answers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldPath(Vec<Segment>);

impl FieldPath {
    /// The empty path (the answers' root).
    pub fn root() -> Self {
        FieldPath(Vec::new())
    }

    /// The segments.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// This path extended by a key.
    pub fn key(&self, key: &str) -> Self {
        let mut segments = self.0.clone();
        segments.push(Segment::Key(key.to_owned()));
        FieldPath(segments)
    }

    /// This path extended by an index.
    pub fn index(&self, index: usize) -> Self {
        let mut segments = self.0.clone();
        segments.push(Segment::Index(index));
        FieldPath(segments)
    }

    /// Append a key in place.
    pub fn push_key(&mut self, key: &str) {
        self.0.push(Segment::Key(key.to_owned()));
    }

    /// Append an index in place.
    pub fn push_index(&mut self, index: usize) {
        self.0.push(Segment::Index(index));
    }

    /// Remove the last segment.
    pub fn pop(&mut self) -> Option<Segment> {
        self.0.pop()
    }

    /// The static path: keys only, joined by dots (`antragsteller.anschrift.plz`).
    pub fn static_path(&self) -> String {
        let mut out = String::new();
        for segment in &self.0 {
            if let Segment::Key(key) = segment {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
        }
        out
    }

    /// Whether `self` equals `other` or lies inside it.
    pub fn starts_with(&self, other: &FieldPath) -> bool {
        self.0.starts_with(&other.0)
    }

    /// The last key of the path.
    pub fn last_key(&self) -> Option<&str> {
        self.0.iter().rev().find_map(|s| match s {
            Segment::Key(k) => Some(k.as_str()),
            Segment::Index(_) => None,
        })
    }

    /// A DOM id derived from the path (deterministic, safe in HTML and CSS selectors):
    /// `antragsteller.anschrift[1].plz` → `antragsteller-anschrift-1-plz`.
    pub fn dom_id(&self) -> String {
        let mut out = String::new();
        for segment in &self.0 {
            if !out.is_empty() {
                out.push('-');
            }
            match segment {
                Segment::Key(key) => {
                    for c in key.chars() {
                        out.push(if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' });
                    }
                }
                Segment::Index(i) => out.push_str(&i.to_string()),
            }
        }
        out
    }

    /// Parse a path in its display form.
    pub fn parse(text: &str) -> Result<Self, PathError> {
        let mut segments = Vec::new();
        if text.is_empty() {
            return Ok(FieldPath(segments));
        }
        for part in text.split('.') {
            let (key, mut rest) = match part.find('[') {
                Some(i) => (&part[..i], &part[i..]),
                None => (part, ""),
            };
            if key.is_empty() || key.contains(']') {
                return Err(PathError);
            }
            segments.push(Segment::Key(key.to_owned()));
            while !rest.is_empty() {
                let close = rest.find(']').ok_or(PathError)?;
                let digits = &rest[1..close];
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(PathError);
                }
                segments.push(Segment::Index(digits.parse().map_err(|_| PathError)?));
                rest = &rest[close + 1..];
                if !rest.is_empty() && !rest.starts_with('[') {
                    return Err(PathError);
                }
            }
        }
        Ok(FieldPath(segments))
    }
}

/// A path that could not be parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PathError;

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a field path (expected keys joined by dots, with [n] after repeats)")
    }
}

impl std::error::Error for PathError {}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for segment in &self.0 {
            match segment {
                Segment::Key(key) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(key)?;
                }
                Segment::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

impl Serialize for FieldPath {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FieldPath {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        FieldPath::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for FieldPath {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "FieldPath".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "examples": ["antragsteller.anschrift[1].plz"] })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for text in ["a", "a.b", "fahrzeuge[2].kennzeichen", "a[0][1].b", ""] {
            assert_eq!(FieldPath::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn rejects_malformed() {
        for text in [".", "a..b", "a[", "a[]", "a[x]", "[0]", "a]b", "a[1]b"] {
            assert!(FieldPath::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn static_path_and_dom_id() {
        let p = FieldPath::parse("fahrzeuge[2].kennzeichen").unwrap();
        assert_eq!(p.static_path(), "fahrzeuge.kennzeichen");
        assert_eq!(p.dom_id(), "fahrzeuge-2-kennzeichen");
        assert_eq!(FieldPath::parse("a.b").unwrap().dom_id(), "a-b");
    }
}
