//! A form: load its definition, check it with antrag-core, then show the current screen.
//! Browser Back/Forward move between screens (history entries per screen).

use leptos::prelude::*;

use super::confirmation::ConfirmationPage;
use super::resume::ResumePage;
use super::review::ReviewPage;
use super::step::StepPage;
use crate::api::{self, ApiError};
use crate::dom;
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
    if let Some(e) = use_context::<crate::embed::Embedding>() {
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
    let prefix = if use_context::<crate::embed::Embedding>().is_some() {
        format!("{}-", config.instance)
    } else {
        "f-".to_owned()
    };
    let state = FormState::new(form, lang, &prefix, config, crate::dom::today());
    if matches!(transport, crate::fit::Transport::FitConnect(_)) {
        // Files kept for drafts that have expired since go now.
        leptos::task::spawn_local(crate::file_store::purge_expired());
    }
    state.transport.set_value(transport);

    // Restore the screen from the history entry (reload).
    let initial = web_sys::window()
        .and_then(|w| w.history().ok())
        .and_then(|h| h.state().ok())
        .and_then(|s| dom::js_to_json(&s))
        .and_then(|s| state.screen_from_history(&s))
        .filter(|s| matches!(s, Screen::Step(_)))
        .unwrap_or(Screen::Step(0));
    state.screen.set(initial.clone());
    // Record the first screen in the current entry (merged with what the host keeps there), so
    // Back from the next step finds it.
    dom::replace_state(&state.history_state(&initial), None);
    state.offer_resume();

    // What the host hands in: identity, prefill, credential.
    if let Some(host) = use_context::<crate::embed::HostData>() {
        Effect::new(move |_| {
            let (identity, prefill) = (host.identity.get(), host.prefill.get());
            if identity.is_empty() && prefill.is_empty() {
                return;
            }
            let form = state.form.get_value();
            state.answers.update(|a| crate::embed::apply_host_data(&form, a, &identity, &prefill));
        });
        Effect::new(move |_| {
            let value = host.auth_value.get();
            state.config.update_value(|c| {
                if let Some((_, v)) = c.auth.as_mut() {
                    *v = value.clone().unwrap_or_default();
                }
            });
        });
    }
    state.form.with_value(|f| {
        state.emit("antrag:ready", serde_json::json!({ "form": f.def().id, "version": f.def().version, "instance": state.config.with_value(|c| c.instance.clone()) }))
    });
    Effect::new(move |_| {
        let screen = state.screen.get();
        let detail = state.form.with_value(|f| {
            let steps = f.def().steps();
            match &screen {
                Screen::Step(i) => serde_json::json!({ "screen": "step", "index": i, "id": steps.get(*i).map(|s| s.id), "count": steps.len() }),
                Screen::Review => serde_json::json!({ "screen": "review" }),
                Screen::Done(_) => serde_json::json!({ "screen": "done" }),
            }
        });
        state.emit("antrag:step-changed", detail);
    });

    // Autosave after changes (not on arrival: an untouched form is no draft), once the citizen
    // decided about a found draft.
    Effect::new(move |previous: Option<()>| {
        state.answers.track();
        state.screen.track();
        state.pending.track();
        if previous.is_some() && state.resume.get().is_none() {
            state.save_soon();
        }
    });
    let _ = window_event_listener(leptos::ev::storage, move |ev| state.on_storage(ev.key(), ev.new_value()));
    let _ = window_event_listener(leptos::ev::online, move |_| state.on_online());

    let _ = window_event_listener(leptos::ev::popstate, move |ev| {
        // Once sent, Back never returns to a sendable screen (no double submission).
        if matches!(state.screen.get_untracked(), Screen::Done(_)) {
            dom::replace_state(&state.history_state(&state.screen.get_untracked()), None);
            return;
        }
        if let Some(screen) = dom::js_to_json(&ev.state()).and_then(|s| state.screen_from_history(&s)) {
            if !matches!(screen, Screen::Done(_)) {
                state.go(screen, false);
            }
        }
    });

    // Each screen gets fresh DOM (keyed), never an in-place patch of the previous one: a
    // translator or extension may have replaced text nodes, and patching those would leave
    // stale text on screen.
    let key = move || match (state.resume.get(), state.screen.get()) {
        (Some(_), _) => "resume".to_owned(),
        (None, Screen::Step(i)) => format!("step-{i}"),
        (None, Screen::Review) => "review".to_owned(),
        (None, Screen::Done(_)) => "done".to_owned(),
    };
    view! {
        <For each=move || [key()] key=|k| k.clone() let:_screen>
            {match (state.resume.get_untracked(), state.screen.get_untracked()) {
                (Some(offer), _) => view! { <ResumePage state=state offer=offer /> }.into_any(),
                (None, Screen::Step(index)) => view! { <StepPage state=state index=index /> }.into_any(),
                (None, Screen::Review) => view! { <ReviewPage state=state /> }.into_any(),
                (None, Screen::Done(receipt)) => view! { <ConfirmationPage state=state receipt=receipt /> }.into_any(),
            }}
        </For>
    }
}
