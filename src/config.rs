//! The platform profile the client talks to: API base, an optional credential header from the
//! host platform, and routing fields (ARS/AGS) — set on the host element as data attributes
//! (`data-api`, `data-auth-header`, `data-auth-value`, `data-ars`, `data-ags`). Examples for
//! OSI and SAC: docs/api/profiles.md.

use serde_json::{json, Map, Value};
use wasm_bindgen::JsCast;

/// Base path of the API on the serving origin (the default of [`ClientConfig::api`]).
pub const API_BASE: &str = "/api/v1";

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
    /// Whether answers are kept as a draft in this browser (`data-drafts="off"` turns it off).
    pub drafts: bool,
    /// Days a draft is kept (`data-draft-days`, default 7).
    pub draft_days: u32,
    /// Name of this form instance on the page (`data-instance`), to keep drafts apart.
    pub instance: String,
    /// Milliseconds before a submission attempt gives up (`data-timeout`, seconds; default 30).
    pub timeout_ms: u32,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            api: API_BASE.to_owned(),
            auth: None,
            ars: None,
            ags: None,
            drafts: true,
            draft_days: 7,
            instance: "main".to_owned(),
            timeout_ms: 30_000,
        }
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
        config.drafts = get("data-drafts").is_none_or(|v| v != "off" && v != "false");
        if let Some(days) = get("data-draft-days").and_then(|d| d.parse().ok()).filter(|d| (1..=90).contains(d)) {
            config.draft_days = days;
        }
        if let Some(instance) =
            get("data-instance").filter(|i| i.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        {
            config.instance = instance;
        }
        if let Some(seconds) = get("data-timeout").and_then(|t| t.parse::<u32>().ok()).filter(|t| (1..=600).contains(t))
        {
            config.timeout_ms = seconds * 1000;
        }
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
