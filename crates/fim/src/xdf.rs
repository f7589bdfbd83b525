//! Reading XDatenfelder 2.0 and 3.0.0 messages into a small model.
//!
//! Written against the published XSDs (`xdatenfelder-baukasten.xsd` of both versions): the
//! elements read here are the ones those schemas define for `Stammdatenschema`,
//! `Datenfeldgruppe`, `Datenfeld`, `Struktur` and `Regel`. Both versions nest the elements
//! inline (`struktur/enthaelt/datenfeld|datenfeldgruppe`); they differ in the details this
//! module evens out:
//!
//! | | 2.0 | 3.0.0 |
//! |---|---|---|
//! | namespace | `urn:xoev-de:fim:standard:xdatenfelder_2` | `urn:xoev-de:fim:standard:xdatenfelder_3.0.0` |
//! | Präzisierung | JSON in the element text (`{"minLength":"1","maxLength":"50"}`) | attributes `minLength`, `maxLength`, `minValue`, `maxValue`, `pattern` |
//! | values | code lists only (`codelisteReferenz/genericodeIdentification`) | inline `werte/wert` or `codelisteReferenz` |
//! | rule text | `definition` (+ `script`) | `freitextRegel` (+ `skript`) |
//! | legal basis | `bezug` text | `bezug` text with optional `link` |
//! | files | — | `maxSize`, `mediaType` |
//! | prefill | — | `vorbefuellung` (`keine`, `optional`, `verpflichtend`) |

use roxmltree::{Document, Node};

use crate::ImportError;

/// Namespace of XDatenfelder 2.0.
pub const NS_V2: &str = "urn:xoev-de:fim:standard:xdatenfelder_2";
/// Namespace of XDatenfelder 3.0.0.
pub const NS_V3: &str = "urn:xoev-de:fim:standard:xdatenfelder_3.0.0";

/// The XDatenfelder version of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XdfVersion {
    /// XDatenfelder 2.0.
    V2,
    /// XDatenfelder 3.0.0.
    V3,
}

impl XdfVersion {
    /// The version as written in the standard's name.
    pub fn as_str(self) -> &'static str {
        match self {
            XdfVersion::V2 => "2.0",
            XdfVersion::V3 => "3.0.0",
        }
    }
}

/// A legal reference (`bezug`), with its link where 3.0.0 gives one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bezug {
    pub text: String,
    pub link: Option<String>,
}

/// What every element has: identity, names and texts.
#[derive(Clone, Debug, Default)]
pub struct Meta {
    pub id: String,
    pub version: Option<String>,
    pub name: String,
    pub label_in: Option<String>,
    pub label_out: Option<String>,
    pub beschreibung: Option<String>,
    pub definition: Option<String>,
    pub help_in: Option<String>,
    pub bezug: Vec<Bezug>,
    /// Line of the element in the XML, for messages.
    pub line: u32,
}

impl Meta {
    /// The label shown while entering: `bezeichnungEingabe`, else `name`.
    pub fn label(&self) -> &str {
        self.label_in.as_deref().unwrap_or(&self.name)
    }
}

/// Präzisierung of a field, as given.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Praezisierung {
    pub min_length: Option<String>,
    pub max_length: Option<String>,
    pub min_value: Option<String>,
    pub max_value: Option<String>,
    pub pattern: Option<String>,
    /// Element text that is neither empty nor (2.0) JSON: kept for the report.
    pub other: Option<String>,
}

/// A reference to a genericode list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CodeListRef {
    pub canonical_id: String,
    pub version: Option<String>,
    /// Column holding the code (3.0.0 `codeKey`).
    pub code_key: Option<String>,
    /// Column holding the text (3.0.0 `nameKey`).
    pub name_key: Option<String>,
}

/// One inline value (3.0.0 `werte/wert`).
#[derive(Clone, Debug, PartialEq)]
pub struct Wert {
    pub code: String,
    pub name: String,
    pub hilfe: Option<String>,
}

/// A FIM rule (Regel) as written.
#[derive(Clone, Debug, Default)]
pub struct Regel {
    pub id: String,
    pub version: Option<String>,
    pub name: String,
    /// `freitextRegel` (3.0.0) or `definition` (2.0): the rule's prose.
    pub text: String,
    /// `skript` / `script`, when it holds more than an empty function.
    pub script: Option<String>,
}

/// A data field (Datenfeld).
#[derive(Clone, Debug, Default)]
pub struct Datenfeld {
    pub meta: Meta,
    pub feldart: String,
    pub datentyp: String,
    pub praezisierung: Praezisierung,
    pub inhalt: Option<String>,
    pub vorbefuellung: Option<String>,
    pub werte: Vec<Wert>,
    pub code_list: Option<CodeListRef>,
    pub max_size: Option<String>,
    pub media_types: Vec<String>,
    pub regeln: Vec<Regel>,
}

/// A group (Datenfeldgruppe) or the schema itself: children with their multiplicity.
#[derive(Clone, Debug, Default)]
pub struct Gruppe {
    pub meta: Meta,
    pub children: Vec<Child>,
    pub regeln: Vec<Regel>,
}

/// A child of a group: the element and how often it occurs there (`struktur`).
#[derive(Clone, Debug)]
pub struct Child {
    pub min: u32,
    /// `None` for `*`.
    pub max: Option<u32>,
    /// `struktur/bezug`: the legal basis of this use of the element.
    pub bezug: Vec<Bezug>,
    pub element: Element,
}

/// A field or a group.
#[derive(Clone, Debug)]
pub enum Element {
    Feld(Box<Datenfeld>),
    Gruppe(Box<Gruppe>),
}

/// A parsed message: the schema (or the single group / field a message carries).
#[derive(Clone, Debug)]
pub struct Message {
    pub version: XdfVersion,
    /// The kind of message (`stammdatenschema`, `datenfeldgruppe`, `datenfeld`).
    pub kind: &'static str,
    /// The root group: the schema, the group of a group message, or a group around the field
    /// of a field message.
    pub root: Gruppe,
    /// Schema title (3.0.0 `bezeichnung`), when given.
    pub title: Option<String>,
    /// Schema help text (`hilfetext`).
    pub help: Option<String>,
}

/// Parse an XDatenfelder message.
pub fn parse(xml: &str) -> Result<Message, ImportError> {
    let doc = Document::parse_with_options(xml, roxmltree::ParsingOptions { allow_dtd: false, nodes_limit: u32::MAX })
        .map_err(|e| {
            let pos = e.pos();
            ImportError::Xml { line: pos.row, column: pos.col, message: e.to_string() }
        })?;
    let root = doc.root_element();
    let ns = root.tag_name().namespace().unwrap_or("");
    let version = match ns {
        NS_V2 => XdfVersion::V2,
        NS_V3 => XdfVersion::V3,
        other => return Err(unsupported(other, root.tag_name().name())),
    };
    let newlines = xml.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i).collect();
    let reader = Reader { ns, version, newlines };
    let name = root.tag_name().name();
    let (kind, child_name) = if name.starts_with("xdatenfelder.stammdatenschema.") {
        ("stammdatenschema", "stammdatenschema")
    } else if name.starts_with("xdatenfelder.datenfeldgruppe.") {
        ("datenfeldgruppe", "datenfeldgruppe")
    } else if name.starts_with("xdatenfelder.datenfeld.") {
        ("datenfeld", "datenfeld")
    } else {
        return Err(ImportError::NotASchema {
            root: name.to_owned(),
            message: "expected a Stammdatenschema (xdatenfelder.stammdatenschema.0102), Datenfeldgruppe \
                      (…datenfeldgruppe.0103) or Datenfeld (…datenfeld.0104) message"
                .into(),
        });
    };
    let body = reader.child(root, child_name).ok_or_else(|| ImportError::Structure {
        at: name.to_owned(),
        message: format!("the message has no <{child_name}> element"),
    })?;
    let (root_group, title, help) = match kind {
        "datenfeld" => {
            let field = reader.datenfeld(body)?;
            let meta = field.meta.clone();
            let group = Gruppe {
                meta,
                children: vec![Child {
                    min: 1,
                    max: Some(1),
                    bezug: Vec::new(),
                    element: Element::Feld(Box::new(field)),
                }],
                regeln: Vec::new(),
            };
            (group, None, None)
        }
        _ => {
            let group = reader.gruppe(body)?;
            let title = reader.text(body, "bezeichnung");
            let help = reader.text(body, "hilfetext");
            (group, title, help)
        }
    };
    Ok(Message { version, kind, root: root_group, title, help })
}

fn unsupported(ns: &str, root: &str) -> ImportError {
    if let Some(rest) = ns.strip_prefix("urn:xoev-de:fim:standard:xdatenfelder_") {
        let version = rest.replace('_', ".");
        return ImportError::UnsupportedVersion {
            version: version.clone(),
            message: format!(
                "XDatenfelder {version} (namespace {ns}) is not supported: export the schema as XDatenfelder 2.0 or \
                 3.0.0 (the FIM portal offers both)"
            ),
        };
    }
    ImportError::NotASchema {
        root: root.to_owned(),
        message: if ns.is_empty() {
            "the root element has no namespace; expected XDatenfelder 2.0 or 3.0.0".into()
        } else {
            format!("namespace {ns} is not XDatenfelder 2.0 or 3.0.0")
        },
    }
}

struct Reader<'n> {
    ns: &'n str,
    version: XdfVersion,
    /// Byte offsets of the line ends, for line numbers in messages.
    newlines: Vec<usize>,
}

impl Reader<'_> {
    fn is<'a, 'i>(&self, node: &Node<'a, 'i>, name: &str) -> bool {
        node.is_element() && node.tag_name().name() == name && node.tag_name().namespace() == Some(self.ns)
    }

    fn child<'a, 'i>(&self, node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
        node.children().find(|c| self.is(c, name))
    }

    fn children<'a, 'i: 'a>(&'a self, node: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
        node.children().filter(move |c| self.is(c, name))
    }

    /// Text of a child element, trimmed; `None` when absent or blank.
    fn text(&self, node: Node, name: &str) -> Option<String> {
        self.child(node, name).and_then(|c| clean(&all_text(c)))
    }

    /// The `code` of a code-typed child (`<feldart><code>input</code></feldart>`).
    fn code(&self, node: Node, name: &str) -> Option<String> {
        let el = self.child(node, name)?;
        let code = el.children().find(|c| c.is_element() && c.tag_name().name() == "code");
        clean(&all_text(code.unwrap_or(el)))
    }

    fn line(&self, node: Node) -> u32 {
        let offset = node.range().start;
        (self.newlines.partition_point(|&n| n < offset) + 1) as u32
    }

    fn meta(&self, node: Node) -> Result<Meta, ImportError> {
        let ident = self.child(node, "identifikation");
        let id = ident.and_then(|i| self.text(i, "id")).ok_or_else(|| ImportError::Structure {
            at: format!("line {}", self.line(node)),
            message: format!("<{}> has no identifikation/id", node.tag_name().name()),
        })?;
        let version = ident.and_then(|i| self.text(i, "version"));
        Ok(Meta {
            name: self.text(node, "name").unwrap_or_else(|| id.clone()),
            id,
            version,
            label_in: self.text(node, "bezeichnungEingabe"),
            label_out: self.text(node, "bezeichnungAusgabe"),
            beschreibung: self.text(node, "beschreibung"),
            definition: self.text(node, "definition"),
            help_in: self.text(node, "hilfetextEingabe"),
            bezug: self.bezug(node),
            line: self.line(node),
        })
    }

    fn bezug(&self, node: Node) -> Vec<Bezug> {
        self.children(node, "bezug")
            .filter_map(|b| {
                let text = clean(&all_text(b))?;
                Some(Bezug { text, link: b.attribute("link").and_then(clean) })
            })
            .collect()
    }

    fn gruppe(&self, node: Node) -> Result<Gruppe, ImportError> {
        let meta = self.meta(node)?;
        let mut children = Vec::new();
        for struktur in self.children(node, "struktur") {
            let anzahl = self.text(struktur, "anzahl").unwrap_or_else(|| "1:1".into());
            let (min, max) = parse_anzahl(&anzahl).ok_or_else(|| ImportError::Structure {
                at: format!("{} (line {})", meta.id, self.line(struktur)),
                message: format!("anzahl \"{anzahl}\" is not of the form min:max (max a number or *)"),
            })?;
            let bezug = self.bezug(struktur);
            let Some(enthaelt) = self.child(struktur, "enthaelt") else {
                return Err(ImportError::Structure {
                    at: format!("{} (line {})", meta.id, self.line(struktur)),
                    message: "struktur without enthaelt".into(),
                });
            };
            for element in enthaelt.children().filter(|c| c.is_element()) {
                let element = if self.is(&element, "datenfeld") {
                    Element::Feld(Box::new(self.datenfeld(element)?))
                } else if self.is(&element, "datenfeldgruppe") {
                    Element::Gruppe(Box::new(self.gruppe(element)?))
                } else {
                    return Err(ImportError::Structure {
                        at: format!("{} (line {})", meta.id, self.line(element)),
                        message: format!("unexpected <{}> in enthaelt", element.tag_name().name()),
                    });
                };
                children.push(Child { min, max, bezug: bezug.clone(), element });
            }
        }
        let regeln = self.regeln(node);
        Ok(Gruppe { meta, children, regeln })
    }

    fn regeln(&self, node: Node) -> Vec<Regel> {
        self.children(node, "regel")
            .map(|r| {
                let ident = self.child(r, "identifikation");
                let text_el = match self.version {
                    XdfVersion::V3 => "freitextRegel",
                    XdfVersion::V2 => "definition",
                };
                let script_el = match self.version {
                    XdfVersion::V3 => "skript",
                    XdfVersion::V2 => "script",
                };
                let script = self.text(r, script_el).filter(|s| !is_empty_script(s));
                Regel {
                    id: ident.and_then(|i| self.text(i, "id")).unwrap_or_default(),
                    version: ident.and_then(|i| self.text(i, "version")),
                    name: self.text(r, "name").unwrap_or_default(),
                    text: self.text(r, text_el).unwrap_or_default(),
                    script,
                }
            })
            .collect()
    }

    fn datenfeld(&self, node: Node) -> Result<Datenfeld, ImportError> {
        let meta = self.meta(node)?;
        let feldart = self.code(node, "feldart").unwrap_or_else(|| "input".into());
        let datentyp = self.code(node, "datentyp").unwrap_or_else(|| "text".into());
        let praezisierung = match self.child(node, "praezisierung") {
            Some(p) => self.praezisierung(p),
            None => Praezisierung::default(),
        };
        let werte = match self.child(node, "werte") {
            Some(w) => self
                .children(w, "wert")
                .filter_map(|wert| {
                    Some(Wert {
                        code: self.text(wert, "code")?,
                        name: self.text(wert, "name").unwrap_or_default(),
                        hilfe: self.text(wert, "hilfe"),
                    })
                })
                .collect(),
            None => Vec::new(),
        };
        let code_list = self.child(node, "codelisteReferenz").and_then(|c| {
            // 2.0 wraps the genericode identification; 3.0.0 puts it directly in the reference.
            let ident = self.child(c, "genericodeIdentification").unwrap_or(c);
            let canonical_id = self.text(ident, "canonicalIdentification")?;
            Some(CodeListRef {
                canonical_id,
                version: self.text(ident, "version"),
                code_key: self.text(node, "codeKey"),
                name_key: self.text(node, "nameKey"),
            })
        });
        Ok(Datenfeld {
            feldart,
            datentyp,
            praezisierung,
            inhalt: self.text(node, "inhalt"),
            vorbefuellung: self.code(node, "vorbefuellung"),
            werte,
            code_list,
            max_size: self.text(node, "maxSize"),
            media_types: self.children(node, "mediaType").filter_map(|m| clean(&all_text(m))).collect(),
            regeln: self.regeln(node),
            meta,
        })
    }

    fn praezisierung(&self, node: Node) -> Praezisierung {
        let attr = |name: &str| node.attribute(name).and_then(clean);
        let mut p = Praezisierung {
            min_length: attr("minLength"),
            max_length: attr("maxLength"),
            min_value: attr("minValue"),
            max_value: attr("maxValue"),
            pattern: node.attribute("pattern").filter(|s| !s.is_empty()).map(str::to_owned),
            other: None,
        };
        let Some(text) = clean(&all_text(node)) else { return p };
        // 2.0 (and some 3.0.0 exports converted from it) write the Präzisierung as JSON.
        if text.starts_with('{') {
            if let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(&text) {
                let get = |k: &str| {
                    map.get(k).and_then(|v| match v {
                        serde_json::Value::String(s) => clean(s),
                        serde_json::Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    })
                };
                p.min_length = p.min_length.or_else(|| get("minLength"));
                p.max_length = p.max_length.or_else(|| get("maxLength"));
                p.min_value = p.min_value.or_else(|| get("minValue"));
                p.max_value = p.max_value.or_else(|| get("maxValue"));
                p.pattern = p.pattern.or_else(|| {
                    map.get("pattern").and_then(|v| v.as_str()).filter(|s| !s.is_empty()).map(str::to_owned)
                });
                let known = ["minLength", "maxLength", "minValue", "maxValue", "pattern"];
                let unknown: Vec<&str> = map.keys().map(String::as_str).filter(|k| !known.contains(k)).collect();
                if !unknown.is_empty() {
                    p.other = Some(format!("unknown keys {}", unknown.join(", ")));
                }
                return p;
            }
        }
        p.other = Some(text);
        p
    }
}

/// Parse `min:max` (`max` a number or `*`).
pub fn parse_anzahl(text: &str) -> Option<(u32, Option<u32>)> {
    let (min, max) = text.trim().split_once(':')?;
    let min = min.trim().parse().ok()?;
    let max = match max.trim() {
        "*" => None,
        n => Some(n.parse().ok()?),
    };
    if max.is_some_and(|m| m < min) {
        return None;
    }
    Some((min, max))
}

fn all_text(node: Node) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        if d.is_text() {
            out.push_str(d.text().unwrap_or(""));
        }
    }
    out
}

/// Normalize an XML text: Windows line ends gone, each line trimmed, runs of blank lines
/// collapsed into one paragraph break. `None` when nothing is left.
pub fn clean(text: &str) -> Option<String> {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    for line in text.split('\n') {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
            continue;
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(line);
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    let joined = paragraphs.join("\n\n");
    (!joined.is_empty()).then_some(joined)
}

fn is_empty_script(script: &str) -> bool {
    let compact: String = script.chars().filter(|c| !c.is_whitespace()).collect();
    compact.is_empty() || compact == "functionscript(){}"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anzahl_forms() {
        assert_eq!(parse_anzahl("0:1"), Some((0, Some(1))));
        assert_eq!(parse_anzahl("1:*"), Some((1, None)));
        assert_eq!(parse_anzahl("2:5"), Some((2, Some(5))));
        assert_eq!(parse_anzahl("5:2"), None);
        assert_eq!(parse_anzahl("1"), None);
        assert_eq!(parse_anzahl("a:b"), None);
    }

    #[test]
    fn clean_collapses_lines_and_paragraphs() {
        assert_eq!(clean("  a\n   b  \n\n\n c "), Some("a b\n\nc".into()));
        assert_eq!(clean("a\r\nb\r\n\r\nc"), Some("a b\n\nc".into()));
        assert_eq!(clean(" \n "), None);
    }
}
