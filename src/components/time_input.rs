//! A time of day as one text input (`14:30`); `930`, `9.30` and `9:30` are tidied to `09:30`
//! on blur.

use leptos::prelude::*;

use super::field::FieldCtx;
use super::form_group::FormGroup;

/// Tidy a typed time: `9.30`, `930`, `9:30` → `09:30`; anything else unchanged.
pub fn tidy_time(text: &str) -> Option<String> {
    let digits: String = text.trim().chars().filter(|c| c.is_ascii_digit()).collect();
    let separators = text.trim().chars().filter(|c| !c.is_ascii_digit()).all(|c| c == ':' || c == '.');
    if !separators {
        return None;
    }
    let (h, m) = match (text.trim().split_once([':', '.']), digits.len()) {
        (Some((h, m)), _) => (h.trim().parse::<u32>().ok()?, m.trim().parse::<u32>().ok()?),
        (None, 3) => (digits[..1].parse().ok()?, digits[1..].parse().ok()?),
        (None, 4) => (digits[..2].parse().ok()?, digits[2..].parse().ok()?),
        (None, 1 | 2) => (digits.parse().ok()?, 0),
        _ => return None,
    };
    (h < 24 && m < 60).then(|| format!("{h:02}:{m:02}"))
}

/// A time input in its form group.
#[component]
pub fn TimeInput(ctx: FieldCtx) -> impl IntoView {
    let (c1, c2, c3, c4, c5) = (ctx.clone(), ctx.clone(), ctx.clone(), ctx.clone(), ctx.clone());
    view! {
        <FormGroup ctx=ctx.clone()>
            <input
                class=move || if c1.has_error.get() { "antrag-input antrag-input--width-5 antrag-input--error" } else { "antrag-input antrag-input--width-5" }
                id=ctx.id.clone()
                name=ctx.id.clone()
                type="text"
                inputmode="numeric"
                aria-describedby=move || c2.describedby()
                prop:value=move || c3.text_value()
                on:input=move |ev| c4.set_text(event_target_value(&ev))
                on:blur=move |_| {
                    if let Some(tidy) = tidy_time(&c5.text_value()).filter(|t| *t != c5.text_value()) {
                        c5.set_text(tidy);
                    }
                }
            />
        </FormGroup>
    }
}
