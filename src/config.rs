//! The platform profile the client talks to: API base, an optional credential header from the
//! host platform, and routing fields (ARS/AGS) — set on the host element as data attributes
//! (`data-api`, `data-auth-header`, `data-auth-value`, `data-ars`, `data-ags`). Examples for
//! OSI and SAC: docs/api/profiles.md.

use serde_json::{json, Map, Value};
use wasm_bindgen::JsCast;

/// The client's configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientConfig {
    /// API base URL or path (`/api/v1`, `https://antrag.example.de/api/v1`).
    pub api: String,
    /// Header name and value sent with uploads and submissions.
    pub auth: Option<(String, String)>,
    /// Amtlicher Regionalschlüssel of the responsible authority.
    pub ars: Option<String>,
    /// Amtlicher Gemeindeschlüssel.
    pub ags: Option<String>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig { api: crate::api::BASE.to_owned(), auth: None, ars: None, ags: None }
    }
}

impl ClientConfig {
    /// Read the profile from a host element's data attributes.
    pub fn from_element(element: &web_sys::Element) -> Self {
        let get = |name: &str| element.get_attribute(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let mut config = ClientConfig::default();
        if let Some(api) = get("data-api") {
            config.api = api.trim_end_matches('/').to_owned();
        }
        if let (Some(name), Some(value)) = (get("data-auth-header"), get("data-auth-value")) {
            config.auth = Some((name, value));
        }
        config.ars = get("data-ars");
        config.ags = get("data-ags");
        config
    }

    /// The profile of the page's `#antrag-app` element (defaults when absent).
    pub fn from_page() -> Self {
        crate::dom::document()
            .and_then(|d| d.get_element_by_id("antrag-app"))
            .and_then(|e| e.dyn_into::<web_sys::Element>().ok())
            .map(|e| ClientConfig::from_element(&e))
            .unwrap_or_default()
    }

    /// The routing fields to send with a submission of a form with this LeiKa key.
    pub fn routing(&self, leika_key: Option<&str>) -> Option<Value> {
        let mut map = Map::new();
        if let Some(key) = leika_key {
            map.insert("leikaKey".into(), json!(key));
        }
        if let Some(ars) = &self.ars {
            map.insert("ars".into(), json!(ars));
        }
        if let Some(ags) = &self.ags {
            map.insert("ags".into(), json!(ags));
        }
        (!map.is_empty()).then_some(Value::Object(map))
    }
}
