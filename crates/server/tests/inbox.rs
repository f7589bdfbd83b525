//! The clerk inbox's sign-in against the real server process: a session is a random id (never
//! the token) in a strict cookie, revoked on sign-out, `Secure` behind an HTTPS proxy; sign-in
//! attempts are throttled; the token can come from a file.

mod support;

use reqwest::redirect::Policy;
use support::Server;

const TOKEN: &str = "inbox-test-token-0123456789abcdef";

fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(Policy::none()).build().unwrap()
}

fn origin(server: &Server) -> String {
    server.base.trim_end_matches("/api/v1").to_owned()
}

async fn sign_in(server: &Server, token: &str, extra: &[(&str, &str)]) -> reqwest::Response {
    let mut request = client().post(format!("{}/inbox/login", origin(server))).form(&[("token", token)]);
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

async fn inbox_heading(server: &Server, cookie: &str) -> String {
    let html = client()
        .get(format!("{}/inbox", origin(server)))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = html.find("<h1>").map(|i| i + 4).unwrap_or(0);
    html[start..].split("</h1>").next().unwrap_or_default().to_owned()
}

fn set_cookie(response: &reqwest::Response) -> String {
    response.headers()["set-cookie"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn signing_in_opens_a_session_that_sign_out_revokes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("inbox-token");
    std::fs::write(&file, format!("{TOKEN}\n")).unwrap();
    let server = support::start(|command| {
        command.arg("--inbox-token-file").arg(&file);
    })
    .await;

    let response = sign_in(&server, TOKEN, &[]).await;
    assert_eq!(response.status(), 303);
    let header = set_cookie(&response);
    let pair = header.split(';').next().unwrap().to_owned();
    let value = pair.strip_prefix("antrag_inbox=").unwrap();
    assert_ne!(value, TOKEN, "the cookie must not hold the token itself");
    assert_eq!(value.len(), 64, "a random session id: {header}");
    for attribute in ["Path=/inbox", "Max-Age=28800", "HttpOnly", "SameSite=Strict"] {
        assert!(header.contains(attribute), "{attribute} in {header}");
    }
    assert!(!header.contains("Secure"), "plain HTTP without a proxy: {header}");
    assert_eq!(inbox_heading(&server, &pair).await, "Posteingang");
    // A second sign-in is another session.
    let other = set_cookie(&sign_in(&server, TOKEN, &[]).await);
    assert_ne!(other.split(';').next().unwrap(), pair);

    // Signing out revokes the session on the server: the old cookie no longer opens the inbox.
    let out = client().post(format!("{}/inbox/logout", origin(&server))).header("cookie", &pair).send().await.unwrap();
    assert_eq!(out.status(), 303);
    assert!(set_cookie(&out).contains("Max-Age=0"));
    assert_eq!(inbox_heading(&server, &pair).await, "Anmelden");
    // The token is no cookie value either.
    assert_eq!(inbox_heading(&server, &format!("antrag_inbox={TOKEN}")).await, "Anmelden");
    // API clients keep using the token as a bearer.
    let list = support::json(client().get(format!("{}/inbox/submissions", server.base)).bearer_auth(TOKEN)).await;
    assert_eq!(list["total"], 0);
}

#[tokio::test]
async fn behind_an_https_proxy_the_session_cookie_is_secure_and_the_token_comes_from_the_environment() {
    // The token from the environment (not the command line, where `ps` shows it).
    let server = support::start(|command| {
        command.env("ANTRAG_INBOX_TOKEN", TOKEN).arg("--trust-proxy");
    })
    .await;
    let response = sign_in(&server, TOKEN, &[("x-forwarded-proto", "https"), ("x-forwarded-for", "203.0.113.5")]).await;
    assert_eq!(response.status(), 303, "signed in with the token from ANTRAG_INBOX_TOKEN");
    assert!(set_cookie(&response).contains("; Secure"), "{}", set_cookie(&response));
}

#[tokio::test]
async fn sign_in_attempts_are_throttled() {
    let server = support::start(|command| {
        command.args(["--inbox-token", TOKEN]);
    })
    .await;
    for _ in 0..10 {
        assert_eq!(sign_in(&server, "guess", &[]).await.status(), 401);
    }
    let throttled = sign_in(&server, "guess", &[]).await;
    assert_eq!(throttled.status(), 429);
    let wait: u64 = throttled.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait));
    assert!(throttled.text().await.unwrap().contains("Zu viele Anmeldeversuche"));
    // While throttled even the right token waits.
    assert_eq!(sign_in(&server, TOKEN, &[]).await.status(), 429);
}
