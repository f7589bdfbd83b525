//! A drop-down list, for longer lists of choices (the registry uses radios for short ones).

use leptos::prelude::*;
use serde_json::Value;

use super::field_ctx::FieldCtx;
use super::form_group::FormGroup;
use crate::i18n::t;

/// A `<select>` with a "please select" entry.
#[component]
pub fn SelectInput(ctx: FieldCtx) -> impl IntoView {
    let options = ctx.field.options.clone().unwrap_or_default();
    let (c1, c2, c3, c4, c5) = (ctx.clone(), ctx.clone(), ctx.clone(), ctx.clone(), ctx.clone());
    let current = move || c3.text_value();
    let items = options
        .into_iter()
        .map(|option| {
            let c = c5.clone();
            let selected = {
                let current = current.clone();
                let value = option.value.clone();
                move || current() == value
            };
            view! { <option value=option.value.clone() selected=selected>{move || c.text(&option.label)}</option> }
        })
        .collect::<Vec<_>>();
    let id = ctx.id.clone();
    let name = ctx.name.clone();
    let autocomplete = ctx.autocomplete();
    let c6 = ctx.clone();
    view! {
        <FormGroup ctx=ctx>
            <select
                class=move || if c1.has_error.get() { "antrag-select antrag-input--error" } else { "antrag-select" }
                id=id
                name=name
                autocomplete=autocomplete
                aria-describedby=move || c2.describedby()
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    c4.set(if v.is_empty() { Value::Null } else { Value::String(v) });
                }
            >
                <option value="">{move || t(&c6.lang(), "widget.select_placeholder")}</option>
                {items}
            </select>
        </FormGroup>
    }
}
