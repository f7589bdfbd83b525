//! The inline error under a label: `{id}-error`, linked from the input's
//! `aria-describedby`, with a visually hidden "Fehler:" so screen readers announce it as one.

use leptos::prelude::*;

use super::field::FieldCtx;
use crate::i18n::t;

/// The field's error message, when one is shown.
#[component]
pub fn ErrorMessage(ctx: FieldCtx) -> impl IntoView {
    let id = format!("{}-error", ctx.id);
    move || {
        ctx.error_text().map(|text| {
            view! {
                <p class="antrag-error-message" id=id.clone()>
                    <span class="antrag-visually-hidden">{t(&ctx.lang(), "error.prefix")}" "</span>
                    {text}
                </p>
            }
        })
    }
}
