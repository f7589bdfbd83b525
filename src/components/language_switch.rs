//! Switch the language of the UI and the form's texts; the choice is kept for the next visit.

use leptos::prelude::*;

use crate::i18n::t;

/// The address slug of the screen a form shows (`anschrift`, `uebersicht`), which the
/// language switch keeps when it asks the server for another language.
#[derive(Clone, Copy)]
pub struct ScreenSlug(pub RwSignal<String>);

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

/// A list of language buttons; the current one is marked with `aria-current`. Without
/// JavaScript the buttons ask the server for the same page in that language (a GET form that
/// keeps the screen shown; answers are kept on the server).
#[component]
pub fn LanguageSwitch(lang: RwSignal<String>, languages: Signal<Vec<String>>) -> impl IntoView {
    let screen = use_context::<ScreenSlug>();
    view! {
        <nav class="antrag-language-switch" aria-label=move || t(&lang.get(), "lang.label")>
            <form class="antrag-language-switch__form" method="get">
            {screen.map(|s| view! { <input type="hidden" name="schritt" value=move || s.0.get() disabled=move || s.0.with(String::is_empty) /> })}
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
                                        type="submit"
                                        name="lang"
                                        value=tag.clone()
                                        class="antrag-language-switch__button"
                                        translate="no"
                                        lang=html_lang
                                        aria-current=current.then_some("true")
                                        on:click=move |ev| {
                                            ev.prevent_default();
                                            lang.set(set.clone());
                                        }
                                    >
                                        {native_name(&tag)}
                                    </button>
                                </li>
                            }
                        })
                        .collect::<Vec<_>>()
                }}
            </ul>
            </form>
        </nav>
    }
}
