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

/// Valid answers for any form: every question the validator asks for is answered, nothing
/// else. Found by validating and answering what the report names, round by round — required
/// questions, list entries, cross-field rules — trying plausible values for each field (its
/// choices, its bounds, typical texts per format) until the field passes. Used by the tests
/// and tools that need to submit forms without hand-written examples (imported FIM forms, the
/// conformance kit, load tests).
///
/// Fails with the last report when some question cannot be answered this way (a pattern no
/// sample value matches, a rule no combination satisfies).
pub fn sample_answers(form: &crate::Form, ctx: &crate::Context) -> Result<crate::Answers, crate::Report> {
    use crate::answers;
    use crate::definition::Node;
    use std::collections::HashMap;

    let mut out = crate::Answers::new();
    let mut tried: HashMap<String, usize> = HashMap::new();
    let mut report = crate::validate(form, &out, ctx);
    for _round in 0..500 {
        if report.is_valid() {
            return Ok(out);
        }
        let mut progressed = false;
        for issue in &report.issues {
            let path = &issue.path;
            match form.node(&path.static_path()) {
                Some(Node::Group(group)) if group.is_list() => {
                    let count = answers::entry_count(&out, path);
                    if group.max.is_none_or(|max| (count as u32) < max) {
                        answers::add_entry(&mut out, path);
                        progressed = true;
                    }
                }
                Some(Node::Field(field)) => {
                    let candidates = sample_values(field, ctx.today);
                    let key = path.to_string();
                    let next = match (tried.get(&key), answers::get(&out, path)) {
                        (Some(i), Some(_)) => i + 1,
                        (Some(i), None) => *i,
                        (None, _) => 0,
                    };
                    if let Some(value) = candidates.get(next) {
                        answers::set(&mut out, path, value.clone());
                        tried.insert(key, next);
                        progressed = true;
                    }
                }
                _ => {}
            }
        }
        if !progressed {
            return Err(report);
        }
        report = crate::validate(form, &out, ctx);
    }
    Err(report)
}

/// Plausible answers for a field, most likely first.
fn sample_values(field: &crate::Field, today: crate::Date) -> Vec<Value> {
    use crate::date::DateBound;
    use crate::definition::{DataType, Format, Kind};

    if let Some(options) = &field.options {
        return options.iter().map(|o| if field.multiple { json!([o.value]) } else { json!(o.value) }).collect();
    }
    if field.kind == Kind::Select {
        return Vec::new();
    }
    let c = &field.constraints;
    let bound = |b: &Option<String>| b.as_deref().and_then(DateBound::parse).map(|b| b.resolve(today));
    match field.datatype {
        DataType::Bool => vec![json!(true), json!(false)],
        DataType::Date | DataType::DateTime => {
            let mut dates: Vec<crate::Date> = Vec::new();
            if let Some(min) = bound(&c.min_date) {
                dates.push(min.add_days(1));
                dates.push(min);
            }
            if let Some(max) = bound(&c.max_date) {
                dates.push(max.add_days(-1));
                dates.push(max);
            }
            for fixed in [crate::Date::new(1985, 5, 15), crate::Date::new(2000, 1, 15)].into_iter().flatten() {
                dates.push(fixed);
            }
            dates.push(today);
            dates.push(today.add_days(30));
            let time = if field.datatype == DataType::DateTime { "T10:30" } else { "" };
            dates.into_iter().map(|d| json!(format!("{d}{time}"))).collect()
        }
        DataType::Time => vec![json!("10:30"), json!("08:00"), json!("23:59")],
        DataType::Num | DataType::NumInt | DataType::NumCurrency => {
            let mut numbers: Vec<f64> = Vec::new();
            match (c.min, c.max) {
                (Some(min), Some(max)) => numbers.extend([((min + max) / 2.0).floor(), min, max]),
                (Some(min), None) => numbers.extend([min.ceil() + 1.0, min]),
                (None, Some(max)) => numbers.extend([max.floor() - 1.0, max]),
                (None, None) => {}
            }
            numbers.extend([1.0, 10.0, 100.0, 0.0]);
            // Answers are what a citizen types: a decimal comma.
            numbers.into_iter().map(|n| json!(format!("{n}").replace('.', ","))).collect()
        }
        DataType::File => {
            let media = c
                .media_types
                .iter()
                .find(|m| !m.ends_with("/*"))
                .cloned()
                .or_else(|| c.media_types.first().map(|m| m.replace("/*", "/png")))
                .unwrap_or_else(|| "application/pdf".to_owned());
            let ext = media.rsplit('/').next().unwrap_or("pdf");
            vec![json!([{ "id": "sample-1", "name": format!("nachweis.{ext}"), "size": 2048, "mediaType": media }])]
        }
        DataType::Text | DataType::TextLatin => {
            let by_format: &[&str] = match &field.format {
                Some(Format::Email) => &["max.mustermann@example.de"],
                Some(Format::Phone) => &["+49 30 1234567"],
                Some(Format::Iban) => &["DE02120300000000202051"],
                Some(Format::Bic) => &["BYLADEM1001"],
                Some(Format::Plz) => &["10115"],
                Some(Format::SteuerId) => &["86095742719", "65929970489", "57549285017"],
                Some(Format::Url) => &["https://www.example.de"],
                _ => &[],
            };
            let generic = [
                "Mustertext",
                "Muster",
                "10115",
                "Musterstraße 1",
                "max.mustermann@example.de",
                "+49 30 1234567",
                "A",
                "1",
                "12",
                "123",
                "12345678",
                "DE02120300000000202051",
                "B-AB 1234",
            ];
            let min = c.min_length.unwrap_or(0) as usize;
            let max = c.max_length.map(|m| m as usize).unwrap_or(usize::MAX);
            let mut texts: Vec<String> = Vec::new();
            if let Some(sample) = c.pattern.as_deref().and_then(pattern_sample) {
                texts.push(sample);
            }
            for base in by_format.iter().chain(generic.iter()) {
                let mut text: String = base.chars().take(max).collect();
                while text.chars().count() < min {
                    text.push('x');
                }
                if !texts.contains(&text) {
                    texts.push(text);
                }
            }
            for filler in ['a', '1'] {
                let text: String = std::iter::repeat_n(filler, min.max(1).min(max)).collect();
                if !texts.contains(&text) {
                    texts.push(text);
                }
            }
            texts.into_iter().map(Value::String).collect()
        }
        DataType::Obj | DataType::Unknown(_) => Vec::new(),
    }
}

/// The shortest string a simple regular expression matches (literals, escapes such as `\d`,
/// classes, groups with alternatives, quantifiers); `None` for anything more involved.
pub fn pattern_sample(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let (sample, end) = sample_alternatives(&chars, 0)?;
    (end == chars.len()).then_some(sample)
}

/// Alternatives up to a closing `)` or the end: the first alternative's sample.
fn sample_alternatives(chars: &[char], mut i: usize) -> Option<(String, usize)> {
    let mut first: Option<String> = None;
    let mut current = String::new();
    while i < chars.len() && chars[i] != ')' {
        if chars[i] == '|' {
            first.get_or_insert(std::mem::take(&mut current));
            i += 1;
            continue;
        }
        let (atom, next) = sample_atom(chars, i)?;
        i = next;
        // Quantifier: take the least count.
        let mut count = 1usize;
        match chars.get(i) {
            Some('?') | Some('*') => {
                count = 0;
                i += 1;
            }
            Some('+') => i += 1,
            Some('{') => {
                let close = chars[i..].iter().position(|&c| c == '}')? + i;
                let inner: String = chars[i + 1..close].iter().collect();
                count = inner.split(',').next()?.trim().parse().ok()?;
                i = close + 1;
            }
            _ => {}
        }
        for _ in 0..count {
            current.push_str(&atom);
        }
    }
    Some((first.unwrap_or(current), i))
}

fn sample_atom(chars: &[char], i: usize) -> Option<(String, usize)> {
    match chars[i] {
        '^' | '$' => Some((String::new(), i + 1)),
        '(' => {
            let mut start = i + 1;
            if chars.get(start) == Some(&'?') {
                // (?:…) only.
                if chars.get(start + 1) != Some(&':') {
                    return None;
                }
                start += 2;
            }
            let (inner, end) = sample_alternatives(chars, start)?;
            (chars.get(end) == Some(&')')).then_some((inner, end + 1))
        }
        '[' => {
            let close = chars[i + 1..].iter().position(|&c| c == ']')? + i + 1;
            let class = &chars[i + 1..close];
            if class.first() == Some(&'^') {
                let excluded: String = class[1..].iter().collect();
                let pick = ['a', 'x', '1', 'Z'].into_iter().find(|c| !excluded.contains(*c))?;
                return Some((pick.to_string(), close + 1));
            }
            let first = match class.first()? {
                '\\' => escape_sample(*class.get(1)?)?,
                c => *c,
            };
            Some((first.to_string(), close + 1))
        }
        '\\' => Some((escape_sample(*chars.get(i + 1)?)?.to_string(), i + 2)),
        '.' => Some(("a".into(), i + 1)),
        '*' | '+' | '?' | '{' | '|' | ')' => None,
        c => Some((c.to_string(), i + 1)),
    }
}

fn escape_sample(c: char) -> Option<char> {
    match c {
        'd' => Some('1'),
        'w' => Some('a'),
        's' => Some(' '),
        'D' | 'W' | 'S' => Some('-'),
        c if c.is_ascii_alphanumeric() => None,
        c => Some(c),
    }
}
