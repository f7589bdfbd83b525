//! FIT-Connect sender in the browser: the citizen's answers, attachments and the metadata are
//! encrypted here, with the browser's WebCrypto (no cryptography of our own), before anything
//! leaves the device: JWE compact serialization, key wrap RSA-OAEP-256 with the destination's
//! 4096-bit key, content AES-256-GCM with a fresh key and IV per JWE, SHA-512 over the plain
//! data and files for the metadata. The server only relays the ciphertext and adds its OAuth
//! token.
//!
//! The flow — key, create the submission with the announced attachment ids, upload each
//! attachment, submit data and metadata — keeps its progress in a [`Session`]: after a failure
//! a retry continues where it stopped, without encrypting or uploading again what succeeded.
//!
//! Files of a FIT-Connect form are never uploaded in plain text: the file widget keeps the
//! chosen `File` in this browser ([`crate::file_store::keep_file`]) and the answers hold a
//! reference with a fresh UUID.

use antrag_core::FileRef;
use gloo_net::http::{Request, RequestBuilder};
use js_sys::{Array, Object, Reflect, Uint8Array};
use serde_json::{json, Value};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::config::ClientConfig;
use crate::fit::{self, AttachmentInfo, FitTransport, KeyError};

/// What is being done, for the progress message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Fetching and checking the destination's key.
    Key,
    /// Encrypting and sending attachment `n` of `total` (1-based).
    Attachment {
        /// Which.
        n: usize,
        /// Of how many.
        total: usize,
    },
    /// Encrypting and sending the answers and metadata.
    Data,
}

/// Why sending over FIT-Connect failed.
#[derive(Clone, Debug, PartialEq)]
pub enum FitError {
    /// No answer (offline, timeout): retry.
    Network,
    /// The destination's key is unusable.
    Key(KeyError),
    /// The destination does not take submissions now (not active, unknown).
    Destination(String),
    /// The destination refused the submission (422), with its reason.
    Rejected(String),
    /// A chosen file is no longer in this browser (after a reload): choose it again.
    MissingFile(String),
    /// Another HTTP status.
    Status(u16),
    /// WebCrypto failed.
    Crypto(String),
}

impl FitError {
    /// Whether trying again may help.
    pub fn is_retryable(&self) -> bool {
        match self {
            FitError::Network => true,
            FitError::Status(s) => *s >= 500 || *s == 429,
            _ => false,
        }
    }
}

/// One attachment of a submission in progress.
#[derive(Clone, Debug)]
struct Part {
    file: FileRef,
    sha512: Option<String>,
    jwe: Option<String>,
    uploaded: bool,
}

/// A submission in progress; kept between attempts so that a retry continues.
#[derive(Clone, Debug, Default)]
pub struct Session {
    /// Fingerprint of what is being sent; another payload starts a new submission.
    fingerprint: String,
    kid: Option<String>,
    jwk: Option<Value>,
    submission_id: Option<String>,
    case_id: Option<String>,
    parts: Vec<Part>,
    data_jwe: Option<String>,
    metadata_jwe: Option<String>,
}

/// A delivered submission.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivered {
    /// FIT-Connect submission id.
    pub submission_id: String,
    /// FIT-Connect case id.
    pub case_id: String,
    /// The destination's own reference, when it gives one (the test destination does).
    pub reference: Option<String>,
}

/// What is sent.
pub struct Outgoing<'a> {
    /// The payload from antrag-core.
    pub payload: &'a Value,
    /// The files it references, in document order.
    pub files: &'a [FileRef],
    /// The citizen's e-mail address for the reply channel, if the form names one.
    pub reply_email: Option<&'a str>,
    /// The application date, `YYYY-MM-DD`.
    pub today: &'a str,
}

/// Send `outgoing` to the destination of `transport`.
pub async fn send(
    config: &ClientConfig,
    transport: &FitTransport,
    outgoing: &Outgoing<'_>,
    session: &mut Session,
    progress: &dyn Fn(Stage),
) -> Result<Delivered, FitError> {
    let Outgoing { payload, files, reply_email, today } = *outgoing;
    let fingerprint = format!("{}|{}", transport.destination_id, payload);
    if session.fingerprint != fingerprint {
        *session = Session { fingerprint, ..Session::default() };
    }
    // The relay of the server the app talks to (an embedded widget's API base is absolute).
    let relay = format!("{}/fit-connect", config.api.trim_end_matches('/'));
    let relay = relay.as_str();
    let dest = crate::api::encode(&transport.destination_id);

    // 1. The destination and its key, checked before anything is encrypted.
    progress(Stage::Key);
    if session.jwk.is_none() {
        let destination = get_json(config, &format!("{relay}/destinations/{dest}")).await?;
        if destination["status"].as_str().is_some_and(|s| s != "active") {
            return Err(FitError::Destination(format!("status {}", destination["status"])));
        }
        let kid =
            destination["encryptionKid"].as_str().ok_or(FitError::Destination("no encryptionKid".into()))?.to_owned();
        let jwk = get_json(config, &format!("{relay}/destinations/{dest}/keys/{}", crate::api::encode(&kid))).await?;
        fit::check_key(&jwk, &kid).map_err(FitError::Key)?;
        verify_chain(&jwk, &transport.trust_roots, today).await?;
        session.kid = Some(kid);
        session.jwk = Some(jwk);
    }
    let kid = session.kid.clone().unwrap_or_default();
    let key = import_key(session.jwk.as_ref().unwrap_or(&Value::Null)).await?;

    // 2. Create the submission, announcing the attachments.
    if session.submission_id.is_none() {
        session.parts =
            files.iter().map(|f| Part { file: f.clone(), sha512: None, jwe: None, uploaded: false }).collect();
        let body = json!({
            "destinationId": transport.destination_id,
            "announcedAttachments": files.iter().map(|f| f.id.clone()).collect::<Vec<_>>(),
            "serviceType": transport.service_type,
        });
        let created = send_json(config, "POST", &format!("{relay}/submissions"), &body).await?;
        session.case_id = created["caseId"].as_str().map(str::to_owned);
        session.submission_id = Some(created["submissionId"].as_str().ok_or(FitError::Status(502))?.to_owned());
    }
    let sid = session.submission_id.clone().unwrap_or_default();

    // 3. Each attachment: hash, encrypt, upload — once.
    let total = session.parts.len();
    for i in 0..total {
        if session.parts[i].uploaded {
            continue;
        }
        progress(Stage::Attachment { n: i + 1, total });
        if session.parts[i].jwe.is_none() {
            let id = session.parts[i].file.id.clone();
            let chosen = crate::file_store::chosen(&id).await.ok_or_else(|| FitError::MissingFile(id.clone()))?;
            let bytes = read(&chosen).await?;
            mark("antrag:fit-connect:encrypt-start");
            session.parts[i].sha512 = Some(sha512(&bytes).await?);
            session.parts[i].jwe = Some(encrypt(&key, &kid, &session.parts[i].file.media_type, &bytes).await?);
            measure(&format!("antrag:fit-connect:encrypt:{}", bytes.length()), "antrag:fit-connect:encrypt-start");
        }
        let part = &session.parts[i];
        let url = format!(
            "{relay}/submissions/{}/attachments/{}",
            crate::api::encode(&sid),
            crate::api::encode(&part.file.id)
        );
        let request = with_auth(Request::put(&url), config)
            .header("Content-Type", "application/jose")
            .body(part.jwe.clone().unwrap_or_default())
            .map_err(|_| FitError::Status(0))?;
        expect_ok(request.send().await).await?;
        session.parts[i].uploaded = true;
        session.parts[i].jwe = None;
    }

    // 4. Data and metadata, encrypted once.
    progress(Stage::Data);
    if session.data_jwe.is_none() || session.metadata_jwe.is_none() {
        let data = payload.to_string();
        let data_bytes = Uint8Array::from(data.as_bytes());
        let data_hash = sha512(&data_bytes).await?;
        let infos: Vec<AttachmentInfo> = session
            .parts
            .iter()
            .map(|p| AttachmentInfo {
                id: p.file.id.clone(),
                sha512: p.sha512.clone().unwrap_or_default(),
                media_type: p.file.media_type.clone(),
                filename: p.file.name.clone(),
            })
            .collect();
        let metadata = fit::metadata(&data_hash, &transport.schema_uri, &infos, reply_email, today).to_string();
        session.data_jwe = Some(encrypt(&key, &kid, "application/json", &data_bytes).await?);
        session.metadata_jwe =
            Some(encrypt(&key, &kid, "application/json", &Uint8Array::from(metadata.as_bytes())).await?);
    }
    let body = json!({ "encryptedMetadata": session.metadata_jwe, "encryptedData": session.data_jwe });
    let answer = send_json(config, "PUT", &format!("{relay}/submissions/{}", crate::api::encode(&sid)), &body).await?;
    Ok(Delivered {
        submission_id: sid,
        case_id: session.case_id.clone().unwrap_or_default(),
        reference: answer["reference"].as_str().map(str::to_owned),
    })
}

fn with_auth(builder: RequestBuilder, config: &ClientConfig) -> RequestBuilder {
    match &config.auth {
        Some((name, value)) => builder.header(name, value),
        None => builder,
    }
}

async fn get_json(config: &ClientConfig, url: &str) -> Result<Value, FitError> {
    let request = with_auth(Request::get(url), config).build().map_err(|_| FitError::Status(0))?;
    let response = expect_ok(request.send().await).await?;
    response.json::<Value>().await.map_err(|_| FitError::Network)
}

async fn send_json(config: &ClientConfig, method: &str, url: &str, body: &Value) -> Result<Value, FitError> {
    let builder = match method {
        "PUT" => Request::put(url),
        _ => Request::post(url),
    };
    let request = with_auth(builder, config)
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .map_err(|_| FitError::Status(0))?;
    let response = expect_ok(request.send().await).await?;
    // An empty success body is fine (204).
    Ok(response.json::<Value>().await.unwrap_or(Value::Null))
}

async fn expect_ok(
    sent: Result<gloo_net::http::Response, gloo_net::Error>,
) -> Result<gloo_net::http::Response, FitError> {
    let response = sent.map_err(|_| FitError::Network)?;
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    let problem: Value = response.json().await.unwrap_or(Value::Null);
    Err(match status {
        422 => FitError::Rejected(problem["detail"].as_str().unwrap_or_default().to_owned()),
        403 | 404 => FitError::Destination(problem["detail"].as_str().unwrap_or_default().to_owned()),
        _ => FitError::Status(status),
    })
}

// ---------------------------------------------------------------------------------------
// WebCrypto

fn subtle() -> Result<web_sys::SubtleCrypto, FitError> {
    let crypto =
        crate::dom::window().and_then(|w| w.crypto().ok()).ok_or_else(|| FitError::Crypto("no WebCrypto".into()))?;
    Ok(crypto.subtle())
}

fn object(pairs: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}

fn crypto_error(what: &str) -> impl Fn(JsValue) -> FitError + '_ {
    move |e| {
        let detail = e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_default();
        FitError::Crypto(format!("{what}: {detail}"))
    }
}

async fn promised(p: Result<js_sys::Promise, JsValue>, what: &str) -> Result<JsValue, FitError> {
    let p = p.map_err(crypto_error(what))?;
    JsFuture::from(p).await.map_err(crypto_error(what))
}

/// The key's certificate chain up to a trust root: names, dates, CA constraints and the key
/// itself in [`fit::check_chain`], every signature here with WebCrypto.
async fn verify_chain(jwk: &Value, roots: &[String], today: &str) -> Result<(), FitError> {
    use crate::x509::Scheme;
    let subtle = subtle()?;
    for check in fit::check_chain(jwk, roots, today).map_err(FitError::Key)? {
        let (import, verify) = match check.scheme {
            Scheme::RsaPkcs1(hash) => (
                object(&[("name", "RSASSA-PKCS1-v1_5".into()), ("hash", hash.web_name().into())]),
                object(&[("name", "RSASSA-PKCS1-v1_5".into())]),
            ),
            Scheme::RsaPss(hash, salt) => (
                object(&[("name", "RSA-PSS".into()), ("hash", hash.web_name().into())]),
                object(&[("name", "RSA-PSS".into()), ("saltLength", salt.into())]),
            ),
            Scheme::Ecdsa(hash, curve) => (
                object(&[("name", "ECDSA".into()), ("namedCurve", curve.web_name().into())]),
                object(&[("name", "ECDSA".into()), ("hash", hash.web_name().into())]),
            ),
        };
        let untrusted = |why: &str| FitError::Key(KeyError::Untrusted(format!("{why} ({})", check.what)));
        let signer = Uint8Array::from(&check.signer_key[..]);
        let usages = Array::of1(&"verify".into());
        let key = JsFuture::from(
            subtle
                .import_key_with_object("spki", &signer, &import, false, &usages)
                .map_err(|_| untrusted("the signer's key cannot be read"))?,
        )
        .await
        .map_err(|_| untrusted("the signer's key cannot be read"))?;
        let valid = promised(
            subtle.verify_with_object_and_js_u8_array_and_js_u8_array(
                &verify,
                key.unchecked_ref(),
                &Uint8Array::from(&check.signature[..]),
                &Uint8Array::from(&check.signed[..]),
            ),
            "certificate signature",
        )
        .await?;
        if valid.as_bool() != Some(true) {
            return Err(untrusted("a signature in the certificate chain does not verify"));
        }
    }
    Ok(())
}

/// The destination's public key, for wrapping content keys only.
async fn import_key(jwk: &Value) -> Result<web_sys::CryptoKey, FitError> {
    let jwk_js = js_sys::JSON::parse(&jwk.to_string()).map_err(crypto_error("key"))?;
    let algorithm = object(&[("name", "RSA-OAEP".into()), ("hash", "SHA-256".into())]);
    let usages = Array::of1(&"wrapKey".into());
    let key = promised(
        subtle()?.import_key_with_object("jwk", jwk_js.unchecked_ref(), &algorithm, false, &usages),
        "importing the destination's key",
    )
    .await?;
    Ok(key.unchecked_into())
}

async fn sha512(bytes: &Uint8Array) -> Result<String, FitError> {
    let digest = promised(subtle()?.digest_with_str_and_js_u8_array("SHA-512", bytes), "SHA-512").await?;
    Ok(fit::hex(&Uint8Array::new(&digest).to_vec()))
}

/// One JWE: a fresh AES-256-GCM key, wrapped with the destination's key (RSA-OAEP-256), a
/// fresh 96-bit IV, the protected header as additional authenticated data.
async fn encrypt(key: &web_sys::CryptoKey, kid: &str, cty: &str, plain: &Uint8Array) -> Result<String, FitError> {
    let subtle = subtle()?;
    let aes = object(&[("name", "AES-GCM".into()), ("length", 256.into())]);
    let usages = Array::of1(&"encrypt".into());
    let cek: web_sys::CryptoKey =
        promised(subtle.generate_key_with_object(&aes, true, &usages), "content key").await?.unchecked_into();
    let wrap = object(&[("name", "RSA-OAEP".into())]);
    let wrapped = promised(subtle.wrap_key_with_object("raw", &cek, key, &wrap), "key wrap").await?;
    let mut iv = [0u8; 12];
    crate::dom::window()
        .and_then(|w| w.crypto().ok())
        .ok_or_else(|| FitError::Crypto("no WebCrypto".into()))?
        .get_random_values_with_u8_array(&mut iv)
        .map_err(crypto_error("IV"))?;
    let header = fit::base64url(fit::protected_header(kid, cty).as_bytes());
    let params = object(&[
        ("name", "AES-GCM".into()),
        ("iv", Uint8Array::from(&iv[..]).into()),
        ("additionalData", Uint8Array::from(header.as_bytes()).into()),
        ("tagLength", 128.into()),
    ]);
    let sealed = promised(subtle.encrypt_with_object_and_js_u8_array(&params, &cek, plain), "AES-GCM").await?;
    fit::compact(&header, &Uint8Array::new(&wrapped).to_vec(), &iv, &Uint8Array::new(&sealed).to_vec())
        .ok_or_else(|| FitError::Crypto("ciphertext too short".into()))
}

async fn read(blob: &web_sys::Blob) -> Result<Uint8Array, FitError> {
    let buffer = JsFuture::from(blob.array_buffer()).await.map_err(|_| FitError::Crypto("reading the file".into()))?;
    Ok(Uint8Array::new(&buffer))
}

fn mark(name: &str) {
    if let Some(p) = crate::dom::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// A User Timing entry (`performance.measure`), for the benchmark of encryption speed.
fn measure(name: &str, start_mark: &str) {
    if let Some(p) = crate::dom::window().and_then(|w| w.performance()) {
        let _ = p.measure_with_start_mark(name, start_mark);
    }
}
