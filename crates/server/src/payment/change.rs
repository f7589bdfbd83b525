//! The browser that sent an application with a fee, and no one else, may take it back to
//! change the answers before paying (`store::changing`, docs/payment.md).
//!
//! The browser proves it with a secret in a cookie. A form on this server's own pages gets the
//! cookie with the response that stored the application. A form embedded on another site
//! cannot: its request is cross-site, and browsers keep cookies from such responses (or keep
//! them apart from this server's own pages). So the secret also goes, once, into the address
//! that opens the payment (`/zahlung/{token}/start/{secret}`): that request is the citizen's
//! own navigation to this server, which may set the cookie; it replaces the secret by a new
//! one and goes on at once, so that the address is worth nothing afterwards (browser history,
//! logs) and the cookie is not lost with a slow answer of the provider.

use axum::http::{HeaderMap, HeaderValue};

use crate::state::AppState;

/// The cookie of the browser that sent an application with a fee: a random secret, sent only
/// to that application's payment pages; its hash is stored with the application. It lets that
/// browser — and no one else who knows the status token — change the answers before paying.
pub const CHANGE_COOKIE: &str = "antrag_aendern";

/// SHA-256 of a secret, in hex (what the store keeps).
pub fn sha256_hex(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    crate::shared::hex(&Sha256::digest(secret.as_bytes()))
}

/// An application bound to the browser that sent it.
pub struct Binding {
    /// The `Set-Cookie` value that gives the browser its [`CHANGE_COOKIE`].
    pub cookie: HeaderValue,
    /// The secret, for the first address of the payment ([`Binding::start_url`]).
    pub secret: String,
}

impl Binding {
    /// The receipt's first payment address, with the secret (`payment_url`: the start).
    pub fn start_url(&self, payment_url: &str) -> String {
        format!("{payment_url}/{}", self.secret)
    }
}

/// For an application just stored to wait for its fee: bind it to this browser. `None` for
/// any other receipt (or when the store fails: the citizen can still pay, only not change).
pub async fn bind(state: &AppState, headers: &HeaderMap, receipt: &crate::store::Receipt) -> Option<Binding> {
    if receipt.status != "payment_pending" {
        return None;
    }
    let secret = crate::shared::random_token(32);
    if let Err(e) = state.store.bind_change_secret(receipt.status_token.clone(), sha256_hex(&secret)).await {
        tracing::warn!(reference = %receipt.reference, error = %e, "the application could not be bound to its browser");
        return None;
    }
    let cookie = cookie(state, headers, &receipt.status_token, &secret)?;
    Some(Binding { cookie, secret })
}

/// The secret of the first payment address: if it is the application's,
/// a new secret replaces it, and the `Set-Cookie` value that gives it to this browser. `None`
/// for a secret that is not (or no longer) the application's.
pub async fn exchange(state: &AppState, headers: &HeaderMap, status_token: &str, given: &str) -> Option<HeaderValue> {
    if given.len() != 64 || !given.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let secret = crate::shared::random_token(32);
    match state.store.replace_change_secret(status_token.to_owned(), sha256_hex(given), sha256_hex(&secret)).await {
        Ok(true) => cookie(state, headers, status_token, &secret),
        Ok(false) => None,
        Err(e) => {
            tracing::warn!(error = %e, "the payment's browser binding could not be renewed");
            None
        }
    }
}

/// The cookie with `secret`, for the payment pages of `status_token`, kept as long as the
/// answers can be handed back.
fn cookie(state: &AppState, headers: &HeaderMap, status_token: &str, secret: &str) -> Option<HeaderValue> {
    let kept = state.payments.config().expire_after.as_secs() + crate::store::KEPT_HOURS as u64 * 3600;
    let cookie = format!(
        "{CHANGE_COOKIE}={secret}; Path=/zahlung/{status_token}; HttpOnly; SameSite=Lax; Max-Age={kept}{}",
        crate::proxy::secure_attribute(headers, state.config.trusted_proxies)
    );
    HeaderValue::from_str(&cookie).ok()
}
