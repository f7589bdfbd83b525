//! The citizen's way through a payment (`/zahlung/{token}`, `/zahlung/{token}/start`) and the
//! background reading of open transactions ([`poll`]).

use std::time::Duration;

use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use super::change::{exchange, sha256_hex, CHANGE_COOKIE};
use super::pages::{self, View};
use crate::state::AppState;
use crate::store::{Claim, PaymentCase, Transaction};

/// The payment routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/zahlung/{token}", get(page))
        .route("/zahlung/{token}/start", get(start))
        .route("/zahlung/{token}/start/{secret}", get(bind_and_start))
        .route("/zahlung/{token}/weiter", get(onward))
        .route("/zahlung/{token}/aendern", post(change))
}

/// `?rueckkehr=`: the host page an embedded form came from.
#[derive(Debug, Default, Deserialize)]
struct StartQuery {
    rueckkehr: Option<String>,
}

/// A status token as the server makes them (64 hex digits); anything else is not looked up.
fn plausible(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

async fn case(state: &AppState, token: &str) -> Result<Option<PaymentCase>, Response> {
    if !plausible(token) {
        return Ok(None);
    }
    state.store.payment_case(token.to_owned()).await.map_err(|e| crate::api::internal(e).into_response())
}

/// `GET /zahlung/{token}/start`: the application's open transaction at the provider — created
/// now, or the one created before (a reload, a double click, a second tab) — and off to it.
async fn start(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(query): Query<StartQuery>,
    headers: HeaderMap,
) -> Response {
    open_payment(&state, &token, query.rueckkehr, &headers).await
}

/// `GET /zahlung/{token}/start/{secret}`: the receipt's first payment address. The secret
/// binds the application to this browser (`payment::change`): exchanged for the change cookie
/// with a new secret, at once, on the way to the start (the query handed on).
async fn bind_and_start(
    State(state): State<AppState>,
    Path((token, secret)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    if !plausible(&token) {
        return pages::not_found(&state);
    }
    let cookie = exchange(&state, &headers, &token, &secret).await;
    let query = query.map(|q| format!("?{q}")).unwrap_or_default();
    let mut response = Redirect::to(&format!("/zahlung/{token}/start{query}")).into_response();
    if let Some(cookie) = cookie {
        response.headers_mut().append(axum::http::header::SET_COOKIE, cookie);
    }
    response
}

/// `GET /zahlung/{token}/weiter`: where an application sent without JavaScript goes first —
/// a page of this server that goes on to the payment by itself (a form's redirects may not
/// lead to the provider's site: `pages::Onward`).
async fn onward(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let case = match case(&state, &token).await {
        Ok(Some(case)) => case,
        Ok(None) => return pages::not_found(&state),
        Err(response) => return response,
    };
    pages::onward(&state, &case.language, &format!("/zahlung/{token}/start"), pages::Onward::ToPayment)
}

/// The host page of an embedded form whose answers this browser's form session holds, handed
/// back to change them (`pages::nojs::open_review`) — for the application that session sent.
async fn handed_back_from(state: &AppState, headers: &HeaderMap, case: &PaymentCase, token: &str) -> Option<String> {
    let sid = crate::pages::session_id(headers)?;
    let now = state.clock.now_rfc3339();
    let session = state.store.form_session(sid, case.form_id.clone(), now).await.ok()??;
    let sent_this = session.receipt.as_ref()?["statusUrl"].as_str()?.ends_with(&format!("/{token}"));
    session.return_to.filter(|_| sent_this)
}

/// The application's open transaction, or a new one, and the response that goes there.
async fn open_payment(state: &AppState, token: &str, rueckkehr: Option<String>, headers: &HeaderMap) -> Response {
    let case = match case(state, token).await {
        Ok(Some(case)) => case,
        Ok(None) => return pages::not_found(state),
        Err(response) => return response,
    };
    let to_page = Redirect::to(&format!("/zahlung/{token}")).into_response();
    if case.status != "payment_pending" {
        return to_page;
    }
    let (Some(entry), Some(fee)) = (state.catalog.version(&case.form_id, &case.form_version), case.fee.clone()) else {
        return to_page;
    };
    let Some(payment) = entry.form.def().payment.clone() else { return to_page };
    let amount = fee["totalCents"].as_i64().unwrap_or(0);
    let now = state.clock.now();
    let config = state.payments.config();
    let rueckkehr = match rueckkehr {
        Some(url) => Some(url),
        None => handed_back_from(state, headers, &case, token).await,
    };
    let return_to = rueckkehr.filter(|url| allowed_return(state, headers, url));
    let claim = Transaction::claim(
        crate::shared::uuid_v4(),
        case.submission_id,
        amount,
        crate::clock::rfc3339(now),
        crate::clock::rfc3339(now + config.poll_every),
        crate::clock::rfc3339(now + config.expire_after),
        return_to,
    );
    let claimed = match state.store.claim_transaction(claim.clone()).await {
        Ok(c) => c,
        Err(e) => return crate::api::internal(e).into_response(),
    };
    match claimed {
        Claim::Existing(live) if live.status == "INITIAL" => {
            // Created by another request a moment ago: its address, once the provider gave it.
            for _ in 0..50 {
                match state.store.live_transaction(case.submission_id).await {
                    Ok(Some(Transaction { url: Some(url), .. })) => return Redirect::to(&url).into_response(),
                    Ok(Some(t)) if t.status == "INITIAL" => tokio::time::sleep(Duration::from_millis(200)).await,
                    _ => break,
                }
            }
            to_page
        }
        Claim::Existing(_) | Claim::Closed => to_page,
        Claim::New => {
            let redirect_url = format!("{}/zahlung/{token}", public_base(state, headers));
            let request = super::payment_request(
                &claim,
                &case.reference,
                &fee,
                &payment,
                &redirect_url,
                &state.clock.now_rfc3339(),
            );
            match state.payments.create(&request).await {
                Ok((provider_id, url)) => {
                    if let Err(e) = state
                        .store
                        .transaction_created(claim.id.clone(), provider_id, url.clone(), state.clock.now_rfc3339())
                        .await
                    {
                        return crate::api::internal(e).into_response();
                    }
                    tracing::info!(reference = %case.reference, transaction = %claim.id, "payment transaction created");
                    Redirect::to(&url).into_response()
                }
                Err(e) => {
                    tracing::warn!(reference = %case.reference, error = %e, "payment provider: creating a transaction failed");
                    let _ = state.store.release_claim(claim.id).await;
                    pages::render(state, &case, &View::Unreachable, token, false, StatusCode::SERVICE_UNAVAILABLE)
                }
            }
        }
    }
}

/// `POST /zahlung/{token}/aendern`: back to check-your-answers with the answers and files of
/// an application not paid yet, to change them — for the browser that sent it (its
/// [`CHANGE_COOKIE`]). The application is withdrawn (it was never sent); sent again, the
/// answers make a new one. Repeatable while the answers are kept. Refused (back to the payment
/// page) for another browser, while a payment of it is open, or once it is paid or given up.
async fn change(State(state): State<AppState>, Path(token): Path<String>, headers: HeaderMap) -> Response {
    let case = match case(&state, &token).await {
        Ok(Some(case)) => case,
        Ok(None) => return pages::not_found(&state),
        Err(response) => return response,
    };
    let to_page = Redirect::to(&format!("/zahlung/{token}")).into_response();
    let Some(entry) = state.catalog.current(&case.form_id) else { return to_page };
    // Only the browser that sent it (the status token alone is not enough).
    let Some(secret) = crate::pages::random_id_cookie(&headers, CHANGE_COOKIE) else { return to_page };
    let now = state.clock.now_rfc3339();
    let withdrawn = match state.store.withdraw_for_change(case.submission_id, sha256_hex(&secret), now).await {
        Ok(Some(withdrawn)) => withdrawn,
        Ok(None) => return to_page,
        Err(e) => return crate::api::internal(e).into_response(),
    };
    tracing::info!(reference = %case.reference, "application handed back before payment to be changed");
    // The payload as answers again, by the definition they were given for.
    let given_for = state.catalog.version(&case.form_id, &withdrawn.form_version).unwrap_or_else(|| entry.clone());
    let answers = antrag_core::answers_from_payload(&given_for.form, &withdrawn.answers);
    let lang = &withdrawn.language;
    // An embedded form's: its changed application, once paid, returns to the host page; and
    // goes where the first was to go.
    let return_to = match state.store.transactions(case.submission_id).await {
        Ok(transactions) => transactions.into_iter().rev().find_map(|t| t.return_to),
        Err(e) => return crate::api::internal(e).into_response(),
    };
    let kept = crate::pages::nojs::HandedBack { return_to, routing: withdrawn.routing };
    crate::pages::nojs::open_review(&state, &entry, lang, withdrawn.form_version, answers, kept, &headers)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

/// `GET /zahlung/{token}`: where the provider sends the citizen back, and the application's
/// payment page. An open transaction's status is read from the provider first.
async fn page(State(state): State<AppState>, Path(token): Path<String>, headers: HeaderMap) -> Response {
    let can_change = crate::pages::random_id_cookie(&headers, CHANGE_COOKIE).is_some();
    let mut case = match case(&state, &token).await {
        Ok(Some(case)) => case,
        Ok(None) => return pages::not_found(&state),
        Err(response) => return response,
    };
    let transactions = match state.store.transactions(case.submission_id).await {
        Ok(t) => t,
        Err(e) => return crate::api::internal(e).into_response(),
    };
    let mut last = transactions.last().cloned();
    if let Some(open) = last.clone().filter(|t| t.status == "INITIAL" && t.provider_id.is_some()) {
        match refresh(&state, &open).await {
            Ok(now) => last = Some(now),
            Err(e) => {
                tracing::warn!(reference = %case.reference, error = %e, "payment provider: the status could not be read");
                return pages::render(&state, &case, &View::Waiting, &token, can_change, StatusCode::OK);
            }
        }
        if let Ok(Some(again)) = state.store.payment_case(token.clone()).await {
            case = again;
        }
    }
    // Paid for a form embedded on a municipality's page: back there, where the widget shows
    // the confirmation (it reads the status with this token, which the fragment keeps out of
    // every server's logs).
    if let (Some(t), "received") = (last.as_ref(), case.status.as_str()) {
        if let Some(to) = t.return_to.as_deref().filter(|_| t.status == "PAYED") {
            let to = to.split('#').next().unwrap_or(to);
            // Not a redirect: after the test provider's form (and any provider that answers
            // with a form) the step to another site must be this page's own (pages::Onward).
            let to = format!("{to}#antrag-zahlung={token}");
            return pages::onward(&state, &case.language, &to, pages::Onward::BackToHost);
        }
    }
    let view = match (case.status.as_str(), last.as_ref().map(|t| t.status.as_str())) {
        ("received", _) => View::Paid(last.clone().map(Box::new)),
        (_, Some("AMOUNT_MISMATCH")) => View::Mismatch,
        ("unpaid", _) => View::Unpaid,
        ("withdrawn", _) => View::Withdrawn,
        (_, Some("CANCELED")) => View::Cancelled,
        (_, Some("FAILED")) => View::Failed,
        (_, Some("INITIAL")) => View::Waiting,
        _ => View::Due,
    };
    pages::render(&state, &case, &view, &token, can_change, StatusCode::OK)
}

/// Read an open transaction's status from the provider and record a final one; the
/// transaction as it is now.
pub async fn refresh(state: &AppState, t: &Transaction) -> Result<Transaction, String> {
    let provider_id = t.provider_id.as_deref().ok_or("the transaction was not created at the provider")?;
    let status = state.payments.status(provider_id).await.map_err(|e| e.to_string())?;
    let now = state.clock.now();
    let mut t = t.clone();
    match status.status.as_str() {
        "INITIAL" => {
            read_later(state, &t, now).await?;
            t.checks += 1;
        }
        final_status => {
            let final_status = if final_status == "PAYED" && status.gross_cents != Some(t.amount_cents) {
                // Booked, but not what was asked for: never counted as paid; the clerk decides.
                tracing::warn!(transaction = %t.id, asked = t.amount_cents, booked = ?status.gross_cents, "payment provider booked another amount");
                "AMOUNT_MISMATCH"
            } else {
                final_status
            };
            let paid_at = (final_status == "PAYED")
                .then(|| status.timestamp.clone().unwrap_or_else(|| crate::clock::rfc3339(now)));
            let recorded = state
                .store
                .finish_transaction(
                    &t,
                    final_status,
                    status.method.clone(),
                    status.reference.clone(),
                    paid_at.clone(),
                    crate::clock::rfc3339(now),
                )
                .await
                .map_err(|e| e.to_string())?;
            if !recorded {
                // Final already (another read was first): as the store has it.
                let stored = state.store.transactions(t.submission_id).await.map_err(|e| e.to_string())?;
                return stored.into_iter().find(|s| s.id == t.id).ok_or_else(|| "the transaction is gone".to_owned());
            }
            tracing::info!(transaction = %t.id, status = final_status, "payment transaction finished");
            t.status = final_status.to_owned();
            t.method = status.method;
            t.provider_reference = status.reference;
            t.paid_at = paid_at;
        }
    }
    Ok(t)
}

/// Read an open transaction's status again after the [`backoff`] of its reads so far.
async fn read_later(state: &AppState, t: &Transaction, now: time::OffsetDateTime) -> Result<(), String> {
    let next = now + backoff(state.payments.config().poll_every, t.checks);
    state
        .store
        .reschedule_transaction(t.id.clone(), crate::clock::rfc3339(next), crate::clock::rfc3339(now))
        .await
        .map_err(|e| e.to_string())
}

/// The wait before the next status read: the poll interval, doubled per read so far, at most
/// an hour.
fn backoff(every: Duration, checks: i64) -> Duration {
    let factor = 1u32 << checks.clamp(0, 10) as u32;
    (every * factor).min(Duration::from_secs(3600))
}

/// Read the open transactions whose time has come, and give up those past their time — every
/// `poll_every`, as long as the server runs. Every instance may do this: reads are harmless
/// twice, and a final status is recorded once.
pub async fn poll(state: AppState) {
    let every = state.payments.config().poll_every;
    loop {
        tokio::time::sleep(every).await;
        if let Err(e) = poll_once(&state).await {
            tracing::warn!(error = %e, "payment poll failed");
        }
    }
}

/// One round of [`poll`].
pub async fn poll_once(state: &AppState) -> Result<(), String> {
    let now = state.clock.now();
    let due = state.store.due_transactions(crate::clock::rfc3339(now), 50).await.map_err(|e| e.to_string())?;
    for t in due {
        let past = t.expires_at.as_str() <= crate::clock::rfc3339(now).as_str();
        let result =
            if t.provider_id.is_some() { refresh(state, &t).await } else { Err("not created at the provider".into()) };
        match result {
            Ok(after) if after.status != "INITIAL" => {}
            Ok(_) | Err(_) if past => {
                if state.store.expire_transaction(&t, crate::clock::rfc3339(now)).await.map_err(|e| e.to_string())? {
                    tracing::warn!(transaction = %t.id, "payment transaction expired unpaid");
                }
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(transaction = %t.id, error = %e, "payment status not read; trying later");
                read_later(state, &t, now).await?;
            }
        }
    }
    let before = crate::clock::rfc3339(now - state.payments.config().expire_after);
    let n = state.store.expire_unpaid(before).await.map_err(|e| e.to_string())?;
    if n > 0 {
        tracing::warn!(applications = n, "applications never paid are now unpaid");
    }
    Ok(())
}

/// Whether an embedded form's host page may be returned to: this server's own origin or one
/// of the configured `--cors-origin`s (never an open redirect).
fn allowed_return(state: &AppState, headers: &HeaderMap, url: &str) -> bool {
    let Ok(parsed) = reqwest::Url::parse(url) else { return false };
    if !matches!(parsed.scheme(), "https" | "http") || url.len() > 2000 {
        return false;
    }
    let origin = parsed.origin().ascii_serialization();
    origin == public_base(state, headers) || state.config.cors_origins.iter().any(|o| o.trim_end_matches('/') == origin)
}

/// Where citizens reach this server: `--public-url`, or what their request says.
fn public_base(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.payments.config().public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers.get("host").and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
    format!("http://{host}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_reads_back_off_to_an_hour() {
        let every = Duration::from_secs(30);
        assert_eq!(backoff(every, 0), Duration::from_secs(30));
        assert_eq!(backoff(every, 3), Duration::from_secs(240));
        assert_eq!(backoff(every, 40), Duration::from_secs(3600));
    }

    #[test]
    fn only_tokens_the_server_makes_are_looked_up() {
        assert!(plausible(&"a".repeat(64)));
        assert!(!plausible("../etc"));
        assert!(!plausible(&"g".repeat(64)));
    }
}
