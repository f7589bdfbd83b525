//! FIT-Connect sender, the pure parts: how a form is sent (transport), the checks on the
//! destination's key, the JWE header and compact serialization, and the submission metadata.
//! The cryptography itself is the browser's (WebCrypto, see `fit_send`); nothing here
//! encrypts — these are the formats around it, testable natively.

use antrag_core::trusted::{self, Obj, Read, ReadError};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// How the app sends a form (`GET /api/v1/forms/{id}/transport`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Transport {
    /// The open submission contract (the default; also when a backend does not know the
    /// transport endpoint).
    #[default]
    Contract,
    /// FIT-Connect through the server's relay, encrypted in the browser.
    FitConnect(FitTransport),
}

impl Transport {
    /// Read as the server writes it, by hand ([`antrag_core::trusted`]): the derived
    /// `#[serde(tag = "kind")]` buffers in serde's private `Content` and so would put a second
    /// copy of the readers into the wasm.
    pub fn read(value: Value) -> Read<Transport> {
        let mut o = Obj::new(value)?;
        let kinds = "a transport kind (contract, fit-connect)";
        match o.opt("kind", trusted::string)?.as_deref() {
            Some("contract") => Ok(Transport::Contract),
            Some("fit-connect") => Ok(Transport::FitConnect(FitTransport {
                destination_id: o.req("destinationId", trusted::string)?,
                relay: o.req("relay", trusted::string)?,
                service_type: o.req("serviceType", |v| {
                    let mut t = Obj::new(v)?;
                    Ok(ServiceType {
                        name: t.req("name", trusted::string)?,
                        identifier: t.req("identifier", trusted::string)?,
                    })
                })?,
                schema_uri: o.req("schemaUri", trusted::string)?,
                trust_roots: o.opt("trustRoots", trusted::strings)?.unwrap_or_default(),
            })),
            _ => Err(ReadError::new(kinds).within("kind")),
        }
    }
}

/// Through [`Transport::read`] (one reader in the wasm).
impl<'de> Deserialize<'de> for Transport {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Transport::read(Value::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

/// FIT-Connect settings of a form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FitTransport {
    /// Destination id.
    pub destination_id: String,
    /// Path or URL of the relay (`/api/v1/fit-connect`).
    pub relay: String,
    /// Service type of the submission.
    pub service_type: ServiceType,
    /// Schema URI of the form data.
    pub schema_uri: String,
    /// The root certificates (base64 DER) a destination key's chain must end in, as the
    /// server's operator configured them. None: nothing is encrypted (see [`crate::x509`]).
    #[serde(default)]
    pub trust_roots: Vec<String>,
}

/// `serviceType` of a FIT-Connect submission.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct ServiceType {
    /// Name of the service.
    pub name: String,
    /// `urn:de:fim:leika:leistung:<LeiKa key>`.
    pub identifier: String,
}

/// Why a destination's encryption key is refused.
#[derive(Clone, Debug, PartialEq)]
pub enum KeyError {
    /// Not an RSA key.
    NotRsa(String),
    /// The modulus is not 4096 bits.
    WrongSize(usize),
    /// `key_ops` does not allow wrapping keys.
    NoWrapKey,
    /// A stated algorithm other than RSA-OAEP-256.
    WrongAlgorithm(String),
    /// The key has no `kid`, or not the one the destination named.
    WrongKid,
    /// The key comes without its certificate chain (`x5c`).
    NoChain,
    /// The chain does not lead to a trusted root (checked in the browser, [`check_chain`]).
    Untrusted(String),
    /// Parts are missing or broken.
    Malformed(&'static str),
}

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyError::NotRsa(kty) => write!(f, "the key is of type {kty}, not RSA"),
            KeyError::WrongSize(bits) => write!(f, "the key has {bits} bits; FIT-Connect keys have 4096"),
            KeyError::NoWrapKey => f.write_str("the key may not be used to wrap keys (key_ops lacks wrapKey)"),
            KeyError::WrongAlgorithm(alg) => write!(f, "the key is for {alg}, not RSA-OAEP-256"),
            KeyError::WrongKid => f.write_str("the key is not the one the destination names"),
            KeyError::NoChain => f.write_str("the key comes without its certificate chain (x5c)"),
            KeyError::Untrusted(why) => write!(f, "the key is not trusted: {why}"),
            KeyError::Malformed(what) => write!(f, "the key is malformed: {what}"),
        }
    }
}

/// Check a destination's public key before anything is encrypted for it: RSA, 4096 bits,
/// `key_ops` containing `wrapKey`, algorithm RSA-OAEP-256 (when stated), the expected key id
/// (required), and a certificate chain. The chain itself is verified up to the Verwaltungs-PKI
/// by the relay before it passes the key on (`crates/server/src/fitconnect/keytrust.rs`).
pub fn check_key(jwk: &Value, kid: &str) -> Result<(), KeyError> {
    let kty = jwk["kty"].as_str().ok_or(KeyError::Malformed("no kty"))?;
    if kty != "RSA" {
        return Err(KeyError::NotRsa(kty.to_owned()));
    }
    if jwk["kid"].as_str() != Some(kid) {
        return Err(KeyError::WrongKid);
    }
    if !jwk["x5c"].as_array().is_some_and(|chain| !chain.is_empty() && chain.iter().all(Value::is_string)) {
        return Err(KeyError::NoChain);
    }
    let ops = jwk["key_ops"].as_array().ok_or(KeyError::NoWrapKey)?;
    if !ops.iter().any(|o| o == "wrapKey") {
        return Err(KeyError::NoWrapKey);
    }
    if let Some(alg) = jwk["alg"].as_str() {
        if alg != "RSA-OAEP-256" {
            return Err(KeyError::WrongAlgorithm(alg.to_owned()));
        }
    }
    let n = jwk["n"].as_str().and_then(base64url_decode).ok_or(KeyError::Malformed("no modulus n"))?;
    jwk["e"].as_str().and_then(base64url_decode).ok_or(KeyError::Malformed("no exponent e"))?;
    let leading_zeros = n.iter().take_while(|b| **b == 0).count();
    let bits = (n.len() - leading_zeros) * 8;
    if bits != 4096 {
        return Err(KeyError::WrongSize(bits));
    }
    Ok(())
}

/// The protected header of every JWE this sender makes.
///
/// * `alg` `RSA-OAEP-256` — the content key is wrapped with the destination's RSA key (OAEP,
///   SHA-256), as FIT-Connect prescribes;
/// * `enc` `A256GCM` — content encrypted with AES-256 in GCM (authenticated, 96-bit IV, 128-bit
///   tag), as FIT-Connect prescribes;
/// * `kid` — which of the destination's keys was used, so that it can pick its private key
///   (and rotate keys);
/// * `cty` — the media type of the plaintext (`application/json` for data and metadata, the
///   file's type for attachments), so that the receiver knows what it decrypted.
pub fn protected_header(kid: &str, cty: &str) -> String {
    json!({ "alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": kid, "cty": cty }).to_string()
}

/// Compact serialization: `header.encryptedKey.iv.ciphertext.tag`, each base64url. `sealed` is
/// what AES-GCM returns: the ciphertext followed by the 16-byte tag.
pub fn compact(header_b64: &str, encrypted_key: &[u8], iv: &[u8], sealed: &[u8]) -> Option<String> {
    if sealed.len() < 16 || iv.len() != 12 {
        return None;
    }
    let (ciphertext, tag) = sealed.split_at(sealed.len() - 16);
    Some(format!(
        "{header_b64}.{}.{}.{}.{}",
        base64url(encrypted_key),
        base64url(iv),
        base64url(ciphertext),
        base64url(tag)
    ))
}

const B64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding (RFC 4648 §5), as JOSE uses it.
pub fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        let digits = chunk.len() + 1;
        for i in 0..digits {
            out.push(B64URL[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Decode base64url without padding; `None` on any other character.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        let v = B64URL.iter().position(|&b| b == c)? as u32;
        buffer = (buffer << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Decode standard base64 (as in `x5c`), padding allowed; `None` on any other character.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let url: String = text
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect();
    base64url_decode(&url)
}

/// The certificate chain of a key that passed [`check_key`], checked against the trust roots
/// `roots` (base64 DER) on the application date `today`: the signatures still to verify
/// (with WebCrypto), or why the key is not trusted.
pub fn check_chain(jwk: &Value, roots: &[String], today: &str) -> Result<Vec<crate::x509::SignatureCheck>, KeyError> {
    let decode = |what: String, b64: &str| {
        base64_decode(b64).ok_or_else(|| KeyError::Untrusted(format!("{what} is not base64")))
    };
    let chain = jwk["x5c"]
        .as_array()
        .ok_or(KeyError::NoChain)?
        .iter()
        .enumerate()
        .map(|(i, c)| decode(format!("x5c[{i}]"), c.as_str().unwrap_or("?")))
        .collect::<Result<Vec<_>, _>>()?;
    let roots =
        roots.iter().enumerate().map(|(i, r)| decode(format!("root {}", i + 1), r)).collect::<Result<Vec<_>, _>>()?;
    let number = |name: &'static str| jwk[name].as_str().and_then(base64url_decode).ok_or(KeyError::Malformed(name));
    crate::x509::check_chain(&chain, &roots, &number("n")?, &number("e")?, today)
        .map_err(|e| KeyError::Untrusted(e.to_string()))
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the metadata says about one attachment.
#[derive(Clone, Debug, PartialEq)]
pub struct AttachmentInfo {
    /// UUID announced at creation.
    pub id: String,
    /// SHA-512 of the file, hex.
    pub sha512: String,
    /// Media type.
    pub media_type: String,
    /// File name.
    pub filename: String,
}

/// Submission metadata (FIT-Connect metadata schema 1.0.0).
pub fn metadata(
    data_sha512: &str,
    schema_uri: &str,
    attachments: &[AttachmentInfo],
    reply_email: Option<&str>,
    application_date: &str,
) -> Value {
    let attachments: Vec<Value> = attachments
        .iter()
        .map(|a| {
            json!({
                "attachmentId": a.id,
                "hash": { "type": "sha512", "content": a.sha512 },
                "mimeType": a.media_type,
                "filename": a.filename,
                "purpose": "attachment",
            })
        })
        .collect();
    let mut meta = json!({
        "contentStructure": {
            "data": {
                "hash": { "type": "sha512", "content": data_sha512 },
                "submissionSchema": { "schemaUri": schema_uri, "mimeType": "application/json" },
            },
            "attachments": attachments,
        },
        "additionalReferenceInfo": { "applicationDate": application_date },
    });
    if let Some(address) = reply_email {
        meta["replyChannel"] = json!({ "eMail": { "address": address } });
    }
    meta
}

/// The citizen's e-mail address for the reply channel: the answer at the definition's
/// `service.replyEmail` data path, when given.
pub fn reply_email(def: &antrag_core::FormDef, payload: &Value) -> Option<String> {
    let path = def.service.reply_email.as_deref()?;
    let mut value = payload;
    for key in path.split('.') {
        value = value.get(key)?;
    }
    value.as_str().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// The media type of a file from its first bytes, for the types forms usually take; `None`
/// when not recognized (the browser's type is kept then).
pub fn sniff(head: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"%PDF-", "application/pdf"),
        (&[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a], "image/png"),
        (&[0xff, 0xd8, 0xff], "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"II*\0", "image/tiff"),
        (b"MM\0*", "image/tiff"),
        (b"MZ", "application/x-msdownload"),
        (b"\x7fELF", "application/x-executable"),
    ];
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return Some("image/webp");
    }
    SIGNATURES.iter().find(|(magic, _)| head.starts_with(magic)).map(|(_, t)| *t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rsa_key(bytes: usize) -> Value {
        let mut n = vec![0xc3u8; bytes];
        n[0] = 0xd1;
        json!({ "kty": "RSA", "kid": "k1", "alg": "RSA-OAEP-256", "key_ops": ["wrapKey"], "n": base64url(&n), "e": "AQAB", "x5c": ["MIIB"] })
    }

    #[test]
    fn a_4096_bit_wrapping_key_passes() {
        assert_eq!(check_key(&rsa_key(512), "k1"), Ok(()));
        // A leading zero byte (as some encoders write) does not count.
        let mut key = rsa_key(512);
        let mut n = base64url_decode(key["n"].as_str().unwrap()).unwrap();
        n.insert(0, 0);
        key["n"] = json!(base64url(&n));
        assert_eq!(check_key(&key, "k1"), Ok(()));
    }

    #[test]
    fn keys_that_are_refused() {
        assert_eq!(check_key(&rsa_key(256), "k1"), Err(KeyError::WrongSize(2048)));
        let mut no_wrap = rsa_key(512);
        no_wrap["key_ops"] = json!(["encrypt"]);
        assert_eq!(check_key(&no_wrap, "k1"), Err(KeyError::NoWrapKey));
        let mut no_ops = rsa_key(512);
        no_ops.as_object_mut().unwrap().remove("key_ops");
        assert_eq!(check_key(&no_ops, "k1"), Err(KeyError::NoWrapKey));
        assert_eq!(check_key(&json!({ "kty": "EC", "crv": "P-256" }), "k1"), Err(KeyError::NotRsa("EC".into())));
        let mut alg = rsa_key(512);
        alg["alg"] = json!("RSA1_5");
        assert_eq!(check_key(&alg, "k1"), Err(KeyError::WrongAlgorithm("RSA1_5".into())));
        assert_eq!(check_key(&rsa_key(512), "other"), Err(KeyError::WrongKid));
        let mut no_kid = rsa_key(512);
        no_kid.as_object_mut().unwrap().remove("kid");
        assert_eq!(check_key(&no_kid, "k1"), Err(KeyError::WrongKid), "kid is required");
        let mut no_chain = rsa_key(512);
        no_chain.as_object_mut().unwrap().remove("x5c");
        assert_eq!(check_key(&no_chain, "k1"), Err(KeyError::NoChain));
        let mut broken = rsa_key(512);
        broken["n"] = json!("not base64url!");
        assert_eq!(check_key(&broken, "k1"), Err(KeyError::Malformed("no modulus n")));
        assert!(KeyError::NoWrapKey.to_string().contains("wrapKey"));
    }

    #[test]
    fn base64url_round_trips() {
        for bytes in [&b""[..], b"f", b"fo", b"foo", b"foob", b"fooba", b"foobar", &[0xfb, 0xff, 0xfe]] {
            let text = base64url(bytes);
            assert!(!text.contains('=') && !text.contains('+') && !text.contains('/'));
            assert_eq!(base64url_decode(&text).as_deref(), Some(bytes));
        }
        assert_eq!(base64url(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn compact_serialization_has_five_parts() {
        let header = base64url(protected_header("k1", "application/json").as_bytes());
        let sealed: Vec<u8> = (0u8..40).collect();
        let jwe = compact(&header, &[1, 2, 3], &[0; 12], &sealed).unwrap();
        let parts: Vec<&str> = jwe.split('.').collect();
        assert_eq!(parts.len(), 5);
        assert_eq!(base64url_decode(parts[4]).unwrap(), (24u8..40).collect::<Vec<_>>());
        let h: Value = serde_json::from_slice(&base64url_decode(parts[0]).unwrap()).unwrap();
        assert_eq!(h, json!({ "alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": "k1", "cty": "application/json" }));
        assert_eq!(compact(&header, &[1], &[0; 11], &sealed), None);
    }

    #[test]
    fn metadata_follows_the_schema_shape() {
        let a = AttachmentInfo {
            id: "u1".into(),
            sha512: "ab".into(),
            media_type: "application/pdf".into(),
            filename: "x.pdf".into(),
        };
        let m = metadata("cd", "https://schema.example/x.json", &[a], Some("a@example.de"), "2026-11-28");
        assert_eq!(m["contentStructure"]["data"]["hash"]["content"], "cd");
        assert_eq!(m["contentStructure"]["attachments"][0]["purpose"], "attachment");
        assert_eq!(m["replyChannel"]["eMail"]["address"], "a@example.de");
        assert_eq!(m["additionalReferenceInfo"]["applicationDate"], "2026-11-28");
        assert!(metadata("cd", "s", &[], None, "2026-11-28").get("replyChannel").is_none());
    }

    #[test]
    fn chains_are_decoded_and_handed_to_the_check() {
        assert_eq!(base64_decode("YQ==").unwrap(), b"a");
        assert_eq!(base64_decode("+/8=").unwrap(), [0xfb, 0xff]);
        assert_eq!(base64_decode("a b"), None);
        let mut jwk = rsa_key(512);
        let today = antrag_testing::today().to_string();
        let untrusted = |jwk: &Value, roots: &[String]| match check_chain(jwk, roots, &today) {
            Err(KeyError::Untrusted(why)) => why,
            other => panic!("{other:?}"),
        };
        assert_eq!(untrusted(&jwk, &[]), "the server names no trust roots for FIT-Connect keys");
        assert_eq!(untrusted(&jwk, &["MIIB".into()]), "certificate x5c[0] is malformed (it ends too early)");
        assert_eq!(untrusted(&jwk, &["%%".into()]), "root 1 is not base64");
        jwk["x5c"] = json!(["not*base64"]);
        assert_eq!(untrusted(&jwk, &["MIIB".into()]), "x5c[0] is not base64");
        jwk.as_object_mut().unwrap().remove("e");
        jwk["x5c"] = json!(["MIIB"]);
        assert_eq!(check_chain(&jwk, &["MIIB".into()], &today), Err(KeyError::Malformed("e")));
    }

    #[test]
    fn transports_parse() {
        let t: Transport = serde_json::from_value(json!({ "kind": "contract" })).unwrap();
        assert_eq!(t, Transport::Contract);
        let t: Transport = serde_json::from_value(json!({
            "kind": "fit-connect", "destinationId": "d", "relay": "/api/v1/fit-connect",
            "serviceType": { "name": "N", "identifier": "urn:de:fim:leika:leistung:99" }, "schemaUri": "s"
        }))
        .unwrap();
        assert!(matches!(&t, Transport::FitConnect(f) if f.destination_id == "d"));
        // What the server writes, the app reads; text as well as a Value.
        for transport in [Transport::Contract, t] {
            let text = serde_json::to_string(&transport).unwrap();
            assert_eq!(serde_json::from_str::<Transport>(&text).unwrap(), transport, "{text}");
            assert_eq!(
                serde_json::from_value::<Transport>(serde_json::to_value(&transport).unwrap()).unwrap(),
                transport
            );
        }
        let kinds = "expected a transport kind (contract, fit-connect)";
        let unknown = serde_json::from_value::<Transport>(json!({ "kind": "mail" })).unwrap_err().to_string();
        assert_eq!(unknown, format!("at \"/kind\": {kinds}"));
        let missing = serde_json::from_value::<Transport>(json!({ "destinationId": "d" })).unwrap_err().to_string();
        assert_eq!(missing, format!("at \"/kind\": {kinds}"));
        let incomplete = Transport::read(json!({ "kind": "fit-connect" })).unwrap_err();
        assert_eq!((incomplete.pointer.as_str(), incomplete.expected), ("/destinationId", "a value"));
    }

    #[test]
    fn files_are_recognized_by_their_first_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(sniff(&[0xff, 0xd8, 0xff, 0xe0]), Some("image/jpeg"));
        assert_eq!(sniff(b"MZ\x90\0"), Some("application/x-msdownload"));
        assert_eq!(sniff(b"hello"), None);
    }
}
