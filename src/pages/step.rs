//! One step: error summary, progress, title, questions, "next". The step's title becomes the
//! document title, and the heading takes focus when the step changes (screen readers start
//! reading at the new step).

use antrag_core::FieldPath;
use leptos::prelude::*;

use crate::components::draft_notice::DraftNotice;
use crate::components::error_summary::ErrorSummary;
use crate::components::node::step_nodes_view;
use crate::components::progress::Progress;
use crate::components::tab_conflict::TabConflict;
use crate::dom;
use crate::form_post::{self, Action};
use crate::i18n::t;
use crate::state::FormState;

/// The step at `index`.
#[component]
pub fn StepPage(state: FormState, index: usize) -> impl IntoView {
    let (title, intro, nodes, dl, form_title, step_id, version) = state.form.with_value(|f| {
        let def = f.def();
        let steps = def.steps();
        let step = &steps[index.min(steps.len() - 1)];
        (
            step.title.clone(),
            step.intro.cloned(),
            step.nodes.iter().map(|n| (*n).clone()).collect::<Vec<_>>(),
            def.default_language.clone(),
            def.title.clone(),
            step.id.to_owned(),
            def.version.clone(),
        )
    });
    let heading_id = state.dom_id(&FieldPath::root().key("heading"));
    let form_id = state.dom_id(&FieldPath::root().key("form"));
    let first_visible = move || state.shown_steps().first().copied() == Some(index);
    let has_errors = Memo::new(move |_| !state.shown_summary().is_empty());
    {
        let (title, form_title, dl) = (title.clone(), form_title.clone(), dl.clone());
        crate::title::show_title(state.embedding.is_some(), move || {
            let lang = state.lang.get();
            let prefix = if has_errors.get() { t(&lang, "error.title_prefix") } else { String::new() };
            format!(
                "{prefix}{} – {} – {}",
                title.resolve(&lang, &dl),
                form_title.resolve(&lang, &dl),
                t(&lang, "app.name")
            )
        });
    }
    {
        // Focus: a change link's field, else the heading (not on arrival: the page starts at the
        // top anyway), so screen readers start at the new step.
        let heading_id = heading_id.clone();
        Effect::new(move |_| {
            let target = state.nav.focus_target.get_untracked();
            if target.is_some() {
                state.nav.focus_target.set(None);
            }
            if target.is_none() && !state.nav.moved.get_value() {
                return;
            }
            let heading = heading_id.clone();
            request_animation_frame(move || {
                match target {
                    Some(id) => dom::focus_id(&id, Some(&format!("{id}-label"))),
                    None => dom::focus_id(&heading, None),
                };
            });
        });
    }
    let dl2 = dl.clone();
    let form_intro = state.form.with_value(|f| f.def().ui.intro.clone()).filter(|_| index == 0);
    // Without JavaScript the step is a real form: the server takes its fields, checks the step
    // with the same core and answers with the next page (see `form_post`). "Back" is one of its
    // buttons (it keeps what was typed), after the hidden default button.
    view! {
        <form
            class="antrag-form"
            id=form_id
            novalidate
            method="post"
            action=move || state.post_url()
            enctype="multipart/form-data"
            data-settling=move || state.verdict.settling.get().then_some("true")
            on:submit=move |ev| {
                ev.prevent_default();
                state.next(index);
            }
        >
            // Enter in a field means "next", also without JavaScript: the first submit button of a
            // form is the one the browser presses (not "back", "add" or "remove").
            <button type="submit" name=form_post::ACTION value=Action::Next.value() class="antrag-visually-hidden" tabindex="-1" aria-hidden="true"></button>
            <input type="hidden" name=form_post::VERSION value=version />
            <input type="hidden" name=form_post::STEP value=step_id />
            <input type="hidden" name=form_post::BACK_TO_REVIEW value=move || if state.nav.back_to_review.get() { "1" } else { "" } />
            <Show when=move || !first_visible()>
                <button
                    type="submit"
                    name=form_post::ACTION
                    value=Action::Back.value()
                    class="antrag-back-link"
                    on:click=move |ev| {
                        ev.prevent_default();
                        state.back();
                    }
                >
                    {move || t(&state.lang.get(), "nav.back")}
                </button>
            </Show>
            <TabConflict state=state />
            <ErrorSummary state=state />
            <Progress state=state index=index />
            <h1 class="antrag-heading-l" id=heading_id tabindex="-1">{move || title.resolve(&state.lang.get(), &dl).to_owned()}</h1>
            {form_intro.map(|text| {
                let dl = dl2.clone();
                view! { <p class="antrag-body-l antrag-intro">{move || text.resolve(&state.lang.get(), &dl).to_owned()}</p> }
            })}
            {intro.map(|text| {
                let dl = dl2.clone();
                view! { <p class="antrag-intro">{move || text.resolve(&state.lang.get(), &dl).to_owned()}</p> }
            })}
            {step_nodes_view(state, nodes.clone())}
            <DraftNotice state=state />
            <div class="antrag-button-group">
                <button type="submit" class="antrag-button" data-action="next" name=form_post::ACTION value=Action::Next.value()>
                    {move || {
                        let lang = state.lang.get();
                        if state.nav.back_to_review.get() {
                            t(&lang, "nav.back_to_review")
                        } else if state.shown_steps().last() == Some(&index) {
                            t(&lang, "nav.to_review")
                        } else {
                            t(&lang, "nav.next")
                        }
                    }}
                </button>
            </div>
        </form>
    }
}
