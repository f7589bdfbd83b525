//! A FIT-Connect-compatible test destination, for tests and the demo: the Submission API calls
//! a sender makes (destination, key, create, upload, submit, status) and an OAuth token
//! endpoint, under `/fit-connect-test`. Unlike the real Zustelldienst, which only stores
//! ciphertext for the authority's subscriber, it plays both parts: on submit it decrypts
//! metadata, data and attachments with josekit (OpenSSL) and verifies everything a receiving
//! authority must — key and algorithms, hashes, the metadata against the official schema (when
//! given) and its structure, the data against the payload schema of the definition, the
//! answers with antrag-core — and answers 422 with the reason when something is wrong. A
//! verified submission is stored like any other and appears in the clerk inbox.
//!
//! Its RSA-4096 key pair is made once and kept in the data directory
//! (`fit-connect-test-destination.json`, mode 0600). It is a test key: never use it for real
//! applications.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap, StatusCode};
use josekit::jwe::alg::rsaes::RsaesJweDecrypter;
use josekit::jwe::RSA_OAEP_256;
use josekit::jwk::Jwk;
use serde_json::{json, Value};

use super::expiring::Expiring;
use crate::problem::Problem;
use crate::shared::{random_token, uuid_v4};

pub mod routes;

const KEY_FILE: &str = "fit-connect-test-destination.json";

const TEST_CA_NAME: &str = "Antrag FIT-Connect Test-CA (nur für Tests)";
const TEST_VALID_FROM: i64 = 946_684_800; // 2000-01-01
const TEST_VALID_UNTIL: i64 = 4_102_444_800; // 2100-01-01

/// Submissions the destination keeps at once; more are refused with 503 until some expire.
pub const MAX_SUBMISSIONS: usize = 10_000;

/// How long a submission (its state, and its uploads until it is sent) is kept.
pub const SUBMISSION_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// Encrypted attachments held in memory for unsent submissions, in units of the largest
/// accepted upload; more are refused with 503 until submissions are sent or expire.
pub const HELD_UPLOADS: u64 = 16;

/// Live access tokens the test destination holds at most (each client caches its token).
pub const MAX_TOKENS: usize = 1_000;

/// How long an access token is good for.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(1800);

/// The test destination.
pub struct TestDestination {
    /// Destination id (UUID).
    pub id: String,
    /// Key id of the encryption key.
    pub kid: String,
    /// OAuth client id the relay uses against it.
    pub client_id: String,
    /// OAuth client secret the relay uses against it.
    pub client_secret: String,
    public_jwk: Jwk,
    decrypter: RsaesJweDecrypter,
    metadata_schema: Option<jsonschema::Validator>,
    /// The test CA that issued the key's certificate.
    pub test_ca: openssl::x509::X509,
    tokens: Mutex<Expiring<()>>,
    submissions: Mutex<Expiring<Submission>>,
}

#[derive(Clone, Debug)]
struct Submission {
    case_id: String,
    service: String,
    announced: Vec<String>,
    attachments: HashMap<String, String>,
    state: &'static str,
    reference: Option<String>,
    problem: Option<String>,
}

impl TestDestination {
    /// Load the key pair from `data_dir` or make and keep a new one.
    pub fn open(data_dir: &Path, metadata_schema: Option<&Path>) -> Result<TestDestination, String> {
        let file = data_dir.join(KEY_FILE);
        std::fs::create_dir_all(data_dir).map_err(|e| format!("{}: {e}", data_dir.display()))?;
        let stored: Value = match std::fs::read_to_string(&file) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?,
            Err(_) => {
                tracing::info!("generating the RSA-4096 key pair of the FIT-Connect test destination");
                let pair = RSA_OAEP_256.generate_key_pair(4096).map_err(|e| format!("key generation: {e}"))?;
                let kid = uuid_v4();
                let mut private = pair.to_jwk_private_key();
                private.set_key_id(&kid);
                let stored = json!({
                    "destinationId": uuid_v4(),
                    "kid": kid,
                    "clientId": uuid_v4(),
                    "clientSecret": random_token(32),
                    "privateJwk": serde_json::to_value(private.as_ref()).map_err(|e| e.to_string())?,
                });
                write_private(&file, &stored.to_string()).map_err(|e| format!("{}: {e}", file.display()))?;
                stored
            }
        };
        let field = |name: &str| {
            stored[name].as_str().map(str::to_owned).ok_or_else(|| format!("{}: no {name}", file.display()))
        };
        let private_map =
            stored["privateJwk"].as_object().cloned().ok_or_else(|| format!("{}: no privateJwk", file.display()))?;
        let private = Jwk::from_map(private_map).map_err(|e| format!("{}: {e}", file.display()))?;
        let decrypter = RSA_OAEP_256.decrypter_from_jwk(&private).map_err(|e| format!("{}: {e}", file.display()))?;
        let kid = field("kid")?;
        // The published key: public parts only, for wrapping keys with RSA-OAEP-256.
        let mut public = Jwk::new("RSA");
        for name in ["n", "e"] {
            let value = private.parameter(name).cloned().ok_or_else(|| format!("{}: no {name}", file.display()))?;
            public.set_parameter(name, Some(value)).map_err(|e| e.to_string())?;
        }
        public.set_key_id(&kid);
        public.set_algorithm("RSA-OAEP-256");
        public.set_key_operations(vec!["wrapKey"]);
        // Its certificate chain, from a test CA made now (a test key: valid 2000–2100, so any
        // test date works); the relay trusts this CA when no roots are configured.
        let (test_ca, ca_key) = super::keytrust::test_ca(TEST_CA_NAME, TEST_VALID_FROM, TEST_VALID_UNTIL)?;
        let rsa_public = {
            let n = private.parameter("n").and_then(Value::as_str).and_then(base64url);
            let e = private.parameter("e").and_then(Value::as_str).and_then(base64url);
            let (n, e) = n.zip(e).ok_or_else(|| format!("{}: no n or e", file.display()))?;
            let rsa = openssl::rsa::Rsa::from_public_components(
                openssl::bn::BigNum::from_slice(&n).map_err(|e| e.to_string())?,
                openssl::bn::BigNum::from_slice(&e).map_err(|e| e.to_string())?,
            )
            .map_err(|e| e.to_string())?;
            openssl::pkey::PKey::from_rsa(rsa).map_err(|e| e.to_string())?
        };
        let leaf = super::keytrust::issue(
            &test_ca,
            &ca_key,
            "Antrag FIT-Connect-Testziel",
            &rsa_public,
            TEST_VALID_FROM,
            TEST_VALID_UNTIL,
        )?;
        let chain =
            [&leaf, &test_ca].iter().map(|c| c.to_der().map_err(|e| e.to_string())).collect::<Result<Vec<_>, _>>()?;
        public.set_x509_certificate_chain(&chain);
        let metadata_schema = match metadata_schema {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
                let schema: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
                Some(
                    jsonschema::options()
                        .should_validate_formats(true)
                        .build(&schema)
                        .map_err(|e| format!("{}: {e}", path.display()))?,
                )
            }
            None => None,
        };
        Ok(TestDestination {
            id: field("destinationId")?,
            kid,
            client_id: field("clientId")?,
            client_secret: field("clientSecret")?,
            public_jwk: public,
            decrypter,
            metadata_schema,
            test_ca,
            tokens: Mutex::new(Expiring::new(MAX_TOKENS, TOKEN_LIFETIME)),
            submissions: Mutex::new(Expiring::new(MAX_SUBMISSIONS, SUBMISSION_LIFETIME)),
        })
    }

    /// Whether the official metadata schema is checked.
    pub fn checks_official_schema(&self) -> bool {
        self.metadata_schema.is_some()
    }

    /// The published public key (JWK).
    pub fn public_jwk(&self) -> Value {
        serde_json::to_value(self.public_jwk.as_ref()).unwrap_or(Value::Null)
    }

    fn authorized(&self, headers: &HeaderMap) -> Result<(), Problem> {
        let token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        let tokens = self.tokens.lock().expect("lock");
        match tokens.get(token, Instant::now()) {
            Some(()) => Ok(()),
            _ => Err(Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Unauthorized",
                "a valid access token is required",
            )),
        }
    }

    fn decrypt(&self, what: &str, jwe: &str) -> Result<Vec<u8>, String> {
        let header = jwe.split('.').next().unwrap_or("");
        let header: Value = base64url(header)
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or_else(|| format!("{what}: not a JWE in compact serialization"))?;
        if jwe.split('.').count() != 5 {
            return Err(format!("{what}: a compact JWE has five parts"));
        }
        if header["alg"] != "RSA-OAEP-256" || header["enc"] != "A256GCM" {
            return Err(format!(
                "{what}: expected alg RSA-OAEP-256 and enc A256GCM, got alg {} and enc {}",
                header["alg"], header["enc"]
            ));
        }
        // Compressed content inflates without bound inside the decrypter (a few megabytes of
        // JWE become gigabytes), and a critical extension is one this destination does not
        // know: refuse both before decrypting. FIT-Connect uses neither.
        if header.get("zip").is_some() {
            return Err(format!("{what}: compressed JWE (\"zip\") is not accepted"));
        }
        if header.get("crit").is_some() {
            return Err(format!("{what}: JWE with critical extensions (\"crit\") is not accepted"));
        }
        if header["kid"].as_str() != Some(self.kid.as_str()) {
            return Err(format!(
                "{what}: encrypted for key {} instead of this destination's key {}",
                header["kid"], self.kid
            ));
        }
        let (plain, _) = josekit::jwe::deserialize_compact(jwe, &self.decrypter).map_err(|_| {
            format!("{what}: decryption failed — the ciphertext, its tag or the encrypted key was changed")
        })?;
        // Without compression, AES-GCM's plain text is exactly as long as its cipher text.
        if plain.len() > jwe.len() {
            return Err(format!("{what}: the decrypted content is larger than its ciphertext"));
        }
        Ok(plain)
    }
}

fn base64url(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text).ok()
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}
