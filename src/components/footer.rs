//! The page footer.

use leptos::prelude::*;

use crate::i18n::t;

/// Footer with the privacy note.
#[component]
pub fn Footer(lang: RwSignal<String>) -> impl IntoView {
    view! {
        <footer class="antrag-footer">
            <div class="antrag-footer__inner">
                <p class="antrag-footer__text">{move || t(&lang.get(), "app.footer")}</p>
            </div>
        </footer>
    }
}
