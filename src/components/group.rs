//! A group of questions in a fieldset; repeatable groups are handed to [`super::repeat`].

use std::sync::Arc;

use antrag_core::{FieldPath, Group};
use leptos::prelude::*;

use super::legal_basis::LegalBasis;
use super::node::nodes_view;
use super::repeat::Repeat;
use crate::state::FormState;

/// A group: fieldset with the label as legend, or a repeatable list of entries.
#[component]
pub fn GroupView(state: FormState, group: Arc<Group>, path: FieldPath) -> impl IntoView {
    if group.is_list() {
        return view! { <Repeat state=state group=group path=path /> }.into_any();
    }
    let id = state.dom_id(&path);
    let dl = state.form.with_value(|f| f.def().default_language.clone());
    let depth = path.segments().len();
    let (label, hint) = (group.label.clone(), group.hint.clone());
    let hidden = {
        let (path, label) = (path.clone(), label.clone());
        move || state.repeats_step_title(&path, &label)
    };
    let dl2 = dl.clone();
    let hint_id = format!("{id}-hint");
    let legal = group.legal_basis.clone().map(|basis| view! { <LegalBasis state=state basis=basis /> });
    // Top-level groups are sections of the step (h2); deeper ones are sub-sections.
    let heading = move || {
        let text = label.resolve(&state.lang.get(), &dl).to_owned();
        if depth <= 1 {
            view! { <h2 class="antrag-fieldset__heading">{text}</h2> }.into_any()
        } else {
            view! { <h3 class="antrag-fieldset__heading">{text}</h3> }.into_any()
        }
    };
    let describedby = hint.is_some().then(|| hint_id.clone());
    let label_id = format!("{id}-label");
    view! {
        <fieldset class="antrag-group" id=id aria-describedby=describedby>
            <legend class=move || if hidden() { "antrag-group__legend antrag-visually-hidden" } else { "antrag-group__legend" } id=label_id>
                {heading}
            </legend>
            {hint.map(|h| view! { <div class="antrag-hint" id=hint_id>{move || h.resolve(&state.lang.get(), &dl2).to_owned()}</div> })}
            {legal}
            {nodes_view(state, &group.items, &path)}
        </fieldset>
    }
    .into_any()
}
