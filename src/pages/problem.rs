//! What went wrong with a request the server could not take (a step posted without
//! JavaScript for a changed form, with names the form does not have, too large, too many): the
//! same problem the JSON API answers, said plainly, with the way back to the form.

use leptos::prelude::*;

use crate::i18n::t;

/// The problem page: `kind` is the problem type (`version-changed`, `bad-request`, …),
/// `detail` its technical explanation, `back` the form's address.
#[component]
pub fn ProblemPage(lang: RwSignal<String>, kind: String, detail: String, back: String) -> impl IntoView {
    crate::title::show_title(false, move || {
        format!("{} – {}", t(&lang.get(), "problem.title"), t(&lang.get(), "app.name"))
    });
    let key = format!("problem.{kind}");
    let text = move || {
        let lang = lang.get();
        let text = t(&lang, &key);
        if text == key {
            t(&lang, "problem.other")
        } else {
            text
        }
    };
    view! {
        <h1 class="antrag-heading-xl">{move || t(&lang.get(), "problem.title")}</h1>
        <div class="antrag-notice antrag-notice--error" role="alert">
            <p>{text}</p>
        </div>
        <p class="antrag-hint">{detail}</p>
        <p><a class="antrag-link" href=back>{move || t(&lang.get(), "problem.back")}</a></p>
    }
}
