//! Check your answers: every visible answer by step with change links, then send.

use antrag_core::FieldPath;
use leptos::prelude::*;

use crate::api::SubmitError;
use crate::components::draft_notice::DraftNotice;
use crate::components::error_summary::ErrorSummary;
use crate::components::fee_table::FeeTable;
use crate::components::summary_list::SummaryList;
use crate::components::tab_conflict::TabConflict;
use crate::dom;
use crate::fit_send::Stage;
use crate::form_post::{self, Action};
use crate::i18n::{t, tf};
use crate::state::{FormState, SendState};

/// The summary and the send button.
#[component]
pub fn ReviewPage(state: FormState) -> impl IntoView {
    let heading_id = state.dom_id(&FieldPath::root().key("heading"));
    let form_title = state.form.with_value(|f| (f.def().title.clone(), f.def().default_language.clone()));
    crate::title::show_title(state.embedding.is_some(), move || {
        let lang = state.lang.get();
        format!(
            "{} – {} – {}",
            t(&lang, "review.title"),
            form_title.0.resolve(&lang, &form_title.1),
            t(&lang, "app.name")
        )
    });
    {
        // The heading takes focus when the citizen comes here (not when the page arrives).
        let id = heading_id.clone();
        Effect::new(move |_| {
            if state.nav.moved.get_value() {
                let id = id.clone();
                request_animation_frame(move || {
                    dom::focus_id(&id, None);
                });
            }
        });
    }
    let steps = move || {
        let visible = state.visible_steps();
        state.form.with_value(|f| {
            let def = f.def();
            def.steps()
                .into_iter()
                .filter(|s| visible.contains(&s.index))
                .map(|s| {
                    (
                        s.title.clone(),
                        s.nodes.iter().map(|n| (*n).clone()).collect::<Vec<_>>(),
                        def.default_language.clone(),
                    )
                })
                .collect::<Vec<_>>()
        })
    };
    // A fee paid before sending: the button says so (the fee itself is in the table above it).
    let charges = state
        .form
        .with_value(|f| f.def().payment.as_ref().is_some_and(|p| p.timing == antrag_core::PaymentTiming::Before));
    let sending = move || {
        matches!(
            state.sending.send.get(),
            SendState::Sending | SendState::Retrying { .. } | SendState::Encrypting(_) | SendState::ToPayment
        )
    };
    let form_id = state.dom_id(&FieldPath::root().key("form"));
    let version = state.form.with_value(|f| f.def().version.clone());
    let back_form = form_id.clone();
    view! {
        <button
            type="submit"
            form=back_form
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
        <TabConflict state=state />
        <ErrorSummary state=state />
        <h1 class="antrag-heading-l" id=heading_id tabindex="-1">{move || t(&state.lang.get(), "review.title")}</h1>
        <p>{move || t(&state.lang.get(), "review.intro")}</p>
        {move || {
            steps()
                .into_iter()
                .map(|(title, nodes, dl)| {
                    view! {
                        <section class="antrag-review__step">
                            <h2 class="antrag-heading-m">{move || title.resolve(&state.lang.get(), &dl).to_owned()}</h2>
                            <SummaryList state=state nodes=nodes path=FieldPath::root() editable=true />
                        </section>
                    }
                })
                .collect::<Vec<_>>()
        }}
        <form class="antrag-form" id=form_id novalidate method="post" action=move || state.post_url() on:submit=move |ev| {
            ev.prevent_default();
            state.submit();
        }>
            <input type="hidden" name=form_post::VERSION value=version />
            <input type="hidden" name=form_post::STEP value=crate::state::navigation::REVIEW_SLUG />
            <DraftNotice state=state />
            <FeeTable state=state />
            <p class="antrag-declaration">{move || t(&state.lang.get(), "review.declaration")}</p>
            <SendStatus state=state />
            <div class="antrag-button-group">
                <button type="submit" class="antrag-button antrag-button--start" data-action="submit" name=form_post::ACTION value=Action::Send.value() aria-disabled=move || sending().then_some("true")>
                    {move || t(&state.lang.get(), if charges { "review.pay_submit" } else { "review.submit" })}
                </button>
            </div>
        </form>
    }
}

/// What is happening with the submission, announced politely.
#[component]
fn SendStatus(state: FormState) -> impl IntoView {
    let message = move || {
        let lang = state.lang.get();
        match state.sending.send.get() {
            SendState::Idle => None,
            SendState::Sending => Some(("antrag-notice", t(&lang, "submit.sending"), false)),
            SendState::ToPayment => Some(("antrag-notice", t(&lang, "submit.to_payment"), false)),
            SendState::Encrypting(stage) => Some((
                "antrag-notice",
                match stage {
                    Stage::Key => t(&lang, "submit.fit_key"),
                    Stage::Attachment { n, total } => {
                        tf(&lang, "submit.fit_attachment", &[("n", &n.to_string()), ("total", &total.to_string())])
                    }
                    Stage::Data => t(&lang, "submit.fit_data"),
                },
                false,
            )),
            SendState::Retrying { seconds } => {
                Some(("antrag-notice", tf(&lang, "submit.retrying", &[("seconds", &seconds.to_string())]), false))
            }
            SendState::Failed(error) => Some(match error {
                SubmitError::Network => ("antrag-notice antrag-notice--error", t(&lang, "submit.offline"), true),
                SubmitError::Rejected(_) => ("antrag-notice antrag-notice--error", t(&lang, "submit.rejected"), false),
                SubmitError::AttachmentUnavailable { .. } => {
                    ("antrag-notice antrag-notice--error", t(&lang, "submit.file_again"), false)
                }
                SubmitError::VersionChanged { .. } => {
                    ("antrag-notice antrag-notice--error", t(&lang, "submit.version_changed"), false)
                }
                SubmitError::Encryption(_) => {
                    ("antrag-notice antrag-notice--error", t(&lang, "submit.fit_encryption"), true)
                }
                SubmitError::Undeliverable(_) => {
                    ("antrag-notice antrag-notice--error", t(&lang, "submit.fit_undeliverable"), true)
                }
                SubmitError::RateLimited { .. } => {
                    ("antrag-notice antrag-notice--error", tf(&lang, "submit.failed", &[("status", "429")]), true)
                }
                SubmitError::Server { status, .. } => (
                    "antrag-notice antrag-notice--error",
                    tf(&lang, "submit.failed", &[("status", &status.to_string())]),
                    true,
                ),
            }),
        }
    };
    // A failure that may pass later (offline, 5xx, 429) offers "send again"; the answers stay
    // on screen above and the same idempotency key is used, so nothing is sent twice.
    view! {
        <div class="antrag-send-status" role="status" aria-live="polite">
            {move || message().map(|(class, text, retry)| view! {
                <div class=class>
                    <p>{text}</p>
                    {retry.then(|| view! {
                        <button type="button" class="antrag-button antrag-button--secondary" data-action="retry" on:click=move |_| state.submit()>
                            {t(&state.lang.get(), "submit.retry")}
                        </button>
                    })}
                </div>
            })}
        </div>
    }
}
