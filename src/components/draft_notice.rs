//! Where the answers are kept: "saved in this browser until …" with a way to delete them, and
//! a read-only copy of earlier answers that no longer fit a changed form.

use leptos::prelude::*;

use crate::format;
use crate::i18n::{t, tf};
use crate::state::FormState;

/// The notice (shown while a draft is kept).
#[component]
pub fn DraftNotice(state: FormState) -> impl IntoView {
    let announce = RwSignal::new(String::new());
    let until = move || {
        state.drafts.saved_until.get().map(|ms| {
            let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
            format::date(
                &state.lang.get(),
                &format!("{:04}-{:02}-{:02}", d.get_full_year(), d.get_month() + 1, d.get_date()),
            )
        })
    };
    let copy = move || {
        let dropped = state.drafts.dropped_copy.get();
        (!dropped.is_empty()).then(|| {
            let lang = state.lang.get();
            let rows = dropped
                .into_iter()
                .map(|(path, value)| {
                    let label = state
                        .node(&path.static_path())
                        .map(|n| n.label().resolve(&lang, "de").to_owned())
                        .unwrap_or_else(|| path.to_string());
                    let shown = match value {
                        serde_json::Value::String(s) => s,
                        other => other.to_string(),
                    };
                    view! {
                        <div class="antrag-summary-list__row">
                            <dt class="antrag-summary-list__key">{label}</dt>
                            <dd class="antrag-summary-list__value" translate="no">{shown}</dd>
                        </div>
                    }
                })
                .collect::<Vec<_>>();
            view! {
                <details class="antrag-draft__copy">
                    <summary>{t(&lang, "draft.copy_title")}</summary>
                    <p>{t(&lang, "draft.copy_text")}</p>
                    <dl class="antrag-summary-list">{rows}</dl>
                </details>
            }
        })
    };
    view! {
        {copy}
        <Show when=move || until().is_some()>
            <div class="antrag-draft">
                <p class="antrag-draft__text">{move || tf(&state.lang.get(), "draft.saved", &[("date", &until().unwrap_or_default())])}</p>
                <button
                    type="button"
                    class="antrag-button antrag-button--link antrag-draft__delete"
                    data-action="delete-draft"
                    on:click=move |_| {
                        state.delete_draft();
                        announce.set(t(&state.lang.get_untracked(), "draft.deleted"));
                    }
                >
                    {move || t(&state.lang.get(), "draft.delete")}
                </button>
            </div>
        </Show>
        <div class="antrag-visually-hidden" role="status">{move || announce.get()}</div>
    }
}
