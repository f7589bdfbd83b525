//! Multi-line text.

use leptos::prelude::*;

use super::field_ctx::FieldCtx;
use super::form_group::FormGroup;

/// A textarea in its form group.
#[component]
pub fn Textarea(ctx: FieldCtx) -> impl IntoView {
    let value = {
        let ctx = ctx.clone();
        move || ctx.text_value()
    };
    let on_input = {
        let ctx = ctx.clone();
        move |ev| ctx.set_text(event_target_value(&ev))
    };
    let class = {
        let ctx = ctx.clone();
        move || if ctx.has_error.get() { "antrag-textarea antrag-input--error" } else { "antrag-textarea" }
    };
    let describedby = {
        let ctx = ctx.clone();
        move || ctx.describedby()
    };
    view! {
        <FormGroup ctx=ctx.clone()>
            <textarea
                class=class
                id=ctx.id.clone()
                name=ctx.name.clone()
                rows="5"
                // The server writes the answer as the textarea's content: escaped here, since
                // Leptos writes a textarea's children as they are.
                inner_html=crate::format::escape_html(&ctx.initial_text())
                    autocomplete=ctx.autocomplete()
                aria-describedby=describedby
                prop:value=value
                on:input=on_input
            ></textarea>
        </FormGroup>
    }
}
