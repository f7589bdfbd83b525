//! The studio's page: where files come in, the report and the problems, the definition as
//! text, and the live form with its payload.

use leptos::prelude::*;

use super::editor::Editor;
use super::payload::PayloadPanel;
use super::preview::PreviewPanel;
use super::problems::Problems;
use super::report::ImportReport;
use super::source::Source;
use super::Workspace;

/// The whole studio.
#[component]
pub fn Studio() -> impl IntoView {
    let ws = Workspace::new();
    view! {
        <header class="studio-header">
            <div class="studio-header__inner">
                <h1 class="studio-header__title">"Antrag Studio"</h1>
                <p class="studio-header__lead">
                    "FIM-Export oder Antrag-Definition prüfen und als Formular ansehen. Alles geschieht in diesem Browser; nichts wird hochgeladen."
                </p>
            </div>
        </header>
        <main class="studio-main" id="studio-main">
            <div class="studio-column studio-column--source">
                <Source ws=ws />
                <ImportReport ws=ws />
                <Problems ws=ws />
                <Editor ws=ws />
            </div>
            <div class="studio-column studio-column--preview">
                <PreviewPanel ws=ws />
                <PayloadPanel ws=ws />
            </div>
        </main>
    }
}
