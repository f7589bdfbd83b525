//! The frame of a field with several inputs (radios, checkboxes, date parts): a fieldset whose
//! legend is the question, so screen readers read it before each option.

use leptos::prelude::*;

use super::error_message::ErrorMessage;
use super::field_ctx::FieldCtx;
use super::legal_basis::LegalBasis;

/// Wrap inputs in a fieldset with legend, hint and error.
#[component]
pub fn FieldsetGroup(ctx: FieldCtx, children: Children) -> impl IntoView {
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
    let describedby = {
        let ctx = ctx.clone();
        move || ctx.describedby()
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
            <fieldset class="antrag-fieldset" aria-describedby=describedby>
                <legend class="antrag-fieldset__legend" id=format!("{id}-label")>
                    {label}
                    <span class="antrag-label__optional">{marker}</span>
                </legend>
                {hint}
                <ErrorMessage ctx=ctx.clone() />
                {children()}
            </fieldset>
            {legal}
        </div>
    }
}
