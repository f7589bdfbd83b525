//! Yes/no as two inline radios; the answer is `true` or `false`.

use leptos::prelude::*;
use serde_json::Value;

use super::field_ctx::FieldCtx;
use super::radios::{RadioGroup, RadioOption};
use crate::i18n::t;

/// "Ja" / "Nein".
#[component]
pub fn YesNo(ctx: FieldCtx) -> impl IntoView {
    let (c1, c2) = (ctx.clone(), ctx.clone());
    let options = vec![
        RadioOption {
            value: Value::Bool(true),
            label: Signal::derive(move || t(&c1.lang(), "widget.yes")),
            hint: None,
        },
        RadioOption {
            value: Value::Bool(false),
            label: Signal::derive(move || t(&c2.lang(), "widget.no")),
            hint: None,
        },
    ];
    view! { <RadioGroup ctx=ctx options=options inline=true /> }
}
