//! A form: its definition checked, the state started where the page says, and the current
//! screen. Browser Back/Forward move between screens (history entries per screen).

use leptos::prelude::*;

use super::confirmation::ConfirmationPage;
use super::resume::ResumePage;
use super::review::ReviewPage;
use super::step::StepPage;
use crate::i18n::t;
use crate::page_data::FormData;
use crate::state::{FormState, Screen};

/// A loaded form. A definition that does not even parse shows a plain message (the server
/// lints every definition before it serves one). `embedded`: the instance name of a widget on
/// another site (its DOM ids start with it).
#[component]
pub fn FormPage(
    data: FormData,
    lang: RwSignal<String>,
    languages: RwSignal<Vec<String>>,
    #[prop(optional)] embedded: Option<String>,
) -> impl IntoView {
    let config = use_context::<crate::config::ClientConfig>().unwrap_or_default();
    let prefix = embedded.map(|instance| format!("{instance}-")).unwrap_or_else(|| "f-".to_owned());
    match antrag_core::trusted::definition(data.definition) {
        Ok(def) => {
            let form = antrag_core::Form::trusted(def);
            view! { <FormFlow form=form lang=lang languages=languages config=config transport=data.transport start=data.start prefix=prefix /> }
                .into_any()
        }
        Err(problem) => {
            leptos::logging::error!("definition rejected: {problem}");
            view! { <UnavailablePage lang=lang status=0 invalid=true /> }.into_any()
        }
    }
}

/// A form that could not be loaded (`status` 0: no connection), or whose definition is broken
/// (`invalid`): a plain message, and a way to try again.
#[component]
pub fn UnavailablePage(lang: RwSignal<String>, status: u16, invalid: bool) -> impl IntoView {
    if let Some(e) = use_context::<crate::embedding::Embedding>() {
        Effect::new(move |_| e.emit("antrag:error", &serde_json::json!({ "kind": "load", "status": status })));
    }
    if invalid {
        return view! { <div class="antrag-notice antrag-notice--error" role="alert"><p>{move || t(&lang.get(), "load.invalid")}</p></div> }
            .into_any();
    }
    view! {
        <div class="antrag-notice antrag-notice--error" role="alert">
            <p>{move || t(&lang.get(), "load.failed")}</p>
            <a class="antrag-button" href="" on:click=move |ev| {
                ev.prevent_default();
                crate::dom::reload();
            }>
                {move || t(&lang.get(), "load.retry")}
            </a>
        </div>
    }
    .into_any()
}

/// The screens of a loaded form.
#[component]
fn FormFlow(
    form: antrag_core::Form,
    lang: RwSignal<String>,
    languages: RwSignal<Vec<String>>,
    config: crate::config::ClientConfig,
    transport: Option<crate::fit::Transport>,
    start: crate::page_data::FormStart,
    prefix: String,
) -> impl IntoView {
    let known = transport.is_some();
    let transport = transport.unwrap_or_default();
    // The form's own languages are offered; the UI falls back to German strings where it has
    // no locale file.
    let offered = form.def().languages.clone();
    if !offered.contains(&lang.get_untracked()) {
        lang.set(form.def().default_language.clone());
    }
    if languages.with_untracked(|l| l != &offered) {
        languages.set(offered);
    }
    let state = FormState::new(form, lang, &prefix, config, start);
    state.start(transport);
    if !known && crate::dom::window().is_some() {
        // A prerendered widget: how the form is sent is asked now (it renders the same).
        let (config, id) = (state.config.get_value(), state.form.with_value(|f| f.def().id.clone()));
        leptos::task::spawn_local(async move {
            if let Ok(transport) = crate::api::transport(&config, &id).await {
                state.sending.use_transport(transport);
            }
        });
    }
    // The language switch keeps the screen when it asks the server for another language.
    if let Some(slug) = use_context::<crate::components::language_switch::ScreenSlug>() {
        slug.0.set(state.screen_slug(&state.nav.screen.get_untracked()));
        Effect::new(move |_| slug.0.set(state.screen_slug(&state.nav.screen.get())));
    }

    // Each screen gets fresh DOM (keyed), never an in-place patch of the previous one: a
    // translator or extension may have replaced text nodes, and patching those would leave
    // stale text on screen.
    let key = move || match (state.drafts.resume.get(), state.nav.screen.get()) {
        (Some(_), _) => "resume".to_owned(),
        (None, Screen::Step(i)) => format!("step-{i}"),
        (None, Screen::Review) => "review".to_owned(),
        (None, Screen::Done(_)) => "done".to_owned(),
    };
    // A FIT-Connect form encrypts on the citizen's device: without JavaScript it says so (the
    // server renders this; once the app runs it goes).
    let needs_js = matches!(state.sending.transport.get_value(), crate::fit::Transport::FitConnect(_));
    let running = RwSignal::new(false);
    Effect::new(move |_| running.set(true));
    view! {
        <Show when=move || needs_js && !running.get()>
            <div class="antrag-notice antrag-notice--warning" data-needs-javascript="">
                <p>{move || t(&lang.get(), "fit.needs_javascript")}</p>
            </div>
        </Show>
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
