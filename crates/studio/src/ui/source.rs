//! Where files come in: dropped on the zone or chosen with the file picker. Code lists are
//! taken first, so that the FIM exports dropped with them resolve them.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::{Note, Workspace};
use crate::load::{self, Kind};

/// The drop zone and file picker, with a message per file.
#[component]
pub fn Source(ws: Workspace) -> impl IntoView {
    let over = RwSignal::new(false);
    // The files are taken out of the list at once: clearing the picker empties its list.
    let take = move |files: Option<web_sys::FileList>| {
        let files: Vec<web_sys::File> =
            files.map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect()).unwrap_or_default();
        if !files.is_empty() {
            leptos::task::spawn_local(read(files, ws));
        }
    };
    view! {
        <section class="studio-panel" aria-labelledby="studio-source-title">
            <h2 class="studio-panel__title" id="studio-source-title">"Dateien"</h2>
            <div
                class="studio-drop"
                class:studio-drop--over=move || over.get()
                on:dragover=move |ev: web_sys::DragEvent| {
                    ev.prevent_default();
                    over.set(true);
                }
                on:dragleave=move |_| over.set(false)
                on:drop=move |ev: web_sys::DragEvent| {
                    ev.prevent_default();
                    over.set(false);
                    take(ev.data_transfer().and_then(|d| d.files()));
                }
            >
                <p class="studio-drop__text">
                    "FIM-Export (XDatenfelder 2.0 oder 3.0, mit Codelisten im genericode-Format) oder Antrag-Definition (JSON) hierher ziehen – oder auswählen:"
                </p>
                <label class="studio-drop__label" for="studio-files">"Dateien auswählen"</label>
                <input
                    class="studio-drop__input"
                    id="studio-files"
                    type="file"
                    multiple
                    accept=".xml,.json,.gc,application/xml,text/xml,application/json"
                    on:change=move |ev| {
                        let input = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
                        take(input.as_ref().and_then(web_sys::HtmlInputElement::files));
                        if let Some(input) = input {
                            input.set_value("");
                        }
                    }
                />
            </div>
            <ul class="studio-notes" aria-live="polite">
                <For each=move || ws.notes.get().into_iter().enumerate() key=|(i, _)| *i let:((_, note))>
                    <li class="studio-notes__item" class:studio-notes__item--failed=note.failed>
                        <strong>{note.file}</strong>": "{note.text}
                    </li>
                </For>
            </ul>
        </section>
    }
}

/// Read every file, code lists first, and take each for what it is.
async fn read(files: Vec<web_sys::File>, ws: Workspace) {
    let mut texts = Vec::new();
    for file in files {
        let text = wasm_bindgen_futures::JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string());
        texts.push((file.name(), text));
    }
    let mut notes = Vec::new();
    let mut kinds: Vec<(String, Option<String>, Kind)> = texts
        .into_iter()
        .map(|(name, text)| {
            let kind = text.as_deref().map_or(Kind::Unknown, load::classify);
            (name, text, kind)
        })
        .collect();
    kinds.sort_by_key(|(_, _, kind)| *kind != Kind::CodeList);
    for (file, text, kind) in kinds {
        let Some(text) = text else {
            notes.push(Note { file, text: "konnte nicht gelesen werden (keine Textdatei?)".into(), failed: true });
            continue;
        };
        let note = match kind {
            Kind::CodeList => {
                let added = ws
                    .lists
                    .try_update_value(|lists| load::add_code_list(lists, &text))
                    .unwrap_or_else(|| Err("the studio was closed".into()));
                match added {
                    Ok(id) => Note { file, text: format!("Codeliste {id} übernommen"), failed: false },
                    Err(e) => Note { file, text: format!("keine lesbare Codeliste: {e}"), failed: true },
                }
            }
            Kind::Fim => {
                let started = now();
                let imported = ws.lists.with_value(|lists| load::import_fim(&text, lists));
                let ms = now() - started;
                match imported {
                    Ok(done) => {
                        ws.import_ms.set(Some(ms));
                        ws.report.set(Some(done.report));
                        ws.load(done.definition);
                        Note { file, text: format!("FIM-Import in {ms:.0} ms"), failed: false }
                    }
                    Err(e) => Note { file, text: format!("nicht importiert: {e}"), failed: true },
                }
            }
            Kind::Definition => {
                ws.report.set(None);
                ws.import_ms.set(None);
                ws.load(text);
                Note { file, text: "Definition geladen".into(), failed: false }
            }
            Kind::Unknown => Note {
                file,
                text: "weder XML noch JSON: erwartet wird ein FIM-Export, eine Codeliste oder eine Definition".into(),
                failed: true,
            },
        };
        notes.push(note);
    }
    ws.notes.set(notes);
}

fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}
