//! The app's pages, rendered here with the app's own components (`antrag::ssr`) and hydrated
//! by the browser's bundle: the catalog, and each form on the screen its address names. A
//! form's answers between steps without JavaScript are kept in a server-side session
//! ([`crate::store::FormSession`]); with JavaScript the browser takes over after hydration.
//! See [`nojs`] for the steps posted without JavaScript.

pub mod nojs;
pub mod shell;

use antrag::page_data::{FormData, FormStart, Page, PageData, StartScreen};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use crate::catalog::Entry;
use crate::state::AppState;
use crate::store::FormSession;

/// The cookie that names a session (random, `HttpOnly`, `SameSite=Lax`).
pub const SESSION_COOKIE: &str = "antrag_sitzung";
/// The cookie with the citizen's language choice (set by the browser's app too).
pub const LANG_COOKIE: &str = "antrag.lang";
/// How long answers given without JavaScript are kept after the last step.
pub const SESSION_HOURS: i64 = 24;

/// The page routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(catalog))
        .route("/forms/{id}", get(form).post(nojs::post).layer(axum::extract::DefaultBodyLimit::disable()))
        .route("/prerender/{file}", get(prerendered))
}

/// The address of a form page.
#[derive(Debug, Default, Deserialize)]
pub struct FormQuery {
    /// The language (`de`, `en`, …).
    pub lang: Option<String>,
    /// The screen: a step id, `uebersicht` or `gesendet`.
    pub schritt: Option<String>,
    /// A change link from the answer summary: the field's path.
    pub aendern: Option<String>,
    /// `uebersicht`: "next" returns to the answer summary (a step reached by a change link,
    /// shown again).
    pub zurueck: Option<String>,
}

/// `GET /`: the forms on offer.
async fn catalog(State(state): State<AppState>, Query(query): Query<FormQuery>, headers: HeaderMap) -> Response {
    let offered: Vec<String> = antrag::i18n::LOCALES.iter().map(|(t, _)| (*t).to_owned()).collect();
    let lang = pick_language(query.lang.as_deref(), &headers, &offered, antrag::i18n::FALLBACK);
    let forms = serde_json::to_value(state.catalog.summaries()).and_then(serde_json::from_value).unwrap_or_default();
    let data = PageData { lang, page: Page::Catalog { forms }, embedded: None };
    render(&state, &data, StatusCode::OK)
}

/// `GET /forms/{id}`: a form on the screen its address names, with the answers of this
/// session (given without JavaScript).
async fn form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<FormQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(entry) = state.catalog.current(&id) else { return not_found(&state, &headers) };
    let lang = form_language(&entry, query.lang.as_deref(), &headers);
    let session = match session_id(&headers) {
        Some(sid) => load_session(&state, &sid, &entry).await,
        None => None,
    };
    let screen = screen_of(&entry, query.schritt.as_deref());
    // Stored but waiting for its fee: its payment page says where it stands.
    if let Some(url) = session.as_ref().and_then(|s| s.receipt.as_ref()).and_then(|r| r["paymentUrl"].as_str()) {
        if matches!(screen, StartScreen::Done(_)) {
            return axum::response::Redirect::to(url.trim_end_matches("/start")).into_response();
        }
    }
    let mut start = FormStart::new(state.clock.today());
    match (&screen, session) {
        // Back to the confirmation: the receipt; a new visit after sending: a new form.
        (StartScreen::Done(_), Some(FormSession { receipt: Some(receipt), answers, .. })) => {
            start.answers = Some(answers);
            start.screen = serde_json::from_value(receipt).map(StartScreen::Done).unwrap_or_default();
        }
        (StartScreen::Done(_), _) => {}
        (_, Some(FormSession { receipt: Some(_), .. })) => start.screen = screen,
        (_, Some(session)) => {
            start.answers = Some(session.answers);
            start.screen = screen;
        }
        (_, None) => start.screen = screen,
    }
    let change = query.aendern.as_deref().and_then(|p| antrag_core::FieldPath::parse(p).ok());
    start.back_to_review = change.is_some_and(|p| entry.form.node(&p.static_path()).is_some())
        || query.zurueck.as_deref() == Some(antrag::state::navigation::REVIEW_SLUG);
    form_page(&state, &entry, lang, start, StatusCode::OK)
}

/// `GET /prerender/{form}.{lang}.html`: a widget's first screen for the embed loader, rendered
/// now (static hosts write the same files with `antrag-server prerender`).
async fn prerendered(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let found = file.strip_suffix(".html").and_then(|stem| stem.rsplit_once('.')).and_then(|(id, lang)| {
        let entry = state.catalog.current(id)?;
        entry.form.def().languages.iter().any(|l| l == lang).then(|| (entry, lang.to_owned()))
    });
    let Some((entry, lang)) = found else {
        return (StatusCode::NOT_FOUND, "no such prerendered form").into_response();
    };
    let mut response = prerender(&entry, &lang, state.clock.today()).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// A widget's first screen: `antrag::ssr::render_embedded` of the form's current definition
/// (how it is sent, the widget asks the API once it runs).
pub fn prerender(entry: &Entry, lang: &str, today: antrag_core::Date) -> String {
    let data = FormData {
        definition: serde_json::from_str(&entry.json).unwrap_or_default(),
        transport: None,
        start: FormStart::new(today),
    };
    antrag::ssr::render_embedded(data, lang)
}

/// Render a form page.
pub(crate) fn form_page(
    state: &AppState,
    entry: &Entry,
    lang: String,
    start: FormStart,
    status: StatusCode,
) -> Response {
    let definition = serde_json::from_str(&entry.json).unwrap_or_default();
    let transport = serde_json::from_value(state.fit.transport(entry)).ok();
    let data = PageData { lang, page: Page::Form(Box::new(FormData { definition, transport, start })), embedded: None };
    render(state, &data, status)
}

/// A page for an unknown address.
pub(crate) fn not_found(state: &AppState, headers: &HeaderMap) -> Response {
    let offered: Vec<String> = antrag::i18n::LOCALES.iter().map(|(t, _)| (*t).to_owned()).collect();
    let lang = pick_language(None, headers, &offered, antrag::i18n::FALLBACK);
    render(state, &PageData { lang, page: Page::NotFound, embedded: None }, StatusCode::NOT_FOUND)
}

/// A rendered page as a response: the document, `no-store` (it may hold answers).
pub(crate) fn render(state: &AppState, data: &PageData, status: StatusCode) -> Response {
    let rendered = antrag::ssr::render(data);
    let mut response = (status, state.shell.page(&rendered)).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The screen an address names (`schritt`): a step by its id, the answer summary, the
/// confirmation; the first step otherwise.
pub(crate) fn screen_of(entry: &Entry, slug: Option<&str>) -> StartScreen {
    use antrag::state::navigation::{DONE_SLUG, REVIEW_SLUG};
    match slug {
        Some(REVIEW_SLUG) => StartScreen::Review,
        Some(DONE_SLUG) => StartScreen::Done(antrag::api::Receipt {
            reference: String::new(),
            received_at: String::new(),
            status: String::new(),
            status_url: String::new(),
            payment_url: None,
        }),
        Some(slug) => {
            entry.form.def().steps().iter().position(|s| s.id == slug).map_or(StartScreen::First, StartScreen::Step)
        }
        None => StartScreen::First,
    }
}

/// A session's answers to a form, fitted to the current version when the form changed since.
pub(crate) async fn load_session(state: &AppState, sid: &str, entry: &Entry) -> Option<FormSession> {
    let now = state.clock.now_rfc3339();
    let mut session = state.store.form_session(sid.to_owned(), entry.form.def().id.clone(), now).await.ok()??;
    if session.form_version != entry.form.def().version {
        let ctx = antrag_core::Context::on(state.clock.today());
        session.answers = antrag_core::carry_over(&entry.form, &session.answers, &ctx).0;
        session.form_version = entry.form.def().version.clone();
    }
    Some(session)
}

/// Where answers this browser's form session holds, handed back to change them, were to go
/// (their first application's platform routing): the changed application goes there too.
pub(crate) async fn handed_back_routing(
    state: &AppState,
    headers: &HeaderMap,
    entry: &Entry,
) -> Option<serde_json::Value> {
    let sid = session_id(headers)?;
    load_session(state, &sid, entry).await?.routing
}

/// An application the app sent through the JSON API from a page that had this browser's form
/// session (answers handed back by [`nojs::open_review`](nojs::open_review)): the session keeps no answers any more,
/// only the receipt, as when it is sent without JavaScript — a later visit starts a new form.
/// (An embedded form's host page stays with it: the payment of that application returns there.)
pub(crate) async fn sent_by_the_app(state: &AppState, headers: &HeaderMap, entry: &Entry, receipt: serde_json::Value) {
    let Some(sid) = session_id(headers) else { return };
    let Some(session) = load_session(state, &sid, entry).await else { return };
    let sent = FormSession { answers: antrag_core::Answers::new(), receipt: Some(receipt), routing: None, ..session };
    let expires = crate::clock::rfc3339(state.clock.now() + time::Duration::hours(SESSION_HOURS));
    if let Err(e) = state.store.save_form_session(sid, entry.form.def().id.clone(), sent, expires).await {
        tracing::warn!(error = %e, "a form session's answers could not be cleared after sending");
    }
}

/// The session id of the request's cookie, if it is one of ours (64 hex digits).
pub(crate) fn session_id(headers: &HeaderMap) -> Option<String> {
    random_id_cookie(headers, SESSION_COOKIE)
}

/// The value of cookie `name` if it looks like an id this server made (`random_token(32)`:
/// 64 hex digits).
pub(crate) fn random_id_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    cookie(headers, name).filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A cookie's value.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_owned())
}

/// The language of a form page: `?lang=`, the citizen's choice (cookie), the browser's
/// `Accept-Language` — whichever the form offers first — else its default language.
pub(crate) fn form_language(entry: &Entry, query: Option<&str>, headers: &HeaderMap) -> String {
    let def = entry.form.def();
    pick_language(query, headers, &def.languages, &def.default_language)
}

fn pick_language(query: Option<&str>, headers: &HeaderMap, offered: &[String], default: &str) -> String {
    let chosen = cookie(headers, LANG_COOKIE);
    let accepted = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(',')
                .filter_map(|part| part.split(';').next())
                .map(|tag| tag.trim().to_ascii_lowercase())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let fits = |tag: &str| offered.iter().any(|o| o == tag);
    if let Some(tag) = query.into_iter().map(str::to_owned).chain(chosen).find(|t| fits(t)) {
        return tag;
    }
    for tag in accepted {
        if fits(&tag) {
            return tag;
        }
        if let Some(primary) = tag.split('-').next().filter(|p| fits(p)) {
            return primary.to_owned();
        }
    }
    default.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(*name, HeaderValue::from_static(value));
        }
        h
    }

    #[test]
    fn the_language_is_the_asked_the_chosen_the_accepted_or_the_default() {
        let offered = vec!["de".to_owned(), "en".to_owned()];
        let none = headers(&[]);
        assert_eq!(pick_language(Some("en"), &none, &offered, "de"), "en");
        assert_eq!(pick_language(Some("fr"), &none, &offered, "de"), "de");
        let chose = headers(&[("cookie", "a=1; antrag.lang=en")]);
        assert_eq!(pick_language(None, &chose, &offered, "de"), "en");
        let accepts = headers(&[("accept-language", "fr-FR, en-GB;q=0.8, de;q=0.5")]);
        assert_eq!(pick_language(None, &accepts, &offered, "de"), "en");
        assert_eq!(pick_language(None, &none, &offered, "de"), "de");
    }

    #[test]
    fn only_well_formed_session_ids_count() {
        let id = "a".repeat(64);
        let ok =
            HeaderMap::from_iter([(header::COOKIE, HeaderValue::from_str(&format!("antrag_sitzung={id}")).unwrap())]);
        assert_eq!(session_id(&ok), Some(id));
        assert_eq!(session_id(&headers(&[("cookie", "antrag_sitzung=../../etc")])), None);
        assert_eq!(session_id(&headers(&[])), None);
    }
}
