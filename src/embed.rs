//! Embedding on municipal websites: the loader (`embed.js`) gives each `<antrag-form>` (or
//! `<div data-antrag-form>`) a shadow root and calls `mount` (in the browser bundle); the
//! widget then talks to its host only through DOM events (`antrag:ready`,
//! `antrag:step-changed`, `antrag:submitted`, `antrag:error`) and the handle's methods
//! (identity, prefill, credential) — see [`crate::embedding`] for the handle the form's state
//! uses. [`EmbeddedApp`] also renders on the server, for prerendered widgets.

use leptos::prelude::*;

use crate::config::ClientConfig;
use crate::embedding::Embedding;
use crate::i18n::t;
use crate::page_data::{Page, PageData};
use crate::pages::form::{FormPage, UnavailablePage};

#[cfg(feature = "hydrate")]
pub use browser::{mount, EmbedHandle};

/// The browser's entry point for widgets.
#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use serde::Deserialize;
    use serde_json::{Map, Value};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    use super::EmbeddedApp;
    use crate::config::ClientConfig;
    use crate::dom;
    use crate::embedding::{Embedding, HostData};
    use crate::page_data::{Page, DATA_ID};

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
            crate::json::from_text(options).map_err(|e| JsValue::from_str(&format!("antrag: bad options: {e}")))?;
        if options.form.is_empty() {
            return Err(JsValue::from_str("antrag: the element needs a form attribute"));
        }
        let container_for_mount = container.clone();
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
        // HTML prerendered for this form, instance and language (`antrag-server prerender`), put
        // into the shadow root by the loader: hydrated. Otherwise rendered here once loaded.
        let prerendered =
            crate::boot::data_block(root.as_ref().and_then(|r| r.get_element_by_id(DATA_ID))).filter(|d| {
                d.embedded.as_deref() == Some(config.instance.as_str())
                    && matches!(&d.page, Page::Form(f) if f.definition["id"].as_str() == Some(form.as_str()))
            });
        let slot = std::rc::Rc::new(std::cell::Cell::new(None));
        let out = slot.clone();
        let hydrating = prerendered.is_some();
        let app = move || {
            let host_data = HostData {
                identity: RwSignal::new(Map::new()),
                prefill: RwSignal::new(Map::new()),
                auth_value: RwSignal::new(None),
            };
            out.set(Some(host_data));
            let embedding =
                Embedding { host: StoredValue::new_local(host), container: StoredValue::new_local(container.clone()) };
            let instance = config.instance.clone();
            provide_context(embedding);
            provide_context(host_data);
            provide_context(config);
            view! { <EmbeddedApp form=form lang=lang instance=instance prerendered=prerendered /> }
        };
        let unmount: Box<dyn std::any::Any> = if hydrating {
            Box::new(crate::boot::hydrate(container_for_mount.clone(), app))
        } else {
            Box::new(leptos::mount::mount_to(container_for_mount.clone(), app))
        };
        let host = slot.take().ok_or_else(|| JsValue::from_str("antrag: mount failed"))?;
        crate::draft::sweep_expired();
        Ok(EmbedHandle { unmount: Some(unmount), root, host })
    }
}

/// Back on the host page from paying an embedded form's fee (the payment page sends the
/// citizen here with `#antrag-zahlung=<token>`): a paid application of this form shows its
/// confirmation in the widget, as if it had just been sent.
async fn resume_after_payment(config: &ClientConfig, form: &str, page: &mut Page) {
    let (Page::Form(data), Some(token)) = (page, crate::dom::payment_return()) else { return };
    let Ok(status) = crate::api::status(config, &token).await else { return };
    if status["formId"].as_str() != Some(form) || status["status"].as_str() != Some("received") {
        return;
    }
    crate::dom::forget_payment_return();
    data.start.screen = crate::page_data::StartScreen::Done(crate::api::Receipt {
        reference: status["reference"].as_str().unwrap_or_default().to_owned(),
        received_at: status["receivedAt"].as_str().unwrap_or_default().to_owned(),
        status: "received".to_owned(),
        status_url: format!("/status/{token}"),
        payment_url: None,
    });
}

/// The widget: the form, with a language switch when it offers several languages — from its
/// prerendered page, or loaded from the API.
#[component]
pub fn EmbeddedApp(form: String, lang: String, instance: String, prerendered: Option<PageData>) -> impl IntoView {
    let lang = RwSignal::new(prerendered.as_ref().map(|d| d.lang.clone()).unwrap_or(lang));
    let languages = RwSignal::new(vec![lang.get_untracked()]);
    if let Some(embedding) = use_context::<Embedding>() {
        Effect::new(move |_| embedding.set_language(&lang.get()));
    }
    let several = move || languages.get().len() > 1;
    let page = move |page: Page| match page {
        Page::Form(data) => {
            view! { <FormPage data=*data lang=lang languages=languages embedded=instance.clone() /> }.into_any()
        }
        Page::Unavailable { status } => view! { <UnavailablePage lang=lang status=status invalid=false /> }.into_any(),
        Page::NotFound => view! { <UnavailablePage lang=lang status=404 invalid=false /> }.into_any(),
        _ => view! { <UnavailablePage lang=lang status=0 invalid=true /> }.into_any(),
    };
    let main = match prerendered {
        Some(mut data) => {
            // A prerendered widget is judged on the citizen's day, not the prerender's.
            if let (Page::Form(form), true) = (&mut data.page, crate::dom::window().is_some()) {
                form.start.today = crate::dom::today();
            }
            page(data.page).into_any()
        }
        None => {
            let config = use_context::<ClientConfig>().unwrap_or_default();
            let loaded = LocalResource::new(move || {
                let (config, form) = (config.clone(), form.clone());
                async move {
                    let mut page = crate::boot::load_form(&config, &form).await;
                    resume_after_payment(&config, &form, &mut page).await;
                    page
                }
            });
            (move || match loaded.get() {
                None => view! { <p class="antrag-loading">{move || t(&lang.get(), "load.loading")}</p> }.into_any(),
                Some(loaded) => page(loaded).into_any(),
            })
            .into_any()
        }
    };
    view! {
        <Show when=several>
            <div class="antrag-embed__languages">
                <crate::components::language_switch::LanguageSwitch lang=lang languages=languages.into() />
            </div>
        </Show>
        <div class="antrag-embed__main">{main}</div>
    }
}
