//! Embedding on municipal websites: the loader (`embed.js`) gives each `<antrag-form>` (or
//! `<div data-antrag-form>`) a shadow root and calls [`mount`]; the widget then talks to its
//! host only through DOM events (`antrag:ready`, `antrag:step-changed`, `antrag:submitted`,
//! `antrag:error`) and the handle's methods (identity, prefill, credential) — see
//! [`crate::embedding`] for the handle the form's state uses.

use leptos::prelude::*;
use serde::Deserialize;
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::config::ClientConfig;
use crate::dom;
use crate::embedding::{Embedding, HostData};
use crate::pages::form::FormPage;

/// Options of [`mount`] (the element's attributes, read by the loader).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Options {
    form: String,
    #[serde(default)]
    api: Option<String>,
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    instance: Option<String>,
    #[serde(default)]
    drafts: Option<bool>,
    #[serde(default)]
    draft_days: Option<u32>,
    #[serde(default)]
    ars: Option<String>,
    #[serde(default)]
    ags: Option<String>,
    #[serde(default)]
    auth_header: Option<String>,
    #[serde(default)]
    timeout: Option<u32>,
}

/// A mounted widget.
#[wasm_bindgen]
pub struct EmbedHandle {
    unmount: Option<Box<dyn std::any::Any>>,
    root: Option<web_sys::ShadowRoot>,
    host: HostData,
}

fn object(value: &JsValue) -> Map<String, Value> {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .and_then(|s| serde_json::from_str::<Value>(&s).ok())
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default()
}

#[wasm_bindgen]
impl EmbedHandle {
    /// Identity attributes of the host's logged-in user, e.g. `{givenName, familyName,
    /// birthDate}`: fields with a matching `prefill.attribute` take them (mandatory prefill
    /// always, optional prefill only while empty).
    #[wasm_bindgen(js_name = setIdentity)]
    pub fn set_identity(&self, identity: JsValue) {
        self.host.identity.set(object(&identity));
    }

    /// Answers by data path, e.g. `{"anschrift.plz": "06108"}`, filled in while empty.
    #[wasm_bindgen(js_name = setPrefill)]
    pub fn set_prefill(&self, prefill: JsValue) {
        self.host.prefill.set(object(&prefill));
    }

    /// The value of the platform credential header (e.g. a fresh session token).
    #[wasm_bindgen(js_name = setAuthValue)]
    pub fn set_auth_value(&self, value: Option<String>) {
        self.host.auth_value.set(value.filter(|v| !v.is_empty()));
    }

    /// Remove the widget.
    pub fn unmount(&mut self) {
        self.unmount = None;
        if let Some(root) = self.root.take() {
            dom::unregister_root(&root);
        }
    }
}

/// Mount a form into `container` (inside the host's shadow root), configured by `options`
/// (JSON: `form`, `api`, `lang`, `instance`, `drafts`, `draftDays`, `ars`, `ags`, `authHeader`,
/// `timeout`).
#[wasm_bindgen]
pub fn mount(
    host: web_sys::HtmlElement,
    container: web_sys::HtmlElement,
    options: &str,
) -> Result<EmbedHandle, JsValue> {
    console_error_panic_hook::set_once();
    let options: Options =
        serde_json::from_str(options).map_err(|e| JsValue::from_str(&format!("antrag: bad options: {e}")))?;
    if options.form.is_empty() {
        return Err(JsValue::from_str("antrag: the element needs a form attribute"));
    }
    let root = container.get_root_node().dyn_into::<web_sys::ShadowRoot>().ok();
    if let Some(root) = &root {
        dom::register_root(root.clone());
    }
    let defaults = ClientConfig::default();
    let config = ClientConfig {
        api: options.api.map(|a| a.trim_end_matches('/').to_owned()).unwrap_or(defaults.api),
        auth: options.auth_header.map(|h| (h, String::new())),
        ars: options.ars,
        ags: options.ags,
        drafts: options.drafts.unwrap_or(true),
        draft_days: options.draft_days.filter(|d| (1..=90).contains(d)).unwrap_or(defaults.draft_days),
        instance: options.instance.filter(|i| !i.is_empty()).unwrap_or_else(|| format!("embed-{}", options.form)),
        timeout_ms: options.timeout.filter(|t| (1..=600).contains(t)).map_or(defaults.timeout_ms, |t| t * 1000),
    };
    let lang = options.lang.filter(|l| antrag_core::text::is_language_tag(l)).unwrap_or_else(|| "de".to_owned());
    let form = options.form;
    let slot = std::rc::Rc::new(std::cell::Cell::new(None));
    let out = slot.clone();
    let handle = leptos::mount::mount_to(container.clone(), move || {
        let host_data = HostData {
            identity: RwSignal::new(Map::new()),
            prefill: RwSignal::new(Map::new()),
            auth_value: RwSignal::new(None),
        };
        out.set(Some(host_data));
        let embedding = Embedding { host: StoredValue::new_local(host), container: StoredValue::new_local(container) };
        provide_context(embedding);
        provide_context(host_data);
        provide_context(config);
        view! { <EmbeddedApp form=form lang=lang embedding=embedding /> }
    });
    let host = slot.take().ok_or_else(|| JsValue::from_str("antrag: mount failed"))?;
    Ok(EmbedHandle { unmount: Some(Box::new(handle)), root, host })
}

/// The widget: the form, with a language switch when it offers several languages.
#[component]
fn EmbeddedApp(form: String, lang: String, embedding: Embedding) -> impl IntoView {
    let lang = RwSignal::new(lang);
    let languages = RwSignal::new(vec![lang.get_untracked()]);
    Effect::new(move |_| embedding.set_language(&lang.get()));
    let several = move || languages.get().len() > 1;
    view! {
        <Show when=several>
            <div class="antrag-embed__languages">
                <crate::components::language_switch::LanguageSwitch lang=lang languages=languages.into() />
            </div>
        </Show>
        <div class="antrag-embed__main">
            <FormPage id=form lang=lang languages=languages />
        </div>
    }
}
