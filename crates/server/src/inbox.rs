//! The clerk inbox: read-only HTML pages to list and open submissions and download their
//! attachments, so a demo shows where an application arrives. Server-rendered, no script,
//! every value HTML-escaped; it works under the same strict CSP as the app.
//!
//! Signing in takes the inbox token once (throttled per client:
//! [`crate::state::INBOX_LOGINS_PER_MINUTE`]) and
//! opens a session: a random id in an `HttpOnly`, `SameSite=Strict` cookie (`Secure` when the
//! browser came over HTTPS), valid for [`SESSION_HOURS`], kept in the store and revoked there
//! on sign-out. The token itself never goes into a cookie. API clients send the token as
//! `Authorization: Bearer`.

use antrag_core::{Node, Text};
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use serde_json::Value;

use crate::api::internal;
use crate::payment::FeeSummary;
use crate::state::AppState;

const COOKIE: &str = "antrag_inbox";

/// How long a clerk stays signed in.
pub const SESSION_HOURS: i64 = 8;

const CSS: &str = r#"
body { margin: 0; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b; background: #fff; }
header { background: #1d4f91; color: #fff; padding: 1rem; }
header a, header button { color: #fff; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.75rem; margin: 1rem 0; }
h2 { font-size: 1.25rem; margin: 1.5rem 0 0.5rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.5rem; border-bottom: 1px solid #c7cbd1; vertical-align: top; }
dl { display: grid; grid-template-columns: minmax(10rem, 1fr) 2fr; gap: 0.25rem 1rem; margin: 0 0 1rem; }
dt { font-weight: 700; }
dd { margin: 0; white-space: pre-line; overflow-wrap: anywhere; }
a { color: #1d4f91; }
a:focus, button:focus, input:focus { outline: 3px solid #ffbf47; outline-offset: 0; }
label { display: block; font-weight: 700; margin-bottom: 0.25rem; }
input { font: inherit; padding: 0.5rem; border: 2px solid #5a5a5a; min-width: 20rem; max-width: 100%; }
button { font: inherit; font-weight: 700; padding: 0.5rem 1rem; min-height: 2.75rem; border: 0; background: #1d4f91; color: #fff; cursor: pointer; }
header form { display: inline; float: right; }
header button { background: transparent; text-decoration: underline; padding: 0; min-height: 0; }
.error { color: #b3192b; font-weight: 700; }
.muted { color: #4d4d4d; }
"#;

/// The inbox routes (`/inbox…`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/inbox", get(list))
        .route("/inbox/", get(list))
        .route("/inbox/inbox.css", get(css))
        .route("/inbox/login", post(login))
        .route("/inbox/logout", post(logout))
        .route("/inbox/submissions/{reference}", get(detail))
        .route("/inbox/attachments/{id}", get(download))
}

/// Escape text for HTML.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(title: &str, body: &str, signed_in: bool) -> Response {
    let logout = if signed_in {
        r#"<form method="post" action="/inbox/logout"><button type="submit">Abmelden</button></form>"#
    } else {
        ""
    };
    let html = format!(
        r#"<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{} – Posteingang – Antrag</title><link rel="stylesheet" href="/inbox/inbox.css"></head><body><header>{logout}<strong>Antrag</strong> · Posteingang der Sachbearbeitung</header><main>{body}</main></body></html>"#,
        esc(title)
    );
    let mut response = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The session id in the request's cookie, if it looks like one of ours (64 hex digits).
fn session_cookie(headers: &HeaderMap) -> Option<String> {
    crate::pages::random_id_cookie(headers, COOKIE)
}

/// Whether the request carries a live session (cookie) or the inbox token (Bearer, for API
/// clients).
async fn signed_in(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(expected) = state.config.inbox_token.as_deref() else { return false };
    let bearer =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    if bearer.is_some_and(|token| crate::shared::constant_time_eq(token.as_bytes(), expected.as_bytes())) {
        return true;
    }
    match session_cookie(headers) {
        Some(id) => state.store.inbox_session_valid(&id, state.clock.now_rfc3339()).await.unwrap_or_else(|error| {
            tracing::error!(%error, "checking an inbox session failed");
            false
        }),
        None => false,
    }
}

fn login_page(state: &AppState, error: Option<&str>) -> Response {
    if state.config.inbox_token.is_none() {
        return page("Deaktiviert", "<h1>Posteingang deaktiviert</h1><p>Starten Sie den Server mit <code>--inbox-token</code>, um den Posteingang zu nutzen.</p>", false);
    }
    let error = error.map(|e| format!(r#"<p class="error" id="token-error">{}</p>"#, esc(e))).unwrap_or_default();
    let described = if error.is_empty() { "" } else { r#" aria-describedby="token-error""# };
    let body = format!(
        r#"<h1>Anmelden</h1><form method="post" action="/inbox/login">{error}<label for="token">Zugangsschlüssel</label><p><input id="token" name="token" type="password" autocomplete="current-password" required{described}></p><p><button type="submit">Anmelden</button></p></form>"#
    );
    page("Anmelden", &body, false)
}

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], CSS)
        .into_response()
}

/// The login form's body.
#[derive(Deserialize)]
struct Login {
    token: String,
}

async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(login): Form<Login>,
) -> Response {
    let client = crate::api::client_ip(&state, peer, &headers);
    if let Err(wait) = state.login_limiter.check(client) {
        tracing::warn!("inbox sign-in throttled");
        let mut response =
            login_page(&state, Some(&format!("Zu viele Anmeldeversuche. Bitte warten Sie {wait} Sekunden.")));
        *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return response;
    }
    let ok = state
        .config
        .inbox_token
        .as_deref()
        .is_some_and(|t| crate::shared::constant_time_eq(login.token.as_bytes(), t.as_bytes()));
    if !ok {
        tracing::warn!("inbox sign-in with a wrong token");
        let mut response = login_page(&state, Some("Der Zugangsschlüssel ist nicht richtig."));
        *response.status_mut() = StatusCode::UNAUTHORIZED;
        return response;
    }
    let id = crate::shared::random_token(32);
    let expires = state.clock.now() + time::Duration::hours(SESSION_HOURS);
    if let Err(error) = state.store.open_inbox_session(&id, crate::clock::rfc3339(expires)).await {
        return internal(error).into_response();
    }
    let cookie = format!(
        "{COOKIE}={id}; Path=/inbox; Max-Age={}; HttpOnly; SameSite=Strict{}",
        SESSION_HOURS * 3600,
        crate::proxy::secure_attribute(&headers, state.config.trusted_proxies)
    );
    let mut response = Redirect::to("/inbox").into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(id) = session_cookie(&headers) {
        if let Err(error) = state.store.close_inbox_session(&id).await {
            return internal(error).into_response();
        }
    }
    let mut response = Redirect::to("/inbox").into_response();
    let cookie = format!(
        "{COOKIE}=; Path=/inbox; Max-Age=0; HttpOnly; SameSite=Strict{}",
        crate::proxy::secure_attribute(&headers, state.config.trusted_proxies)
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

async fn list(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !signed_in(&state, &headers).await {
        return login_page(&state, None);
    }
    let (list, total) = match (state.store.list(200, 0).await, state.store.count().await) {
        (Ok(l), Ok(t)) => (l, t),
        (Err(e), _) | (_, Err(e)) => return internal(e).into_response(),
    };
    let mut rows = String::new();
    for r in &list {
        let title = state
            .catalog
            .version(&r.form_id, &r.form_version)
            .map(|e| e.form.def().title.resolve("de", &e.form.def().default_language).to_owned())
            .unwrap_or_else(|| r.form_id.clone());
        rows.push_str(&format!(
            r#"<tr><td><a href="/inbox/submissions/{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            esc(&r.reference),
            esc(&r.reference),
            esc(&title),
            esc(&r.received_at),
            esc(status_label(&r.status))
        ));
    }
    let body = if list.is_empty() {
        "<h1>Posteingang</h1><p>Noch keine Anträge eingegangen.</p>".to_owned()
    } else {
        format!(
            r#"<h1>Posteingang</h1><p class="muted">{total} Anträge, die neuesten zuerst (höchstens 200).</p><table><caption class="muted">Eingegangene Anträge</caption><thead><tr><th scope="col">Vorgangsnummer</th><th scope="col">Antrag</th><th scope="col">Eingang</th><th scope="col">Status</th></tr></thead><tbody>{rows}</tbody></table>"#
        )
    };
    page("Posteingang", &body, true)
}

async fn detail(State(state): State<AppState>, headers: HeaderMap, Path(reference): Path<String>) -> Response {
    if !signed_in(&state, &headers).await {
        return login_page(&state, None);
    }
    let submission = match state.store.submission(reference).await {
        Ok(Some(s)) => s,
        Ok(None) => {
            let mut r = page("Nicht gefunden", "<h1>Nicht gefunden</h1><p>Kein Antrag hat diese Vorgangsnummer.</p><p><a href=\"/inbox\">Zum Posteingang</a></p>", true);
            *r.status_mut() = StatusCode::NOT_FOUND;
            return r;
        }
        Err(e) => return internal(e).into_response(),
    };
    let entry = state.catalog.version(&submission.receipt.form_id, &submission.receipt.form_version);
    let title = entry
        .as_ref()
        .map(|e| e.form.def().title.resolve("de", "de").to_owned())
        .unwrap_or_else(|| submission.receipt.form_id.clone());
    let answers = match &entry {
        Some(e) => render_nodes(&e.form.def().items, &submission.payload, &e.form.def().default_language),
        None => format!("<pre>{}</pre>", esc(&serde_json::to_string_pretty(&submission.payload).unwrap_or_default())),
    };
    let payment = payment_section(&state, &submission.receipt.status_token).await;
    let mut files = String::new();
    for a in &submission.attachments {
        files.push_str(&format!(
            r#"<li><a href="/inbox/attachments/{}" download>{}</a> <span class="muted">({}, {} Byte, SHA-512 {}…)</span></li>"#,
            esc(&a.id),
            esc(&a.name),
            esc(&a.media_type),
            a.size,
            esc(&a.sha512[..16.min(a.sha512.len())])
        ));
    }
    let files =
        if files.is_empty() { "<p class=\"muted\">Keine Anlagen.</p>".to_owned() } else { format!("<ul>{files}</ul>") };
    let routing = submission
        .routing
        .as_ref()
        .map(|r| format!("<dt>Routing</dt><dd>{}</dd>", esc(&r.to_string())))
        .unwrap_or_default();
    // FIM rules the form does not check: the clerk must.
    let manual: Vec<String> = entry
        .as_ref()
        .map(|e| {
            e.form
                .def()
                .service
                .fim_rules
                .iter()
                .filter(|r| !r.translated)
                .map(|r| format!("<li><strong>{} {}</strong>: {}</li>", esc(&r.fim.id), esc(&r.name), esc(&r.text)))
                .collect()
        })
        .unwrap_or_default();
    let manual = if manual.is_empty() {
        String::new()
    } else {
        format!(
            "<h2>Von Hand zu prüfende Regeln</h2><p class=\"muted\">Diese Regeln des FIM-Schemas hat das Formular nicht geprüft.</p><ul>{}</ul>",
            manual.join("")
        )
    };
    let body = format!(
        r#"<p><a href="/inbox">Zurück zum Posteingang</a></p><h1>{} <span class="muted">{}</span></h1><dl><dt>Eingang</dt><dd>{}</dd><dt>Status</dt><dd>{}</dd><dt>Formularversion</dt><dd>{}</dd><dt>Sprache</dt><dd>{}</dd>{routing}</dl>{payment}{manual}<h2>Anlagen</h2>{files}<h2>Angaben</h2>{answers}"#,
        esc(&title),
        esc(&submission.receipt.reference),
        esc(&submission.receipt.received_at),
        esc(status_label(&submission.receipt.status)),
        esc(&submission.receipt.form_version),
        esc(&submission.language)
    );
    page(&submission.receipt.reference, &body, true)
}

/// The payload as definition lists labelled with the output labels.
fn render_nodes(nodes: &[Node], data: &Value, lang: &str) -> String {
    let label = |t: &Text| esc(t.resolve(lang, lang));
    let mut rows = String::new();
    let mut sections = String::new();
    for node in nodes {
        let Some(value) = data.get(node.key()) else { continue };
        match node {
            Node::Field(f) => {
                let shown = match value {
                    Value::String(s) => esc(s),
                    Value::Bool(b) => (if *b { "Ja" } else { "Nein" }).to_owned(),
                    Value::Array(items) if f.datatype == antrag_core::DataType::File => {
                        items.iter().filter_map(|i| i["name"].as_str()).map(esc).collect::<Vec<_>>().join(", ")
                    }
                    Value::Array(items) => {
                        items.iter().map(|i| esc(i.as_str().unwrap_or(&i.to_string()))).collect::<Vec<_>>().join(", ")
                    }
                    other => esc(&other.to_string()),
                };
                rows.push_str(&format!(
                    "<dt>{}</dt><dd>{shown}</dd>",
                    label(f.output_label.as_ref().unwrap_or(&f.label))
                ));
            }
            Node::Group(g) => {
                let heading = label(g.output_label.as_ref().unwrap_or(&g.label));
                match value {
                    Value::Array(entries) => {
                        for (i, entry) in entries.iter().enumerate() {
                            sections.push_str(&format!(
                                "<h2>{heading} {}</h2>{}",
                                i + 1,
                                render_nodes(&g.items, entry, lang)
                            ));
                        }
                    }
                    entry => sections.push_str(&format!("<h2>{heading}</h2>{}", render_nodes(&g.items, entry, lang))),
                }
            }
        }
    }
    let list = if rows.is_empty() { String::new() } else { format!("<dl>{rows}</dl>") };
    format!("{list}{sections}")
}

async fn download(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if !signed_in(&state, &headers).await {
        return login_page(&state, None);
    }
    let mut bearer = headers.clone();
    if let Some(token) = &state.config.inbox_token {
        if let Ok(v) = HeaderValue::from_str(&format!("Bearer {token}")) {
            bearer.insert(header::AUTHORIZATION, v);
        }
    }
    match crate::api::inbox_attachment(State(state), bearer, Path(id)).await {
        Ok(r) => r,
        Err(p) => p.into_response(),
    }
}

/// The fee of a submission and its payment transactions, for the clerk (empty without a fee,
/// or when the store cannot be read).
async fn payment_section(state: &AppState, token: &str) -> String {
    let summary = FeeSummary::load(&state.store, token.to_owned()).await;
    let Ok(Some(FeeSummary { fee, status, transactions })) = summary else { return String::new() };
    let rows: String = transactions
        .iter()
        .map(|t| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&t.created_at),
                esc(&t.status),
                esc(&antrag_core::fee::format_amount(t.amount_cents.max(0) as u64, "de")),
                esc(t.method.as_deref().unwrap_or("–")),
                esc(t.provider_reference.as_deref().unwrap_or("–")),
                esc(t.paid_at.as_deref().unwrap_or("–"))
            )
        })
        .collect();
    let table = if rows.is_empty() {
        "<p>Noch keine Zahlung begonnen.</p>".to_owned()
    } else {
        format!("<table><thead><tr><th scope=\"col\">Begonnen</th><th scope=\"col\">Status</th><th scope=\"col\">Betrag</th><th scope=\"col\">Zahlart</th><th scope=\"col\">Referenz</th><th scope=\"col\">Bezahlt am</th></tr></thead><tbody>{rows}</tbody></table>")
    };
    format!(
        "<h2>Gebühr</h2><p>{} – {}</p>{table}",
        esc(&antrag_core::fee::format_amount(fee["totalCents"].as_u64().unwrap_or(0), "de")),
        esc(status_label(&status))
    )
}

/// A submission's status as the clerk reads it (fees: docs/payment.md).
fn status_label(status: &str) -> &str {
    match status {
        "received" => "eingegangen",
        "payment_pending" => "Gebühr noch nicht bezahlt",
        "unpaid" => "Gebühr nicht bezahlt (aufgegeben)",
        "withdrawn" => "vor dem Bezahlen zum Ändern zurückgeholt, nicht gesendet",
        other => other,
    }
}
