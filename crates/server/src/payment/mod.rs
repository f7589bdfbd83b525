//! Fees and online payment over XBezahldienste (ePayBL, pmPayment, ePay21 …).
//!
//! An application whose form charges a fee before it is sent is stored as `payment_pending`
//! with the fee the server computed from the checked answers ([`antrag_core::fee`]; the
//! browser's figure is never used). The citizen is sent to `/zahlung/{token}/start`, which
//! creates the application's one payment transaction at the provider — or reuses the one still
//! open — and redirects to the provider's page. The provider sends the citizen back to
//! `/zahlung/{token}`, which reads the status from the provider (never from the redirect's
//! parameters) and shows the result: paid (the application counts as received), or cancelled
//! or failed with a way to try again. Transactions still open are read again in the background
//! with backoff ([`poll`]) and given up after `--payment-expiry-minutes`: the application is then
//! shown to the clerk as `unpaid`.
//!
//! The provider is reached through one adapter ([`Provider`]) for a real XBezahldienste
//! platform and for the test provider built into this server ([`test_provider`]), which is
//! called over HTTP like a real one.

pub mod change;
pub mod pages;
pub mod routes;
mod summary;
pub mod test_provider;

pub use summary::FeeSummary;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use antrag_core::fee::{amount_value, Fee};
use serde_json::{json, Value};

use crate::store::Transaction;

/// Where fees are paid.
#[derive(Debug, Clone, Default)]
pub struct PaymentConfig {
    /// The provider, if this server takes payments.
    pub provider: Option<ProviderConfig>,
    /// How often open transactions are looked at.
    pub poll_every: Duration,
    /// How long a transaction (or an application without one) may stay unpaid.
    pub expire_after: Duration,
    /// The address citizens reach this server at (`https://formulare.example.de`), for the
    /// provider's return address; without it, the request's `Host`.
    pub public_url: Option<String>,
}

/// A payment provider.
#[derive(Debug, Clone)]
pub enum ProviderConfig {
    /// The test provider built into this server (`--test-payment-provider`).
    Test,
    /// An XBezahldienste platform.
    XBezahldienste {
        /// Base URL of its API (before `/paymenttransaction`).
        base_url: String,
        /// `originatorId` (the sending online service).
        originator_id: String,
        /// `endPointId` (the receiving authority's endpoint).
        endpoint_id: String,
        /// How this server signs in.
        auth: ProviderAuth,
    },
}

/// How the server signs in at the provider.
#[derive(Debug, Clone)]
pub enum ProviderAuth {
    /// No sign-in (a provider inside a closed network).
    None,
    /// OAuth2 client credentials.
    OAuth2 {
        /// Token endpoint.
        token_url: String,
        /// Client id.
        client_id: String,
        /// Client secret (never logged).
        client_secret: String,
    },
    /// A TLS client certificate with its key (PEM).
    ClientCertificate {
        /// Certificate and key, PEM.
        pem: Vec<u8>,
    },
}

/// The originator and endpoint ids the test provider is called with.
const TEST_IDS: (&str, &str) = ("antrag", "test");

/// A provider's answer about a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderStatus {
    /// `INITIAL`, `PAYED`, `FAILED` or `CANCELED`.
    pub status: String,
    /// Payment method.
    pub method: Option<String>,
    /// Payment reference (Kassenzeichen).
    pub reference: Option<String>,
    /// When paid.
    pub timestamp: Option<String>,
    /// Amount booked, in cents.
    pub gross_cents: Option<i64>,
}

/// Why the provider could not be used.
#[derive(Debug, Clone)]
pub struct ProviderError(pub String);

impl std::fmt::Display for ProviderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The payment side of a server: its provider adapter.
pub struct Payments {
    config: PaymentConfig,
    http: reqwest::Client,
    /// Base URL of the provider's API and the ids in its paths.
    api: Option<(String, String, String)>,
    /// The address this server listens on (the test provider is called there).
    own: Mutex<std::net::SocketAddr>,
    auth: ProviderAuth,
    token: Mutex<Option<(String, Instant)>>,
    /// How the test provider behaves (tests set it through `--enable-faults`).
    pub test: test_provider::Behaviour,
}

impl Payments {
    /// The adapter for `config`; `own` is this server's address (for the test provider).
    pub fn new(config: &PaymentConfig, own: std::net::SocketAddr) -> Result<Payments, String> {
        let mut builder =
            reqwest::Client::builder().timeout(Duration::from_secs(10)).connect_timeout(Duration::from_secs(5));
        let (api, auth) = match &config.provider {
            None => (None, ProviderAuth::None),
            Some(ProviderConfig::Test) => {
                (Some((String::new(), TEST_IDS.0.to_owned(), TEST_IDS.1.to_owned())), ProviderAuth::None)
            }
            Some(ProviderConfig::XBezahldienste { base_url, originator_id, endpoint_id, auth }) => {
                if let ProviderAuth::ClientCertificate { pem } = auth {
                    let identity = reqwest::Identity::from_pem(pem).map_err(|e| {
                        format!("--payment-client-certificate: not a PEM certificate with its key: {e}")
                    })?;
                    builder = builder.identity(identity);
                }
                let api = (base_url.trim_end_matches('/').to_owned(), originator_id.clone(), endpoint_id.clone());
                (Some(api), auth.clone())
            }
        };
        let http = builder.build().map_err(|e| format!("cannot set up the payment provider's client: {e}"))?;
        Ok(Payments {
            config: config.clone(),
            http,
            api,
            own: Mutex::new(own),
            auth,
            token: Mutex::new(None),
            test: test_provider::Behaviour::default(),
        })
    }

    /// The server listens on `addr` (a test server binds port 0).
    pub fn listening_on(&self, addr: std::net::SocketAddr) {
        *self.own.lock().unwrap_or_else(|p| p.into_inner()) = addr;
    }

    /// The provider's API base and path ids.
    fn api(&self) -> Result<(String, String, String), ProviderError> {
        let (base, originator, endpoint) =
            self.api.clone().ok_or_else(|| ProviderError("no payment provider".into()))?;
        if !self.test_provider() {
            return Ok((base, originator, endpoint));
        }
        let own = *self.own.lock().unwrap_or_else(|p| p.into_inner());
        let host = if own.ip().is_unspecified() { format!("127.0.0.1:{}", own.port()) } else { own.to_string() };
        Ok((format!("http://{host}/test-bezahldienst/api"), originator, endpoint))
    }

    /// Whether this server takes payments.
    pub fn enabled(&self) -> bool {
        self.api.is_some()
    }

    /// Whether the built-in test provider is on.
    pub fn test_provider(&self) -> bool {
        matches!(self.config.provider, Some(ProviderConfig::Test))
    }

    /// The configuration.
    pub fn config(&self) -> &PaymentConfig {
        &self.config
    }

    async fn bearer(&self) -> Result<Option<String>, ProviderError> {
        let ProviderAuth::OAuth2 { token_url, client_id, client_secret } = &self.auth else { return Ok(None) };
        if let Some((token, until)) = self.token.lock().unwrap_or_else(|p| p.into_inner()).clone() {
            if Instant::now() < until {
                return Ok(Some(token));
            }
        }
        let response = self
            .http
            .post(token_url)
            .form(&[("grant_type", "client_credentials"), ("client_id", client_id), ("client_secret", client_secret)])
            .send()
            .await
            .map_err(|e| ProviderError(format!("token endpoint not reachable: {}", without_url(&e))))?;
        if !response.status().is_success() {
            return Err(ProviderError(format!("token endpoint answered {}", response.status())));
        }
        let body: Value = response.json().await.map_err(|_| ProviderError("token endpoint answered no JSON".into()))?;
        let token =
            body["access_token"].as_str().ok_or_else(|| ProviderError("token endpoint gave no access_token".into()))?;
        let seconds = body["expires_in"].as_u64().unwrap_or(300).saturating_sub(30).max(10);
        *self.token.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((token.to_owned(), Instant::now() + Duration::from_secs(seconds)));
        Ok(Some(token.to_owned()))
    }

    /// Create a transaction at the provider: its id and the address the citizen pays at.
    pub async fn create(&self, request: &Value) -> Result<(String, String), ProviderError> {
        let (base, originator, endpoint) = self.api()?;
        let mut call = self.http.post(format!("{base}/paymenttransaction/{originator}/{endpoint}")).json(request);
        if let Some(token) = self.bearer().await? {
            call = call.bearer_auth(token);
        }
        let response = call.send().await.map_err(|e| ProviderError(format!("not reachable: {}", without_url(&e))))?;
        let status = response.status();
        if !status.is_success() {
            return Err(ProviderError(format!("creating the transaction was answered {status}")));
        }
        let body: Value =
            response.json().await.map_err(|_| ProviderError("the answer to creating was no JSON".into()))?;
        let id = body["transactionId"].as_str().or_else(|| body["paymentInformation"]["transactionId"].as_str());
        let url = body["transactionUrl"].as_str().or_else(|| body["paymentInformation"]["transactionUrl"].as_str());
        match (id, url) {
            (Some(id), Some(url))
                if is_provider_id(id)
                    && (url.starts_with("https://") || url.starts_with("http://") || url.starts_with('/'))
                    && !url.chars().any(|c| c.is_control() || c.is_whitespace()) =>
            {
                // An address on the provider's own site without its origin: there, not here
                // (the built-in test provider, whose base is this server, stays relative).
                let url = match reqwest::Url::parse(&base) {
                    Ok(provider) if url.starts_with('/') && !url.starts_with("//") && !self.test_provider() => {
                        format!("{}{url}", provider.origin().ascii_serialization())
                    }
                    _ => url.to_owned(),
                };
                Ok((id.to_owned(), url))
            }
            _ => Err(ProviderError("the answer to creating had no valid transactionId and transactionUrl".into())),
        }
    }

    /// Read a transaction's status from the provider.
    pub async fn status(&self, provider_id: &str) -> Result<ProviderStatus, ProviderError> {
        let (base, originator, endpoint) = self.api()?;
        if !is_provider_id(provider_id) {
            return Err(ProviderError("a stored transaction id is not valid".into()));
        }
        let mut call = self.http.get(format!("{base}/paymenttransaction/{originator}/{endpoint}/{provider_id}"));
        if let Some(token) = self.bearer().await? {
            call = call.bearer_auth(token);
        }
        let response = call.send().await.map_err(|e| ProviderError(format!("not reachable: {}", without_url(&e))))?;
        let status = response.status();
        if !status.is_success() {
            return Err(ProviderError(format!("the status read was answered {status}")));
        }
        let body: Value = response.json().await.map_err(|_| ProviderError("the status answer was no JSON".into()))?;
        // The status as XBezahldienste nests it, or at the top level.
        let info = if body["paymentInformation"].is_object() { &body["paymentInformation"] } else { &body };
        let status = info["status"].as_str().unwrap_or_default().to_ascii_uppercase();
        let status = match status.as_str() {
            "INITIAL" | "PAYED" | "FAILED" | "CANCELED" => status,
            // FIT-Connect writes a booked payment BOOKED; some providers write PAID.
            "BOOKED" | "PAID" => "PAYED".to_owned(),
            "CANCELLED" => "CANCELED".to_owned(),
            other => return Err(ProviderError(format!("unknown status {other:?}"))),
        };
        let text = |key: &str| info[key].as_str().map(str::to_owned);
        let gross_cents = info["grossAmount"].as_f64().map(|f| (f * 100.0).round() as i64);
        Ok(ProviderStatus {
            status,
            method: text("paymentMethod"),
            reference: text("transactionReference"),
            timestamp: text("transactionTimestamp"),
            gross_cents,
        })
    }
}

/// A provider's transaction id as XBezahldienste allows it (what is stored and put in paths).
pub fn is_provider_id(id: &str) -> bool {
    (1..=36).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// An error of the HTTP client, said briefly.
fn without_url(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "no answer in time".to_owned()
    } else if e.is_connect() {
        "connection refused".to_owned()
    } else {
        "the connection failed".to_owned()
    }
}

/// The fee as stored with the application and shown on its pages.
pub fn fee_json(fee: &Fee, language: &str, default_language: &str) -> Value {
    json!({
        "currency": "EUR",
        "totalCents": fee.total_cents,
        "items": fee.lines.iter().map(|l| json!({
            "id": l.id,
            "label": l.label.resolve(language, default_language),
            "quantity": l.quantity,
            "unitCents": l.unit_cents,
            "totalCents": l.total_cents,
        })).collect::<Vec<_>>(),
    })
}

/// The XBezahldienste payment request of a transaction.
pub fn payment_request(
    t: &Transaction,
    reference: &str,
    fee: &Value,
    payment: &antrag_core::Payment,
    redirect_url: &str,
    now: &str,
) -> Value {
    // The purpose is what the citizen's bank statement shows: the reference number (it names
    // the application) when it fits the provider's rules, else the definition's purpose.
    let purpose = if reference.len() <= 27 { reference.to_owned() } else { payment.purpose.clone() };
    let booking = |id: &str| {
        payment
            .items
            .iter()
            .find(|i| i.id == id)
            .map(|i| (i.booking.clone(), i.tax_rate.unwrap_or(0)))
            .unwrap_or_default()
    };
    let items: Vec<Value> = fee["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .enumerate()
                .map(|(n, item)| {
                    let id = item["id"].as_str().unwrap_or_default();
                    let (booking, tax_rate) = booking(id);
                    let unit = item["unitCents"].as_u64().unwrap_or(0);
                    let quantity = item["quantity"].as_u64().unwrap_or(0);
                    // Amounts include the tax: net = gross / (1 + rate).
                    let net = |gross: u64| (gross as f64 * 100.0 / (100.0 + f64::from(tax_rate))).round() as u64;
                    json!({
                        "id": (n + 1).to_string(),
                        "reference": id,
                        "description": item["label"],
                        "quantity": quantity,
                        "singleNetAmount": amount_value(net(unit)),
                        "singleGrossAmount": amount_value(unit),
                        "taxRate": tax_rate,
                        "netAmount": amount_value(net(unit * quantity)),
                        "grossAmount": amount_value(unit * quantity),
                        "bookingData": booking,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    json!({
        "requestId": t.id,
        "requestTimestamp": now,
        "currency": "EUR",
        "grossAmount": amount_value(t.amount_cents.max(0) as u64),
        "purpose": purpose,
        "description": payment.description.clone().unwrap_or_else(|| payment.purpose.clone()),
        "redirectUrl": redirect_url,
        "items": items,
    })
}

/// A transaction as FIT-Connect's metadata writes it (`paymentInformation`, metadata schema
/// 1.x): only for a paid one.
pub fn payment_information(t: &Transaction) -> Option<Value> {
    if t.status != "PAYED" {
        return None;
    }
    let method = match t.method.as_deref().map(str::to_ascii_uppercase).as_deref() {
        Some(m @ ("GIROPAY" | "PAYDIRECT" | "CREDITCARD" | "PAYPAL" | "INVOICE")) => m.to_owned(),
        _ => "OTHER".to_owned(),
    };
    let mut info = json!({
        "transactionId": t.provider_id.clone().unwrap_or_else(|| t.id.clone()),
        "transactionReference": t.provider_reference.clone().unwrap_or_else(|| t.id.clone()),
        "paymentMethod": method,
        "status": "BOOKED",
        "grossAmount": amount_value(t.amount_cents.max(0) as u64),
    });
    if let Some(paid) = &t.paid_at {
        info["transactionTimestamp"] = json!(paid);
    }
    Some(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An RFC 3339 time on the test day (`antrag_testing::today()`).
    fn at(hh: u8, mm: u8) -> String {
        format!("{}T{hh:02}:{mm:02}:00Z", antrag_testing::today())
    }

    fn paid() -> Transaction {
        let mut t = Transaction::claim("req-1".into(), 1, 2000, at(12, 0), String::new(), String::new(), None);
        t.status = "PAYED".into();
        t.provider_id = Some("tx-1".into());
        t.provider_reference = Some("KZ-1".into());
        t.method = Some("creditcard".into());
        t.paid_at = Some(at(12, 1));
        t
    }

    #[test]
    fn a_paid_transaction_is_fit_connect_payment_information() {
        let info = payment_information(&paid()).unwrap();
        assert_eq!(
            info,
            json!({"transactionId": "tx-1", "transactionReference": "KZ-1", "paymentMethod": "CREDITCARD", "status": "BOOKED",
                   "grossAmount": 20.0, "transactionTimestamp": at(12, 1)})
        );
        let mut open = paid();
        open.status = "INITIAL".into();
        assert_eq!(payment_information(&open), None);
    }

    #[test]
    fn a_paid_transaction_is_valid_against_the_official_metadata_schema() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/fixtures/fim/fit-connect/metadata.schema.v1.0.0.json");
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("SKIPPED: {} is absent (../shared/fixtures/fim not beside the checkout)", path.display());
            return;
        };
        let schema: Value = serde_json::from_str(&text).unwrap();
        let validator = jsonschema::validator_for(&schema["properties"]["paymentInformation"]).unwrap();
        let info = payment_information(&paid()).unwrap();
        let errors: Vec<String> = validator.iter_errors(&info).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn the_payment_request_carries_the_items_and_the_reference_as_purpose() {
        let payment: antrag_core::Payment = serde_json::from_value(json!({
            "purpose": "Meldebescheinigung",
            "items": [{"id": "MEB", "label": "x", "amount": "10.00", "booking": {"haushaltsstelle": "1.2"}}]
        }))
        .unwrap();
        let fee = json!({"totalCents": 2000, "items": [{"id": "MEB", "label": "Einfach", "quantity": 2, "unitCents": 1000, "totalCents": 2000}]});
        let t = Transaction::claim("req-1".into(), 1, 2000, String::new(), String::new(), String::new(), None);
        let request = payment_request(&t, "MEB-2026-000001", &fee, &payment, "https://x/zahlung/t", &at(12, 0));
        assert_eq!(request["purpose"], "MEB-2026-000001");
        assert_eq!(request["grossAmount"], json!(20.0));
        assert_eq!(request["items"][0]["quantity"], 2);
        assert_eq!(request["items"][0]["singleGrossAmount"], json!(10.0));
        assert_eq!(request["items"][0]["bookingData"]["haushaltsstelle"], "1.2");
        assert_eq!(request["redirectUrl"], "https://x/zahlung/t");
    }
}
