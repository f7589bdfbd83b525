//! The visible placeholder for a field no widget can take (e.g. FIM datatype `obj`): the
//! citizen sees that something is missing, instead of a silent gap.

use leptos::prelude::*;

use super::field_ctx::FieldCtx;
use crate::i18n::tf;

/// A notice in place of the field.
#[component]
pub fn Unsupported(ctx: FieldCtx) -> impl IntoView {
    let datatype = ctx.field.datatype.to_string();
    let (c1, c2) = (ctx.clone(), ctx.clone());
    view! {
        <div class="antrag-unsupported" id=ctx.id.clone() role="note">
            <p class="antrag-unsupported__label">{move || c1.label()}</p>
            <p class="antrag-unsupported__text">{move || tf(&c2.lang(), "widget.unsupported", &[("datatype", &datatype)])}</p>
        </div>
    }
}
