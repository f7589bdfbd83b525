//! Reading a definition that a server has already parsed and linted, by hand instead of by
//! serde's derived code.
//!
//! The browser gets only definitions the server has read with [`crate::lint::parse`] (serde,
//! `deny_unknown_fields`, errors with their JSON pointer) and linted, and serves as serde
//! writes it again (`catalog::prepare` in the reference server). Reading them again with
//! serde's derived `Deserialize` put about 70 KB of code into the web app's wasm (a struct
//! visitor for maps and one for arrays per type, every field matcher and message); this reader
//! is a fraction of that. It reads what serde writes, and definitions written in the usual way
//! (objects for structs, strings for words) as serde reads them — the tests hold it against
//! serde on every definition we have, as written and as served, and on random ones — but not
//! serde's rarer spellings (a struct as an array, a word as `{"optional": null}`), and it is
//! lenient where serde is strict (unknown keys are skipped, `null` counts as absent where the
//! value is optional), because the strict reading happened on the server. It takes the value
//! apart, so no string is copied.
//!
//! Use [`crate::lint::parse`] for anything an author wrote; use this only for what a server
//! that lints served.
//!
//! The building blocks ([`Obj`], [`string`], [`text`], [`list`], …) are public: the web app
//! reads its other server data (page data, receipts, transports) with them too, so the wasm
//! holds one small reader instead of serde's code per type.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value};

use crate::definition::{
    Choice, CodeListRef, Constraints, FeeItem, Field, FimRef, FimRule, FormDef, Group, LegalBasis, Node, Payment,
    PaymentTiming, Prefill, PrefillMode, Rule, RuleSource, Service, Step, Ui,
};
use crate::logic::Condition;
use crate::text::Text;

/// Why served data could not be read: where (a JSON pointer) and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    /// JSON pointer of the value (`/items/3/label`).
    pub pointer: String,
    /// What should have been there.
    pub expected: &'static str,
}

impl ReadError {
    /// `expected` was not found here.
    pub fn new(expected: &'static str) -> Self {
        ReadError { pointer: String::new(), expected }
    }

    /// The error as seen from the value that holds this one under `key`.
    pub fn within(mut self, key: &str) -> Self {
        self.pointer.insert_str(0, key);
        self.pointer.insert(0, '/');
        self
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at \"{}\": expected {}", self.pointer, self.expected)
    }
}

impl std::error::Error for ReadError {}

/// A value read, or where and why not.
pub type Read<T> = Result<T, ReadError>;

/// The definition in `value`, which a server that lints definitions served.
pub fn definition(value: Value) -> Read<FormDef> {
    let mut o = Obj::new(value)?;
    Ok(FormDef {
        json_schema: o.opt("$schema", string)?,
        format: o.req("format", string)?,
        id: o.req("id", string)?,
        version: o.req("version", string)?,
        title: o.req("title", text)?,
        description: o.opt("description", text)?,
        languages: o.req("languages", strings)?,
        default_language: o.opt("defaultLanguage", string)?.unwrap_or_else(|| "de".to_owned()),
        service: o.opt("service", service)?.unwrap_or_default(),
        items: o.req("items", nodes)?,
        rules: o.opt("rules", rules)?.unwrap_or_default(),
        ui: o.opt("ui", ui)?.unwrap_or_default(),
        payment: o.opt("payment", payment)?,
    })
}

/// An object being taken apart, key by key.
pub struct Obj(Map<String, Value>);

impl Obj {
    /// `value`, which must be an object.
    pub fn new(value: Value) -> Read<Obj> {
        match value {
            Value::Object(map) => Ok(Obj(map)),
            _ => Err(ReadError::new("an object")),
        }
    }

    /// The value under `key` read by `read`; `None` when absent or `null`.
    pub fn opt<T>(&mut self, key: &str, read: fn(Value) -> Read<T>) -> Read<Option<T>> {
        match self.0.remove(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => read(value).map(Some).map_err(|e| e.within(key)),
        }
    }

    /// The value under `key` read by `read`, which must be there.
    pub fn req<T>(&mut self, key: &str, read: fn(Value) -> Read<T>) -> Read<T> {
        self.opt(key, read)?.ok_or_else(|| ReadError::new("a value").within(key))
    }

    /// The value under `key` as it is, `null` included (for a required value of any JSON type,
    /// which serde reads from `null` too).
    pub fn value(&mut self, key: &str) -> Read<Value> {
        self.0.remove(key).ok_or_else(|| ReadError::new("a value").within(key))
    }

    /// A flag: `false` when absent.
    pub fn flag(&mut self, key: &str) -> Read<bool> {
        Ok(self.opt(key, boolean)?.unwrap_or(false))
    }

    /// Whether `key` is there (even as `null`).
    pub fn has(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }
}

/// A string.
pub fn string(value: Value) -> Read<String> {
    match value {
        Value::String(s) => Ok(s),
        _ => Err(ReadError::new("a string")),
    }
}

/// `true` or `false`.
pub fn boolean(value: Value) -> Read<bool> {
    value.as_bool().ok_or_else(|| ReadError::new("true or false"))
}

/// A whole number from 0.
pub fn u64_of(value: Value) -> Read<u64> {
    value.as_u64().ok_or_else(|| ReadError::new("a whole number"))
}

/// A whole number from 0 below 2^32.
pub fn u32_of(value: Value) -> Read<u32> {
    u64_of(value).and_then(|n| u32::try_from(n).map_err(|_| ReadError::new("a whole number below 2^32")))
}

/// A whole number from 0 below 256.
pub fn u8_of(value: Value) -> Read<u8> {
    u64_of(value).and_then(|n| u8::try_from(n).map_err(|_| ReadError::new("a whole number below 256")))
}

/// A number.
pub fn f64_of(value: Value) -> Read<f64> {
    value.as_f64().ok_or_else(|| ReadError::new("a number"))
}

/// Any value, as it is.
pub fn any(value: Value) -> Read<Value> {
    Ok(value)
}

/// An object, as a map.
pub fn object(value: Value) -> Read<Map<String, Value>> {
    Obj::new(value).map(|o| o.0)
}

/// A JSON Logic condition.
pub fn condition(value: Value) -> Read<Condition> {
    Ok(Condition(value))
}

/// Each element of an array, read by `read`.
pub fn list<T>(value: Value, read: fn(Value) -> Read<T>) -> Read<Vec<T>> {
    let Value::Array(items) = value else { return Err(ReadError::new("an array")) };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        out.push(read(item).map_err(|e| e.within(&i.to_string()))?);
    }
    Ok(out)
}

/// An array of strings.
pub fn strings(value: Value) -> Read<Vec<String>> {
    list(value, string)
}

/// A text: a string, or an object of strings by language tag.
pub fn text(value: Value) -> Read<Text> {
    match value {
        Value::String(s) => Ok(Text::Plain(s)),
        Value::Object(map) => {
            let mut texts = BTreeMap::new();
            for (tag, text) in map {
                let text = string(text).map_err(|e| e.within(&tag))?;
                texts.insert(tag, text);
            }
            Ok(Text::Localized(texts))
        }
        _ => Err(ReadError::new("a text, or an object of texts by language tag")),
    }
}

/// A finding of a check, as the server writes it (`{"path", "code", "params"}`).
pub fn issue(value: Value) -> Read<crate::Issue> {
    let mut o = Obj::new(value)?;
    let path = o.req("path", string)?;
    let path = crate::FieldPath::parse(&path).map_err(|_| ReadError::new("a data path").within("path"))?;
    let code = o.req("code", string)?;
    let params = o.opt("params", any)?.unwrap_or(Value::Null);
    let error = crate::ErrorCode::from_parts(&code, &params).ok_or_else(|| ReadError::new("a known error code"))?;
    Ok(crate::Issue { path, error })
}

/// A date written `YYYY-MM-DD`.
pub fn date(value: Value) -> Read<crate::Date> {
    crate::Date::parse_iso(&string(value)?).ok_or_else(|| ReadError::new("a date (YYYY-MM-DD)"))
}

fn nodes(value: Value) -> Read<Vec<Node>> {
    list(value, node)
}

fn node(value: Value) -> Read<Node> {
    let o = Obj::new(value)?;
    if o.0.contains_key("group") {
        group(o).map(|g| Node::Group(Box::new(g)))
    } else if o.0.contains_key("field") {
        field(o).map(|f| Node::Field(Box::new(f)))
    } else {
        Err(ReadError::new("a \"field\" or a \"group\" key"))
    }
}

fn group(mut o: Obj) -> Read<Group> {
    Ok(Group {
        group: o.req("group", string)?,
        label: o.req("label", text)?,
        output_label: o.opt("outputLabel", text)?,
        hint: o.opt("hint", text)?,
        min: o.opt("min", u32_of)?.unwrap_or(1),
        // Absent: one entry at most; `null`: no limit.
        max: if o.0.contains_key("max") { o.opt("max", u32_of)? } else { Some(1) },
        entry_label: o.opt("entryLabel", text)?,
        visible_if: o.opt("visibleIf", condition)?,
        legal_basis: o.opt("legalBasis", legal_basis)?,
        fim: o.opt("fim", fim_ref)?,
        items: o.req("items", nodes)?,
        rules: o.opt("rules", rules)?.unwrap_or_default(),
    })
}

fn field(mut o: Obj) -> Read<Field> {
    Ok(Field {
        field: o.req("field", string)?,
        kind: o.opt("kind", string)?.map(Into::into).unwrap_or_default(),
        datatype: o.req("datatype", string)?.into(),
        format: o.opt("format", string)?.map(Into::into),
        label: o.req("label", text)?,
        output_label: o.opt("outputLabel", text)?,
        hint: o.opt("hint", text)?,
        help: o.opt("help", text)?,
        content: o.opt("content", text)?,
        legal_basis: o.opt("legalBasis", legal_basis)?,
        default: o.opt("default", any)?,
        placeholder: o.opt("placeholder", text)?,
        prefill: o.opt("prefill", prefill)?,
        required: o.flag("required")?,
        required_if: o.opt("requiredIf", condition)?,
        visible_if: o.opt("visibleIf", condition)?,
        constraints: o.opt("constraints", constraints)?.unwrap_or_default(),
        options: o.opt("options", |v| list(v, choice))?,
        code_list: o.opt("codeList", code_list)?,
        multiple: o.flag("multiple")?,
        widget: o.opt("widget", string)?.map(Into::into),
        messages: o.opt("messages", messages)?.unwrap_or_default(),
        autocomplete: o.opt("autocomplete", string)?,
        fim: o.opt("fim", fim_ref)?,
    })
}

fn messages(value: Value) -> Read<BTreeMap<String, Text>> {
    let mut out = BTreeMap::new();
    for (code, message) in object(value)? {
        let message = text(message).map_err(|e| e.within(&code))?;
        out.insert(code, message);
    }
    Ok(out)
}

fn constraints(value: Value) -> Read<Constraints> {
    let mut o = Obj::new(value)?;
    Ok(Constraints {
        min_length: o.opt("minLength", u32_of)?,
        max_length: o.opt("maxLength", u32_of)?,
        min: o.opt("min", f64_of)?,
        max: o.opt("max", f64_of)?,
        pattern: o.opt("pattern", string)?,
        min_date: o.opt("minDate", string)?,
        max_date: o.opt("maxDate", string)?,
        max_size: o.opt("maxSize", u64_of)?,
        media_types: o.opt("mediaTypes", strings)?.unwrap_or_default(),
        max_files: o.opt("maxFiles", u32_of)?,
        min_selected: o.opt("minSelected", u32_of)?,
        max_selected: o.opt("maxSelected", u32_of)?,
    })
}

fn choice(value: Value) -> Read<Choice> {
    let mut o = Obj::new(value)?;
    Ok(Choice { value: o.req("value", string)?, label: o.req("label", text)?, hint: o.opt("hint", text)? })
}

fn code_list(value: Value) -> Read<CodeListRef> {
    let mut o = Obj::new(value)?;
    Ok(CodeListRef { id: o.req("id", string)?, version: o.opt("version", string)? })
}

fn legal_basis(value: Value) -> Read<LegalBasis> {
    let mut o = Obj::new(value)?;
    Ok(LegalBasis { text: o.req("text", text)?, url: o.opt("url", string)? })
}

fn prefill(value: Value) -> Read<Prefill> {
    let mut o = Obj::new(value)?;
    let mode = match o.req("mode", string)?.as_str() {
        "none" => PrefillMode::None,
        "optional" => PrefillMode::Optional,
        "mandatory" => PrefillMode::Mandatory,
        _ => return Err(ReadError::new("\"none\", \"optional\" or \"mandatory\"").within("mode")),
    };
    Ok(Prefill { mode, attribute: o.req("attribute", string)? })
}

fn fim_ref(value: Value) -> Read<FimRef> {
    let mut o = Obj::new(value)?;
    Ok(FimRef { id: o.req("id", string)?, version: o.opt("version", string)? })
}

fn rules(value: Value) -> Read<Vec<Rule>> {
    list(value, rule)
}

fn rule(value: Value) -> Read<Rule> {
    let mut o = Obj::new(value)?;
    Ok(Rule {
        id: o.req("id", string)?,
        when: o.opt("when", condition)?,
        assert: Condition(o.value("assert")?),
        fields: o.req("fields", strings)?,
        message: o.req("message", text)?,
        source: o.opt("source", rule_source)?,
    })
}

fn rule_source(value: Value) -> Read<RuleSource> {
    let mut o = Obj::new(value)?;
    Ok(RuleSource { fim: o.opt("fim", fim_ref)?, text: o.req("text", string)? })
}

fn service(value: Value) -> Read<Service> {
    let mut o = Obj::new(value)?;
    Ok(Service {
        leika_key: o.opt("leikaKey", string)?,
        fim_schema: o.opt("fimSchema", fim_ref)?,
        schema_uri: o.opt("schemaUri", string)?,
        reference_prefix: o.opt("referencePrefix", string)?,
        reply_email: o.opt("replyEmail", string)?,
        fim_rules: o.opt("fimRules", |v| list(v, fim_rule))?.unwrap_or_default(),
    })
}

fn fim_rule(value: Value) -> Read<FimRule> {
    let mut o = Obj::new(value)?;
    Ok(FimRule {
        fim: o.req("fim", fim_ref)?,
        name: o.req("name", string)?,
        text: o.req("text", string)?,
        at: o.opt("at", string)?,
        translated: o.req("translated", boolean)?,
        note: o.opt("note", string)?,
    })
}

fn payment(value: Value) -> Read<Payment> {
    let mut o = Obj::new(value)?;
    let timing = match o.opt("timing", string)?.as_deref() {
        None | Some("before") => PaymentTiming::Before,
        Some("notice") => PaymentTiming::Notice,
        Some(_) => return Err(ReadError::new("\"before\" or \"notice\"").within("timing")),
    };
    Ok(Payment {
        purpose: o.req("purpose", string)?,
        description: o.opt("description", string)?,
        timing,
        items: o.req("items", |v| list(v, fee_item))?,
    })
}

fn fee_item(value: Value) -> Read<FeeItem> {
    let mut o = Obj::new(value)?;
    Ok(FeeItem {
        id: o.req("id", string)?,
        label: o.req("label", text)?,
        amount: o.req("amount", string)?,
        when: o.opt("when", condition)?,
        quantity: o.opt("quantity", condition)?,
        per: o.opt("per", string)?,
        tax_rate: o.opt("taxRate", u8_of)?,
        booking: o.opt("booking", object)?.unwrap_or_default(),
    })
}

fn ui(value: Value) -> Read<Ui> {
    let mut o = Obj::new(value)?;
    Ok(Ui {
        steps: o.opt("steps", |v| list(v, step))?.unwrap_or_default(),
        intro: o.opt("intro", text)?,
        outro: o.opt("outro", text)?,
    })
}

fn step(value: Value) -> Read<Step> {
    let mut o = Obj::new(value)?;
    Ok(Step {
        id: o.req("id", string)?,
        title: o.req("title", text)?,
        intro: o.opt("intro", text)?,
        items: o.req("items", strings)?,
        visible_if: o.opt("visibleIf", condition)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every definition file of the repository (demo forms, their examples, test forms).
    fn definitions() -> Vec<(std::path::PathBuf, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut out = Vec::new();
        let mut dirs = vec![root.join("forms"), root.join("tests")];
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "json") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    if text.contains("\"antrag/1\"") {
                        out.push((path, text));
                    }
                }
            }
        }
        out
    }

    /// serde's reading (the server's, strict) and this one agree: on the author's JSON, and on
    /// the definition as the server serves it (serialized again).
    fn agree(value: Value, what: &str) {
        let by_serde = serde_json::from_value::<FormDef>(value.clone()).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(definition(value).as_ref(), Ok(&by_serde), "{what}: as written");
        let served = serde_json::to_value(&by_serde).unwrap();
        assert_eq!(definition(served).as_ref(), Ok(&by_serde), "{what}: as served");
    }

    #[test]
    fn reads_every_definition_of_the_repository_as_serde_does() {
        let all = definitions();
        assert!(all.len() >= 5, "the demo forms are in forms/: found {}", all.len());
        let mut read = 0;
        for (path, text) in all {
            let value: Value = serde_json::from_str(&text).unwrap();
            // Test files of broken definitions are left to serde (the server refuses them).
            if serde_json::from_value::<FormDef>(value.clone()).is_ok() {
                read += 1;
                agree(value, &path.display().to_string());
            }
        }
        assert!(read >= 5, "{read} definitions serde reads");
        eprintln!("{read} definitions of the repository read alike");
    }

    #[test]
    fn reads_generated_forms_of_every_size_as_serde_does() {
        for n in [1, 7, 20, 200] {
            agree(crate::generate::definition(n), &format!("generated, {n} fields"));
        }
    }

    #[test]
    fn absent_null_and_defaults_read_as_serde_reads_them() {
        let base = json!({
            "format": "antrag/1", "id": "x", "version": "1", "title": {"de": "X", "en": "X"}, "languages": ["de"],
            "items": [
                {"group": "g", "label": "G", "items": [{"field": "a", "datatype": "text", "label": "A"}]},
                {"group": "h", "label": "H", "max": null, "min": 0, "items": [
                    {"field": "b", "datatype": "num", "label": "B", "kind": "select", "format": "iban",
                     "widget": "radios", "required": true, "multiple": false, "default": null,
                     "constraints": {"min": 1, "max": 2.5, "maxSize": 1000, "mediaTypes": ["image/png"]},
                     "options": [{"value": "1", "label": "Eins", "hint": "h"}],
                     "messages": {"required": {"de": "Bitte"}},
                     "prefill": {"mode": "optional", "attribute": "x"},
                     "legalBasis": {"text": "§ 1", "url": "https://example.org"},
                     "visibleIf": {"==": [{"var": "g.a"}, "ja"]}, "fim": {"id": "F1", "version": "1.0"}}
                ]},
                {"group": "k", "label": "K", "max": 3, "items": [{"field": "c", "datatype": "future_type", "label": "C", "kind": "odd"}]}
            ],
            "rules": [{"id": "r", "assert": true, "fields": ["g.a"], "message": "M", "source": {"text": "T", "fim": {"id": "R1"}}},
                      {"id": "n", "assert": null, "fields": ["g.a"], "message": "M"}],
            "ui": {"steps": [{"id": "s", "title": "S", "items": ["g", "h", "k"], "visibleIf": true}], "intro": "I"},
            "service": {"leikaKey": "99", "fimRules": [{"fim": {"id": "R1"}, "name": "n", "text": "t", "translated": false}]},
            "payment": {"purpose": "P", "timing": "notice", "items": [
                {"id": "F", "label": "L", "amount": "1.50", "per": "k", "taxRate": 19, "booking": {"a": 1}, "quantity": {"var": "k.c"}}
            ]}
        });
        agree(base.clone(), "every key");
        let def = definition(base).unwrap();
        let Node::Group(h) = &def.items[1] else { panic!() };
        let Node::Group(g) = &def.items[0] else { panic!() };
        let Node::Group(k) = &def.items[2] else { panic!() };
        assert_eq!((g.max, h.max, k.max, g.min, h.min), (Some(1), None, Some(3), 1, 0));
        assert_eq!(def.default_language, "de");
        assert_eq!(def.rules[1].assert, Condition(Value::Null), "a null assertion is one (serde reads it so)");
    }

    #[test]
    fn issues_and_dates_read_as_serde_writes_them() {
        // Required answers missing: the day does not matter.
        let ctx = crate::Context::on(crate::Date::new(2026, 11, 28).unwrap());
        let form = crate::Form::from_json(include_str!("../../../forms/wohngeld.json")).unwrap();
        let report = crate::validate(&form, &crate::Answers::new(), &ctx);
        assert!(report.issues.len() > 3);
        for found in &report.issues {
            assert_eq!(issue(serde_json::to_value(found).unwrap()).as_ref(), Ok(found));
        }
        let day = crate::Date::new(2029, 2, 28).unwrap();
        assert_eq!(date(serde_json::to_value(day).unwrap()), Ok(day));
        assert_eq!(issue(json!({"path": "a", "code": "no_such_code"})).unwrap_err().expected, "a known error code");
    }

    #[test]
    fn a_broken_value_is_named_by_its_pointer() {
        let bad = json!({"format": "antrag/1", "id": "x", "version": "1", "title": "X", "languages": ["de"],
            "items": [{"group": "g", "label": "G", "items": [{"field": "a", "datatype": "text", "label": 3}]}]});
        let error = definition(bad).unwrap_err();
        assert_eq!(error.pointer, "/items/0/items/0/label");
        assert_eq!(
            error.to_string(),
            "at \"/items/0/items/0/label\": expected a text, or an object of texts by language tag"
        );
        let missing = json!({"format": "antrag/1", "id": "x", "version": "1", "title": "X", "languages": ["de"], "items": [{"label": "L"}]});
        assert_eq!(definition(missing).unwrap_err().pointer, "/items/0");
        assert_eq!(definition(json!([])).unwrap_err().expected, "an object");
    }
}
