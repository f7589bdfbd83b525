//! Radio buttons for one choice. The first radio carries the bare `{id}` (the error summary
//! links to it); the others `{id}-2`, `{id}-3`, … — never the option value, so two questions
//! with the same options cannot collide.

use leptos::prelude::*;
use serde_json::Value;

use super::field_ctx::FieldCtx;
use super::fieldset_group::FieldsetGroup;

/// One radio option: value, label, hint.
#[derive(Clone)]
pub struct RadioOption {
    /// The answer when chosen.
    pub value: Value,
    /// Label text.
    pub label: Signal<String>,
    /// Hint under the option.
    pub hint: Option<Signal<String>>,
}

/// Radios for the field's options.
#[component]
pub fn Radios(ctx: FieldCtx) -> impl IntoView {
    let options = ctx
        .field
        .options
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|o| {
            let (c1, c2) = (ctx.clone(), ctx.clone());
            let label = o.label.clone();
            let hint = o.hint.clone();
            RadioOption {
                value: Value::String(o.value),
                label: Signal::derive(move || c1.text(&label)),
                hint: hint.map(|h| Signal::derive(move || c2.text(&h))),
            }
        })
        .collect();
    view! { <RadioGroup ctx=ctx options=options inline=false /> }
}

/// A fieldset of radios with the given options.
#[component]
pub fn RadioGroup(ctx: FieldCtx, options: Vec<RadioOption>, inline: bool) -> impl IntoView {
    let name = ctx.name.clone();
    let items = options
        .into_iter()
        .enumerate()
        .map(|(i, option)| {
            let id = if i == 0 { ctx.id.clone() } else { format!("{}-{}", ctx.id, i + 1) };
            let hint_id = format!("{id}-item-hint");
            let (c1, c2) = (ctx.clone(), ctx.clone());
            let checked_value = option.value.clone();
            let set_value = option.value.clone();
            view! {
                <div class="antrag-radios__item">
                    <input
                        class="antrag-radios__input"
                        id=id.clone()
                        name=name.clone()
                        type="radio"
                        value=match &option.value {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        }
                        checked=ctx.value.get_untracked().as_ref() == Some(&option.value)
                        aria-describedby=option.hint.is_some().then(|| hint_id.clone())
                        prop:checked=move || c1.value.get().as_ref() == Some(&checked_value)
                        on:change=move |_| c2.set(set_value.clone())
                    />
                    <label class="antrag-label antrag-radios__label" for=id>{option.label}</label>
                    {option.hint.map(|h| view! { <div class="antrag-hint antrag-radios__hint" id=hint_id>{h}</div> })}
                </div>
            }
        })
        .collect::<Vec<_>>();
    let class = if inline { "antrag-radios antrag-radios--inline" } else { "antrag-radios" };
    view! {
        <FieldsetGroup ctx=ctx>
            <div class=class>{items}</div>
        </FieldsetGroup>
    }
}
