//! A date as three inputs — day, month, year — in a fieldset (GOV.UK date input pattern).
//!
//! Why not `<input type=date>`: for dates people know (birthdays, dates on documents), typing
//! is faster and more reliable than a picker, native pickers differ per browser and are hard
//! to use with screen readers and zoom, and three labelled fields give specific errors
//! ("must include a month"). With `with_time`, a time input follows (datetime fields).
//!
//! The answer is `YYYY-MM-DD` built from the parts as typed (`1990-3-27`; empty parts stay
//! empty: `1990--27`), so antrag-core can tell which part is missing.

use leptos::prelude::*;

use super::field_ctx::FieldCtx;
use super::fieldset_group::FieldsetGroup;
use crate::form_post::{compose_date as compose, control_name, date_parts as parts};
use crate::i18n::t;

/// Day, month and year inputs (and a time when `with_time`).
#[component]
pub fn DateInput(ctx: FieldCtx, with_time: bool) -> impl IntoView {
    let id = ctx.id.clone();
    let bday = ctx.autocomplete().as_deref() == Some("bday");
    // The day input carries the bare id so the error summary's link lands on it.
    let inputs = [
        (2usize, id.clone(), "day", "widget.day", "antrag-input--width-2", "bday-day"),
        (1, format!("{id}-month"), "month", "widget.month", "antrag-input--width-2", "bday-month"),
        (0, format!("{id}-year"), "year", "widget.year", "antrag-input--width-4", "bday-year"),
    ];
    let initial = parts(&ctx.initial_text());
    let items = inputs
        .into_iter()
        .map(|(index, input_id, part, label_key, width, auto)| {
            let (c1, c2, c3, c4) = (ctx.clone(), ctx.clone(), ctx.clone(), ctx.clone());
            view! {
                <div class="antrag-date-input__item">
                    <label class="antrag-label antrag-date-input__label" for=input_id.clone()>
                        {move || t(&c1.lang(), label_key)}
                    </label>
                    <input
                        class=move || input_class(width, c2.has_error.get())
                        id=input_id.clone()
                        name=control_name(&ctx.path, Some(part))
                        value=initial.0[index].clone()
                        type="text"
                        inputmode="numeric"
                        autocomplete=bday.then_some(auto)
                        prop:value=move || parts(&c3.text_value()).0[index].clone()
                        on:input=move |ev| {
                            let ([mut y, mut m, mut d], time) = parts(&c4.text_value());
                            let text = event_target_value(&ev);
                            match index {
                                0 => y = text,
                                1 => m = text,
                                _ => d = text,
                            }
                            c4.set(compose(&y, &m, &d, with_time.then_some(time.as_str())));
                        }
                    />
                </div>
            }
        })
        .collect::<Vec<_>>();
    let time = with_time.then(|| {
        let time_id = format!("{id}-time");
        let (c1, c2, c3, c4) = (ctx.clone(), ctx.clone(), ctx.clone(), ctx.clone());
        view! {
            <div class="antrag-date-input__item">
                <label class="antrag-label antrag-date-input__label" for=time_id.clone()>
                    {move || t(&c1.lang(), "widget.time")}
                </label>
                <input
                    class=move || input_class("antrag-input--width-5", c2.has_error.get())
                    id=time_id.clone()
                    name=control_name(&ctx.path, Some("time"))
                    value=initial.1.clone()
                    type="text"
                    inputmode="numeric"
                    prop:value=move || parts(&c3.text_value()).1
                    on:input=move |ev| {
                        let ([y, m, d], _) = parts(&c4.text_value());
                        c4.set(compose(&y, &m, &d, Some(&event_target_value(&ev))));
                    }
                />
            </div>
        }
    });
    view! {
        <FieldsetGroup ctx=ctx>
            <div class="antrag-date-input">{items}{time}</div>
        </FieldsetGroup>
    }
}

fn input_class(width: &str, error: bool) -> String {
    let error = if error { " antrag-input--error" } else { "" };
    format!("antrag-input {width}{error}")
}
