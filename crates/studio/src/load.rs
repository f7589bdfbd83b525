//! What the studio does with a dropped file — plain Rust, tested natively: a FIM
//! XDatenfelder message is imported (with the code lists dropped alongside), a genericode
//! code list is kept for the imports, an Antrag definition is taken as it is. And what the
//! studio shows of a definition: antrag-core's lint problems, each with its JSON pointer.

use antrag_core::lint::Problem;
use antrag_fim::{CodeLists, Genericode, Report};

/// What kind of file the author dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// An Antrag definition (JSON).
    Definition,
    /// A genericode code list.
    CodeList,
    /// An XML file that should be an XDatenfelder message (the importer says if it is not).
    Fim,
    /// Neither JSON nor XML.
    Unknown,
}

/// The kind of a file, by its content (names lie).
pub fn classify(text: &str) -> Kind {
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with('{') {
        return Kind::Definition;
    }
    if !text.starts_with('<') {
        return Kind::Unknown;
    }
    match root_element(text) {
        Some(name) if name == "CodeList" => Kind::CodeList,
        _ => Kind::Fim,
    }
}

/// The local name of the root element of an XML text (after the prolog, comments and a
/// doctype).
fn root_element(text: &str) -> Option<String> {
    let mut rest = text;
    loop {
        let start = rest.find('<')?;
        rest = &rest[start + 1..];
        if rest.starts_with('?') || rest.starts_with('!') {
            continue;
        }
        let name: String = rest.chars().take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/').collect();
        return Some(name.rsplit(':').next().unwrap_or(&name).to_owned());
    }
}

/// A code list for the imports that follow; its id, or why it cannot be read.
pub fn add_code_list(lists: &mut CodeLists, text: &str) -> Result<String, String> {
    let list = Genericode::parse(text)?;
    let id = list.id.clone();
    lists.add(list);
    Ok(id)
}

/// A finished import: the definition as the author will edit it, and the report.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The definition, pretty-printed JSON.
    pub definition: String,
    /// What was translated, left out and why.
    pub report: Report,
}

/// Import a FIM message; the error is a plain message for the author.
pub fn import_fim(xml: &str, lists: &CodeLists) -> Result<Imported, String> {
    let options = antrag_fim::Options { codelists: lists.clone(), ..antrag_fim::Options::default() };
    let imported = antrag_fim::import(xml, &options).map_err(|e| e.to_string())?;
    let definition = serde_json::to_string_pretty(&imported.definition).map_err(|e| e.to_string())?;
    Ok(Imported { definition, report: imported.report })
}

/// A definition's verdict: the form when lint finds nothing wrong, else every problem (the
/// same parse and lint as `antrag-server lint` and the server at start).
pub fn check(text: &str) -> Result<antrag_core::Form, Vec<Problem>> {
    antrag_core::Form::from_json(text)
}

/// The question a pointer is about: the `field` (or `group`) key of the deepest item on the
/// pointer's way, as a dotted data path without indexes (`/items/2/items/0/constraints` →
/// `person.name`), if the pointer leads through items.
pub fn question_path(definition: &serde_json::Value, pointer: &str) -> Option<String> {
    let mut node = definition;
    let mut keys: Vec<String> = Vec::new();
    let mut found = None;
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        node = match node {
            serde_json::Value::Object(map) => map.get(&token)?,
            serde_json::Value::Array(list) => list.get(token.parse::<usize>().ok()?)?,
            _ => return found,
        };
        if let Some(key) = node.get("field").or_else(|| node.get("group")).and_then(|k| k.as_str()) {
            if node.get("items").is_some() || node.get("field").is_some() {
                keys.push(key.to_owned());
                found = Some(keys.join("."));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_told_apart_by_content() {
        assert_eq!(classify("\u{feff}  {\"format\": \"antrag/1\"}"), Kind::Definition);
        assert_eq!(
            classify(
                "<?xml version=\"1.0\"?>\n<!-- c -->\n<gc:CodeList xmlns:gc=\"x\"><Identification/></gc:CodeList>"
            ),
            Kind::CodeList
        );
        assert_eq!(classify("<?xml version=\"1.0\"?><xdf:xdatenfelder.stammdatenschema.0102/>"), Kind::Fim);
        assert_eq!(classify("Name;Vorname"), Kind::Unknown);
    }

    #[test]
    fn a_broken_definition_names_its_problems_with_pointers() {
        let text = r#"{"format": "antrag/1", "id": "f", "version": "1", "title": "F", "languages": ["de"],
            "items": [{"field": "a", "datatype": "text", "label": "A", "constraints": {"pattern": "[0-9"}}]}"#;
        let problems = check(text).err().unwrap();
        assert!(problems.iter().any(|p| p.pointer == "/items/0/constraints/pattern"), "{problems:?}");
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(question_path(&value, "/items/0/constraints/pattern").as_deref(), Some("a"));
        assert_eq!(question_path(&value, "/title"), None);
        let (start, end) = crate::pointer::locate(text, "/items/0/constraints/pattern").unwrap();
        assert_eq!(&text[start..end], "\"[0-9\"");
    }

    #[test]
    fn not_json_is_a_problem_too() {
        let problems = check("{\"format\": ").err().unwrap();
        assert!(!problems.is_empty());
    }

    #[test]
    fn a_fim_message_that_is_not_one_says_so() {
        let error = import_fim("<nichts/>", &CodeLists::new()).err().unwrap();
        assert!(error.contains("XDatenfelder"), "{error}");
    }
}
