//! Unknown address.

use leptos::prelude::*;

use crate::i18n::t;

/// "Page not found" with a way back.
#[component]
pub fn NotFoundPage(lang: RwSignal<String>) -> impl IntoView {
    crate::title::show_title(false, move || {
        format!("{} – {}", t(&lang.get(), "notfound.title"), t(&lang.get(), "app.name"))
    });
    view! {
        <h1 class="antrag-heading-xl">{move || t(&lang.get(), "notfound.title")}</h1>
        <p>{move || t(&lang.get(), "notfound.text")}</p>
        <p><a class="antrag-link" href="/">{move || t(&lang.get(), "notfound.link")}</a></p>
    }
}
