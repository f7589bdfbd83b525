//! The form catalog: definitions loaded from a directory, code lists resolved, linted with
//! antrag-core, and kept with their served JSON and ETag.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use antrag_core::codelist::parse_code_list;
use antrag_core::definition::Service;
use antrag_core::{lint, resolve_code_lists, CodeList, Form, FormDef, Problem};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::shared::hex;

/// One version of one form, ready to serve and to validate against.
#[derive(Debug)]
pub struct Entry {
    /// The checked form.
    pub form: Form,
    /// The definition as served (code lists resolved, FIM rule prose left out), JSON.
    pub json: String,
    /// Strong ETag of `json`.
    pub etag: String,
}

/// A catalog listing entry.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Form id.
    pub id: String,
    /// Current version.
    pub version: String,
    /// All versions the server can still serve.
    pub versions: Vec<String>,
    /// Title.
    pub title: antrag_core::Text,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<antrag_core::Text>,
    /// Languages.
    pub languages: Vec<String>,
    /// Default language.
    pub default_language: String,
}

/// All forms by id, each with its versions (the highest is current).
#[derive(Debug, Default)]
pub struct Catalog {
    forms: BTreeMap<String, BTreeMap<VersionKey, Arc<Entry>>>,
}

/// Orders versions numerically where they are numbers (`1.10.0` after `1.9.0`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct VersionKey(Vec<(u64, String)>, String);

impl VersionKey {
    fn new(version: &str) -> Self {
        let parts = version.split(['.', '-']).map(|p| (p.parse().unwrap_or(0), p.to_owned())).collect();
        VersionKey(parts, version.to_owned())
    }
}

/// A file the catalog could not load, with every problem.
#[derive(Debug)]
pub struct LoadError {
    /// The file.
    pub file: String,
    /// Its problems.
    pub problems: Vec<Problem>,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for p in &self.problems {
            writeln!(f, "{}: {p}", self.file)?;
        }
        Ok(())
    }
}

impl Catalog {
    /// Load every `*.json` in each of `forms_dirs` (not their subfolders), resolving code lists
    /// from `codelists_dir` (may be absent). Fails with every problem of every broken file.
    pub fn load(forms_dirs: &[PathBuf], codelists_dir: &Path) -> Result<Catalog, Vec<LoadError>> {
        let (lists, mut errors) = load_code_lists(codelists_dir);
        let mut catalog = Catalog::default();
        let mut files = Vec::new();
        for dir in forms_dirs {
            match std::fs::read_dir(dir) {
                Ok(entries) => {
                    let mut found: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
                    found.sort();
                    files.extend(found);
                }
                Err(e) => errors.push(LoadError {
                    file: dir.display().to_string(),
                    problems: vec![io_problem(format!("cannot read the forms directory: {e}"))],
                }),
            }
        }
        for path in files.into_iter().filter(|p| p.extension().is_some_and(|e| e == "json") && p.is_file()) {
            let file = path.display().to_string();
            let text = match std::fs::read_to_string(&path) {
                Ok(t) => t,
                Err(e) => {
                    errors.push(LoadError { file, problems: vec![io_problem(e.to_string())] });
                    continue;
                }
            };
            match prepare(&text, &lists) {
                Ok(entry) => catalog.insert(entry),
                Err(problems) => errors.push(LoadError { file, problems }),
            }
        }
        if errors.is_empty() {
            Ok(catalog)
        } else {
            Err(errors)
        }
    }

    /// Add a form version.
    pub fn insert(&mut self, entry: Entry) {
        let def = entry.form.def();
        self.forms.entry(def.id.clone()).or_default().insert(VersionKey::new(&def.version), Arc::new(entry));
    }

    /// The current version of a form.
    pub fn current(&self, id: &str) -> Option<Arc<Entry>> {
        self.forms.get(id)?.values().next_back().cloned()
    }

    /// A specific version of a form.
    pub fn version(&self, id: &str, version: &str) -> Option<Arc<Entry>> {
        self.forms.get(id)?.get(&VersionKey::new(version)).cloned()
    }

    /// The catalog listing.
    pub fn summaries(&self) -> Vec<Summary> {
        self.forms
            .values()
            .filter_map(|versions| {
                let current = versions.values().next_back()?;
                let def = current.form.def();
                Some(Summary {
                    id: def.id.clone(),
                    version: def.version.clone(),
                    versions: versions.keys().map(|k| k.1.clone()).collect(),
                    title: def.title.clone(),
                    description: def.description.clone(),
                    languages: def.languages.clone(),
                    default_language: def.default_language.clone(),
                })
            })
            .collect()
    }

    /// Ids of the forms that charge a fee before they are sent (in any version).
    pub fn charging_forms(&self) -> Vec<String> {
        self.forms
            .iter()
            .filter(|(_, versions)| {
                versions.values().any(|e| {
                    e.form.def().payment.as_ref().is_some_and(|p| p.timing == antrag_core::PaymentTiming::Before)
                })
            })
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// Number of forms.
    pub fn len(&self) -> usize {
        self.forms.len()
    }

    /// Whether the catalog is empty.
    pub fn is_empty(&self) -> bool {
        self.forms.is_empty()
    }
}

/// Parse, resolve code lists, lint and compile one definition.
pub fn prepare(text: &str, lists: &[CodeList]) -> Result<Entry, Vec<Problem>> {
    let mut def = lint::parse(text)?;
    resolve_code_lists(&mut def, lists);
    def.json_schema = None;
    // The browser needs no FIM rule prose (kept on the server for the clerk inbox).
    let served = FormDef { service: Service { fim_rules: Vec::new(), ..def.service.clone() }, ..def.clone() };
    let json = serde_json::to_string(&served).map_err(|e| vec![io_problem(e.to_string())])?;
    let form = Form::new(def)?;
    let etag = format!("\"{}\"", hex(&Sha256::digest(json.as_bytes()))[..32].to_owned());
    Ok(Entry { form, json, etag })
}

/// Load every code list file (`*.json`) in a directory; a missing directory is no error.
pub fn load_code_lists(dir: &Path) -> (Vec<CodeList>, Vec<LoadError>) {
    let mut lists = Vec::new();
    let mut errors = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return (lists, errors) };
    let mut paths: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for path in paths.into_iter().filter(|p| p.extension().is_some_and(|e| e == "json")) {
        let file = path.display().to_string();
        match std::fs::read_to_string(&path).map_err(|e| io_problem(e.to_string())).and_then(|t| parse_code_list(&t)) {
            Ok(list) => lists.push(list),
            Err(problem) => errors.push(LoadError { file, problems: vec![problem] }),
        }
    }
    (lists, errors)
}

fn io_problem(message: String) -> Problem {
    Problem { pointer: String::new(), code: "io".into(), severity: antrag_core::Severity::Error, message }
}
