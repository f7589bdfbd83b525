//! Embedding on municipal websites: the loader (`embed.js`) gives each `<antrag-form>` (or
//! `<div data-antrag-form>`) a shadow root and calls [`mount`]; the widget then talks to its
//! host only through DOM events (`antrag:ready`, `antrag:step-changed`, `antrag:submitted`,
//! `antrag:error`) and the handle's methods (identity, prefill, credential).

use leptos::prelude::*;
use serde::Deserialize;
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::config::ClientConfig;
use crate::dom;
use crate::pages::form::FormPage;

/// How the app is hosted when embedded.
#[derive(Clone, Copy)]
pub struct Embedding {
    /// The host element: events are dispatched on it.
    pub host: StoredValue<web_sys::HtmlElement, LocalStorage>,
    /// The element inside the shadow root the app renders into.
    pub container: StoredValue<web_sys::HtmlElement, LocalStorage>,
}

impl Embedding {
    /// Dispatch a CustomEvent on the host; it bubbles out of the shadow root (`composed`).
    pub fn emit(&self, name: &str, detail: &Value) {
        emit_on(&self.host.get_value(), name, detail);
    }

    /// Set `lang` and `dir` on the widget (never on the host page's `<html>`).
    pub fn set_language(&self, lang: &str) {
        let container = self.container.get_value();
        let tag = if lang == antrag_core::text::LEICHTE_SPRACHE { "de" } else { lang };
        let _ = container.set_attribute("lang", tag);
        let _ = container.set_attribute("dir", if antrag_core::text::is_rtl(lang) { "rtl" } else { "ltr" });
    }

    /// Bring the widget's top into view (instead of scrolling the host page to its top).
    pub fn scroll_to_top(&self) {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Start);
        self.container.get_value().scroll_into_view_with_scroll_into_view_options(&options);
    }
}

/// Dispatch a composed, bubbling CustomEvent with a JSON detail.
pub fn emit_on(target: &web_sys::HtmlElement, name: &str, detail: &Value) {
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&js_sys::JSON::parse(&detail.to_string()).unwrap_or(JsValue::NULL));
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = target.dispatch_event(&event);
    }
}

/// Values the host hands in: its logged-in user's identity attributes (matched to fields by
/// their `prefill.attribute`) and prefill values by data path.
#[derive(Clone, Copy)]
pub struct HostData {
    /// Identity attributes (`givenName`, `familyName`, `birthDate`, `postalCode`, …).
    pub identity: RwSignal<Map<String, Value>>,
    /// Answers by data path (`antragsteller.vorname`).
    pub prefill: RwSignal<Map<String, Value>>,
    /// The platform credential's value (sent in the profile's auth header).
    pub auth_value: RwSignal<Option<String>>,
}

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

/// Identity attributes and prefill values applied to answers: mandatory prefill always,
/// optional prefill and plain prefill values only into empty fields.
pub fn apply_host_data(
    form: &antrag_core::Form,
    answers: &mut antrag_core::Answers,
    identity: &Map<String, Value>,
    prefill: &Map<String, Value>,
) {
    fn walk(
        nodes: &[antrag_core::Node],
        path: &antrag_core::FieldPath,
        answers: &mut antrag_core::Answers,
        identity: &Map<String, Value>,
    ) {
        for node in nodes {
            let here = path.key(node.key());
            match node {
                antrag_core::Node::Field(f) => {
                    let Some(p) = &f.prefill else { continue };
                    let Some(value) = identity.get(&p.attribute) else { continue };
                    let empty = !antrag_core::answers::is_present(antrag_core::answers::get(answers, &here));
                    let take = match p.mode {
                        antrag_core::definition::PrefillMode::Mandatory => true,
                        antrag_core::definition::PrefillMode::Optional => empty,
                        antrag_core::definition::PrefillMode::None => false,
                    };
                    if take {
                        antrag_core::answers::set(answers, &here, value.clone());
                    }
                }
                antrag_core::Node::Group(g) if !g.is_list() => walk(&g.items, &here, answers, identity),
                antrag_core::Node::Group(_) => {}
            }
        }
    }
    walk(&form.def().items, &antrag_core::FieldPath::root(), answers, identity);
    for (path, value) in prefill {
        let Ok(path) = antrag_core::FieldPath::parse(path) else { continue };
        if form.field(&path.static_path()).is_some()
            && !antrag_core::answers::is_present(antrag_core::answers::get(answers, &path))
        {
            antrag_core::answers::set(answers, &path, value.clone());
        }
    }
}
