//! The legal basis (Rechtsgrundlage) of a field or group, as a link when it has one.

use antrag_core::definition::LegalBasis as Basis;
use leptos::prelude::*;

use crate::i18n::t;
use crate::state::FormState;

/// "Rechtsgrundlage: § 45 StVO" with a link that opens in a new tab.
#[component]
pub fn LegalBasis(state: FormState, basis: Basis) -> impl IntoView {
    let dl = state.form.with_value(|f| f.def().default_language.clone());
    // Only a web address becomes a link (a definition's `javascript:` never does).
    let url = basis.safe_url().map(str::to_owned);
    let text = move || basis.text.resolve(&state.lang.get(), &dl).to_owned();
    view! {
        <p class="antrag-legal-basis">
            {move || t(&state.lang.get(), "widget.legal_basis")}": "
            {match url {
                Some(href) => view! { <a class="antrag-link" href=href rel="noopener noreferrer" target="_blank">{text}</a> }.into_any(),
                None => view! { <span>{text}</span> }.into_any(),
            }}
        </p>
    }
}
