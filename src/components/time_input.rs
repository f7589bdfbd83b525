//! A time of day as one text input (`14:30`); `930`, `9.30` and `9:30` are tidied to `09:30`
//! on blur (antrag-core's `tidy_time`).

use leptos::prelude::*;

use super::field_ctx::FieldCtx;
use super::form_group::FormGroup;

/// A time input in its form group.
#[component]
pub fn TimeInput(ctx: FieldCtx) -> impl IntoView {
    let (c1, c2, c3, c4, c5) = (ctx.clone(), ctx.clone(), ctx.clone(), ctx.clone(), ctx.clone());
    view! {
        <FormGroup ctx=ctx.clone()>
            <input
                class=move || if c1.has_error.get() { "antrag-input antrag-input--width-5 antrag-input--error" } else { "antrag-input antrag-input--width-5" }
                id=ctx.id.clone()
                name=ctx.name.clone()
                value=ctx.initial_text()
                type="text"
                inputmode="numeric"
                aria-describedby=move || c2.describedby()
                prop:value=move || c3.text_value()
                on:input=move |ev| c4.set_text(event_target_value(&ev))
                on:blur=move |_| {
                    if let Some(tidy) = antrag_core::date::tidy_time(&c5.text_value()).filter(|t| *t != c5.text_value()) {
                        c5.set_text(tidy);
                    }
                }
            />
        </FormGroup>
    }
}
