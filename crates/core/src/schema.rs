//! The JSON Schema of the definition format itself (feature `schema`), for editors.

use crate::definition::FormDef;

/// The JSON Schema of `antrag/1` definitions, generated from the Rust types.
pub fn definition_schema() -> serde_json::Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(FormDef)).expect("schema serialises");
    if let Some(obj) = schema.as_object_mut() {
        obj.insert("$id".into(), "https://antrag.dev/schema/antrag-1.schema.json".into());
        obj.insert(
            "description".into(),
            "Antrag form definition, format antrag/1. Generated from antrag-core; see docs/definition-format.md."
                .into(),
        );
    }
    schema
}
