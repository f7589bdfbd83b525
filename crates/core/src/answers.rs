//! Answers: the citizen's input as JSON, keyed by data keys.
//!
//! Shape: an object; a field's answer under its key (text as typed, `true`/`false`, an array
//! of choices, an array of file references); a group's answers in a nested object, or for a
//! repeatable group an array of such objects. Dates are `YYYY-MM-DD` (with empty parts while
//! incomplete, e.g. `2024--05`), times `HH:MM`, numbers as typed (`1.234,50`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::path::{FieldPath, Segment};

/// The answers to a form.
pub type Answers = Map<String, Value>;

/// A reference to an uploaded file, as stored in the answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct FileRef {
    /// Id the backend gave the uploaded file.
    pub id: String,
    /// File name as chosen by the citizen.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// Media type (sniffed by the backend).
    pub media_type: String,
    /// SHA-512 of the content, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha512: Option<String>,
}

/// The value at `path`, if any.
pub fn get<'a>(answers: &'a Answers, path: &FieldPath) -> Option<&'a Value> {
    let mut segments = path.segments().iter();
    let Some(Segment::Key(first)) = segments.next() else { return None };
    let mut current = answers.get(first)?;
    for segment in segments {
        current = match (segment, current) {
            (Segment::Key(k), Value::Object(map)) => map.get(k)?,
            (Segment::Index(i), Value::Array(items)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(current)
}

/// Set the value at `path`, creating objects and array entries on the way. Setting `Null`
/// removes a field's answer (empty means absent).
pub fn set(answers: &mut Answers, path: &FieldPath, value: Value) {
    let segments = path.segments();
    let Some((Segment::Key(last), parents)) = segments.split_last() else { return };
    let Some(target) = container(answers, parents) else { return };
    if value.is_null() {
        target.remove(last);
    } else {
        target.insert(last.clone(), value);
    }
}

/// The object that holds the entries of `parents`, created where missing.
fn container<'a>(answers: &'a mut Answers, parents: &[Segment]) -> Option<&'a mut Map<String, Value>> {
    let mut current: &mut Map<String, Value> = answers;
    let mut i = 0;
    while i < parents.len() {
        let Segment::Key(key) = &parents[i] else { return None };
        match parents.get(i + 1) {
            Some(Segment::Index(index)) => {
                let slot = current.entry(key.clone()).or_insert_with(|| Value::Array(Vec::new()));
                if !slot.is_array() {
                    *slot = Value::Array(Vec::new());
                }
                let items = slot.as_array_mut()?;
                while items.len() <= *index {
                    items.push(Value::Object(Map::new()));
                }
                if !items[*index].is_object() {
                    items[*index] = Value::Object(Map::new());
                }
                current = items[*index].as_object_mut()?;
                i += 2;
            }
            _ => {
                let slot = current.entry(key.clone()).or_insert_with(|| Value::Object(Map::new()));
                if !slot.is_object() {
                    *slot = Value::Object(Map::new());
                }
                current = slot.as_object_mut()?;
                i += 1;
            }
        }
    }
    Some(current)
}

/// Number of entries of the repeatable group at `path`.
pub fn entry_count(answers: &Answers, path: &FieldPath) -> usize {
    get(answers, path).and_then(Value::as_array).map_or(0, Vec::len)
}

/// Append an empty entry to the repeatable group at `path`; returns its index.
pub fn add_entry(answers: &mut Answers, path: &FieldPath) -> usize {
    let count = entry_count(answers, path);
    let segments = path.segments();
    if let Some((Segment::Key(last), parents)) = segments.split_last() {
        if let Some(target) = container(answers, parents) {
            let slot = target.entry(last.clone()).or_insert_with(|| Value::Array(Vec::new()));
            if !slot.is_array() {
                *slot = Value::Array(Vec::new());
            }
            if let Some(items) = slot.as_array_mut() {
                items.truncate(count);
                items.push(Value::Object(Map::new()));
            }
        }
    }
    count
}

/// Remove entry `index` of the repeatable group at `path`.
pub fn remove_entry(answers: &mut Answers, path: &FieldPath, index: usize) {
    let segments = path.segments();
    if let Some((Segment::Key(last), parents)) = segments.split_last() {
        if let Some(Value::Array(items)) = container(answers, parents).and_then(|t| t.get_mut(last)) {
            if index < items.len() {
                items.remove(index);
            }
        }
    }
}

/// Whether a value counts as an answer: not null, not an empty or blank string, not an
/// empty array (empty means absent).
pub fn is_present(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.trim().is_empty() && !is_empty_date_parts(s),
        Some(Value::Array(items)) => !items.is_empty(),
        Some(Value::Object(map)) => !map.is_empty(),
        Some(_) => true,
    }
}

/// `--` is a date whose three parts are all empty.
fn is_empty_date_parts(s: &str) -> bool {
    s.len() <= 2 && s.bytes().all(|b| b == b'-') && !s.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn set_and_get_nested_and_repeated() {
        let mut a = Answers::new();
        let p = FieldPath::parse("fahrzeuge[1].kennzeichen").unwrap();
        set(&mut a, &p, json!("B-AB 123"));
        assert_eq!(Value::Object(a.clone()), json!({"fahrzeuge": [{}, {"kennzeichen": "B-AB 123"}]}));
        assert_eq!(get(&a, &p), Some(&json!("B-AB 123")));
        set(&mut a, &p, Value::Null);
        assert_eq!(get(&a, &p), None);
        set(&mut a, &FieldPath::parse("x.y").unwrap(), json!(true));
        assert_eq!(a["x"], json!({"y": true}));
    }

    #[test]
    fn entries() {
        let mut a = Answers::new();
        let g = FieldPath::parse("kinder").unwrap();
        assert_eq!(add_entry(&mut a, &g), 0);
        assert_eq!(add_entry(&mut a, &g), 1);
        set(&mut a, &FieldPath::parse("kinder[1].name").unwrap(), json!("Ana"));
        remove_entry(&mut a, &g, 0);
        assert_eq!(a["kinder"], json!([{"name": "Ana"}]));
    }

    #[test]
    fn presence() {
        assert!(!is_present(Some(&json!("  "))));
        assert!(!is_present(Some(&json!("--"))));
        assert!(is_present(Some(&json!("2024--"))));
        assert!(!is_present(Some(&json!([]))));
        assert!(is_present(Some(&json!(false))));
    }
}
