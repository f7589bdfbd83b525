//! Single-line inputs: text, e-mail, phone, PLZ, IBAN, number and currency. They differ in
//! `type`, `inputmode`, `autocomplete`, width and the tidy-up on blur.

use antrag_core::number::parse_decimal;
use antrag_core::WidgetKind;
use leptos::prelude::*;

use super::field_ctx::FieldCtx;
use super::form_group::FormGroup;
use crate::format;
use crate::i18n::t;

/// A single-line input in its form group.
#[component]
pub fn TextInput(ctx: FieldCtx) -> impl IntoView {
    let kind = ctx.widget;
    let (input_type, inputmode, width) = match kind {
        WidgetKind::Email => ("email", None, "antrag-input--width-30"),
        WidgetKind::Phone => ("tel", Some("tel"), "antrag-input--width-20"),
        WidgetKind::Plz => ("text", Some("numeric"), "antrag-input--width-5"),
        WidgetKind::Iban => ("text", None, "antrag-input--width-30"),
        WidgetKind::Number if ctx.field.datatype == antrag_core::DataType::NumInt => {
            ("text", Some("numeric"), "antrag-input--width-10")
        }
        WidgetKind::Number | WidgetKind::Currency => ("text", Some("decimal"), "antrag-input--width-10"),
        _ => ("text", None, width_for(ctx.field.constraints.max_length)),
    };
    let autocomplete = ctx.autocomplete().or_else(|| match kind {
        WidgetKind::Email => Some("email".into()),
        WidgetKind::Phone => Some("tel".into()),
        WidgetKind::Plz => Some("postal-code".into()),
        _ => None,
    });
    let spellcheck = matches!(kind, WidgetKind::Email | WidgetKind::Iban | WidgetKind::Plz).then_some("false");
    let placeholder = ctx.field.placeholder.as_ref().map(|p| ctx.text(p));
    let value = {
        let ctx = ctx.clone();
        move || ctx.text_value()
    };
    let on_input = {
        let ctx = ctx.clone();
        move |ev| ctx.set_text(event_target_value(&ev))
    };
    // Tidy up on blur, never while typing: group IBANs, write amounts the local way.
    let on_blur = {
        let ctx = ctx.clone();
        move |_| {
            let text = ctx.text_value();
            let tidy = match kind {
                WidgetKind::Iban if antrag_core::formats::is_iban(&text) => Some(format::group_iban(&text)),
                WidgetKind::Currency => parse_decimal(&text)
                    .filter(|d| d.decimals() <= 2)
                    .map(|d| format::number(&ctx.lang(), d.to_f64(), Some(2))),
                _ => None,
            };
            if let Some(tidy) = tidy.filter(|t| *t != text) {
                ctx.set_text(tidy);
            }
        }
    };
    let class = {
        let ctx = ctx.clone();
        move || {
            let error = if ctx.has_error.get() { " antrag-input--error" } else { "" };
            format!("antrag-input {width}{error}")
        }
    };
    let describedby = {
        let ctx = ctx.clone();
        move || ctx.describedby()
    };
    let invalid = {
        let ctx = ctx.clone();
        move || ctx.has_error.get().then_some("true")
    };
    let suffix = (kind == WidgetKind::Currency).then(|| {
        let ctx = ctx.clone();
        view! {
            <span class="antrag-input__suffix" aria-hidden="true">"€"</span>
            <span class="antrag-visually-hidden">{move || t(&ctx.lang(), "widget.currency_suffix")}</span>
        }
    });
    let input = view! {
        <input
            class=class
            id=ctx.id.clone()
            name=ctx.name.clone()
            value=ctx.initial_text()
            type=input_type
            inputmode=inputmode
            autocomplete=autocomplete
            spellcheck=spellcheck
            placeholder=placeholder
            aria-describedby=describedby
            aria-invalid=invalid
            prop:value=value
            on:input=on_input
            on:blur=on_blur
        />
    };
    view! {
        <FormGroup ctx=ctx.clone()>
            {if suffix.is_some() {
                view! { <div class="antrag-input__wrapper">{input}{suffix}</div> }.into_any()
            } else {
                input.into_any()
            }}
        </FormGroup>
    }
}

fn width_for(max_length: Option<u32>) -> &'static str {
    match max_length {
        Some(0..=6) => "antrag-input--width-5",
        Some(7..=12) => "antrag-input--width-10",
        Some(13..=24) => "antrag-input--width-20",
        _ => "antrag-input--width-full",
    }
}
