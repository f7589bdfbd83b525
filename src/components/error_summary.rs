//! The error summary at the top of a step: it takes focus when "next" or "send" finds
//! problems (so screen reader users hear how many and which), and each link moves focus to the
//! field's input with its label or legend scrolled into view.

use antrag_core::{FieldPath, Issue, Node};
use leptos::prelude::*;

use crate::dom;
use crate::format;
use crate::i18n::t;
use crate::state::FormState;

/// The summary, when there are flagged errors on the screen.
#[component]
pub fn ErrorSummary(state: FormState) -> impl IntoView {
    let issues = Memo::new(move |_| state.shown_summary());
    let summary_id = state.dom_id(&FieldPath::root().key("summary"));
    // Take focus when "next"/"send" finds problems — on a change of the counter only, not when
    // a summary appears on a newly shown step.
    Effect::new({
        let summary_id = summary_id.clone();
        move |previous: Option<u32>| {
            let now = state.nav.summary_focus.get();
            // Also once on arrival, when the page came with errors (the server's answer to a
            // step sent without JavaScript, hydrated).
            let arrived = previous.is_none() && state.nav.focus_summary_on_arrival.get_value();
            if arrived {
                state.nav.focus_summary_on_arrival.set_value(false);
            }
            if arrived || previous.is_some_and(|p| p != now) {
                let id = summary_id.clone();
                request_animation_frame(move || {
                    dom::focus_id(&id, None);
                });
            }
            now
        }
    });
    view! {
        <Show when=move || !issues.get().is_empty()>
            <div class="antrag-error-summary" id=summary_id.clone() tabindex="-1" aria-labelledby=format!("{summary_id}-title")>
                <h2 class="antrag-error-summary__title" id=format!("{summary_id}-title")>{move || t(&state.lang.get(), "summary.title")}</h2>
                <ul class="antrag-error-summary__list">
                    // Keyed: a keystroke that changes one error re-renders one item, not hundreds.
                    <For
                        each=move || issues.get()
                        key=|issue| format!("{}|{:?}", issue.path, issue.error)
                        children=move |issue| view! { <SummaryItem state=state issue=issue /> }
                    />
                </ul>
            </div>
        </Show>
    }
}

/// One linked error.
#[component]
fn SummaryItem(state: FormState, issue: Issue) -> impl IntoView {
    let id = state.dom_id(&issue.path);
    // The field on this screen, or (on the answer summary) on its step: a change link.
    let step = state.form.with_value(|f| antrag_core::steps::step_of_path(f.def(), &issue.path)).unwrap_or(0);
    let href = if state.nav.screen.get_untracked() == crate::state::Screen::Step(step) {
        format!("#{id}")
    } else {
        state.page_url(&crate::state::Screen::Step(step), Some(&issue.path))
    };
    let path = issue.path.clone();
    let message = {
        let issue = issue.clone();
        move || message(state, &issue)
    };
    view! {
        <li>
            <a
                class="antrag-error-summary__link"
                href=href
                on:click=move |ev| {
                    ev.prevent_default();
                    // On the summary page (e.g. after the server found a problem) the field is on
                    // another step: go there, like a change link.
                    if !dom::focus_id(&id, Some(&format!("{id}-label"))) {
                        state.change(&path);
                    }
                }
            >
                {message}
            </a>
        </li>
    }
}

/// The message of an issue, as the field shows it.
pub fn message(state: FormState, issue: &Issue) -> String {
    let lang = state.lang.get();
    state.form.with_value(|f| {
        let def = f.def();
        match f.node(&issue.path.static_path()) {
            Some(Node::Field(field)) => format::error_message(
                &lang,
                def,
                &field.label,
                Some(field),
                Some(antrag_core::select_widget(field)),
                &issue.error,
            ),
            Some(Node::Group(group)) => format::error_message(&lang, def, &group.label, None, None, &issue.error),
            None => format::error_message(&lang, def, &def.title, None, None, &issue.error),
        }
    })
}
