//! Checkboxes for several choices; the answer is the array of chosen values in option order.

use leptos::prelude::*;
use serde_json::Value;

use super::field_ctx::FieldCtx;
use super::fieldset_group::FieldsetGroup;

/// A fieldset of checkboxes.
#[component]
pub fn Checkboxes(ctx: FieldCtx) -> impl IntoView {
    let options = ctx.field.options.clone().unwrap_or_default();
    let order: Vec<String> = options.iter().map(|o| o.value.clone()).collect();
    let items = options
        .into_iter()
        .enumerate()
        .map(|(i, option)| {
            let id = if i == 0 { ctx.id.clone() } else { format!("{}-{}", ctx.id, i + 1) };
            let (c1, c2, c3) = (ctx.clone(), ctx.clone(), ctx.clone());
            let (v1, v2) = (option.value.clone(), option.value.clone());
            let order = order.clone();
            let hint = option.hint.clone();
            let label = option.label.clone();
            let hint_id = format!("{id}-item-hint");
            view! {
                <div class="antrag-checkboxes__item">
                    <input
                        class="antrag-checkboxes__input"
                        id=id.clone()
                        name=ctx.name.clone()
                        type="checkbox"
                        value=option.value.clone()
                        checked=chosen(&ctx.value.get_untracked()).contains(&option.value)
                        aria-describedby=hint.is_some().then(|| hint_id.clone())
                        prop:checked=move || chosen(&c1.value.get()).contains(&v1)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            let mut set = chosen(&c2.value.get_untracked());
                            set.retain(|v| *v != v2);
                            if on {
                                set.push(v2.clone());
                            }
                            set.sort_by_key(|v| order.iter().position(|o| o == v));
                            c2.set(if set.is_empty() { Value::Null } else { Value::from(set) });
                        }
                    />
                    <label class="antrag-label antrag-checkboxes__label" for=id>{move || c3.text(&label)}</label>
                    {hint.map(|h| {
                        let c = ctx.clone();
                        view! { <div class="antrag-hint antrag-checkboxes__hint" id=hint_id>{move || c.text(&h)}</div> }
                    })}
                </div>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <FieldsetGroup ctx=ctx>
            <div class="antrag-checkboxes">{items}</div>
        </FieldsetGroup>
    }
}

fn chosen(value: &Option<Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}
