//! File upload: a native file input (keyboard and screen reader friendly) inside a drop zone,
//! a list of uploaded files with "remove", and per-file progress. Files upload as soon as they
//! are chosen; the answer holds the server's references (id, size, sniffed type, checksum).

use antrag_core::FileRef;
use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::JsCast;

use super::error_message::ErrorMessage;
use super::field_ctx::FieldCtx;
use super::legal_basis::LegalBasis;
use crate::api::{self, UploadError};
use crate::form_post::{self, Action};
use crate::format;
use crate::i18n::{t, tf};

/// An upload in progress.
#[derive(Clone, Debug, PartialEq)]
struct Pending {
    id: u32,
    name: String,
    progress: f64,
    failed: Option<String>,
}

fn files_of(value: &Option<Value>) -> Vec<FileRef> {
    value.as_ref().and_then(|v| serde_json::from_value(v.clone()).ok()).unwrap_or_default()
}

/// A file for a FIT-Connect form: checked here against the field's limits (the core checks
/// the reference again), kept in the browser under a fresh UUID; never uploaded in plain text.
async fn keep_local(ctx: &FieldCtx, file: &web_sys::File) -> Result<FileRef, UploadError> {
    let size = file.size() as u64;
    let media_type = crate::file_store::media_type(file).await;
    antrag_core::check_file(&ctx.field, size, &media_type).map_err(|error| match error {
        antrag_core::ErrorCode::FileTooLarge { .. } => UploadError::Size,
        _ => UploadError::Type,
    })?;
    let id = crate::dom::uuid();
    crate::file_store::keep_file(
        &id,
        file.clone(),
        ctx.state.drafts.store.with_value(crate::draft::DraftStore::keep_until),
    );
    Ok(FileRef { id, name: file.name(), size, media_type, sha512: None })
}

/// The upload widget.
#[component]
pub fn FileUpload(ctx: FieldCtx) -> impl IntoView {
    let pending = RwSignal::new(Vec::<Pending>::new());
    let announce = RwSignal::new(String::new());
    let counter = StoredValue::new(0u32);
    let max_files = ctx.field.constraints.max_files.unwrap_or(1) as usize;
    let accept = (!ctx.field.constraints.media_types.is_empty()).then(|| ctx.field.constraints.media_types.join(","));
    let dragging = RwSignal::new(false);

    let start_uploads = {
        let ctx = ctx.clone();
        move |files: web_sys::FileList| {
            let (form_id, version) = ctx.state.form.with_value(|f| (f.def().id.clone(), f.def().version.clone()));
            let field_path = ctx.path.static_path();
            for i in 0..files.length() {
                let Some(file) = files.get(i) else { continue };
                let already = files_of(&ctx.value.get_untracked()).len()
                    + pending.with_untracked(|p| p.iter().filter(|p| p.failed.is_none()).count());
                if already >= max_files {
                    break;
                }
                let id = counter.get_value() + 1;
                counter.set_value(id);
                let name = file.name();
                pending.update(|p| p.push(Pending { id, name: name.clone(), progress: 0.0, failed: None }));
                let (ctx, form_id, version, field_path) =
                    (ctx.clone(), form_id.clone(), version.clone(), field_path.clone());
                leptos::task::spawn_local(async move {
                    let on_progress = move |f: f64| {
                        pending.update(|p| p.iter_mut().filter(|p| p.id == id).for_each(|p| p.progress = f))
                    };
                    let config = ctx.state.config.get_value();
                    let result =
                        if matches!(ctx.state.sending.transport.get_value(), crate::fit::Transport::FitConnect(_)) {
                            // FIT-Connect: the file stays in this browser until it is encrypted.
                            keep_local(&ctx, &file).await
                        } else {
                            api::upload(&config, &form_id, &version, &field_path, &file, on_progress).await
                        };
                    let lang = ctx.lang();
                    match result {
                        Ok(reference) => {
                            pending.update(|p| p.retain(|p| p.id != id));
                            let mut current = files_of(&ctx.value.get_untracked());
                            current.push(reference);
                            ctx.set(serde_json::to_value(current).unwrap_or(Value::Null));
                            announce.set(tf(&lang, "file.uploaded", &[("name", &name)]));
                        }
                        Err(error) => {
                            let reason = t(
                                &lang,
                                match error {
                                    UploadError::Type => "file.failed_type",
                                    UploadError::Size => "file.failed_size",
                                    UploadError::Network | UploadError::Status(_) => "file.failed_network",
                                },
                            );
                            let message = tf(&lang, "file.failed", &[("name", &name), ("reason", &reason)]);
                            pending.update(|p| {
                                p.iter_mut().filter(|p| p.id == id).for_each(|p| p.failed = Some(message.clone()))
                            });
                            announce.set(message);
                        }
                    }
                });
            }
        }
    };

    let on_change = {
        let start = start_uploads.clone();
        move |ev: leptos::ev::Event| {
            let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
            if let Some(files) = input.files() {
                start(files);
            }
            input.set_value("");
        }
    };
    let on_drop = {
        let start = start_uploads.clone();
        move |ev: leptos::ev::DragEvent| {
            ev.prevent_default();
            dragging.set(false);
            if let Some(files) = ev.data_transfer().and_then(|d| d.files()) {
                start(files);
            }
        }
    };

    let remove = {
        let ctx = ctx.clone();
        move |file_id: String, name: String| {
            crate::file_store::forget_file(&file_id);
            let mut current = files_of(&ctx.value.get_untracked());
            current.retain(|f| f.id != file_id);
            ctx.set(if current.is_empty() {
                Value::Null
            } else {
                serde_json::to_value(current).unwrap_or(Value::Null)
            });
            announce.set(tf(&ctx.lang(), "file.removed", &[("name", &name)]));
            let _ = crate::dom::focus_id(&ctx.id, None);
        }
    };

    let limits = {
        let ctx = ctx.clone();
        move || {
            let lang = ctx.lang();
            let c = &ctx.field.constraints;
            let types: Vec<String> = c.media_types.iter().map(|m| format::media_type(&lang, m)).collect();
            let size = c.max_size.map(|s| format::size(&lang, s));
            match (types.is_empty(), size) {
                (false, Some(size)) if !says_limits(&ctx.hint().unwrap_or_default(), &types, &size) => {
                    Some(tf(&lang, "file.limits", &[("types", &format::or_list(&lang, &types)), ("size", &size)]))
                }
                _ => None,
            }
        }
    };
    let (c_class, c_label, c_marker, c_hint, c_list, c_full, c_desc, c_choose) =
        (ctx.clone(), ctx.clone(), ctx.clone(), ctx.clone(), ctx.clone(), ctx.clone(), ctx.clone(), ctx.clone());
    let c_pending = ctx.clone();
    let c_name = ctx.name.clone();
    let hint_id = format!("{}-hint", ctx.id);
    let legal = ctx.field.legal_basis.clone().map(|basis| view! { <LegalBasis state=ctx.state basis=basis /> });
    let id = ctx.id.clone();
    let full = move || files_of(&c_full.value.get()).len() >= max_files;

    view! {
        <div class=move || if c_class.has_error.get() { "antrag-form-group antrag-form-group--error" } else { "antrag-form-group" }>
            <label class="antrag-label" for=id.clone() id=format!("{id}-label")>
                {move || c_label.label()}
                <span class="antrag-label__optional">{move || c_marker.optional_marker()}</span>
            </label>
            <div class="antrag-hint" id=hint_id.clone()>
                {move || c_hint.hint()}
                {move || limits().map(|l| view! { <span class="antrag-file__limits">" "{l}</span> })}
            </div>
            <ErrorMessage ctx=ctx.clone() />
            <ul class="antrag-file__list">
                {move || {
                    files_of(&c_list.value.get())
                        .into_iter()
                        .map(|f| {
                            let remove = remove.clone();
                            let lang = c_list.lang();
                            let (file_id, name) = (f.id.clone(), f.name.clone());
                            let action = Action::RemoveFile(c_list.path.clone(), f.id.clone()).value();
                            view! {
                                <li class="antrag-file__item">
                                    <span class="antrag-file__name" translate="no">{f.name.clone()}</span>
                                    <span class="antrag-file__size">" (" {format::size(&lang, f.size)} ")"</span>
                                    <button
                                        type="submit"
                                        name=form_post::ACTION
                                        value=action
                                        class="antrag-button antrag-button--link"
                                        on:click=move |ev| {
                                            ev.prevent_default();
                                            remove(file_id.clone(), name.clone());
                                        }
                                    >
                                        {t(&lang, "file.remove")}
                                        <span class="antrag-visually-hidden">" " {f.name.clone()}</span>
                                    </button>
                                </li>
                            }
                        })
                        .collect::<Vec<_>>()
                }}
                {move || {
                    pending
                        .get()
                        .into_iter()
                        .map(|p| {
                            let lang = c_pending.lang();
                            let percent = (p.progress * 100.0).round() as u32;
                            match p.failed {
                                Some(message) => view! { <li class="antrag-file__item antrag-file__item--failed">{message}</li> }.into_any(),
                                None => view! {
                                    <li class="antrag-file__item">
                                        <span>{tf(&lang, "file.uploading", &[("name", &p.name), ("percent", &percent.to_string())])}</span>
                                        <progress class="antrag-file__progress" max="100" value=percent.to_string() aria-hidden="true"></progress>
                                    </li>
                                }
                                .into_any(),
                            }
                        })
                        .collect::<Vec<_>>()
                }}
            </ul>
            <div
                class=move || if dragging.get() { "antrag-file__drop antrag-file__drop--active" } else { "antrag-file__drop" }
                class:antrag-file__drop--hidden=full
                on:dragover=move |ev: leptos::ev::DragEvent| {
                    ev.prevent_default();
                    dragging.set(true);
                }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop
            >
                <input
                    class="antrag-file__input"
                    id=id.clone()
                    name=c_name.clone()
                    type="file"
                    accept=accept
                    multiple={max_files > 1}
                    disabled=full
                    aria-describedby=move || {
                        let mut ids = vec![hint_id.clone()];
                        if c_desc.has_error.get() {
                            ids.push(format!("{}-error", c_desc.id));
                        }
                        Some(ids.join(" "))
                    }
                    on:change=on_change
                />
                <span class="antrag-file__drop-text" aria-hidden="true">{move || t(&c_choose.lang(), "file.drop")}</span>
            </div>
            <div class="antrag-visually-hidden" aria-live="polite">{move || announce.get()}</div>
            {legal}
        </div>
    }
}

/// Whether a definition's own hint already names every allowed type and the largest size
/// (as shown: "PDF", "20 MB"), so the limits are not said twice.
fn says_limits(hint: &str, types: &[String], size: &str) -> bool {
    let hint = hint.to_lowercase();
    hint.contains(&size.to_lowercase()) && types.iter().all(|t| hint.contains(&t.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::says_limits;

    #[test]
    fn limits_are_said_once() {
        let types = ["PDF".to_owned(), "JPG".to_owned(), "PNG".to_owned()];
        // Sondernutzung, "Lageplan": the hint says it all.
        assert!(says_limits(
            "Wo genau soll die Fläche genutzt werden? PDF, JPG oder PNG, höchstens 20 MB.",
            &types,
            "20 MB"
        ));
        assert!(says_limits("pdf, jpg or png, at most 20 mb", &types, "20 MB"));
        // A hint that says less (or nothing) gets the limits added.
        assert!(!says_limits("Wo genau soll die Fläche genutzt werden?", &types, "20 MB"));
        assert!(!says_limits("PDF oder JPG, höchstens 20 MB", &types, "20 MB"));
        assert!(!says_limits("PDF, JPG oder PNG, höchstens 10 MB", &types, "20 MB"));
        assert!(!says_limits("", &types, "20 MB"));
    }
}
