//! The inline error under a label: `{id}-error`, linked from the input's
//! `aria-describedby`, with a visually hidden "Fehler:" so screen readers announce it as one.

use leptos::prelude::*;

use super::field_ctx::FieldCtx;
use crate::i18n::t;

/// The field's error message, when one is shown.
///
/// The paragraph exists while an error is shown; a keystroke that turns one message into
/// another ("required" → "too short") changes only its text node.
#[component]
pub fn ErrorMessage(ctx: FieldCtx) -> impl IntoView {
    let id = format!("{}-error", ctx.id);
    let shown = ctx.has_error;
    move || {
        shown.get().then(|| {
            let prefix = {
                let ctx = ctx.clone();
                move || t(&ctx.lang(), "error.prefix")
            };
            let text = {
                let ctx = ctx.clone();
                move || ctx.error_text().unwrap_or_default()
            };
            view! {
                <p class="antrag-error-message" id=id.clone()>
                    <span class="antrag-visually-hidden">{prefix}" "</span>
                    {text}
                </p>
            }
        })
    }
}
