//! Static text from the definition (FIM Feldart "label"). Rendered as text, never as HTML.

use leptos::prelude::*;

use super::field_ctx::FieldCtx;

/// A paragraph of text; line breaks in the definition are kept.
#[component]
pub fn StaticText(ctx: FieldCtx) -> impl IntoView {
    let content = ctx.field.content.clone().unwrap_or_else(|| ctx.field.label.clone());
    let id = ctx.id.clone();
    view! { <p class="antrag-static-text" id=id>{move || ctx.text(&content)}</p> }
}
