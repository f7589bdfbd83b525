//! The live form: the last definition lint found nothing wrong with, rendered by the citizen
//! app's own components (as an embedded widget of this page: no history entries, no draft,
//! "send" sends nothing), with a language switch and valid sample answers.

use std::any::Any;

use antrag::config::ClientConfig;
use antrag::page_data::{FormData, FormStart, StartScreen};
use antrag::pages::form::FormPage;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::{Start, Workspace};

/// The DOM ids of the preview's questions start with this (the widget's instance name).
const INSTANCE: &str = "studio";

/// The toolbar and the form.
#[component]
pub fn PreviewPanel(ws: Workspace) -> impl IntoView {
    let host = NodeRef::<leptos::html::Div>::new();
    let mounted = StoredValue::new_local(None::<Box<dyn Any>>);
    let message = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let (form, start) = (ws.shown.get(), ws.start.get());
        let Some(host) = host.get() else { return };
        // The form before goes first (its effects, its listeners).
        mounted.set_value(None);
        host.set_inner_html("");
        let Some(form) = form else { return };
        let definition = serde_json::to_value(form.def()).unwrap_or_default();
        let languages = RwSignal::new(form.def().languages.clone());
        let focus = start.focus.clone();
        let page_start =
            FormStart { answers: start.answers, screen: start.screen, ..FormStart::new(antrag::dom::today()) };
        let data = FormData { definition, transport: Some(antrag::fit::Transport::Contract), start: page_start };
        let element: web_sys::HtmlElement = host.clone().unchecked_into();
        let container = element.clone();
        let handle = leptos::mount::mount_to(container.clone(), move || {
            provide_context(antrag::embedding::Embedding {
                host: StoredValue::new_local(element.clone()),
                container: StoredValue::new_local(container.clone()),
            });
            provide_context(ClientConfig { drafts: false, instance: INSTANCE.to_owned(), ..ClientConfig::default() });
            provide_context(antrag::preview::Preview { answers: ws.answers });
            view! { <FormPage data=data lang=ws.lang languages=languages embedded=INSTANCE.to_owned() /> }
        });
        mounted.set_value(Some(Box::new(handle)));
        if let Some(path) = focus {
            set_timeout(move || bring_into_view(&path), std::time::Duration::from_millis(0));
        }
    });
    let fill = move |_| {
        let Some(form) = ws.shown.get_untracked() else { return };
        match antrag_core::generate::sample_answers(&form, &antrag_core::Context::on(antrag::dom::today())) {
            Ok(answers) => {
                message.set(None);
                ws.start.set(Start { answers: Some(answers), screen: StartScreen::First, focus: None });
            }
            Err(report) => {
                let first =
                    report.issues.first().map(|i| format!(" ({} {})", i.path, i.error.code())).unwrap_or_default();
                message.set(Some(format!(
                    "Für {} Frage(n) findet sich keine gültige Beispielantwort{first}.",
                    report.issues.len()
                )));
            }
        }
    };
    let languages = move || ws.shown.with(|f| f.as_ref().map(|f| f.def().languages.clone()).unwrap_or_default());
    view! {
        <section class="studio-panel studio-panel--preview" aria-labelledby="studio-preview-title">
            <h2 class="studio-panel__title" id="studio-preview-title">"Vorschau"</h2>
            <div class="studio-toolbar">
                <label class="studio-label" for="studio-lang">"Sprache"</label>
                <select
                    id="studio-lang"
                    class="studio-select"
                    on:change=move |ev| ws.lang.set(event_target_value(&ev))
                    prop:value=move || ws.lang.get()
                >
                    <For each=languages key=|l| l.clone() let:lang>
                        <option value=lang.clone() selected=move || ws.lang.get() == lang>{lang.clone()}</option>
                    </For>
                </select>
                <button type="button" class="antrag-button antrag-button--secondary" id="studio-samples" on:click=fill disabled=move || ws.shown.with(Option::is_none)>
                    "Mit gültigen Beispielantworten füllen"
                </button>
                <button
                    type="button"
                    class="antrag-button antrag-button--secondary"
                    id="studio-restart"
                    disabled=move || ws.shown.with(Option::is_none)
                    on:click=move |_| ws.start.set(Start::default())
                >
                    "Leeren"
                </button>
            </div>
            {move || message.get().map(|m| view! { <p class="studio-error" role="status">{m}</p> })}
            {move || ws.shown.with(Option::is_none).then(|| view! {
                <p class="studio-muted">"Die Vorschau erscheint, sobald eine Definition die Prüfung besteht."</p>
            })}
            <div class="studio-preview antrag" id="studio-preview" node_ref=host></div>
        </section>
    }
}

/// Scroll the question at `path` (a data path without indexes) into view and focus it: the
/// first instance of a repeated question, or its nearest shown group.
fn bring_into_view(path: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let mut keys: Vec<&str> = path.split('.').collect();
    while !keys.is_empty() {
        let dotted = keys.join(".");
        let candidates = [dotted.clone(), dotted.replace('.', "[0].")];
        for candidate in candidates {
            let Ok(p) = antrag_core::path::FieldPath::parse(&candidate) else { continue };
            let id = format!("{INSTANCE}-{}", p.dom_id());
            if let Some(element) = document.get_element_by_id(&id) {
                element.scroll_into_view();
                if let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
                    let _ = element.focus();
                }
                return;
            }
        }
        keys.pop();
    }
}
