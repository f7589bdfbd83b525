//! Code lists: choices shared between forms (XRepository genericode, converted to JSON), and
//! their resolution into a definition's `options`.

use serde::{Deserialize, Serialize};

use crate::definition::{Choice, FormDef, Node};
use crate::lint::Problem;
use crate::text::Text;

/// A code list as the server bundles it (`codelists/*.json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CodeList {
    /// Canonical identification (`urn:…`).
    pub id: String,
    /// Version.
    pub version: String,
    /// Name of the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    /// Entries in order.
    pub entries: Vec<Choice>,
}

/// Fill `options` of every field that references a code list from `lists` (a missing version
/// means the newest). Fields whose list is not available are left without options; lint
/// then reports them with their pointer. Returns nothing: problems surface through lint.
pub fn resolve_code_lists(def: &mut FormDef, lists: &[CodeList]) {
    fn walk(nodes: &mut [Node], lists: &[CodeList]) {
        for node in nodes {
            match node {
                Node::Field(field) => {
                    let Some(reference) = &field.code_list else { continue };
                    if field.options.is_some() {
                        continue;
                    }
                    let found = lists
                        .iter()
                        .filter(|l| l.id == reference.id)
                        .filter(|l| reference.version.as_ref().is_none_or(|v| *v == l.version))
                        .max_by(|a, b| a.version.cmp(&b.version));
                    if let Some(list) = found {
                        field.options = Some(list.entries.clone());
                    }
                }
                Node::Group(group) => walk(&mut group.items, lists),
            }
        }
    }
    walk(&mut def.items, lists);
}

/// Parse a code list file, naming the problem.
pub fn parse_code_list(json: &str) -> Result<CodeList, Problem> {
    let mut de = serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let pointer = e.path().to_string();
        Problem {
            pointer: if pointer == "." { String::new() } else { format!("/{}", pointer.replace('.', "/")) },
            code: "invalid_code_list".into(),
            severity: crate::lint::Severity::Error,
            message: e.into_inner().to_string(),
        }
    })
}
