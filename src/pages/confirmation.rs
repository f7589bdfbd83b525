//! After sending: reference number, time, what happens next, and a printable copy of all
//! answers (print CSS hides everything else).

use antrag_core::FieldPath;
use leptos::prelude::*;

use crate::api::Receipt;
use crate::components::summary_list::SummaryList;
use crate::dom;
use crate::format;
use crate::i18n::{t, tf};
use crate::state::FormState;

/// The confirmation.
#[component]
pub fn ConfirmationPage(state: FormState, receipt: Receipt) -> impl IntoView {
    let (title, outro, items, dl) = state.form.with_value(|f| {
        let def = f.def();
        (def.title.clone(), def.ui.outro.clone(), def.items.clone(), def.default_language.clone())
    });
    let heading_id = state.dom_id(&FieldPath::root().key("heading"));
    {
        let (title, dl) = (title.clone(), dl.clone());
        crate::title::show_title(state.embedding.is_some(), move || {
            let lang = state.lang.get();
            format!("{} – {} – {}", t(&lang, "confirm.title"), title.resolve(&lang, &dl), t(&lang, "app.name"))
        });
        let id = heading_id.clone();
        Effect::new(move |_| {
            if state.nav.moved.get_value() {
                let id = id.clone();
                request_animation_frame(move || {
                    dom::focus_id(&id, None);
                });
            }
        });
    }
    let received = receipt.received_at.clone();
    let when = move || {
        let lang = state.lang.get();
        let (date, time) = dom::local_date_time(&received).unwrap_or_default();
        tf(&lang, "confirm.received", &[("date", &format::date(&lang, &date)), ("time", &time)])
    };
    // Printing needs JavaScript: the button shows once the app runs.
    let running = RwSignal::new(false);
    Effect::new(move |_| running.set(true));
    let dl2 = dl.clone();
    view! {
        <div class="antrag-panel antrag-panel--confirmation">
            <h1 class="antrag-panel__title" id=heading_id tabindex="-1">{move || t(&state.lang.get(), "confirm.title")}</h1>
            <div class="antrag-panel__body">
                {move || t(&state.lang.get(), "confirm.reference")}
                <br />
                <strong class="antrag-reference" translate="no" data-reference=receipt.reference.clone()>{receipt.reference.clone()}</strong>
            </div>
        </div>
        <p class="antrag-received">{when}</p>
        <p>{move || t(&state.lang.get(), "confirm.keep")}</p>
        {outro.map(|text| view! {
            <h2 class="antrag-heading-m">{move || t(&state.lang.get(), "confirm.next")}</h2>
            <p>{move || text.resolve(&state.lang.get(), &dl2).to_owned()}</p>
        })}
        <Show when=move || running.get()>
            <p class="antrag-no-print">
                <button type="button" class="antrag-button antrag-button--secondary" on:click=move |_| dom::print()>
                    {move || t(&state.lang.get(), "confirm.print")}
                </button>
            </p>
        </Show>
        <section class="antrag-copy">
            <h2 class="antrag-heading-m">{move || t(&state.lang.get(), "confirm.copy")}</h2>
            <p class="antrag-print-only">{move || title.resolve(&state.lang.get(), &dl).to_owned()} " – " {receipt.reference.clone()}</p>
            <SummaryList state=state nodes=items path=FieldPath::root() editable=false />
        </section>
        <p class="antrag-no-print"><a class="antrag-link" href="/">{move || t(&state.lang.get(), "confirm.new")}</a></p>
    }
}
