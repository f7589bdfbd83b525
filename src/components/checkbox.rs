//! One checkbox for a yes/no consent ("Ich bestätige …"); checked is `true`, unchecked absent,
//! so a required consent must be checked.

use leptos::prelude::*;
use serde_json::Value;

use super::error_message::ErrorMessage;
use super::field_ctx::FieldCtx;

/// A single checkbox with its label after it.
#[component]
pub fn Checkbox(ctx: FieldCtx) -> impl IntoView {
    let (c1, c2, c3, c4, c5, c6) = (ctx.clone(), ctx.clone(), ctx.clone(), ctx.clone(), ctx.clone(), ctx.clone());
    let hint = ctx
        .hint()
        .map(|h| view! { <div class="antrag-hint antrag-checkboxes__hint" id=format!("{}-hint", ctx.id)>{h}</div> });
    view! {
        <div class=move || if c1.has_error.get() { "antrag-form-group antrag-form-group--error" } else { "antrag-form-group" }>
            <ErrorMessage ctx=ctx.clone() />
            <div class="antrag-checkboxes">
                <div class="antrag-checkboxes__item">
                    <input
                        class="antrag-checkboxes__input"
                        id=ctx.id.clone()
                        name=ctx.name.clone()
                        type="checkbox"
                        value="true"
                        checked=ctx.value.get_untracked() == Some(Value::Bool(true))
                        aria-describedby=move || c2.describedby()
                        prop:checked=move || c3.value.get() == Some(Value::Bool(true))
                        on:change=move |ev| c4.set(if event_target_checked(&ev) { Value::Bool(true) } else { Value::Null })
                    />
                    <label class="antrag-label antrag-checkboxes__label" for=ctx.id.clone() id=format!("{}-label", ctx.id)>
                        {move || c5.label()}
                        <span class="antrag-label__optional">{move || c6.optional_marker()}</span>
                    </label>
                    {hint}
                </div>
            </div>
        </div>
    }
}
