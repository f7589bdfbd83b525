//! # antrag-fim
//!
//! Imports FIM data schemas — XDatenfelder 2.0 and 3.0.0 messages (Stammdatenschema,
//! Datenfeldgruppe, Datenfeld) — into antrag-core definitions, with code lists resolved from
//! genericode files and an import report that lists every rule not translated and every
//! warning. A crate of its own so that the web bundle never carries an XML parser.
//!
//! ```no_run
//! use antrag_fim::{import, CodeLists, Options};
//!
//! let xml = std::fs::read_to_string("S00000000371.xdf.xml").unwrap();
//! let lists = CodeLists::load_dir("codelisten".as_ref()).unwrap();
//! let imported = import(&xml, &Options { codelists: lists, ..Options::default() }).unwrap();
//! println!("{}", imported.report);
//! let json = serde_json::to_string_pretty(&imported.definition).unwrap();
//! # let _ = json;
//! ```
//!
//! What becomes of what is documented on [`import`] and in `docs/fim-import.md`.

use std::fmt;

use antrag_core::lint::Problem;

mod convert;
pub mod corpus;
pub mod genericode;
mod report;
pub mod rules;
pub mod xdf;

pub use genericode::{CodeLists, Genericode, GenericodeError};
pub use report::{Report, RuleOutcome, Warning};

/// Import settings.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Form id of the definition; `fim-<schema id>` (lowercase) when `None`.
    pub form_id: Option<String>,
    /// Code lists for `codelisteReferenz`.
    pub codelists: CodeLists,
}

/// A finished import.
#[derive(Clone, Debug)]
pub struct Import {
    /// The definition (passes antrag-core's lint).
    pub definition: antrag_core::FormDef,
    /// What was imported, translated, left out and why.
    pub report: Report,
}

/// Why a file could not be imported.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportError {
    /// The file is not well-formed XML.
    Xml {
        /// Line (1-based).
        line: u32,
        /// Column (1-based).
        column: u32,
        /// The parser's message.
        message: String,
    },
    /// An XDatenfelder version this importer does not read (1.x).
    UnsupportedVersion {
        /// The version named by the namespace (`1`).
        version: String,
        /// A message naming the version and what to do.
        message: String,
    },
    /// The root element is not an XDatenfelder message.
    NotASchema {
        /// Name of the root element.
        root: String,
        /// What was expected.
        message: String,
    },
    /// The message breaks the standard in a way the import cannot work around.
    Structure {
        /// Element id and line.
        at: String,
        /// What is wrong.
        message: String,
    },
    /// The resulting definition does not pass lint (a defect of the importer or a schema
    /// the importer cannot express; the problems say where).
    Lint(Vec<Problem>),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Xml { line, column, message } => {
                write!(f, "not well-formed XML at {line}:{column}: {message}")
            }
            ImportError::UnsupportedVersion { message, .. } => f.write_str(message),
            ImportError::NotASchema { root, message } => {
                write!(f, "<{root}> is not an XDatenfelder message: {message}")
            }
            ImportError::Structure { at, message } => write!(f, "{at}: {message}"),
            ImportError::Lint(problems) => {
                writeln!(f, "the imported definition does not pass lint:")?;
                for p in problems {
                    writeln!(f, "  {} {}: {}", p.pointer, p.code, p.message)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ImportError {}

/// Import an XDatenfelder 2.0 / 3.0.0 message.
///
/// * Groups and fields keep their FIM ids as data keys (characters other than letters, digits
///   and `_` become `_`; an element used twice in one group gets `_2`) and their id and
///   version in `fim`.
/// * `anzahl` becomes `required` (fields) or `min`/`max` (groups); a select field that may
///   occur several times becomes a multiple choice, a file field takes several files, any
///   other field that may occur several times becomes a repeatable group of one field.
/// * Feldart and Datentyp map one to one; Präzisierung becomes constraints (length, range,
///   pattern, date bounds); `werte` and code lists become options; `maxSize`/`mediaType`
///   become file constraints; `vorbefuellung` becomes a prefill whose attribute is the FIM id.
/// * Rules are translated where their prose follows a known pattern ([`rules`]); every rule
///   is kept in `service.fimRules` with its prose and whether it was translated.
/// * Top-level groups become steps titled by their labels.
pub fn import(xml: &str, options: &Options) -> Result<Import, ImportError> {
    let message = xdf::parse(xml)?;
    convert::convert(&message, options)
}

/// The code lists an export references (`codelisteReferenz`): canonical id and version (none:
/// the newest), each once, in document order — what `antrag-server codelists-sync` fetches.
pub fn code_list_references(xml: &str) -> Result<Vec<(String, Option<String>)>, ImportError> {
    fn walk(group: &xdf::Gruppe, out: &mut Vec<(String, Option<String>)>) {
        for child in &group.children {
            match &child.element {
                xdf::Element::Feld(field) => {
                    if let Some(r) = &field.code_list {
                        let reference = (r.canonical_id.clone(), r.version.clone());
                        if !out.contains(&reference) {
                            out.push(reference);
                        }
                    }
                }
                xdf::Element::Gruppe(inner) => walk(inner, out),
            }
        }
    }
    let message = xdf::parse(xml)?;
    let mut out = Vec::new();
    walk(&message.root, &mut out);
    Ok(out)
}
