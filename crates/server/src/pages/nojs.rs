//! A form without JavaScript (GOV.UK's progressive enhancement): each step is a real
//! `<form method="post">` (with files, `multipart/form-data`). The server takes the step's
//! fields into the session's answers (`antrag::form_post`, the inverse of the components'
//! control names), runs the same core check as the browser, and answers with the next page
//! (303 See Other, so reload and Back never post again), or with the same page and its errors
//! (422). Buttons: next, back, add or remove an entry, remove a file, send. Sending goes
//! through the same acceptance as the JSON API, stored once.
//!
//! Wrong requests — a changed form version, unknown field names, a step that is not there, a
//! FIT-Connect form (its answers are encrypted in the browser) — get the API's problem, said
//! plainly on a page, never a 500.

use antrag::form_post::{self, Action};
use antrag::page_data::{FormStart, Page, PageData, StartScreen};
use antrag_core::{ErrorCode, FieldPath, FileRef, Issue};
use axum::extract::{ConnectInfo, FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::net::SocketAddr;

use super::{form_language, form_page, load_session, render, session_id, FormQuery, SESSION_COOKIE, SESSION_HOURS};
use crate::catalog::Entry;
use crate::problem::Problem;
use crate::shared::{hex, random_token};
use crate::state::AppState;
use crate::store::FormSession;

/// At most this many parts, and this many bytes per text field, in a posted step.
const MAX_PARTS: usize = 5000;
const MAX_TEXT: usize = 64 * 1024;

/// A posted step: its text fields in order, and the files that came with it (stored, or why
/// not).
#[derive(Default)]
struct Posted {
    fields: Vec<(String, String)>,
    files: Vec<(String, Result<FileRef, ErrorCode>)>,
}

impl Posted {
    fn value(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// `POST /forms/{id}`: a step, or "send" on the answer summary, without JavaScript.
pub async fn post(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    Query(query): Query<FormQuery>,
    request: Request,
) -> Response {
    let headers = request.headers().clone();
    let Some(entry) = state.catalog.current(&id) else { return super::not_found(&state, &headers) };
    let lang = form_language(&entry, query.lang.as_deref(), &headers);
    let problem = |p: Problem| problem_page(&state, &entry, &lang, p);
    if let Err(p) = crate::api::admit(&state, peer, &headers) {
        return problem(p);
    }
    if state.fit.destination_of(&id).is_some() {
        return problem(Problem::new(
            StatusCode::CONFLICT,
            "fit-connect-only",
            "This form is sent over FIT-Connect",
            "answers of this form are encrypted in the browser; it needs JavaScript",
        ));
    }
    let posted = match read(&state, &entry, request).await {
        Ok(posted) => posted,
        Err(p) => return problem(p),
    };
    let def = entry.form.def();
    let action = match posted.value(form_post::ACTION).map(Action::parse) {
        None => Action::Next,
        Some(Some(action)) => action,
        Some(None) => return problem(Problem::bad_request("the button pressed is not one of this form")),
    };
    let (sid, new_session) = match session_id(&headers) {
        Some(sid) => (sid, false),
        None => (random_token(32), true),
    };
    let mut session = load_session(&state, &sid, &entry).await.unwrap_or_else(|| FormSession {
        form_version: def.version.clone(),
        answers: antrag_core::initial_answers(&entry.form),
        receipt: None,
        return_to: None,
        routing: None,
    });
    let step_slug = posted.value(form_post::STEP).unwrap_or_default().to_owned();
    // An application already stored answers first, before the version check (as the JSON
    // API's Idempotency-Key): "send" posted again from a page of an older version — a reload
    // or a retry after the form changed — gets its confirmation, never "the form has changed",
    // which would invite sending it again.
    let on_review = step_slug == antrag::state::navigation::REVIEW_SLUG;
    let sending = on_review && matches!(action, Action::Send);
    if sending && session.receipt.is_none() {
        let (key, _) = idempotency(&sid, &def.id, &session.answers);
        if let Some((_, receipt)) = state.store.by_key(key).await.ok().flatten() {
            session.receipt = Some(crate::api::receipt_json(&receipt));
        }
    }
    let sent_before = sending && session.receipt.is_some();
    let version = posted.value(form_post::VERSION).unwrap_or_default();
    if version != def.version && !sent_before {
        return problem(
            Problem::new(
                StatusCode::CONFLICT,
                "version-changed",
                "The form has changed",
                format!("answers were given for version {version}, the current version is {}", def.version),
            )
            .with("currentVersion", serde_json::json!(def.version)),
        );
    }
    let handled = if on_review {
        summary(&state, &entry, &lang, &sid, &mut session, action, &headers).await
    } else {
        let Some(step) = def.steps().iter().position(|s| s.id == step_slug) else {
            return problem(Problem::bad_request(format!("this form has no step \"{step_slug}\"")));
        };
        if session.receipt.is_some() {
            // Sent before: this is a new application.
            session = FormSession {
                answers: antrag_core::initial_answers(&entry.form),
                receipt: None,
                return_to: None,
                routing: None,
                ..session
            };
        }
        step_post(&state, &entry, &lang, step, &posted, &mut session, action)
    };
    let response = match handled {
        Ok(response) => response,
        Err(p) => return problem(p),
    };
    let expires = state.clock.now() + time::Duration::hours(SESSION_HOURS);
    let saved = state.store.save_form_session(sid.clone(), id, session, crate::clock::rfc3339(expires)).await;
    if let Err(error) = saved {
        return problem(crate::api::internal(error));
    }
    with_session_cookie(response, &sid, new_session)
}

/// Read the posted body: `multipart/form-data` (files are stored as they arrive) or
/// `application/x-www-form-urlencoded`.
async fn read(state: &AppState, entry: &Entry, request: Request) -> Result<Posted, Problem> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let body = crate::api::read_limited(request.into_body(), state.config.max_body_bytes as u64).await?;
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
            .map_err(|_| Problem::bad_request("the form body is not application/x-www-form-urlencoded"))?;
        return Ok(Posted { fields, files: Vec::new() });
    }
    let mut parts = Multipart::from_request(request, state)
        .await
        .map_err(|_| Problem::bad_request("the form body is not multipart/form-data"))?;
    let mut posted = Posted::default();
    let mut count = 0;
    while let Some(part) =
        parts.next_field().await.map_err(|e| Problem::bad_request(format!("the form body broke off: {e}")))?
    {
        count += 1;
        if count > MAX_PARTS {
            return Err(Problem::too_large(state.config.max_body_bytes as u64));
        }
        let name = part.name().unwrap_or_default().to_owned();
        match part.file_name().map(str::to_owned) {
            // No file chosen: browsers still send the (empty) part.
            Some(file_name) if file_name.is_empty() => {}
            Some(file_name) => {
                let path =
                    FieldPath::parse(&name).map_err(|_| Problem::bad_request(format!("\"{name}\" is no field")))?;
                let field = entry
                    .form
                    .field(&path.static_path())
                    .filter(|f| f.datatype == antrag_core::DataType::File)
                    .ok_or_else(|| Problem::bad_request(format!("\"{name}\" is not a file field of this form")))?;
                let stream = part.map(|chunk| chunk.map_err(std::io::Error::other));
                let stored = crate::api::store_upload(
                    state,
                    &entry.form.def().id,
                    &path.static_path(),
                    field,
                    &file_name,
                    Box::pin(stream),
                )
                .await
                .map_err(|p| refused_file(&p, field));
                posted.files.push((name, stored));
            }
            None => {
                let mut text = Vec::new();
                let mut part = part;
                while let Some(chunk) =
                    part.chunk().await.map_err(|_| Problem::bad_request("the form body broke off"))?
                {
                    text.extend_from_slice(&chunk);
                    if text.len() > MAX_TEXT {
                        return Err(Problem::too_large(MAX_TEXT as u64));
                    }
                }
                posted.fields.push((name, String::from_utf8_lossy(&text).into_owned()));
            }
        }
    }
    Ok(posted)
}

/// Why a file was not taken, as the error its field shows.
fn refused_file(problem: &Problem, field: &antrag_core::Field) -> ErrorCode {
    match problem.kind {
        "too-large" => ErrorCode::FileTooLarge {
            max: field
                .constraints
                .max_size
                .unwrap_or_else(|| problem.extensions.get("limit").and_then(Value::as_u64).unwrap_or(0)),
        },
        "unsupported-media-type" => ErrorCode::FileTypeNotAllowed { allowed: field.constraints.media_types.clone() },
        _ => ErrorCode::Required,
    }
}

/// A step posted: its fields into the answers, files added, then what the button asked.
fn step_post(
    state: &AppState,
    entry: &Entry,
    lang: &str,
    step: usize,
    posted: &Posted,
    session: &mut FormSession,
    action: Action,
) -> Result<Response, Problem> {
    let form = &entry.form;
    let ctx = antrag_core::Context::on(state.clock.today());
    let shown_before = shown_on_step(entry, &session.answers, &ctx, step);
    form_post::apply_step(form, &ctx, step, &mut session.answers, &posted.fields)
        .map_err(|e| Problem::bad_request(e.to_string()))?;
    let mut server_issues = Vec::new();
    for (name, file) in &posted.files {
        let path = FieldPath::parse(name).map_err(|_| Problem::bad_request(format!("\"{name}\" is no field")))?;
        if !shown_before.contains(&path) {
            return Err(Problem::bad_request(format!("the field \"{name}\" is not on this step")));
        }
        match file {
            Ok(file) => {
                let mut files: Vec<FileRef> = antrag_core::answers::get(&session.answers, &path)
                    .and_then(|v| serde_json::from_value(v.clone()).ok())
                    .unwrap_or_default();
                files.push(file.clone());
                antrag_core::answers::set(
                    &mut session.answers,
                    &path,
                    serde_json::to_value(files).unwrap_or(Value::Null),
                );
            }
            Err(error) => server_issues.push(Issue { path, error: error.clone() }),
        }
    }
    let back_to_review = posted.value(form_post::BACK_TO_REVIEW) == Some("1");
    let here =
        |anchor: Option<String>| redirect(entry, lang, Some(&slug(entry, step)), anchor.as_deref(), back_to_review);
    match action {
        Action::Next => {
            let report = antrag_core::validate(form, &session.answers, &ctx);
            let mut issues = antrag_core::steps::issues_on_step(form.def(), &report.issues, step);
            issues.retain(|i| !server_issues.iter().any(|s| s.path == i.path));
            if !issues.is_empty() || !server_issues.is_empty() {
                let mut start = FormStart::new(state.clock.today());
                start.answers = Some(session.answers.clone());
                start.screen = StartScreen::Step(step);
                start.flagged = issues.iter().map(|i| i.path.to_string()).collect();
                start.server_issues = server_issues;
                start.back_to_review = back_to_review;
                start.focus_summary = true;
                return Ok(form_page(state, entry, lang.to_owned(), start, StatusCode::UNPROCESSABLE_ENTITY));
            }
            // Questions the answers opened on this step are asked before going on.
            if shown_on_step(entry, &session.answers, &ctx, step).iter().any(|p| !shown_before.contains(p)) {
                return Ok(here(None));
            }
            let visible = antrag_core::visibility(form, &session.answers, &ctx).visible_steps();
            Ok(match antrag_core::steps::following(&visible, step) {
                Some(next) if !back_to_review => redirect(entry, lang, Some(&slug(entry, next)), None, false),
                _ => redirect(entry, lang, Some(antrag::state::navigation::REVIEW_SLUG), None, false),
            })
        }
        Action::Back => {
            let visible = antrag_core::visibility(form, &session.answers, &ctx).visible_steps();
            let previous = antrag_core::steps::preceding(&visible, step).unwrap_or(step);
            Ok(redirect(entry, lang, Some(&slug(entry, previous)), None, false))
        }
        Action::Add(path) => {
            let group = list_on_step(entry, &shown_before, &path)?;
            let count = antrag_core::answers::entry_count(&session.answers, &path);
            if group.max.is_some_and(|max| count >= max as usize) {
                return Ok(here(None));
            }
            let index = antrag_core::answers::add_entry(&mut session.answers, &path);
            Ok(here(Some(format!("f-{}-{index}-legend", path.dom_id()))))
        }
        Action::Remove(path, index) => {
            let group = list_on_step(entry, &shown_before, &path)?;
            let count = antrag_core::answers::entry_count(&session.answers, &path);
            if index < count && count > group.min as usize {
                antrag_core::answers::remove_entry(&mut session.answers, &path, index);
            }
            Ok(here(Some(format!("f-{}", path.dom_id()))))
        }
        Action::RemoveFile(path, id) => {
            if !shown_before.contains(&path) {
                return Err(Problem::bad_request(format!("the field \"{path}\" is not on this step")));
            }
            let files: Vec<FileRef> = antrag_core::answers::get(&session.answers, &path)
                .and_then(|v| serde_json::from_value(v.clone()).ok())
                .unwrap_or_default();
            let rest: Vec<FileRef> = files.into_iter().filter(|f| f.id != id).collect();
            let value = if rest.is_empty() { Value::Null } else { serde_json::to_value(rest).unwrap_or(Value::Null) };
            antrag_core::answers::set(&mut session.answers, &path, value);
            Ok(here(Some(format!("f-{}", path.dom_id()))))
        }
        Action::Send => Err(Problem::bad_request("a step is sent from the answer summary")),
    }
}

/// The idempotency key and request fingerprint of sending these answers in this session: the
/// same answers sent again are the same application.
fn idempotency(sid: &str, form: &str, answers: &serde_json::Map<String, Value>) -> (String, String) {
    let fingerprint = hex(&Sha256::digest(format!("{sid}|{form}|{}", Value::Object(answers.clone())).as_bytes()));
    (format!("ohne-js-{}", &fingerprint[..48]), fingerprint)
}

/// "Send" (or "back") on the answer summary.
async fn summary(
    state: &AppState,
    entry: &Entry,
    lang: &str,
    sid: &str,
    session: &mut FormSession,
    action: Action,
    headers: &axum::http::HeaderMap,
) -> Result<Response, Problem> {
    let ctx = antrag_core::Context::on(state.clock.today());
    match action {
        // Sent already (a second click, a reload of the post): the confirmation.
        Action::Send if session.receipt.is_some() => {
            // Waiting for its fee: the payment (the same transaction, never a second one),
            // through a page of this server (payment::pages::Onward).
            let payment = session.receipt.as_ref().and_then(|r| r["paymentUrl"].as_str());
            if let Some(start) = payment.and_then(|url| url.strip_suffix("/start")) {
                return Ok(axum::response::Redirect::to(&format!("{start}/weiter")).into_response());
            }
            Ok(redirect(entry, lang, Some(antrag::state::navigation::DONE_SLUG), None, false))
        }
        Action::Send => {
            let (idempotency_key, request_sha256) = idempotency(sid, &entry.form.def().id, &session.answers);
            let application = crate::api::Application {
                data: session.answers.clone(),
                client_date: None,
                language: lang.to_owned(),
                // Answers handed back: where their first application was to go.
                routing: session.routing.clone(),
                idempotency_key,
                request_sha256,
            };
            match crate::api::accept(state, entry, application).await {
                Ok((receipt, replayed)) if receipt.status == "payment_pending" => {
                    // Stored; sent once paid: to the payment (its page takes over from here).
                    session.receipt = Some(crate::api::receipt_json(&receipt));
                    session.routing = None;
                    // Through a page of this server: the redirects of a form may not lead to
                    // the provider's site (payment::pages::Onward).
                    let to_payment = format!("/zahlung/{}/weiter", receipt.status_token);
                    let binding = match replayed {
                        false => crate::payment::change::bind(state, headers, &receipt).await,
                        true => None,
                    };
                    let mut response = axum::response::Redirect::to(&to_payment).into_response();
                    // This server's own page: the cookie is enough.
                    if let Some(binding) = binding {
                        response.headers_mut().append(header::SET_COOKIE, binding.cookie);
                    }
                    Ok(response)
                }
                Ok((receipt, _)) => {
                    session.receipt = Some(crate::api::receipt_json(&receipt));
                    session.routing = None;
                    Ok(redirect(entry, lang, Some(antrag::state::navigation::DONE_SLUG), None, false))
                }
                Err(problem) if problem.kind == "validation" || problem.kind == "attachment-unavailable" => {
                    let mut start = FormStart::new(state.clock.today());
                    start.screen = StartScreen::Review;
                    start.focus_summary = true;
                    match antrag_core::check(&entry.form, &session.answers, &ctx) {
                        Err(report) => start.flagged = report.issues.iter().map(|i| i.path.to_string()).collect(),
                        Ok(_) => {
                            // A file the server no longer holds: asked for again on its field.
                            let gone = problem.extensions.get("attachment").and_then(Value::as_str).unwrap_or_default();
                            start.server_issues = forget_file(session, entry, gone);
                        }
                    }
                    start.answers = Some(session.answers.clone());
                    Ok(form_page(state, entry, lang.to_owned(), start, StatusCode::UNPROCESSABLE_ENTITY))
                }
                Err(problem) => Err(problem),
            }
        }
        Action::Back => {
            let visible = antrag_core::visibility(&entry.form, &session.answers, &ctx).visible_steps();
            let last = visible.last().copied().unwrap_or(0);
            Ok(redirect(entry, lang, Some(&slug(entry, last)), None, false))
        }
        _ => Err(Problem::bad_request("the answer summary has only \"back\" and \"send\"")),
    }
}

/// Take a file the server no longer holds out of the answers; the issue that asks for it.
fn forget_file(session: &mut FormSession, entry: &Entry, id: &str) -> Vec<Issue> {
    let mut issues = Vec::new();
    for (path, files) in antrag_core::file_refs(&entry.form, &session.answers) {
        if files.iter().any(|f| f.id == id) {
            let rest: Vec<FileRef> = files.into_iter().filter(|f| f.id != id).collect();
            let value = if rest.is_empty() { Value::Null } else { serde_json::to_value(rest).unwrap_or(Value::Null) };
            antrag_core::answers::set(&mut session.answers, &path, value);
            issues.push(Issue { path, error: ErrorCode::Required });
        }
    }
    issues
}

/// The paths a step shows under these answers (fields and groups, entries included).
fn shown_on_step(
    entry: &Entry,
    answers: &antrag_core::Answers,
    ctx: &antrag_core::Context,
    step: usize,
) -> Vec<FieldPath> {
    let visibility = antrag_core::visibility(&entry.form, answers, ctx);
    let steps = entry.form.def().steps();
    let mut out = Vec::new();
    fn walk(
        nodes: &[&antrag_core::Node],
        path: &FieldPath,
        answers: &antrag_core::Answers,
        visibility: &antrag_core::Visibility,
        out: &mut Vec<FieldPath>,
    ) {
        for node in nodes {
            let here = path.key(node.key());
            if !visibility.is_visible(&here) {
                continue;
            }
            out.push(here.clone());
            if let antrag_core::Node::Group(group) = node {
                let items: Vec<&antrag_core::Node> = group.items.iter().collect();
                if group.is_list() {
                    for i in 0..antrag_core::answers::entry_count(answers, &here) {
                        walk(&items, &here.index(i), answers, visibility, out);
                    }
                } else {
                    walk(&items, &here, answers, visibility, out);
                }
            }
        }
    }
    if let Some(view) = steps.get(step) {
        walk(&view.nodes, &FieldPath::root(), answers, &visibility, &mut out);
    }
    out
}

/// A repeatable group shown on the step.
fn list_on_step<'e>(
    entry: &'e Entry,
    shown: &[FieldPath],
    path: &FieldPath,
) -> Result<&'e antrag_core::Group, Problem> {
    entry
        .form
        .group(&path.static_path())
        .filter(|g| g.is_list() && shown.contains(path))
        .ok_or_else(|| Problem::bad_request(format!("\"{path}\" is no list on this step")))
}

/// What handed-back answers keep of the application they were given for.
#[derive(Debug, Default)]
pub(crate) struct HandedBack {
    /// An embedded form's host page: the changed application's payment returns there.
    pub return_to: Option<String>,
    /// A platform's routing: the changed application goes where the first was to go.
    pub routing: Option<serde_json::Value>,
}

/// Open the answer summary of `entry` with `answers` (given for `form_version`) in this
/// browser's form session, a new one if it has none (its cookie then lasts until the browser
/// closes): an application handed back for changes (`crate::payment`). With JavaScript the
/// app takes the answers over from the page.
pub(crate) async fn open_review(
    state: &AppState,
    entry: &Entry,
    lang: &str,
    form_version: String,
    answers: antrag_core::Answers,
    kept: HandedBack,
    headers: &axum::http::HeaderMap,
) -> Result<Response, Problem> {
    let (sid, new_session) = match session_id(headers) {
        Some(sid) => (sid, false),
        None => (random_token(32), true),
    };
    let session =
        FormSession { form_version, answers, receipt: None, return_to: kept.return_to, routing: kept.routing };
    let expires = crate::clock::rfc3339(state.clock.now() + time::Duration::hours(SESSION_HOURS));
    let id = entry.form.def().id.clone();
    state.store.save_form_session(sid.clone(), id, session, expires).await.map_err(crate::api::internal)?;
    let mut to_review = redirect(entry, lang, Some(antrag::state::navigation::REVIEW_SLUG), None, false);
    if new_session {
        // Until the browser closes (a shared computer forgets it), not for a day.
        let cookie = format!("{SESSION_COOKIE}={sid}; Path=/; HttpOnly; SameSite=Lax");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            to_review.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    Ok(to_review)
}

/// A step's address slug (its id).
fn slug(entry: &Entry, step: usize) -> String {
    entry.form.def().steps().get(step).map(|s| s.id.to_owned()).unwrap_or_default()
}

/// 303 to a screen of the form (`aendern` keeps "next" returning to the answer summary).
fn redirect(entry: &Entry, lang: &str, screen: Option<&str>, anchor: Option<&str>, back_to_review: bool) -> Response {
    let enc = antrag::api::encode;
    let mut url = format!("/forms/{}?lang={}", enc(&entry.form.def().id), enc(lang));
    if let Some(screen) = screen {
        url.push_str(&format!("&schritt={}", enc(screen)));
    }
    if back_to_review {
        url.push_str("&zurueck=uebersicht");
    }
    if let Some(anchor) = anchor {
        url.push('#');
        url.push_str(anchor);
    }
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(&url) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The session cookie on a response (set when the session is new).
fn with_session_cookie(mut response: Response, sid: &str, new: bool) -> Response {
    if new {
        let cookie =
            format!("{SESSION_COOKIE}={sid}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}", SESSION_HOURS * 3600);
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// The API's problem as a page.
fn problem_page(state: &AppState, entry: &Entry, lang: &str, problem: Problem) -> Response {
    let back = format!("/forms/{}?lang={}", antrag::api::encode(&entry.form.def().id), antrag::api::encode(lang));
    let page = Page::Problem { kind: problem.kind.to_owned(), detail: problem.detail.clone(), back };
    let mut response = render(state, &PageData { lang: lang.to_owned(), page, embedded: None }, problem.status);
    if let Some(seconds) = problem.retry_after {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}
