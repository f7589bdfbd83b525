//! Lint's verdict on the definition: every problem with its JSON pointer; choosing one selects
//! its place in the text and shows its question in the preview.

use leptos::prelude::*;

use super::{Verdict, Workspace};

/// The problems, or that there are none.
#[component]
pub fn Problems(ws: Workspace) -> impl IntoView {
    view! {
        <section class="studio-panel" aria-labelledby="studio-problems-title" id="studio-problems">
            <h2 class="studio-panel__title" id="studio-problems-title">"Prüfung"</h2>
            <div aria-live="polite">
                {move || match ws.verdict.get() {
                    Verdict::Empty => view! { <p class="studio-muted">"Noch keine Definition."</p> }.into_any(),
                    Verdict::Form(_) => view! {
                        <p class="studio-ok" id="studio-lint-ok">"Keine Probleme: die Definition besteht die Prüfung."</p>
                    }.into_any(),
                    Verdict::Problems(problems) => view! {
                        <p class="studio-error">{format!("{} Problem(e) – die Vorschau zeigt die letzte fehlerfreie Fassung.", problems.len())}</p>
                        <ul class="studio-problems">
                            {problems.into_iter().map(|p| {
                                let pointer = p.pointer.clone();
                                view! {
                                    <li>
                                        <button type="button" class="studio-problem" on:click=move |_| ws.choose(pointer.clone())>
                                            <code class="studio-problem__pointer">{if p.pointer.is_empty() { "/".to_owned() } else { p.pointer.clone() }}</code>
                                            " "<span class="studio-code">{p.code}</span>": "{p.message}
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }}
            </div>
        </section>
    }
}
