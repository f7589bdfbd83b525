//! Switch the language of the UI and the form's texts; the choice is kept for the next visit.

use leptos::prelude::*;

use crate::i18n::t;

/// Language names in their own language.
pub fn native_name(tag: &str) -> &'static str {
    match tag {
        "de" => "Deutsch",
        "en" => "English",
        "de-x-ls" => "Leichte Sprache",
        "tr" => "Türkçe",
        "uk" => "Українська",
        "ar" => "العربية",
        "ru" => "Русский",
        "pl" => "Polski",
        "fr" => "Français",
        _ => "…",
    }
}

/// A list of language buttons; the current one is marked with `aria-current`.
#[component]
pub fn LanguageSwitch(lang: RwSignal<String>, languages: Signal<Vec<String>>) -> impl IntoView {
    view! {
        <nav class="antrag-language-switch" aria-label=move || t(&lang.get(), "lang.label")>
            <ul class="antrag-language-switch__list">
                {move || {
                    languages
                        .get()
                        .into_iter()
                        .map(|tag| {
                            let current = lang.get() == tag;
                            let set = tag.clone();
                            let html_lang = if tag == "de-x-ls" { "de".to_owned() } else { tag.clone() };
                            view! {
                                <li class="antrag-language-switch__item">
                                    <button
                                        type="button"
                                        class="antrag-language-switch__button"
                                        translate="no"
                                        lang=html_lang
                                        aria-current=current.then_some("true")
                                        on:click=move |_| lang.set(set.clone())
                                    >
                                        {native_name(&tag)}
                                    </button>
                                </li>
                            }
                        })
                        .collect::<Vec<_>>()
                }}
            </ul>
        </nav>
    }
}
