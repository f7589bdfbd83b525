//! A read-only value (FIM Feldart "locked"), e.g. taken from the citizen's account.

use leptos::prelude::*;

use super::field_ctx::FieldCtx;
use super::form_group::FormGroup;

/// A read-only input: focusable and announced with its label, not editable.
#[component]
pub fn LockedValue(ctx: FieldCtx) -> impl IntoView {
    let (c1, c2) = (ctx.clone(), ctx.clone());
    view! {
        <FormGroup ctx=ctx.clone()>
            <input
                class="antrag-input antrag-input--locked"
                id=ctx.id.clone()
                type="text"
                readonly=true
                aria-describedby=move || c1.describedby()
                prop:value=move || {
                    let value = c2.value.get();
                    c2.state.form.with_value(|f| crate::format::answer(&c2.lang(), f.def(), &c2.field, value.as_ref())).unwrap_or_default()
                }
            />
        </FormGroup>
    }
}
