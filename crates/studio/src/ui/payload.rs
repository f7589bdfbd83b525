//! What the preview's answers would send: antrag-core's check of them — the payload, or what
//! is still missing.

use leptos::prelude::*;

use super::Workspace;

/// The payload of the preview's answers.
#[component]
pub fn PayloadPanel(ws: Workspace) -> impl IntoView {
    let verdict = move || {
        let form = ws.shown.get()?;
        let ctx = antrag_core::Context::on(antrag::dom::today());
        Some(ws.answers.with(|answers| antrag_core::check(&form, answers, &ctx).map(|v| v.into_inner())))
    };
    view! {
        <section class="studio-panel" aria-labelledby="studio-payload-title">
            <h2 class="studio-panel__title" id="studio-payload-title">"Daten, die gesendet würden"</h2>
            {move || match verdict() {
                None => view! { <p class="studio-muted">"Noch kein Formular."</p> }.into_any(),
                Some(Ok(payload)) => view! {
                    <pre class="studio-payload" id="studio-payload" tabindex="0">{serde_json::to_string_pretty(&payload).unwrap_or_default()}</pre>
                }.into_any(),
                Some(Err(report)) => view! {
                    <p class="studio-muted" id="studio-payload-missing">
                        {format!("Noch nicht vollständig: {} Angabe(n) fehlen oder passen nicht.", report.issues.len())}
                    </p>
                }.into_any(),
            }}
        </section>
    }
}
