//! The app shell: header with language switch, the page for the current address, footer.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::footer::Footer;
use crate::components::header::Header;
use crate::dom;
use crate::i18n;
use crate::pages::catalog::CatalogPage;
use crate::pages::form::FormPage;
use crate::pages::not_found::NotFoundPage;

const LANG_KEY: &str = "antrag.lang";

/// The language to start with: `?lang=`, the last choice, the browser's, German.
fn initial_language() -> String {
    let stored = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(LANG_KEY).ok().flatten());
    let browser = web_sys::window()
        .and_then(|w| w.navigator().language())
        .map(|l| l.split('-').next().unwrap_or("de").to_owned());
    dom::query_param("lang")
        .or(stored)
        .or(browser.filter(|l| i18n::has_locale(l)))
        .filter(|l| antrag_core::text::is_language_tag(l))
        .unwrap_or_else(|| i18n::FALLBACK.to_owned())
}

/// Which page an address shows.
enum Route {
    Catalog,
    Form(String),
    NotFound,
}

fn route(path: &str) -> Route {
    let parts: Vec<&str> = path.trim_matches('/').split('/').filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [] => Route::Catalog,
        ["forms", id] => {
            Route::Form(js_sys::decode_uri_component(id).ok().and_then(|s| s.as_string()).unwrap_or_default())
        }
        _ => Route::NotFound,
    }
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    provide_context(crate::config::ClientConfig::from_page());
    let lang = RwSignal::new(initial_language());
    let languages = RwSignal::new(i18n::LOCALES.iter().map(|(t, _)| (*t).to_owned()).collect::<Vec<_>>());
    Effect::new(move |_| {
        let l = lang.get();
        dom::set_language(if l == antrag_core::text::LEICHTE_SPRACHE { "de" } else { &l });
        if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = storage.set_item(LANG_KEY, &l);
        }
    });
    let page = match route(&dom::pathname()) {
        Route::Catalog => view! { <CatalogPage lang=lang /> }.into_any(),
        Route::Form(id) => view! { <FormPage id=id lang=lang languages=languages /> }.into_any(),
        Route::NotFound => view! { <NotFoundPage lang=lang /> }.into_any(),
    };
    view! {
        <Header lang=lang languages=languages.into() />
        <div class="antrag-width-container">
            <main class="antrag-main" id="antrag-main" tabindex="-1">{page}</main>
        </div>
        <Footer lang=lang />
    }
}

/// Mount the app into `#antrag-app`. Without that element (a host page that loaded the
/// module for embedding) nothing is mounted: the loader calls [`crate::embed::mount`].
pub fn start() {
    let host = dom::document()
        .and_then(|d| d.get_element_by_id("antrag-app"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(host) = host {
        host.set_inner_html("");
        leptos::mount::mount_to(host, App).forget();
    }
}
