//! A payment provider for tests and demos, built into the server (`--test-payment-provider`;
//! `make run` uses it): the XBezahldienste calls (create a transaction, read its status) and a
//! payment page where one can pay, cancel or let the payment fail. Its records are in the
//! store, so several instances share them. No money moves.
//!
//! With `--enable-faults`, tests change how it behaves (`POST /test-bezahldienst/_verhalten`):
//! status reads answered late or never, or a booked amount other than the one asked for.

use std::sync::Mutex;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::state::AppState;
use crate::store::TestPayment;

/// How the test provider behaves.
#[derive(Debug, Default)]
pub struct Behaviour(Mutex<Settings>);

/// The settings of the test provider's behaviour.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Settings {
    /// Status reads are answered only after this many milliseconds.
    #[serde(default)]
    pub status_delay_ms: u64,
    /// Status reads are never answered (the provider is down).
    #[serde(default)]
    pub silent: bool,
    /// "Pay" books this amount (in cents) instead of the one asked for.
    #[serde(default)]
    pub book_cents: Option<i64>,
}

impl Behaviour {
    fn get(&self) -> Settings {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn set(&self, settings: Settings) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = settings;
    }
}

/// The test provider's routes.
pub fn routes(enable_faults: bool) -> Router<AppState> {
    let router = Router::new()
        .route("/test-bezahldienst/api/paymenttransaction/{originator}/{endpoint}", post(create))
        .route("/test-bezahldienst/api/paymenttransaction/{originator}/{endpoint}/{id}", get(status))
        .route("/test-bezahldienst/bezahlen/{id}", get(page).post(act));
    if enable_faults {
        router.route("/test-bezahldienst/_verhalten", get(behaviour).post(set_behaviour))
    } else {
        router
    }
}

fn cents(value: &Value) -> Option<i64> {
    value.as_f64().map(|f| (f * 100.0).round() as i64)
}

async fn create(State(state): State<AppState>, Json(request): Json<Value>) -> Response {
    let Some(gross) = cents(&request["grossAmount"]).filter(|c| *c > 0) else {
        return (StatusCode::BAD_REQUEST, Json(json!({"error": "grossAmount missing or not above 0"}))).into_response();
    };
    let redirect = request["redirectUrl"].as_str().unwrap_or_default();
    if redirect.is_empty() || request["items"].as_array().is_none_or(Vec::is_empty) {
        return (StatusCode::BAD_REQUEST, Json(json!({"error": "redirectUrl and items are required"}))).into_response();
    }
    let id = crate::shared::uuid_v4();
    if let Err(e) = state.store.add_test_payment(id.clone(), &request, gross, state.clock.now_rfc3339()).await {
        return crate::api::internal(e).into_response();
    }
    (
        StatusCode::CREATED,
        Json(json!({
            "transactionId": id,
            "transactionUrl": format!("/test-bezahldienst/bezahlen/{id}"),
            "paymentInformation": { "transactionId": id, "status": "INITIAL" },
        })),
    )
        .into_response()
}

async fn status(State(state): State<AppState>, Path((_, _, id)): Path<(String, String, String)>) -> Response {
    let settings = state.payments.test.get();
    if settings.silent {
        // Never answers: the caller's timeout decides.
        std::future::pending::<()>().await;
    }
    if settings.status_delay_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(settings.status_delay_ms)).await;
    }
    match state.store.test_payment(id).await {
        Ok(Some(p)) => {
            let mut info = json!({
                "transactionId": p.id,
                "status": p.status,
                "grossAmount": antrag_core::fee::amount_value(p.gross_cents.max(0) as u64),
                "transactionReference": format!("TEST-{}", &p.id[..8]),
            });
            if let Some(method) = p.method {
                info["paymentMethod"] = json!(method);
            }
            if let Some(paid) = p.paid_at {
                info["transactionTimestamp"] = json!(paid);
            }
            Json(json!({ "requestId": p.request["requestId"], "paymentInformation": info })).into_response()
        }
        Ok(None) => (StatusCode::NOT_FOUND, Json(json!({"error": "no such transaction"}))).into_response(),
        Err(e) => crate::api::internal(e).into_response(),
    }
}

/// A payment of the test provider, or the page that says there is none.
async fn known(state: &AppState, id: &str) -> Result<TestPayment, Response> {
    match state.store.test_payment(id.to_owned()).await {
        Ok(Some(p)) => Ok(p),
        Ok(None) => {
            Err((StatusCode::NOT_FOUND, Html(frame("Unbekannte Zahlung", "<p>Diese Zahlung gibt es nicht.</p>")))
                .into_response())
        }
        Err(e) => Err(crate::api::internal(e).into_response()),
    }
}

async fn page(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let payment = match known(&state, &id).await {
        Ok(p) => p,
        Err(response) => return response,
    };
    let e = antrag::format::escape_html;
    let items: String = payment.request["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| {
                    format!(
                        "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                        e(i["description"].as_str().unwrap_or_default()),
                        i["quantity"],
                        e(&antrag_core::fee::format_amount(cents(&i["grossAmount"]).unwrap_or(0).max(0) as u64, "de"))
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let total = antrag_core::fee::format_amount(payment.gross_cents.max(0) as u64, "de");
    let body = if payment.status == "INITIAL" {
        format!(
            r#"<table><caption>Positionen</caption><thead><tr><th scope="col">Position</th><th scope="col">Anzahl</th><th scope="col">Betrag</th></tr></thead><tbody>{items}</tbody></table>
<p>Gesamt: <strong>{total}</strong> · Verwendungszweck: {purpose}</p>
<form method="post"><fieldset><legend>Zahlart</legend>
<label><input type="radio" name="zahlart" value="CREDITCARD" checked> Kreditkarte</label>
<label><input type="radio" name="zahlart" value="PAYPAL"> PayPal</label>
<label><input type="radio" name="zahlart" value="PAYDIRECT"> paydirekt</label></fieldset>
<p><button name="aktion" value="bezahlen">Bezahlen</button> <button name="aktion" value="abbrechen">Abbrechen</button> <button name="aktion" value="fehler">Zahlung scheitern lassen</button></p></form>"#,
            purpose = e(payment.request["purpose"].as_str().unwrap_or_default()),
        )
    } else {
        format!(
            "<p>Diese Zahlung ist abgeschlossen ({}).</p><p><a href=\"{}\">Zurück zum Antrag</a></p>",
            e(&payment.status),
            e(payment.request["redirectUrl"].as_str().unwrap_or("/"))
        )
    };
    ([(header::CACHE_CONTROL, "no-store")], Html(frame(&format!("{total} bezahlen"), &body))).into_response()
}

/// The test provider's page frame: plain HTML, labelled, no script.
fn frame(title: &str, body: &str) -> String {
    format!(
        r#"<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{t} – Test-Bezahldienst</title></head><body><main><h1>Test-Bezahldienst: {t}</h1><p>Dies ist ein Bezahldienst zum Testen. Es fließt kein Geld.</p>{body}</main></body></html>"#,
        t = antrag::format::escape_html(title)
    )
}

/// What the citizen did on the payment page.
#[derive(Debug, Deserialize)]
struct Act {
    aktion: String,
    #[serde(default)]
    zahlart: Option<String>,
}

async fn act(State(state): State<AppState>, Path(id): Path<String>, Form(act): Form<Act>) -> Response {
    let payment = match known(&state, &id).await {
        Ok(p) => p,
        Err(response) => return response,
    };
    let now = state.clock.now_rfc3339();
    let method = act.zahlart.filter(|m| ["CREDITCARD", "PAYPAL", "PAYDIRECT"].contains(&m.as_str()));
    let (status, gross, method, paid) = match act.aktion.as_str() {
        "bezahlen" => {
            let gross = state.payments.test.get().book_cents.unwrap_or(payment.gross_cents);
            ("PAYED", gross, method.or(Some("CREDITCARD".into())), Some(now))
        }
        "abbrechen" => ("CANCELED", payment.gross_cents, None, None),
        "fehler" => ("FAILED", payment.gross_cents, None, None),
        _ => {
            return (
                StatusCode::BAD_REQUEST,
                Html(frame("Unklare Aktion", "<p>Bitte wählen Sie Bezahlen oder Abbrechen.</p>")),
            )
                .into_response()
        }
    };
    if let Err(e) = state.store.finish_test_payment(id, status, gross, method, paid).await {
        return crate::api::internal(e).into_response();
    }
    // Back to the sender — not by a redirect: this page's `form-action 'self'` stops a form's
    // redirects to another site (the sender is one when this provider serves another
    // server), so the page goes on by itself, with a link, as many real providers do.
    let back =
        payment.request["redirectUrl"].as_str().filter(|u| u.starts_with("https://") || u.starts_with("http://"));
    let back = antrag::format::escape_html(back.unwrap_or("/"));
    let page = frame(
        "Zurück zum Antrag",
        &format!("<p>Sie werden zurück zum Antrag geleitet.</p><p><a href=\"{back}\">Zurück zum Antrag</a></p>"),
    )
    .replace("<head>", &format!("<head><meta http-equiv=\"refresh\" content=\"0; url={back}\">"));
    ([(header::CACHE_CONTROL, "no-store")], Html(page)).into_response()
}

async fn behaviour(State(state): State<AppState>) -> Json<Settings> {
    Json(state.payments.test.get())
}

async fn set_behaviour(State(state): State<AppState>, Json(settings): Json<Settings>) -> Json<Settings> {
    tracing::warn!(?settings, "test payment provider: behaviour changed");
    state.payments.test.set(settings.clone());
    Json(settings)
}
