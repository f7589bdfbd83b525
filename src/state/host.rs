//! The page around the form: an embedding host hands in its user's identity, prefill values
//! and a fresh platform credential ([`crate::embedding::HostData`]); the form tells the host
//! what happens through DOM events (`antrag:ready`, `antrag:step-changed`, `antrag:submitted`,
//! `antrag:error`) — on the host element when embedded, on `#antrag-app` otherwise.

use leptos::prelude::*;
use serde_json::Value;

use super::{FormState, Screen};

impl FormState {
    /// Take what the host hands in, and tell it that the form is ready and which screen shows.
    pub(super) fn connect_host(self) {
        if let Some(host) = use_context::<crate::embedding::HostData>() {
            Effect::new(move |_| {
                let (identity, prefill) = (host.identity.get(), host.prefill.get());
                if identity.is_empty() && prefill.is_empty() {
                    return;
                }
                let form = self.form.get_value();
                self.answers.update(|a| antrag_core::apply_host_data(&form, a, &identity, &prefill));
            });
            Effect::new(move |_| {
                let value = host.auth_value.get();
                self.config.update_value(|c| {
                    if let Some((_, v)) = c.auth.as_mut() {
                        *v = value.clone().unwrap_or_default();
                    }
                });
            });
        }
        let (id, version) = self.form.with_value(|f| (f.def().id.clone(), f.def().version.clone()));
        let instance = self.config.with_value(|c| c.instance.clone());
        self.emit("antrag:ready", serde_json::json!({ "form": id, "version": version, "instance": instance }));
        Effect::new(move |_| {
            let screen = self.nav.screen.get();
            let detail = self.form.with_value(|f| {
                let steps = f.def().steps();
                match &screen {
                    Screen::Step(i) => serde_json::json!({ "screen": "step", "index": i, "id": steps.get(*i).map(|s| s.id), "count": steps.len() }),
                    Screen::Review => serde_json::json!({ "screen": "review" }),
                    Screen::Done(_) => serde_json::json!({ "screen": "done" }),
                }
            });
            self.emit("antrag:step-changed", detail);
        });
    }

    /// Tell the host page what happened (a composed CustomEvent).
    pub fn emit(&self, name: &str, detail: Value) {
        match &self.embedding {
            Some(e) => e.emit(name, &detail),
            None => {
                let app = crate::dom::element("antrag-app")
                    .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
                if let Some(el) = app {
                    crate::embedding::emit_on(&el, name, &detail);
                }
            }
        }
    }
}
