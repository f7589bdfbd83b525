//! Starting the app in the browser.
//!
//! A page the server rendered carries its data ([`crate::page_data`]); the app hydrates that
//! HTML — the same component tree from the same data — instead of building it again. Whatever
//! the citizen typed, chose or attached before the app started is taken over: the controls'
//! values are read before hydration and given back afterwards as if typed, so the components'
//! own handlers put them into the state (and upload chosen files). A page without data (the
//! static `index.html`, an embedding without prerendered HTML) is rendered in the browser after
//! its data is loaded from the API.

#[cfg(feature = "hydrate")]
use leptos::prelude::*;
#[cfg(feature = "hydrate")]
use wasm_bindgen::JsCast;

use crate::config::ClientConfig;
#[cfg(feature = "hydrate")]
use crate::page_data::DATA_ID;
use crate::page_data::{FormData, FormStart, Page, PageData};

/// The page's data from its block (found by [`DATA_ID`] next to the app's root element), if the
/// server or the prerenderer wrote one.
pub fn data_block(block: Option<web_sys::Element>) -> Option<PageData> {
    let block = block?;
    match PageData::from_block(&block.text_content().unwrap_or_default()) {
        Ok(data) => Some(data),
        Err(problem) => {
            leptos::logging::error!("antrag: the page's data block is unreadable: {problem}");
            None
        }
    }
}

/// A form control's value as the citizen left it before the app started.
#[cfg(feature = "hydrate")]
pub struct Early {
    control: web_sys::HtmlElement,
    value: Option<String>,
    checked: Option<bool>,
    files: bool,
}

/// The controls under `root` whose value differs from what the server rendered.
#[cfg(feature = "hydrate")]
pub fn changed_controls(root: &web_sys::Element) -> Vec<Early> {
    let Ok(list) = root.query_selector_all("input, select, textarea") else { return Vec::new() };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
        .filter_map(|control| {
            if let Some(input) = control.dyn_ref::<web_sys::HtmlInputElement>() {
                return match input.type_().as_str() {
                    "radio" | "checkbox" => (input.checked() != input.default_checked()).then(|| Early {
                        control: control.clone(),
                        value: None,
                        checked: Some(input.checked()),
                        files: false,
                    }),
                    "file" => input.files().is_some_and(|f| f.length() > 0).then(|| Early {
                        control: control.clone(),
                        value: None,
                        checked: None,
                        files: true,
                    }),
                    _ => (input.value() != input.default_value()).then(|| Early {
                        control: control.clone(),
                        value: Some(input.value()),
                        checked: None,
                        files: false,
                    }),
                };
            }
            if let Some(area) = control.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                return (area.value() != area.default_value().unwrap_or_default()).then(|| Early {
                    control: control.clone(),
                    value: Some(area.value()),
                    checked: None,
                    files: false,
                });
            }
            let select = control.dyn_ref::<web_sys::HtmlSelectElement>()?;
            select_changed(select).then(|| Early {
                control: control.clone(),
                value: Some(select.value()),
                checked: None,
                files: false,
            })
        })
        .collect()
}

/// Whether the citizen changed a `<select>`: compared with what the server's HTML selects —
/// the options marked `selected`, or, in a one-choice list without any, the first option (the
/// one a browser shows; its `selected` is then true although its `defaultSelected` is not, so
/// an untouched list must not count as changed).
#[cfg(feature = "hydrate")]
fn select_changed(select: &web_sys::HtmlSelectElement) -> bool {
    let list = select.options();
    let options: Vec<web_sys::HtmlOptionElement> =
        (0..list.length()).filter_map(|i| list.item(i)?.dyn_into().ok()).collect();
    if select.multiple() {
        return options.iter().any(|o| o.selected() != o.default_selected());
    }
    // Of several marked `selected`, a browser selects the last.
    let shown = options.iter().rev().find(|o| o.default_selected()).or(options.first());
    shown.map(web_sys::HtmlOptionElement::value).unwrap_or_default() != select.value()
}

/// Give the controls their early values back and tell the components, as typing would.
#[cfg(feature = "hydrate")]
fn replay(early: Vec<Early>) {
    for e in early {
        let event = if let Some(input) = e.control.dyn_ref::<web_sys::HtmlInputElement>() {
            if let Some(checked) = e.checked {
                input.set_checked(checked);
                "change"
            } else if e.files {
                "change"
            } else {
                input.set_value(e.value.as_deref().unwrap_or_default());
                "input"
            }
        } else if let Some(area) = e.control.dyn_ref::<web_sys::HtmlTextAreaElement>() {
            area.set_value(e.value.as_deref().unwrap_or_default());
            "input"
        } else if let Some(select) = e.control.dyn_ref::<web_sys::HtmlSelectElement>() {
            select.set_value(e.value.as_deref().unwrap_or_default());
            "change"
        } else {
            continue;
        };
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        if let Ok(ev) = web_sys::Event::new_with_event_init_dict(event, &init) {
            let _ = e.control.dispatch_event(&ev);
        }
    }
}

/// Hydrate the server's HTML in `root` with `app`, then take over what was typed early.
/// Returns the handle that unmounts the app.
#[cfg(feature = "hydrate")]
pub fn hydrate<V: IntoView + 'static>(
    root: web_sys::HtmlElement,
    app: impl FnOnce() -> V + 'static,
) -> leptos::mount::UnmountHandle<V::State> {
    let early = changed_controls(&root);
    let handle = leptos::mount::hydrate_from(root.clone(), app);
    let _ = root.set_attribute("data-hydrated", "");
    if !early.is_empty() {
        // After hydration's own updates of the controls (queued as microtasks).
        set_timeout(move || replay(early), std::time::Duration::ZERO);
    }
    handle
}

/// Load a page's data from the API (pages rendered in the browser alone).
pub async fn load(config: &ClientConfig, path: &str, lang: String) -> PageData {
    let parts: Vec<&str> = path.trim_matches('/').split('/').filter(|p| !p.is_empty()).collect();
    let page = match parts.as_slice() {
        [] => match crate::api::catalog(config.clone()).await {
            Ok(forms) => Page::Catalog { forms },
            Err(error) => Page::Unavailable { status: status_of(&error) },
        },
        ["forms", id] => {
            let id = js_sys::decode_uri_component(id).ok().and_then(|s| s.as_string()).unwrap_or_default();
            load_form(config, &id).await
        }
        _ => Page::NotFound,
    };
    PageData { lang: fit_language(&page, lang), page, embedded: None }
}

/// A form's page: its definition and transport, both at once (boot.js may have asked already).
pub async fn load_form(config: &ClientConfig, id: &str) -> Page {
    let (definition, transport) =
        futures::future::join(crate::api::definition(config, id), crate::api::transport(config, id)).await;
    match (definition, transport) {
        (Ok(json), Ok(transport)) => match serde_json::from_str(&json) {
            Ok(definition) => Page::Form(Box::new(FormData {
                definition,
                transport: Some(transport),
                start: FormStart::new(crate::dom::today()),
            })),
            Err(_) => Page::Invalid,
        },
        (Err(crate::api::ApiError::Status { status: 404, .. }), _) => Page::NotFound,
        (Err(error), _) | (_, Err(error)) => Page::Unavailable { status: status_of(&error) },
    }
}

fn status_of(error: &crate::api::ApiError) -> u16 {
    match error {
        crate::api::ApiError::Status { status, .. } => *status,
        _ => 0,
    }
}

/// The language to show: the wanted one when the page offers it, else the form's default.
pub fn fit_language(page: &Page, wanted: String) -> String {
    match page {
        Page::Form(form) => {
            let offered = crate::app::offered_languages(page);
            if offered.contains(&wanted) {
                wanted
            } else {
                form.definition["defaultLanguage"].as_str().unwrap_or(crate::i18n::FALLBACK).to_owned()
            }
        }
        _ => wanted,
    }
}

/// The language to start with when the browser renders alone: `?lang=`, the last choice, the
/// browser's, German.
pub fn initial_language() -> String {
    let stored = crate::dom::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(crate::app::LANG_KEY).ok().flatten());
    let browser = crate::dom::window()
        .and_then(|w| w.navigator().language())
        .map(|l| l.split('-').next().unwrap_or("de").to_owned());
    crate::dom::query_param("lang")
        .or(stored)
        .or(browser.filter(|l| crate::i18n::has_locale(l)))
        .filter(|l| antrag_core::text::is_language_tag(l))
        .unwrap_or_else(|| crate::i18n::FALLBACK.to_owned())
}

/// Start the standalone app in `#antrag-app`: hydrate the server's page, or render it here.
/// Without that element (a host page that loaded the module for embedding) nothing starts:
/// the loader calls `embed::mount`.
#[cfg(feature = "hydrate")]
pub fn start() {
    let Some(host) = crate::dom::document()
        .and_then(|d| d.get_element_by_id("antrag-app"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    let config = ClientConfig::from_element(&host);
    if let Some(data) = data_block(crate::dom::document().and_then(|d| d.get_element_by_id(DATA_ID))) {
        hydrate(host, move || {
            provide_context(config);
            view! { <crate::app::App data=data /> }
        })
        .forget();
        crate::draft::sweep_expired();
        return;
    }
    leptos::task::spawn_local(async move {
        let data = load(&config, &crate::dom::pathname(), initial_language()).await;
        host.set_inner_html("");
        leptos::mount::mount_to(host, move || {
            provide_context(config);
            view! { <crate::app::App data=data /> }
        })
        .forget();
        crate::draft::sweep_expired();
    });
}
