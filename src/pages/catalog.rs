//! The start page: the forms this server offers.

use leptos::prelude::*;

use crate::api;
use crate::dom;
use crate::i18n::t;

/// The catalog of forms.
#[component]
pub fn CatalogPage(lang: RwSignal<String>) -> impl IntoView {
    let config = use_context::<crate::config::ClientConfig>().unwrap_or_default();
    let forms = LocalResource::new(move || api::catalog(config.clone()));
    Effect::new(move |_| {
        dom::set_title(&format!("{} – {}", t(&lang.get(), "catalog.title"), t(&lang.get(), "app.name")))
    });
    view! {
        <h1 class="antrag-heading-xl">{move || t(&lang.get(), "catalog.title")}</h1>
        <p class="antrag-body-l">{move || t(&lang.get(), "catalog.intro")}</p>
        <Suspense fallback=move || view! { <p class="antrag-loading">{t(&lang.get(), "load.loading")}</p> }>
            {move || {
                forms.get().map(|result| match result {
                    Ok(list) if list.is_empty() => view! { <p>{t(&lang.get(), "catalog.empty")}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="antrag-catalog">
                            {list
                                .into_iter()
                                .map(|form| {
                                    let href = format!("/forms/{}", api::encode(&form.id));
                                    let l = lang.get();
                                    let title = form.title.resolve(&l, &form.default_language).to_owned();
                                    let description = form.description.as_ref().map(|d| d.resolve(&l, &form.default_language).to_owned());
                                    view! {
                                        <li class="antrag-catalog__item">
                                            <h2 class="antrag-catalog__title">
                                                <a class="antrag-link antrag-catalog__link" href=href>{title}</a>
                                            </h2>
                                            {description.map(|d| view! { <p class="antrag-catalog__description">{d}</p> })}
                                        </li>
                                    }
                                })
                                .collect::<Vec<_>>()}
                        </ul>
                    }
                    .into_any(),
                    Err(_) => view! {
                        <div class="antrag-notice antrag-notice--error" role="alert">
                            <p>{t(&lang.get(), "load.failed")}</p>
                        </div>
                    }
                    .into_any(),
                })
            }}
        </Suspense>
    }
}
