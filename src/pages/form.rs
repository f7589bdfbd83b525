//! A form: load its definition, check it with antrag-core, then show the current screen.
//! Browser Back/Forward move between screens (history entries per screen).

use leptos::prelude::*;

use super::confirmation::ConfirmationPage;
use super::resume::ResumePage;
use super::review::ReviewPage;
use super::step::StepPage;
use crate::api::{self, ApiError};
use crate::i18n::t;
use crate::state::{FormState, Screen};

/// Load and show form `id`.
#[component]
pub fn FormPage(id: String, lang: RwSignal<String>, languages: RwSignal<Vec<String>>) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let config = use_context::<crate::config::ClientConfig>().unwrap_or_default();
    let loaded = {
        let config = config.clone();
        LocalResource::new(move || {
            reload.track();
            let (id, config) = (id.clone(), config.clone());
            async move {
                // Both at once (boot.js has usually asked for them already).
                let (definition, transport) =
                    futures::future::join(api::definition(&config, &id), api::transport(&config, &id)).await;
                Ok::<_, ApiError>((definition?, transport?))
            }
        })
    };
    view! {
        <Suspense fallback=move || view! { <p class="antrag-loading">{t(&lang.get(), "load.loading")}</p> }>
            {move || {
                loaded.get().map(|result| match result {
                    Ok((json, transport)) => match api::parse_definition(&json) {
                        Ok(form) => view! { <FormFlow form=form lang=lang languages=languages config=config.clone() transport=transport /> }.into_any(),
                        Err(problem) => {
                            leptos::logging::error!("definition rejected: {problem}");
                            view! { <div class="antrag-notice antrag-notice--error" role="alert"><p>{t(&lang.get(), "load.invalid")}</p></div> }.into_any()
                        }
                    },
                    Err(ApiError::Status { status: 404, .. }) => {
                        emit_load_error(404);
                        view! { <super::not_found::NotFoundPage lang=lang /> }.into_any()
                    }
                    Err(error) => {
                        emit_load_error(match error { ApiError::Status { status, .. } => status, _ => 0 });
                        view! {
                        <div class="antrag-notice antrag-notice--error" role="alert">
                            <p>{t(&lang.get(), "load.failed")}</p>
                            <button type="button" class="antrag-button" on:click=move |_| reload.update(|n| *n += 1)>
                                {t(&lang.get(), "load.retry")}
                            </button>
                        </div>
                    }
                    .into_any()
                    }
                })
            }}
        </Suspense>
    }
}

/// An embedded widget tells its host that the form could not be loaded.
fn emit_load_error(status: u16) {
    if let Some(e) = use_context::<crate::embedding::Embedding>() {
        e.emit("antrag:error", &serde_json::json!({ "kind": "load", "status": status }));
    }
}

/// The screens of a loaded form.
#[component]
fn FormFlow(
    form: antrag_core::Form,
    lang: RwSignal<String>,
    languages: RwSignal<Vec<String>>,
    config: crate::config::ClientConfig,
    transport: crate::fit::Transport,
) -> impl IntoView {
    // The form's own languages are offered; the UI falls back to German strings where it has
    // no locale file.
    let offered = form.def().languages.clone();
    if !offered.contains(&lang.get_untracked()) {
        lang.set(form.def().default_language.clone());
    }
    languages.set(offered);
    let prefix = if use_context::<crate::embedding::Embedding>().is_some() {
        format!("{}-", config.instance)
    } else {
        "f-".to_owned()
    };
    let state = FormState::new(form, lang, &prefix, config, crate::dom::today());
    state.start(transport);

    // Each screen gets fresh DOM (keyed), never an in-place patch of the previous one: a
    // translator or extension may have replaced text nodes, and patching those would leave
    // stale text on screen.
    let key = move || match (state.drafts.resume.get(), state.nav.screen.get()) {
        (Some(_), _) => "resume".to_owned(),
        (None, Screen::Step(i)) => format!("step-{i}"),
        (None, Screen::Review) => "review".to_owned(),
        (None, Screen::Done(_)) => "done".to_owned(),
    };
    view! {
        <For each=move || [key()] key=|k| k.clone() let:_screen>
            {match (state.drafts.resume.get_untracked(), state.nav.screen.get_untracked()) {
                (Some(offer), _) => view! { <ResumePage state=state offer=offer /> }.into_any(),
                (None, Screen::Step(index)) => view! { <StepPage state=state index=index /> }.into_any(),
                (None, Screen::Review) => view! { <ReviewPage state=state /> }.into_any(),
                (None, Screen::Done(receipt)) => view! { <ConfirmationPage state=state receipt=receipt /> }.into_any(),
            }}
        </For>
    }
}
