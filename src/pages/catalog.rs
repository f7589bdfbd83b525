//! The start page: the forms this server offers.

use leptos::prelude::*;

use crate::api::Summary;
use crate::i18n::t;

/// The catalog of forms.
#[component]
pub fn CatalogPage(forms: Vec<Summary>, lang: RwSignal<String>) -> impl IntoView {
    crate::title::show_title(false, move || {
        format!("{} – {}", t(&lang.get(), "catalog.title"), t(&lang.get(), "app.name"))
    });
    let list = if forms.is_empty() {
        view! { <p>{move || t(&lang.get(), "catalog.empty")}</p> }.into_any()
    } else {
        let items = forms
            .into_iter()
            .map(|form| {
                let href = format!("/forms/{}", crate::api::encode(&form.id));
                let (title, description, dl) = (form.title.clone(), form.description.clone(), form.default_language.clone());
                let dl2 = dl.clone();
                view! {
                    <li class="antrag-catalog__item">
                        <h2 class="antrag-catalog__title">
                            <a class="antrag-link antrag-catalog__link" href=href>{move || title.resolve(&lang.get(), &dl).to_owned()}</a>
                        </h2>
                        {description.map(|d| view! { <p class="antrag-catalog__description">{move || d.resolve(&lang.get(), &dl2).to_owned()}</p> })}
                    </li>
                }
            })
            .collect::<Vec<_>>();
        view! { <ul class="antrag-catalog">{items}</ul> }.into_any()
    };
    view! {
        <h1 class="antrag-heading-xl">{move || t(&lang.get(), "catalog.title")}</h1>
        <p class="antrag-body-l">{move || t(&lang.get(), "catalog.intro")}</p>
        {list}
    }
}
