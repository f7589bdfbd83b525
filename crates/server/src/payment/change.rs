//! The browser that sent an application with a fee, and no one else, may take it back to
//! change the answers before paying (`store::changing`, docs/payment.md).

use axum::http::HeaderMap;

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

/// For an application just stored to wait for its fee: bind it to this browser, and the
/// `Set-Cookie` value that gives the browser its [`CHANGE_COOKIE`]. `None` for any other
/// receipt (or when the store fails: the citizen can still pay, only not change).
pub async fn change_cookie(
    state: &AppState,
    headers: &HeaderMap,
    receipt: &crate::store::Receipt,
) -> Option<axum::http::HeaderValue> {
    if receipt.status != "payment_pending" {
        return None;
    }
    let secret = crate::shared::random_token(32);
    if let Err(e) = state.store.bind_change_secret(receipt.status_token.clone(), sha256_hex(&secret)).await {
        tracing::warn!(reference = %receipt.reference, error = %e, "the application could not be bound to its browser");
        return None;
    }
    let kept = state.payments.config().expire_after.as_secs() + crate::store::KEPT_HOURS as u64 * 3600;
    let cookie = format!(
        "{CHANGE_COOKIE}={secret}; Path=/zahlung/{}; HttpOnly; SameSite=Lax; Max-Age={kept}{}",
        receipt.status_token,
        crate::proxy::secure_attribute(headers, state.config.trusted_proxies)
    );
    axum::http::HeaderValue::from_str(&cookie).ok()
}
