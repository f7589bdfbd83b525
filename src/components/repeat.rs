//! A repeatable group: entries "Fahrzeug 1", "Fahrzeug 2", … with add and remove within
//! min..max. After adding, focus moves to the new entry's heading; after removing, to the
//! heading of the entry that took its place (or the add button), and the removal is announced.

use std::sync::Arc;

use antrag_core::{ErrorCode, FieldPath, Group};
use leptos::prelude::*;

use super::node::nodes_view;
use crate::dom;
use crate::form_post::{self, Action};
use crate::format;
use crate::i18n::{t, tf};
use crate::state::FormState;

/// The list of entries with its buttons.
#[component]
pub fn Repeat(state: FormState, group: Arc<Group>, path: FieldPath) -> impl IntoView {
    let id = state.dom_id(&path);
    let dl = state.form.with_value(|f| f.def().default_language.clone());
    let count = {
        let path = path.clone();
        Memo::new(move |_| state.answers.with(|a| antrag_core::answers::entry_count(a, &path)))
    };
    let announce = RwSignal::new(String::new());
    let (min, max) = (group.min as usize, group.max.map(|m| m as usize));

    let entry_label = {
        let (group, dl) = (group.clone(), dl.clone());
        move |n: usize| -> String {
            let lang = state.lang.get();
            match &group.entry_label {
                Some(label) => label.resolve(&lang, &dl).replace("{n}", &n.to_string()),
                None => format!("{} {n}", group.label.resolve(&lang, &dl)),
            }
        }
    };
    let noun = {
        let (group, dl) = (group.clone(), dl.clone());
        move || -> String {
            let lang = state.lang.get();
            match &group.entry_label {
                Some(label) => label.resolve(&lang, &dl).replace("{n}", "").trim().to_owned(),
                None => group.label.resolve(&lang, &dl).to_owned(),
            }
        }
    };

    let add = {
        let (path, id) = (path.clone(), id.clone());
        move |ev: leptos::ev::MouseEvent| {
            ev.prevent_default();
            let index = state.answers.try_update(|a| antrag_core::answers::add_entry(a, &path)).unwrap_or(0);
            let target = format!("{id}-{index}-legend");
            request_animation_frame(move || {
                dom::focus_id(&target, None);
            });
        }
    };
    let remove = {
        let (path, id, entry_label) = (path.clone(), id.clone(), entry_label.clone());
        move |index: usize| {
            let label = entry_label(index + 1);
            state.answers.update(|a| antrag_core::answers::remove_entry(a, &path, index));
            announce.set(tf(&state.lang.get_untracked(), "repeat.removed", &[("entry", &label)]));
            let remaining = count.get_untracked();
            let target = if remaining == 0 { id.clone() } else { format!("{id}-{}-legend", index.min(remaining - 1)) };
            request_animation_frame(move || {
                dom::focus_id(&target, None);
            });
        }
    };

    let group_error = {
        let (error, group) = (state.error_signal(&path), group.clone());
        move || -> Option<String> {
            let error: ErrorCode = error.get()?;
            let lang = state.lang.get();
            Some(state.form.with_value(|f| format::error_message(&lang, f.def(), &group.label, None, None, &error)))
        }
    };
    let error_id = format!("{id}-error");
    let heading = {
        let (group, dl) = (group.clone(), dl.clone());
        move || group.label.resolve(&state.lang.get(), &dl).to_owned()
    };
    let heading_class = {
        let (path, label) = (path.clone(), group.label.clone());
        move || {
            if state.repeats_step_title(&path, &label) {
                "antrag-repeat__title antrag-visually-hidden"
            } else {
                "antrag-repeat__title"
            }
        }
    };
    let hint = group.hint.clone().map(|h| {
        let dl = dl.clone();
        view! { <div class="antrag-hint">{move || h.resolve(&state.lang.get(), &dl).to_owned()}</div> }
    });

    let entries = {
        let (group, path, id) = (group.clone(), path.clone(), id.clone());
        move || {
            (0..count.get())
                .map(|i| {
                    let entry_path = path.index(i);
                    let legend_id = format!("{id}-{i}-legend");
                    let label = entry_label.clone();
                    let remove = remove.clone();
                    let remove_action = Action::Remove(path.clone(), i).value();
                    let can_remove = move || count.get() > min;
                    let remove_label = {
                        let label = entry_label.clone();
                        move || label(i + 1)
                    };
                    view! {
                        <fieldset class="antrag-repeat__entry">
                            <legend class="antrag-repeat__legend" id=legend_id tabindex="-1">
                                <h3 class="antrag-repeat__heading">{move || label(i + 1)}</h3>
                            </legend>
                            {nodes_view(state, &group.items, &entry_path)}
                            <Show when=can_remove>
                                {
                                    let remove = remove.clone();
                                    let remove_label = remove_label.clone();
                                    let remove_action = remove_action.clone();
                                    view! {
                                        <button
                                            type="submit"
                                            name=form_post::ACTION
                                            value=remove_action
                                            class="antrag-button antrag-button--secondary antrag-repeat__remove"
                                            on:click=move |ev| {
                                                ev.prevent_default();
                                                remove(i);
                                            }
                                        >
                                            {move || t(&state.lang.get(), "repeat.remove")}
                                            <span class="antrag-visually-hidden">" " {remove_label.clone()}</span>
                                        </button>
                                    }
                                }
                            </Show>
                        </fieldset>
                    }
                })
                .collect::<Vec<_>>()
        }
    };

    let can_add = move || max.is_none_or(|m| count.get() < m);
    let error_for_class = group_error.clone();
    let label_id = format!("{id}-label");
    let add_action = Action::Add(path.clone()).value();
    let add_button = {
        let (add, noun, id) = (add.clone(), noun.clone(), id.clone());
        move || {
            let (add, noun, id, add_action) = (add.clone(), noun.clone(), id.clone(), add_action.clone());
            view! {
                <button type="submit" name=form_post::ACTION value=add_action class="antrag-button antrag-button--secondary" id=id on:click=add>
                    {move || tf(&state.lang.get(), "repeat.add", &[("entry", &noun())])}
                </button>
            }
        }
    };
    view! {
        <section class=move || if error_for_class().is_some() { "antrag-repeat antrag-form-group--error" } else { "antrag-repeat" } aria-labelledby=label_id.clone()>
            <h2 class=heading_class id=label_id.clone()>{heading}</h2>
            {hint}
            {move || group_error().map(|text| view! {
                <p class="antrag-error-message" id=error_id.clone()>
                    <span class="antrag-visually-hidden">{t(&state.lang.get(), "error.prefix")}" "</span>{text}
                </p>
            })}
            {entries}
            <Show when=can_add>{add_button.clone()}</Show>
            <div class="antrag-visually-hidden" aria-live="polite">{move || announce.get()}</div>
        </section>
    }
}
