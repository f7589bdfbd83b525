//! "Continue where you left off": shown when a draft of this form is found.

use leptos::prelude::*;

use crate::format;
use crate::i18n::{t, tf, tp};
use crate::state::{FormState, ResumeOffer};

/// The offer to continue or start again.
#[component]
pub fn ResumePage(state: FormState, offer: ResumeOffer) -> impl IntoView {
    let started = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(offer.draft.started_at));
    let date = format!("{:04}-{:02}-{:02}", started.get_full_year(), started.get_month() + 1, started.get_date());
    let time = format!("{:02}:{:02}", started.get_hours(), started.get_minutes());
    let dropped = offer.dropped.len();
    let title = state.form.with_value(|f| (f.def().title.clone(), f.def().default_language.clone()));
    crate::title::show_title(state.embedding.is_some(), move || {
        let lang = state.lang.get();
        format!("{} – {} – {}", t(&lang, "resume.title"), title.0.resolve(&lang, &title.1), t(&lang, "app.name"))
    });
    view! {
        <h1 class="antrag-heading-l">{move || t(&state.lang.get(), "resume.title")}</h1>
        <p class="antrag-body-l">{move || tf(&state.lang.get(), "resume.text", &[("date", &format::date(&state.lang.get(), &date)), ("time", &time)])}</p>
        {offer.version_changed.then(|| view! { <p>{move || t(&state.lang.get(), "resume.changed")}</p> })}
        {(dropped > 0).then(|| view! { <p>{move || tp(&state.lang.get(), "resume.dropped", dropped as f64, &[("count", &dropped.to_string())])}</p> })}
        {offer.draft.pending.is_some().then(|| view! { <p class="antrag-notice">{move || t(&state.lang.get(), "resume.pending")}</p> })}
        <div class="antrag-button-group">
            <button type="button" class="antrag-button" data-action="resume" on:click=move |_| state.accept_resume()>
                {move || t(&state.lang.get(), "resume.continue")}
            </button>
            <button type="button" class="antrag-button antrag-button--secondary" data-action="start-over" on:click=move |_| state.start_over()>
                {move || t(&state.lang.get(), "resume.restart")}
            </button>
        </div>
    }
}
