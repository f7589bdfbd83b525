//! The committed JSON Schema of the definition format (docs/definition.schema.json) is what
//! the Rust types generate. Regenerate with:
//! `cargo run -p antrag-server -- definition-schema > docs/definition.schema.json`.

use std::path::Path;

#[test]
fn definition_schema_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/definition.schema.json");
    let generated = serde_json::to_string_pretty(&antrag_core::schema::definition_schema()).unwrap() + "\n";
    if std::env::var_os("ANTRAG_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/definition.schema.json is out of date; run `ANTRAG_BLESS=1 cargo test -p antrag-server --test schema`"
    );
}

#[test]
fn every_demo_form_follows_the_schema_shape() {
    // Light check without a JSON Schema validator: the schema knows every top-level key the
    // demo forms use.
    let schema = antrag_core::schema::definition_schema();
    let properties = schema["properties"].as_object().unwrap();
    let forms = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../forms");
    for entry in std::fs::read_dir(forms).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let value: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            for key in value.as_object().unwrap().keys() {
                assert!(properties.contains_key(key), "{}: {key} is not in the schema", path.display());
            }
        }
    }
}
