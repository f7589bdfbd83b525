//! The frame of a single-input field: label (with "optional" marker), hint, error, input,
//! legal basis. GOV.UK/KERN markup contract: `<label for={id}>`, `{id}-hint`, `{id}-error`.

use leptos::prelude::*;

use super::error_message::ErrorMessage;
use super::field_ctx::FieldCtx;
use super::legal_basis::LegalBasis;

/// Wrap an input in its label, hint and error.
#[component]
pub fn FormGroup(ctx: FieldCtx, children: Children) -> impl IntoView {
    let id = ctx.id.clone();
    let class = {
        let ctx = ctx.clone();
        move || {
            if ctx.has_error.get() {
                "antrag-form-group antrag-form-group--error"
            } else {
                "antrag-form-group"
            }
        }
    };
    let label = {
        let ctx = ctx.clone();
        move || ctx.label()
    };
    let marker = {
        let ctx = ctx.clone();
        move || ctx.optional_marker()
    };
    let hint = {
        let ctx = ctx.clone();
        move || ctx.hint().map(|h| view! { <div class="antrag-hint" id=format!("{}-hint", ctx.id)>{h}</div> })
    };
    let legal = ctx.field.legal_basis.clone().map(|basis| view! { <LegalBasis state=ctx.state basis=basis /> });
    view! {
        <div class=class>
            <label class="antrag-label" for=id.clone() id=format!("{id}-label")>
                {label}
                <span class="antrag-label__optional">{marker}</span>
            </label>
            {hint}
            <ErrorMessage ctx=ctx.clone() />
            {children()}
            {legal}
        </div>
    }
}
