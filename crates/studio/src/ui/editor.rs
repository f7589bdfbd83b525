//! The definition as text: problems are checked again a moment after the author stops
//! typing, a chosen problem's place is selected, and the text can be downloaded.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::Workspace;

/// Milliseconds of quiet before the text is checked again.
const PAUSE_MS: u64 = 300;

/// The text area and the download.
#[component]
pub fn Editor(ws: Workspace) -> impl IntoView {
    let area = NodeRef::<leptos::html::Textarea>::new();
    let typed = StoredValue::new(0u32);
    // A file replaced the text: show it (typing never sets the value, so the caret stays).
    Effect::new(move |_| {
        ws.loaded.track();
        if let Some(area) = area.get() {
            area.set_value(&ws.text.get_untracked());
        }
    });
    // A problem chosen: select its place and bring it into view.
    Effect::new(move |_| {
        let Some((pointer, _)) = ws.chosen.get() else { return };
        let Some(area) = area.get() else { return };
        let text = area.value();
        let Some((start, end)) = crate::pointer::locate(&text, &pointer) else { return };
        let utf16 = |byte: usize| text[..byte].encode_utf16().count() as u32;
        let _ = area.focus();
        let _ = area.set_selection_range(utf16(start), utf16(end));
        let (line, _) = crate::pointer::line_column(&text, start);
        let lines = text.lines().count().max(1) as i32;
        let per_line = area.scroll_height() / lines;
        area.set_scroll_top(((line as i32 - 3).max(0)) * per_line);
    });
    let on_input = move |ev: web_sys::Event| {
        let value = event_target_value(&ev);
        let n = typed.get_value() + 1;
        typed.set_value(n);
        set_timeout(
            move || {
                if typed.get_value() == n {
                    ws.text.set(value);
                }
            },
            std::time::Duration::from_millis(PAUSE_MS),
        );
    };
    view! {
        <section class="studio-panel" aria-labelledby="studio-editor-title">
            <h2 class="studio-panel__title" id="studio-editor-title">"Definition"</h2>
            <label class="studio-label" for="studio-definition">"Definition als JSON (Änderungen werden sofort geprüft)"</label>
            <textarea
                class="studio-editor"
                id="studio-definition"
                spellcheck="false"
                autocomplete="off"
                rows="24"
                node_ref=area
                on:input=on_input
            ></textarea>
            <p class="studio-actions">
                <button
                    type="button"
                    class="antrag-button antrag-button--secondary"
                    id="studio-download"
                    disabled=move || ws.text.with(|t| t.trim().is_empty())
                    on:click=move |_| download(&ws.text.get_untracked())
                >
                    "Definition herunterladen"
                </button>
            </p>
        </section>
    }
}

/// Save the text as `<id>.json` (a file made here; nothing is sent).
fn download(text: &str) {
    let id = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v["id"].as_str().map(str::to_owned))
        .filter(|id| id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or_else(|| "definition".to_owned());
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    let document = web_sys::window().and_then(|w| w.document());
    if let Some(link) =
        document.and_then(|d| d.create_element("a").ok()).and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        link.set_href(&url);
        link.set_download(&format!("{id}.json"));
        link.click();
    }
    set_timeout(move || drop(web_sys::Url::revoke_object_url(&url)), std::time::Duration::from_secs(10));
}
