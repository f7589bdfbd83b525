//! Small, safe wrappers around browser APIs (focus, history, titles, timers). None of them
//! panics when an element or API is missing: the app keeps working without the nicety.
//!
//! The same components also render on the server (feature `ssr`), where there is no browser:
//! [`window`] is `None` there, so every wrapper does nothing, and code that must not run on the
//! server at all (effects, event handlers) is never called by the server's renderer.

use wasm_bindgen::JsCast;

use std::cell::RefCell;

thread_local! {
    /// Shadow roots of embedded widgets: ids inside them are not found through `document`.
    static ROOTS: RefCell<Vec<web_sys::ShadowRoot>> = const { RefCell::new(Vec::new()) };
}

/// The browser window; `None` outside a browser (the server renders the same components).
pub fn window() -> Option<web_sys::Window> {
    if cfg!(target_arch = "wasm32") {
        web_sys::window()
    } else {
        None
    }
}

/// The document, if any.
pub fn document() -> Option<web_sys::Document> {
    window()?.document()
}

/// Make the ids inside an embedded widget's shadow root findable.
pub fn register_root(root: web_sys::ShadowRoot) {
    ROOTS.with(|r| r.borrow_mut().push(root));
}

/// Forget a shadow root (the widget was removed).
pub fn unregister_root(root: &web_sys::ShadowRoot) {
    ROOTS.with(|r| r.borrow_mut().retain(|x| x != root));
}

/// The element with `id`, in the document or in an embedded widget.
pub fn element(id: &str) -> Option<web_sys::Element> {
    document()
        .and_then(|d| d.get_element_by_id(id))
        .or_else(|| ROOTS.with(|r| r.borrow().iter().find_map(|root| root.get_element_by_id(id))))
}

/// Focus the element with `id`; when `scroll_to` names another element (the label or legend),
/// scroll that into view first so the question is visible above the input.
pub fn focus_id(id: &str, scroll_to: Option<&str>) -> bool {
    let Some(el) = element(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) else {
        return false;
    };
    if let Some(target) = scroll_to.and_then(element) {
        target.scroll_into_view();
    } else {
        el.scroll_into_view();
    }
    el.focus().is_ok()
}

/// Set the document title.
pub fn set_title(title: &str) {
    if let Some(doc) = document() {
        doc.set_title(title);
    }
}

/// Set `lang` and `dir` on the root element.
pub fn set_language(lang: &str) {
    if let Some(root) = document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", lang);
        let _ = root.set_attribute("dir", if antrag_core::text::is_rtl(lang) { "rtl" } else { "ltr" });
    }
}

/// The current path of the page.
pub fn pathname() -> String {
    window().and_then(|w| w.location().pathname().ok()).unwrap_or_else(|| "/".into())
}

/// A query parameter of the current page.
pub fn query_param(name: &str) -> Option<String> {
    let search = window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
}

/// The status token the payment page hands back to the host page of an embedded form
/// (`#antrag-zahlung=<token>`), if this page was reached so.
pub fn payment_return() -> Option<String> {
    let hash = window()?.location().hash().ok()?;
    let token = hash.split_once("antrag-zahlung=")?.1.get(..64)?;
    token.bytes().all(|b| b.is_ascii_hexdigit()).then(|| token.to_owned())
}

/// Take the payment's token out of the address (it is not for bookmarks or history).
pub fn forget_payment_return() {
    if let Some(href) = href() {
        let without = href.split('#').next().unwrap_or(&href).to_owned();
        if let Some(history) = window().and_then(|w| w.history().ok()) {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&without));
        }
    }
}

/// The current address.
pub fn href() -> Option<String> {
    window()?.location().href().ok()
}

/// The current URL with one query parameter set (or removed), for history entries.
pub fn url_with_param(name: &str, value: Option<&str>) -> Option<String> {
    let href = window()?.location().href().ok()?;
    let url = web_sys::Url::new(&href).ok()?;
    let params = url.search_params();
    match value {
        Some(v) => params.set(name, v),
        None => params.delete(name),
    }
    url.set_search(&params.to_string().as_string().unwrap_or_default());
    url.set_hash("");
    Some(url.href())
}

/// Push a history entry carrying `state` (a small JSON value), optionally with a new URL.
pub fn push_state(state: &serde_json::Value, url: Option<&str>) {
    if let Some(history) = window().and_then(|w| w.history().ok()) {
        let js = js_sys::JSON::parse(&state.to_string()).unwrap_or(wasm_bindgen::JsValue::NULL);
        let _ = history.push_state_with_url(&js, "", url);
    }
}

/// Replace the current history entry's state.
pub fn replace_state(state: &serde_json::Value, url: Option<&str>) {
    if let Some(history) = window().and_then(|w| w.history().ok()) {
        let js = js_sys::JSON::parse(&state.to_string()).unwrap_or(wasm_bindgen::JsValue::NULL);
        let _ = history.replace_state_with_url(&js, "", url);
    }
}

/// A JS value (history state) as JSON.
pub fn js_to_json(value: &wasm_bindgen::JsValue) -> Option<serde_json::Value> {
    let text = js_sys::JSON::stringify(value).ok()?.as_string()?;
    serde_json::from_str(&text).ok()
}

/// Wait `ms` milliseconds.
pub async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// A random UUID (v4) from the browser's CSPRNG (empty outside a browser: ids made on the
/// server, such as a tab's, are never used there).
pub fn uuid() -> String {
    match window() {
        Some(w) => w
            .crypto()
            .map(|c| c.random_uuid())
            .unwrap_or_else(|_| format!("{:x}-fallback", (js_sys::Math::random() * 1e16) as u64)),
        None => String::new(),
    }
}

/// A technical reason on the browser console, for whoever supports the citizen (never
/// personal data: key and transport problems only).
pub fn warn(message: &str) {
    if window().is_some() {
        web_sys::console::warn_1(&message.into());
    }
}

/// Today's date in the citizen's time zone (outside a browser: 1970-01-01; the server passes
/// its own date where it renders).
pub fn today() -> antrag_core::Date {
    if window().is_none() {
        return antrag_core::Date { year: 1970, month: 1, day: 1 };
    }
    let now = js_sys::Date::new_0();
    antrag_core::Date::new(now.get_full_year() as i32, now.get_month() + 1, now.get_date())
        .unwrap_or(antrag_core::Date { year: 1970, month: 1, day: 1 })
}

/// Milliseconds since the epoch (0 outside a browser).
pub fn now_ms() -> f64 {
    if window().is_none() {
        return 0.0;
    }
    js_sys::Date::now()
}

/// Scroll the page to the top.
pub fn scroll_top() {
    if let Some(w) = window() {
        w.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// Open the print dialog.
pub fn print() {
    if let Some(w) = window() {
        let _ = w.print();
    }
}

/// Keep the citizen's language choice: in this browser's storage, and as a cookie so that the
/// server renders the next page in it.
pub fn remember_language(key: &str, lang: &str) {
    let Some(w) = window() else { return };
    if let Some(storage) = w.local_storage().ok().flatten() {
        let _ = storage.set_item(key, lang);
    }
    if antrag_core::text::is_language_tag(lang) {
        if let Some(doc) = document().and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok()) {
            let _ = doc.set_cookie(&format!("{key}={lang}; Path=/; Max-Age=31536000; SameSite=Lax"));
        }
    }
}

/// A time (RFC 3339) as the citizen's local date (`YYYY-MM-DD`) and time (`HH:MM`): in the
/// browser its own time zone; on the server German time (CET/CEST), where most citizens are.
pub fn local_date_time(rfc3339: &str) -> Option<(String, String)> {
    if window().is_some() {
        let local = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
        if local.get_time().is_nan() {
            return None;
        }
        let date = format!("{:04}-{:02}-{:02}", local.get_full_year(), local.get_month() + 1, local.get_date());
        return Some((date, format!("{:02}:{:02}", local.get_hours(), local.get_minutes())));
    }
    crate::format::german_time(rfc3339)
}

/// Go to another address (the payment provider's page).
pub fn go_to(url: &str) {
    if let Some(w) = window() {
        let _ = w.location().assign(url);
    }
}

/// Load the page again.
pub fn reload() {
    if let Some(w) = window() {
        let _ = w.location().reload();
    }
}

/// Whether the app is hydrating a page the server rendered (components must then build
/// exactly what the server built).
pub fn hydrating() -> bool {
    use leptos::prelude::Owner;
    Owner::current_shared_context().is_some_and(|context| context.during_hydration())
}
