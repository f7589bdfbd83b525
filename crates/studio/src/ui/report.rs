//! The FIM import's report: what the schema held, which rules became checks and which not
//! (with the reason), and every warning.

use leptos::prelude::*;

use super::Workspace;

/// The report of the last import; nothing for a definition dropped as it is.
#[component]
pub fn ImportReport(ws: Workspace) -> impl IntoView {
    move || {
        ws.report.get().map(|report| {
            let translated = report.rules.iter().filter(|r| r.translated).count();
            let rules = report.rules.clone();
            let warnings = report.warnings.clone();
            let ms = ws.import_ms.get().map(|ms| format!("{ms:.0} ms")).unwrap_or_default();
            view! {
                <section class="studio-panel" aria-labelledby="studio-report-title" id="studio-report" data-import-ms=ws.import_ms.get().map(|m| m.to_string())>
                    <h2 class="studio-panel__title" id="studio-report-title">"Importbericht"</h2>
                    <dl class="studio-figures">
                        <div><dt>"Schema"</dt><dd>{report.schema_id.clone()}{report.schema_version.clone().map(|v| format!(" V{v}"))}</dd></div>
                        <div><dt>"XDatenfelder"</dt><dd>{report.xdatenfelder.clone()}" ("{report.message.clone()}")"</dd></div>
                        <div><dt>"Felder"</dt><dd>{report.fields}</dd></div>
                        <div><dt>"Gruppen"</dt><dd>{report.groups}</dd></div>
                        <div><dt>"Schritte"</dt><dd>{report.steps}</dd></div>
                        <div><dt>"Codelisten"</dt><dd>{format!("{} aufgelöst, {} fehlen", report.code_lists_resolved, report.code_lists_missing)}</dd></div>
                        <div><dt>"Regeln"</dt><dd>{format!("{translated} von {} übersetzt", report.rules.len())}</dd></div>
                        <div><dt>"Dauer"</dt><dd>{ms}</dd></div>
                    </dl>
                    {(!rules.is_empty()).then(|| view! {
                        <h3 class="studio-panel__subtitle">"Regeln"</h3>
                        <table class="studio-table">
                            <thead><tr><th scope="col">"Regel"</th><th scope="col">"Stelle"</th><th scope="col">"Übersetzt"</th><th scope="col">"Ergebnis oder Grund"</th></tr></thead>
                            <tbody>
                                {rules.into_iter().map(|r| view! {
                                    <tr class:studio-table__row--open=!r.translated>
                                        <td>{r.id}" "{r.name}</td>
                                        <td><code>{if r.at.is_empty() { "Schema".to_owned() } else { r.at }}</code></td>
                                        <td>{if r.translated { "ja" } else { "nein" }}</td>
                                        <td>{r.note}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    })}
                    <h3 class="studio-panel__subtitle">{format!("Hinweise ({})", warnings.len())}</h3>
                    <ul class="studio-list">
                        {warnings.into_iter().map(|w| view! {
                            <li><code>{w.at}</code>" "<span class="studio-code">{w.code}</span>": "{w.message}</li>
                        }).collect_view()}
                    </ul>
                </section>
            }
        })
    }
}
