//! Generated definitions of any size, for benchmarks (criterion here, the browser bench of
//! the web app) and load tests: a realistic mix of field types in sections of ten, with
//! conditions, and a matching set of valid answers.

use serde_json::{json, Value};

/// A definition with `fields` fields in sections of ten (one section per step).
pub fn definition(fields: usize) -> Value {
    let sections = fields.div_ceil(10).max(1);
    let mut items = Vec::new();
    let mut steps = Vec::new();
    for s in 0..sections {
        let count = (fields - s * 10).min(10);
        let key = format!("abschnitt_{s}");
        let section: Vec<Value> = (0..count).map(|i| field(s, i)).collect();
        items.push(json!({"group": key, "label": {"de": format!("Abschnitt {}", s + 1), "en": format!("Section {}", s + 1)}, "items": section}));
        steps.push(json!({"id": format!("s{s}"), "title": {"de": format!("Abschnitt {}", s + 1), "en": format!("Section {}", s + 1)}, "items": [key]}));
    }
    json!({
        "format": "antrag/1", "id": format!("generiert-{fields}"), "version": "1.0.0",
        "title": {"de": format!("Generiertes Formular mit {fields} Feldern"), "en": format!("Generated form with {fields} fields")},
        "languages": ["de", "en"],
        "service": {"referencePrefix": "GEN"},
        "items": items,
        "ui": {"steps": steps}
    })
}

/// The definition of field `i` of section `s`: the type mix repeats every ten fields.
fn field(s: usize, i: usize) -> Value {
    let key = format!("f{s}_{i}");
    let label = json!({"de": format!("Feld {}.{}", s + 1, i + 1), "en": format!("Field {}.{}", s + 1, i + 1)});
    match i {
        0 => {
            json!({"field": key, "datatype": "text_latin", "label": label, "required": true, "constraints": {"maxLength": 60}})
        }
        1 => {
            json!({"field": key, "datatype": "text", "label": label, "required": true, "constraints": {"minLength": 2, "maxLength": 80}})
        }
        2 => {
            json!({"field": key, "datatype": "date", "label": label, "required": true, "constraints": {"minDate": "today-120y", "maxDate": "today"}})
        }
        3 => json!({"field": key, "datatype": "text", "format": "plz", "label": label, "required": true}),
        4 => json!({"field": key, "datatype": "text", "format": "email", "label": label}),
        5 => {
            json!({"field": key, "datatype": "num_int", "label": label, "required": true, "constraints": {"min": 0, "max": 1000}})
        }
        6 => json!({"field": key, "datatype": "num_currency", "label": label, "constraints": {"max": 100000}}),
        7 => json!({"field": key, "datatype": "bool", "label": label, "required": true}),
        8 => json!({"field": key, "kind": "select", "datatype": "text", "label": label, "required": true,
                    "options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}, {"value": "c", "label": "C"}]}),
        _ => {
            json!({"field": key, "datatype": "text", "label": label, "required": true, "constraints": {"pattern": "[A-Z]{2}[0-9]{3}"},
                    "visibleIf": {"==": [{"var": format!("abschnitt_{s}.f{s}_7")}, true]}})
        }
    }
}

/// Valid answers for [`definition`], with every field filled.
pub fn answers(fields: usize) -> Value {
    let mut out = serde_json::Map::new();
    for s in 0..fields.div_ceil(10).max(1) {
        let mut section = serde_json::Map::new();
        for i in 0..(fields - s * 10).min(10) {
            let value = match i {
                0 => json!("Jürgen Groß"),
                1 => json!("Hauptstraße 12"),
                2 => json!("1990-03-27"),
                3 => json!("06108"),
                4 => json!("buerger@example.de"),
                5 => json!("42"),
                6 => json!("1.234,50"),
                7 => json!(true),
                8 => json!("b"),
                _ => json!("AB123"),
            };
            section.insert(format!("f{s}_{i}"), value);
        }
        out.insert(format!("abschnitt_{s}"), Value::Object(section));
    }
    Value::Object(out)
}
