//! The submission payload a backend receives, and the JSON Schema of that payload.

use serde_json::{json, Map, Value};

use crate::answers::Answers;
use crate::definition::{DataType, Field, FormDef, Format, Kind, Node};
use crate::form::{takes_answer, Form};

/// A JSON Schema (2020-12) of the payloads a definition produces: what a receiver (e.g. a
/// FIT-Connect destination) validates against. Conditional requirements are not expressed;
/// they are checked by [`crate::validate`].
pub fn payload_schema(def: &FormDef) -> Value {
    let mut schema = object_schema(&def.items, def);
    let obj = schema.as_object_mut().expect("object schema");
    obj.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
    if let Some(uri) = &def.service.schema_uri {
        obj.insert("$id".into(), json!(uri));
    }
    obj.insert("title".into(), json!(def.title.resolve(&def.default_language, &def.default_language)));
    obj.insert("description".into(), json!(format!("Payload of form {} version {} (antrag/1)", def.id, def.version)));
    schema
}

fn object_schema(nodes: &[Node], def: &FormDef) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for node in nodes {
        let (schema, needed) = match node {
            Node::Field(f) if !takes_answer(f) => continue,
            Node::Field(f) => (field_schema(f, def), f.required && f.visible_if.is_none() && f.kind != Kind::Hidden),
            Node::Group(g) => {
                let entry = object_schema(&g.items, def);
                if g.is_list() {
                    let mut list = json!({"type": "array", "items": entry, "minItems": g.min});
                    if let Some(max) = g.max {
                        list["maxItems"] = json!(max);
                    }
                    (list, g.min > 0 && g.visible_if.is_none())
                } else {
                    (entry, false)
                }
            }
        };
        let mut schema = schema;
        schema["title"] = json!(node.label().resolve(&def.default_language, &def.default_language));
        properties.insert(node.key().to_owned(), schema);
        if needed {
            required.push(json!(node.key()));
        }
    }
    json!({"type": "object", "properties": properties, "required": required, "additionalProperties": false})
}

fn field_schema(f: &Field, def: &FormDef) -> Value {
    let c = &f.constraints;
    if f.kind == Kind::Select {
        let values: Vec<Value> = f.options.iter().flatten().map(|o| json!(o.value)).collect();
        let one = json!({"type": "string", "enum": values});
        return if f.multiple { json!({"type": "array", "items": one, "uniqueItems": true}) } else { one };
    }
    let mut s = match f.datatype {
        DataType::Text | DataType::TextLatin => {
            let mut s = json!({"type": "string"});
            if let Some(min) = c.min_length {
                s["minLength"] = json!(min);
            }
            if let Some(max) = c.max_length {
                s["maxLength"] = json!(max);
            }
            if let Some(p) = &c.pattern {
                s["pattern"] = json!(format!("^(?:{p})$"));
            }
            match f.format {
                Some(Format::Email) => s["format"] = json!("email"),
                Some(Format::Url) => s["format"] = json!("uri"),
                Some(Format::Plz) => s["pattern"] = json!("^[0-9]{5}$"),
                Some(Format::Iban) => s["pattern"] = json!("^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$"),
                _ => {}
            }
            s
        }
        DataType::Date => json!({"type": "string", "format": "date"}),
        DataType::Time => json!({"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}),
        DataType::DateTime => json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$"}),
        DataType::Bool => json!({"type": "boolean"}),
        DataType::NumInt => json!({"type": "integer"}),
        DataType::Num => json!({"type": "number"}),
        DataType::NumCurrency => json!({"type": "number", "multipleOf": 0.01}),
        DataType::File => {
            let mut s = json!({"type": "array", "items": {
                "type": "object",
                "required": ["id", "name", "size", "mediaType"],
                "properties": {
                    "id": {"type": "string"}, "name": {"type": "string"},
                    "size": {"type": "integer", "minimum": 0}, "mediaType": {"type": "string"},
                    "sha512": {"type": "string", "pattern": "^[0-9a-f]{128}$"}
                }
            }, "maxItems": c.max_files.unwrap_or(1)});
            if f.required {
                s["minItems"] = json!(1);
            }
            s
        }
        DataType::Obj | DataType::Unknown(_) => json!({}),
    };
    if let Some(min) = c.min {
        s["minimum"] = json!(min);
    }
    if let Some(max) = c.max {
        s["maximum"] = json!(max);
    }
    if let Some(desc) = &f.hint {
        s["description"] = json!(desc.resolve(&def.default_language, &def.default_language));
    }
    s
}

/// A payload as answers again, to show and change them (an application handed back before it
/// was sent): numbers as an input shows them ([`crate::number::answer_text`]: `1.234` becomes
/// `"1,234"`, which reads back the same); everything else as it is.
pub fn answers_from_payload(form: &Form, payload: &Answers) -> Answers {
    fn walk(nodes: &[Node], object: &mut Answers) {
        for node in nodes {
            let Some(value) = object.get_mut(node.key()) else { continue };
            match (node, value) {
                (Node::Field(f), Value::Number(n))
                    if matches!(f.datatype, DataType::Num | DataType::NumInt | DataType::NumCurrency) =>
                {
                    let text = crate::number::answer_text(n);
                    object.insert(node.key().to_owned(), Value::String(text));
                }
                (Node::Group(g), Value::Array(entries)) if g.is_list() => {
                    for entry in entries.iter_mut().filter_map(Value::as_object_mut) {
                        walk(&g.items, entry);
                    }
                }
                (Node::Group(g), Value::Object(inner)) => walk(&g.items, inner),
                _ => {}
            }
        }
    }
    let mut answers = payload.clone();
    walk(&form.def().items, &mut answers);
    answers
}

/// Every file reference in the answers, with the path of its field, in document order
/// (walks the definition, so only real file fields count).
pub fn file_refs(form: &Form, answers: &Answers) -> Vec<(crate::FieldPath, Vec<crate::FileRef>)> {
    fn walk(
        nodes: &[Node],
        answers: &Answers,
        path: &crate::FieldPath,
        out: &mut Vec<(crate::FieldPath, Vec<crate::FileRef>)>,
    ) {
        for node in nodes {
            let here = path.key(node.key());
            match node {
                Node::Field(f) if f.datatype == DataType::File => {
                    if let Some(value) = crate::answers::get(answers, &here) {
                        if let Ok(files) = serde_json::from_value::<Vec<crate::FileRef>>(value.clone()) {
                            out.push((here, files));
                        }
                    }
                }
                Node::Field(_) => {}
                Node::Group(g) if g.is_list() => {
                    for i in 0..crate::answers::entry_count(answers, &here) {
                        walk(&g.items, answers, &here.index(i), out);
                    }
                }
                Node::Group(g) => walk(&g.items, answers, &here, out),
            }
        }
    }
    let mut out = Vec::new();
    walk(&form.def().items, answers, &crate::FieldPath::root(), &mut out);
    out
}
