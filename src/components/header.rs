//! The page header: skip link, name, language switch.

use leptos::prelude::*;

use super::language_switch::LanguageSwitch;
use crate::i18n::t;

/// Header with a skip link to the main content.
#[component]
pub fn Header(lang: RwSignal<String>, languages: Signal<Vec<String>>) -> impl IntoView {
    view! {
        <a class="antrag-skip-link" href="#antrag-main">{move || t(&lang.get(), "app.skip")}</a>
        <header class="antrag-header">
            <div class="antrag-header__inner">
                <a class="antrag-header__brand" href="/">
                    <span class="antrag-header__name">{move || t(&lang.get(), "app.name")}</span>
                    <span class="antrag-header__tagline">{move || t(&lang.get(), "app.tagline")}</span>
                </a>
                <LanguageSwitch lang=lang languages=languages />
            </div>
        </header>
    }
}
