//! The form state's concerns in headless Chromium (wasm-bindgen-test): navigation between
//! steps, the send loop against a stand-in for the server (`window.fetch` replaced by a script
//! of answers), and a draft found in localStorage and resumed. The state is built as the app
//! builds it, judged on the test date.
#![cfg(target_arch = "wasm32")]

use antrag::state::{FormState, Screen, SendState};
use antrag_core::{FieldPath, Form};
use leptos::prelude::*;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

// A stand-in for the server: `window.fetch` answers from a list of planned responses (status,
// JSON body, headers) and records every request (URL, idempotency key, body).
#[wasm_bindgen(inline_js = r#"
export function plan_fetch(plan) {
  const calls = [];
  const queue = JSON.parse(plan);
  window.fetch = async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    calls.push({ url: request.url, key: request.headers.get('Idempotency-Key'), body: await request.clone().text() });
    const next = queue.shift();
    if (!next || next.network) throw new TypeError('Failed to fetch');
    return new Response(JSON.stringify(next.body ?? {}), { status: next.status, headers: { 'Content-Type': 'application/json', ...(next.headers ?? {}) } });
  };
  window.__antragCalls = calls;
}
export function fetch_calls() {
  return JSON.stringify(window.__antragCalls ?? []);
}
"#)]
extern "C" {
    fn plan_fetch(plan: &str);
    fn fetch_calls() -> String;
}

const DEFINITION: &str = r#"{
  "format": "antrag/1", "id": "zustand", "version": "2", "title": "Zustand", "languages": ["de"],
  "items": [
    {"group": "person", "label": "Person", "items": [
      {"field": "name", "datatype": "text", "label": "Name", "required": true}
    ]},
    {"group": "kontakt", "label": "Kontakt", "items": [
      {"field": "email", "datatype": "text", "format": "email", "label": "E-Mail", "required": true}
    ]},
    {"field": "hinweis", "datatype": "text", "label": "Hinweis"}
  ],
  "ui": {"steps": [
    {"id": "person", "title": "Person", "items": ["person"]},
    {"id": "kontakt", "title": "Kontakt", "items": ["kontakt", "hinweis"]}
  ]}
}"#;

fn path(text: &str) -> FieldPath {
    FieldPath::parse(text).unwrap()
}

async fn tick() {
    antrag::dom::sleep(0).await;
}

/// Wait (up to `ms`) until `done` holds.
async fn until(ms: u32, done: impl Fn() -> bool) -> bool {
    for _ in 0..ms / 20 {
        if done() {
            return true;
        }
        antrag::dom::sleep(20).await;
    }
    done()
}

fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

/// A started form state in a mounted owner (drafts under their own instance name).
fn started(instance: &str) -> (FormState, impl Drop) {
    let doc = web_sys::window().unwrap().document().unwrap();
    let host: web_sys::HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&host).unwrap();
    let slot = std::rc::Rc::new(std::cell::Cell::new(None));
    let out = slot.clone();
    let config =
        antrag::config::ClientConfig { instance: instance.to_owned(), ..antrag::config::ClientConfig::default() };
    let handle = leptos::mount::mount_to(host, move || {
        let form = Form::from_json(DEFINITION).expect("definition");
        let start = antrag::page_data::FormStart::new(antrag_testing::today());
        let state = FormState::new(form, RwSignal::new("de".to_owned()), "z-", config, start);
        state.start(antrag::fit::Transport::Contract);
        out.set(Some(state));
        view! { <p>"Zustand"</p> }
    });
    (slot.take().unwrap(), handle)
}

fn fill_all(state: &FormState) {
    state.set(&path("person.name"), json!("Jürgen Groß"));
    state.set(&path("kontakt.email"), json!("jg@example.de"));
}

#[wasm_bindgen_test]
async fn next_checks_the_step_back_returns_and_change_links_come_back_to_the_summary() {
    let (state, _handle) = started("nav");
    tick().await;
    assert_eq!(state.nav.screen.get_untracked(), Screen::Step(0));
    // Nothing typed: "next" stays, shows the step's error and focuses the summary.
    let focus_before = state.nav.summary_focus.get_untracked();
    state.next(0);
    assert_eq!(state.nav.screen.get_untracked(), Screen::Step(0));
    assert!(state.verdict.flagged.get_untracked().contains("person.name"));
    assert!(!state.verdict.flagged.get_untracked().contains("kontakt.email"), "only this step's errors are shown");
    assert_eq!(state.nav.summary_focus.get_untracked(), focus_before + 1);
    // Answered: on to step 2, back to step 1, and on again.
    fill_all(&state);
    state.next(0);
    assert_eq!(state.nav.screen.get_untracked(), Screen::Step(1));
    state.back();
    assert_eq!(state.nav.screen.get_untracked(), Screen::Step(0));
    state.next(0);
    state.next(1);
    assert_eq!(state.nav.screen.get_untracked(), Screen::Review);
    // A change link goes to the field's step and focuses it; "next" returns to the summary.
    state.change(&path("person.name"));
    assert_eq!(state.nav.screen.get_untracked(), Screen::Step(0));
    assert!(state.nav.back_to_review.get_untracked());
    assert_eq!(state.nav.focus_target.get_untracked().as_deref(), Some("z-person-name"));
    state.next(0);
    assert_eq!(state.nav.screen.get_untracked(), Screen::Review);
    // The history entry records the screen under this instance.
    let entry = state.history_state(&Screen::Review);
    assert_eq!(state.screen_from_history(&entry), Some(Screen::Review));
}

#[wasm_bindgen_test]
async fn a_failed_send_is_retried_with_the_same_key_and_stored_once() {
    let (state, _handle) = started("send");
    tick().await;
    fill_all(&state);
    // The server is busy once (503, Retry-After 0), then stores the application.
    let receipt = json!({"reference": "ZST-2026-000001", "receivedAt": "2026-11-28T12:00:00Z", "status": "received", "statusUrl": "/api/v1/status/x"});
    plan_fetch(
        &json!([{"status": 503, "headers": {"Retry-After": "0"}}, {"status": 201, "body": receipt}]).to_string(),
    );
    state.submit();
    assert!(until(5_000, || matches!(state.nav.screen.get_untracked(), Screen::Done(_))).await, "not sent");
    let Screen::Done(done) = state.nav.screen.get_untracked() else { unreachable!() };
    assert_eq!(done.reference, "ZST-2026-000001");
    let calls: Vec<Value> = serde_json::from_str(&fetch_calls()).unwrap();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert!(calls[0]["url"].as_str().unwrap().ends_with("/api/v1/submissions"));
    assert_eq!(calls[0]["key"], calls[1]["key"], "a retry is the same submission");
    assert_eq!(calls[0]["body"], calls[1]["body"]);
    let body: Value = serde_json::from_str(calls[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["data"], json!({"person": {"name": "Jürgen Groß"}, "kontakt": {"email": "jg@example.de"}}));
    assert_eq!(body["clientDate"], antrag_testing::today().to_string());
    assert_eq!(state.sending.send.get_untracked(), SendState::Idle);
    assert_eq!(state.sending.pending.get_untracked(), None);
    assert!(state.drafts.saved_until.get_untracked().is_none(), "the draft goes once sent");
}

#[wasm_bindgen_test]
async fn the_servers_verdict_lands_on_the_fields_and_the_next_send_is_a_new_submission() {
    let (state, _handle) = started("reject");
    tick().await;
    fill_all(&state);
    let problem = json!({"type": "https://antrag.dev/problems/validation", "title": "x", "status": 422, "detail": "1 problem(s) found",
        "issues": [{"path": "kontakt.email", "code": "invalid_email"}]});
    plan_fetch(&json!([{"status": 422, "body": problem}]).to_string());
    state.submit();
    assert!(until(3_000, || matches!(state.sending.send.get_untracked(), SendState::Failed(_))).await);
    assert_eq!(state.verdict.server_issues.get_untracked().len(), 1);
    assert!(state.verdict.flagged.get_untracked().contains("kontakt.email"));
    assert_eq!(state.sending.pending.get_untracked(), None, "the answers must change: a new key next time");
    // Changing the field withdraws the server's message.
    state.set(&path("kontakt.email"), json!("neu@example.de"));
    assert!(state.verdict.server_issues.get_untracked().is_empty());
}

#[wasm_bindgen_test]
async fn a_draft_is_offered_fitted_to_the_new_version_and_resumed_on_its_step() {
    let now = antrag::dom::now_ms();
    let draft = json!({
        "formId": "zustand", "version": "1", "savedAt": now, "startedAt": now - 3_600_000.0, "expiresAt": now + 86_400_000.0,
        "step": 1, "writer": "another-tab",
        "answers": {"person": {"name": "Olena", "rufname": "Lena"}, "kontakt": {"email": "o@example.de"}}
    });
    storage().set_item("antrag:draft:zustand@1:resume", &draft.to_string()).unwrap();
    let (state, _handle) = started("resume");
    tick().await;
    let offer = state.drafts.resume.get_untracked().expect("the draft is offered");
    assert!(offer.version_changed);
    assert_eq!(offer.dropped, vec![(path("person.rufname"), json!("Lena"))]);
    state.accept_resume();
    assert_eq!(state.value(&path("person.name")), Some(json!("Olena")));
    assert_eq!(state.value(&path("person.rufname")), None);
    assert_eq!(state.nav.screen.get_untracked(), Screen::Step(1));
    assert_eq!(state.drafts.dropped_copy.get_untracked().len(), 1);
    // Now a draft of the current version: the old one is gone.
    assert!(storage().get_item("antrag:draft:zustand@1:resume").unwrap().is_none());
    let saved: Value =
        serde_json::from_str(&storage().get_item("antrag:draft:zustand@2:resume").unwrap().unwrap()).unwrap();
    assert_eq!(saved["answers"]["person"]["name"], "Olena");
    state.delete_draft();
    assert!(storage().get_item("antrag:draft:zustand@2:resume").unwrap().is_none());
    assert_eq!(state.nav.screen.get_untracked(), Screen::Step(0));
}
