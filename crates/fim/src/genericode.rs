//! OASIS genericode 1.0 code lists (as XRepository publishes FIM code lists).
//!
//! A list names its columns in `ColumnSet`; which column holds the code and which the text
//! follows the XRepository convention (`Key Id="codeKey"` and `Key Id="codenameKey"`), which a
//! 3.0.0 data field may override with its own `codeKey` / `nameKey`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use antrag_core::definition::Choice;
use antrag_core::text::Text;
use roxmltree::Document;

const NS: &str = "http://docs.oasis-open.org/codelist/ns/genericode/1.0/";

/// One genericode list.
#[derive(Clone, Debug, PartialEq)]
pub struct Genericode {
    /// `CanonicalUri`.
    pub id: String,
    /// `Version`.
    pub version: String,
    /// `ShortName` or `LongName`.
    pub name: Option<String>,
    /// Column ids in order.
    pub columns: Vec<String>,
    /// The code column by convention (`Key codeKey`).
    pub code_column: String,
    /// The text column by convention (`Key codenameKey`).
    pub name_column: Option<String>,
    /// Rows: column id → value.
    pub rows: Vec<BTreeMap<String, String>>,
}

/// Why a genericode file could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct GenericodeError {
    /// The file (or `<input>`).
    pub file: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for GenericodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for GenericodeError {}

impl Genericode {
    /// Parse a genericode document.
    pub fn parse(xml: &str) -> Result<Genericode, String> {
        let doc = Document::parse(xml).map_err(|e| format!("not well-formed XML: {e}"))?;
        let root = doc.root_element();
        if root.tag_name().name() != "CodeList" || root.tag_name().namespace() != Some(NS) {
            return Err(format!("root element is <{}>, expected genericode <CodeList> ({NS})", root.tag_name().name()));
        }
        fn el<'a, 'i>(parent: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
            parent.children().find(|c| c.is_element() && c.tag_name().name() == name)
        }
        fn text(node: Option<roxmltree::Node<'_, '_>>) -> Option<String> {
            node.and_then(|n| n.text()).map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned)
        }
        let ident = el(root, "Identification").ok_or("no Identification")?;
        let id = text(el(ident, "CanonicalUri")).ok_or("no Identification/CanonicalUri")?;
        let version = text(el(ident, "Version")).ok_or("no Identification/Version")?;
        let name = text(el(ident, "ShortName")).or_else(|| text(el(ident, "LongName")));
        let set = el(root, "ColumnSet").ok_or("no ColumnSet")?;
        let columns: Vec<String> = set
            .children()
            .filter(|c| c.is_element() && c.tag_name().name() == "Column")
            .filter_map(|c| c.attribute("Id").map(str::to_owned))
            .collect();
        if columns.is_empty() {
            return Err("the ColumnSet has no columns".into());
        }
        let keys: Vec<(String, String)> = set
            .children()
            .filter(|c| c.is_element() && c.tag_name().name() == "Key")
            .filter_map(|k| {
                let column = el(k, "ColumnRef")?.attribute("Ref")?;
                Some((k.attribute("Id").unwrap_or("").to_owned(), column.to_owned()))
            })
            .collect();
        let key = |id: &str| keys.iter().find(|(k, _)| k == id).map(|(_, c)| c.clone());
        let code_column = key("codeKey")
            .or_else(|| keys.first().map(|(_, c)| c.clone()))
            .or_else(|| columns.iter().find(|c| *c == "code").cloned())
            .unwrap_or_else(|| columns[0].clone());
        let name_column = key("codenameKey")
            .or_else(|| {
                ["name", "wert", "bezeichnung", "beschreibung"]
                    .iter()
                    .find_map(|n| columns.iter().find(|c| c.eq_ignore_ascii_case(n)).cloned())
            })
            .or_else(|| columns.iter().find(|c| **c != code_column).cloned());
        let list = el(root, "SimpleCodeList").ok_or("no SimpleCodeList")?;
        let rows = list
            .children()
            .filter(|c| c.is_element() && c.tag_name().name() == "Row")
            .map(|row| {
                let mut values = BTreeMap::new();
                let values_in_row = row.children().filter(|c| c.is_element() && c.tag_name().name() == "Value");
                for (position, value) in values_in_row.enumerate() {
                    // A Value without ColumnRef belongs to the next column in order.
                    let column =
                        value.attribute("ColumnRef").map(str::to_owned).or_else(|| columns.get(position).cloned());
                    if let (Some(column), Some(v)) = (column, text(el(value, "SimpleValue"))) {
                        values.insert(column, v);
                    }
                }
                values
            })
            .collect();
        Ok(Genericode { id, version, name, columns, code_column, name_column, rows })
    }

    /// The choices of the list, taking codes and texts from the given columns (the list's
    /// own key columns when `None`). Fails naming a column the list does not have.
    pub fn choices(&self, code_key: Option<&str>, name_key: Option<&str>) -> Result<Vec<Choice>, String> {
        let code = code_key.unwrap_or(&self.code_column);
        let name = name_key.or(self.name_column.as_deref()).unwrap_or(code);
        for column in [code, name] {
            if !self.columns.iter().any(|c| c == column) {
                return Err(format!(
                    "code list {} has no column \"{column}\" (columns: {})",
                    self.id,
                    self.columns.join(", ")
                ));
            }
        }
        Ok(self
            .rows
            .iter()
            .filter_map(|row| {
                let value = row.get(code)?.clone();
                let label = row.get(name).cloned().unwrap_or_else(|| value.clone());
                Some(Choice { value, label: Text::Plain(label), hint: None })
            })
            .collect())
    }
}

/// The code lists an import may use.
#[derive(Clone, Debug, Default)]
pub struct CodeLists {
    lists: Vec<Genericode>,
}

/// How a reference was resolved.
#[derive(Clone, Debug, PartialEq)]
pub enum Lookup<'a> {
    /// The list in the version asked for (or the newest when none was asked for).
    Exact(&'a Genericode),
    /// The list, but in another version than the one asked for (the newest available).
    OtherVersion(&'a Genericode),
    /// No list with that id.
    Missing,
}

impl CodeLists {
    /// No lists.
    pub fn new() -> CodeLists {
        CodeLists::default()
    }

    /// Add a list.
    pub fn add(&mut self, list: Genericode) {
        self.lists.push(list);
    }

    /// Read every `*.xml` file in `dir` as genericode. Fails on the first file that is not a
    /// genericode list, naming it.
    pub fn load_dir(dir: &Path) -> Result<CodeLists, GenericodeError> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| GenericodeError { file: dir.display().to_string(), message: e.to_string() })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")))
            .collect();
        files.sort();
        let mut lists = CodeLists::new();
        for file in files {
            let name = file.display().to_string();
            let xml = std::fs::read_to_string(&file)
                .map_err(|e| GenericodeError { file: name.clone(), message: e.to_string() })?;
            let list = Genericode::parse(&xml).map_err(|message| GenericodeError { file: name, message })?;
            lists.add(list);
        }
        Ok(lists)
    }

    /// Number of lists.
    pub fn len(&self) -> usize {
        self.lists.len()
    }

    /// Whether there are no lists.
    pub fn is_empty(&self) -> bool {
        self.lists.is_empty()
    }

    /// Find a list by canonical id and (optional) version.
    pub fn lookup(&self, id: &str, version: Option<&str>) -> Lookup<'_> {
        let mut candidates: Vec<&Genericode> = self.lists.iter().filter(|l| l.id == id).collect();
        if candidates.is_empty() {
            return Lookup::Missing;
        }
        candidates.sort_by(|a, b| a.version.cmp(&b.version));
        match version {
            Some(v) => match candidates.iter().find(|l| l.version == v) {
                Some(list) => Lookup::Exact(list),
                None => Lookup::OtherVersion(candidates[candidates.len() - 1]),
            },
            None => Lookup::Exact(candidates[candidates.len() - 1]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = r#"<?xml version="1.0"?>
<CodeList xmlns="http://docs.oasis-open.org/codelist/ns/genericode/1.0/">
  <Identification><ShortName>Farbe</ShortName><Version>2024-01-01</Version>
    <CanonicalUri>urn:test:farbe</CanonicalUri></Identification>
  <ColumnSet>
    <Column Id="schluessel" Use="required"><ShortName>s</ShortName><Data Type="string"/></Column>
    <Column Id="kurz"><ShortName>k</ShortName><Data Type="string"/></Column>
    <Column Id="lang"><ShortName>l</ShortName><Data Type="string"/></Column>
    <Key Id="codeKey"><ShortName>c</ShortName><ColumnRef Ref="schluessel"/></Key>
    <Key Id="codenameKey"><ShortName>n</ShortName><ColumnRef Ref="kurz"/></Key>
  </ColumnSet>
  <SimpleCodeList>
    <Row><Value ColumnRef="schluessel"><SimpleValue>01</SimpleValue></Value>
         <Value ColumnRef="kurz"><SimpleValue>rot</SimpleValue></Value>
         <Value ColumnRef="lang"><SimpleValue>leuchtend rot</SimpleValue></Value></Row>
    <Row><Value ColumnRef="schluessel"><SimpleValue>02</SimpleValue></Value>
         <Value ColumnRef="kurz"><SimpleValue>blau</SimpleValue></Value></Row>
  </SimpleCodeList>
</CodeList>"#;

    #[test]
    fn key_columns_by_convention_and_override() {
        let list = Genericode::parse(LIST).unwrap();
        assert_eq!((list.id.as_str(), list.version.as_str()), ("urn:test:farbe", "2024-01-01"));
        let choices = list.choices(None, None).unwrap();
        assert_eq!(choices.len(), 2);
        assert_eq!(choices[0].value, "01");
        assert_eq!(choices[0].label, Text::Plain("rot".into()));
        let long = list.choices(None, Some("lang")).unwrap();
        assert_eq!(long[0].label, Text::Plain("leuchtend rot".into()));
        // A row without the text column shows its code.
        assert_eq!(long[1].label, Text::Plain("02".into()));
        let err = list.choices(Some("iso"), None).unwrap_err();
        assert!(err.contains("no column \"iso\""), "{err}");
    }

    #[test]
    fn lookup_versions() {
        let mut lists = CodeLists::new();
        lists.add(Genericode::parse(LIST).unwrap());
        assert!(matches!(lists.lookup("urn:test:farbe", Some("2024-01-01")), Lookup::Exact(_)));
        assert!(matches!(lists.lookup("urn:test:farbe", None), Lookup::Exact(_)));
        assert!(matches!(lists.lookup("urn:test:farbe", Some("2030-01-01")), Lookup::OtherVersion(_)));
        assert_eq!(lists.lookup("urn:test:form", None), Lookup::Missing);
    }

    #[test]
    fn rejects_other_documents() {
        assert!(Genericode::parse("<a/>").unwrap_err().contains("expected genericode"));
        assert!(Genericode::parse("<a").unwrap_err().contains("not well-formed"));
    }
}
