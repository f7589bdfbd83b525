//! The handle on the page an embedded widget lives in: the host element events go to, the
//! container inside its shadow root, and what the host hands in. The form's state uses it;
//! the entry point that mounts a widget is [`crate::embed`].

use leptos::prelude::*;
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

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
