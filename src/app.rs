//! The app shell: header with language switch, the page, footer — built from [`PageData`],
//! so the server renders it (feature `ssr`, [`crate::ssr`]) and the browser hydrates the same
//! tree from the same data ([`crate::boot`]).

use leptos::prelude::*;

use crate::components::footer::Footer;
use crate::components::header::Header;
use crate::i18n;
use crate::page_data::{Page, PageData};
use crate::pages::catalog::CatalogPage;
use crate::pages::form::{FormPage, UnavailablePage};
use crate::pages::not_found::NotFoundPage;

/// Where the citizen's language choice is kept in the browser (and, as a cookie of the same
/// name, for the server's next page).
pub const LANG_KEY: &str = "antrag.lang";

/// The languages a page offers: a form's own, or those the interface has strings for.
pub fn offered_languages(page: &Page) -> Vec<String> {
    match page {
        Page::Form(form) => form.definition["languages"]
            .as_array()
            .map(|l| l.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default(),
        _ => i18n::LOCALES.iter().map(|(t, _)| (*t).to_owned()).collect(),
    }
}

/// The whole app for one page.
#[component]
pub fn App(data: PageData) -> impl IntoView {
    let lang = RwSignal::new(data.lang);
    let languages = RwSignal::new(offered_languages(&data.page));
    provide_context(crate::components::language_switch::ScreenSlug(RwSignal::new(String::new())));
    // After the page showed: the document's language follows the choice, which is kept.
    Effect::new(move |_| {
        let l = lang.get();
        crate::dom::set_language(if l == antrag_core::text::LEICHTE_SPRACHE { "de" } else { &l });
        crate::dom::remember_language(LANG_KEY, &l);
    });
    let page = match data.page {
        Page::Catalog { forms } => view! { <CatalogPage forms=forms lang=lang /> }.into_any(),
        Page::Form(form) => view! { <FormPage data=*form lang=lang languages=languages /> }.into_any(),
        Page::NotFound => view! { <NotFoundPage lang=lang /> }.into_any(),
        Page::Unavailable { status } => view! { <UnavailablePage lang=lang status=status invalid=false /> }.into_any(),
        Page::Invalid => view! { <UnavailablePage lang=lang status=0 invalid=true /> }.into_any(),
        Page::Problem { kind, detail, back } => {
            view! { <crate::pages::problem::ProblemPage lang=lang kind=kind detail=detail back=back /> }.into_any()
        }
    };
    view! {
        <Header lang=lang languages=languages.into() />
        <div class="antrag-width-container">
            <main class="antrag-main" id="antrag-main" tabindex="-1">{page}</main>
        </div>
        <Footer lang=lang />
    }
}
