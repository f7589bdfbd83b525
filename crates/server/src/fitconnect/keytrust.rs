//! Trust in a destination's encryption key. FIT-Connect publishes each key as a JWK with its
//! certificate chain in `x5c`; a sender must check that chain up to a root of the
//! Verwaltungs-PKI before encrypting for the key, or whoever answers the key request could
//! read the application. The relay checks every key it passes to a browser:
//!
//! - the key's `kid` is the one asked for;
//! - `x5c` is present; the chain verifies (signatures, validity on the server's day, CA
//!   constraints) up to one of the configured roots (`--fit-connect-trust-roots`, PEM);
//! - the first certificate holds exactly the JWK's public key (`n`, `e`).
//!
//! - with revocation lists configured (`--fit-connect-crls`, PEM, re-read at every check so an
//!   operator's refresh job takes effect at once): every certificate below the root is covered
//!   by a current list of its issuer (signature verified, `nextUpdate` not passed) and is not
//!   on it. A certificate no current list covers is refused — an outdated file fails closed.
//!
//! The test destination issues its key from a test CA made at start; with it and no roots
//! configured, that CA is the only root. OCSP is not asked; see docs/fit-connect.md.

use base64::Engine;
use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private, Public};
use openssl::rsa::Rsa;
use openssl::stack::Stack;
use openssl::x509::extension::{BasicConstraints, KeyUsage};
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::verify::X509VerifyParam;
use openssl::x509::{CrlStatus, X509Builder, X509Crl, X509NameBuilder, X509StoreContext, X509};
use serde_json::Value;

/// Root certificates a key's chain must end in, and where the revocation lists are.
#[derive(Clone)]
pub struct TrustRoots(Vec<X509>, Option<std::path::PathBuf>);

impl std::fmt::Debug for TrustRoots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TrustRoots({} certificates, revocation lists {:?})", self.0.len(), self.1)
    }
}

/// The certificate revocation lists of a PEM file (`BEGIN X509 CRL` blocks).
pub fn crls_from_pem(pem: &[u8]) -> Result<Vec<X509Crl>, String> {
    let text = std::str::from_utf8(pem).map_err(|_| "not PEM text")?;
    const BEGIN: &str = "-----BEGIN X509 CRL-----";
    let mut lists = Vec::new();
    for block in text.split(BEGIN).skip(1) {
        let pem = format!("{BEGIN}{block}");
        lists.push(X509Crl::from_pem(pem.as_bytes()).map_err(|e| format!("a revocation list is broken ({e})"))?);
    }
    if lists.is_empty() {
        return Err("no revocation list (BEGIN X509 CRL) in the file".into());
    }
    Ok(lists)
}

impl TrustRoots {
    /// The certificates of a PEM bundle (one or more `BEGIN CERTIFICATE` blocks).
    pub fn from_pem(pem: &[u8]) -> Result<TrustRoots, String> {
        let roots = X509::stack_from_pem(pem).map_err(|e| format!("not PEM certificates ({e})"))?;
        if roots.is_empty() {
            return Err("no certificate in the file".into());
        }
        Ok(TrustRoots(roots, None))
    }

    /// The root certificates as base64 DER, for the browser's own check of a key's chain.
    pub fn to_base64_der(&self) -> Vec<String> {
        self.0
            .iter()
            .filter_map(|root| root.to_der().ok())
            .map(|der| base64::engine::general_purpose::STANDARD.encode(der))
            .collect()
    }

    /// Exactly these certificates.
    pub fn of(roots: Vec<X509>) -> TrustRoots {
        TrustRoots(roots, None)
    }

    /// Check revocation against the lists in the PEM file `path` (read now, to fail at start
    /// when it is unusable, and again at every check).
    pub fn with_revocation_lists(mut self, path: std::path::PathBuf) -> Result<TrustRoots, String> {
        let pem = std::fs::read(&path).map_err(|e| format!("cannot read it ({e})"))?;
        crls_from_pem(&pem)?;
        self.1 = Some(path);
        Ok(self)
    }

    /// Check the key `jwk`, published for `kid`, on the day `unix_time` (see the module).
    pub fn check(&self, jwk: &Value, kid: &str, unix_time: i64) -> Result<(), String> {
        if jwk["kid"].as_str() != Some(kid) {
            return Err(format!("the key's kid is {}, not the {kid} asked for", jwk["kid"]));
        }
        let chain = jwk["x5c"].as_array().filter(|c| !c.is_empty()).ok_or("the key has no certificate chain (x5c)")?;
        let mut certs = Vec::new();
        for (i, entry) in chain.iter().enumerate() {
            let der = entry
                .as_str()
                .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
                .ok_or_else(|| format!("x5c[{i}] is not base64"))?;
            certs.push(X509::from_der(&der).map_err(|_| format!("x5c[{i}] is not a DER certificate"))?);
        }
        let leaf = &certs[0];
        let mut intermediates = Stack::new().map_err(|e| e.to_string())?;
        for cert in &certs[1..] {
            intermediates.push(cert.clone()).map_err(|e| e.to_string())?;
        }
        let mut store = X509StoreBuilder::new().map_err(|e| e.to_string())?;
        for root in &self.0 {
            store.add_cert(root.clone()).map_err(|e| e.to_string())?;
        }
        let mut param = X509VerifyParam::new().map_err(|e| e.to_string())?;
        param.set_time(unix_time as _);
        store.set_param(&param).map_err(|e| e.to_string())?;
        let store = store.build();
        let mut context = X509StoreContext::new().map_err(|e| e.to_string())?;
        let verdict = context
            .init(&store, leaf, &intermediates, |c| Ok(c.verify_cert()?.then_some(()).ok_or_else(|| c.error())))
            .map_err(|e| e.to_string())?;
        verdict.map_err(|e| format!("the key's certificate chain does not verify: {}", e.error_string()))?;
        // The certificate vouches for exactly this key.
        let rsa = leaf.public_key().and_then(|k| k.rsa()).map_err(|_| "the certificate holds no RSA key")?;
        let same = |name: &str, value: &openssl::bn::BigNumRef| {
            jwk[name]
                .as_str()
                .and_then(|b64| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(b64).ok())
                .is_some_and(|bytes| bytes == value.to_vec())
        };
        if !same("n", rsa.n()) || !same("e", rsa.e()) {
            return Err("the certificate is for another key than the JWK".into());
        }
        if let Some(path) = &self.1 {
            let pem = std::fs::read(path).map_err(|e| format!("the revocation lists cannot be read ({e})"))?;
            let lists = crls_from_pem(&pem)?;
            // Each certificate's issuer: the next in the chain, the last one's a root.
            for (i, cert) in certs.iter().enumerate() {
                let issuer = certs[i + 1..]
                    .iter()
                    .chain(self.0.iter())
                    .find(|c| c.subject_name().try_cmp(cert.issuer_name()).is_ok_and(|o| o.is_eq()))
                    .ok_or_else(|| format!("x5c[{i}]: its issuer is unknown"))?;
                if cert.subject_name().try_cmp(issuer.subject_name()).is_ok_and(|o| o.is_eq()) {
                    continue; // a root itself
                }
                not_revoked(cert, issuer, &lists, unix_time).map_err(|reason| format!("x5c[{i}]: {reason}"))?;
            }
        }
        Ok(())
    }
}

/// Whether a current list of `issuer` covers `cert` without listing it.
fn not_revoked(cert: &X509, issuer: &X509, lists: &[X509Crl], unix_time: i64) -> Result<(), String> {
    let key = issuer.public_key().map_err(|e| e.to_string())?;
    let now = Asn1Time::from_unix(unix_time as _).map_err(|e| e.to_string())?;
    let current = lists.iter().find(|list| {
        list.issuer_name().try_cmp(issuer.subject_name()).is_ok_and(|o| o.is_eq())
            && list.verify(&key).unwrap_or(false)
            && list.last_update() <= now
            && list.next_update().is_some_and(|next| next >= now)
    });
    match current.map(|list| list.get_by_cert(cert)) {
        None => Err("no current revocation list of its issuer".into()),
        Some(CrlStatus::Revoked(_)) => Err("the certificate is revoked".into()),
        Some(CrlStatus::NotRevoked | CrlStatus::RemoveFromCrl(_)) => Ok(()),
    }
}

/// A revocation list of the CA, valid `from`–`until`, listing `revoked` (for tests).
pub fn test_crl(
    ca: &X509,
    ca_key: &PKey<Private>,
    revoked: &[&X509],
    from: i64,
    until: i64,
) -> Result<X509Crl, String> {
    let e = |e: openssl::error::ErrorStack| e.to_string();
    let mut builder = openssl::x509::X509CrlBuilder::new().map_err(e)?;
    builder.set_issuer_name(ca.subject_name()).map_err(e)?;
    let aki = {
        let dummy = X509Builder::new().map_err(e)?;
        let context = dummy.x509v3_context(Some(ca), None);
        openssl::x509::extension::AuthorityKeyIdentifier::new().issuer(true).build(&context).map_err(e)?
    };
    builder.append_extension(aki).map_err(e)?;
    let number = openssl::x509::extension::CrlNumber::new(BigNum::from_u32(from as u32).map_err(e)?).map_err(e)?;
    builder.append_extension(number.build().map_err(e)?).map_err(e)?;
    let (from, until) = (Asn1Time::from_unix(from as _).map_err(e)?, Asn1Time::from_unix(until as _).map_err(e)?);
    builder.set_last_update(&from).map_err(e)?;
    builder.set_next_update(&until).map_err(e)?;
    for cert in revoked {
        let mut entry = openssl::x509::X509RevokedBuilder::new().map_err(e)?;
        entry.set_serial_number(cert.serial_number()).map_err(e)?;
        entry.set_revocation_date(&from).map_err(e)?;
        builder.add_revoked(entry.build()).map_err(e)?;
    }
    builder.sign(ca_key, MessageDigest::sha256()).map_err(e)?;
    builder.build().map_err(e)
}

/// A self-signed CA for tests and the test destination: certificate and private key.
pub fn test_ca(name: &str, not_before: i64, not_after: i64) -> Result<(X509, PKey<Private>), String> {
    let key = PKey::from_rsa(Rsa::generate(2048).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let cert = build(name, None, &key, &key, true, not_before, not_after)?;
    Ok((cert, key))
}

/// A certificate for `subject_key`, issued by the CA.
pub fn issue(
    ca: &X509,
    ca_key: &PKey<Private>,
    subject: &str,
    subject_key: &PKey<Public>,
    not_before: i64,
    not_after: i64,
) -> Result<X509, String> {
    build(subject, Some(ca), subject_key, ca_key, false, not_before, not_after)
}

/// A certificate for `subject_key` named `subject`, signed by `signer` as `issuer` (itself
/// when `None`); a CA certificate when `ca`.
fn build<T: openssl::pkey::HasPublic>(
    subject: &str,
    issuer: Option<&X509>,
    subject_key: &PKey<T>,
    signer: &PKey<Private>,
    ca: bool,
    not_before: i64,
    not_after: i64,
) -> Result<X509, String> {
    let e = |e: openssl::error::ErrorStack| e.to_string();
    let mut name = X509NameBuilder::new().map_err(e)?;
    name.append_entry_by_text("CN", subject).map_err(e)?;
    let name = name.build();
    let mut b = X509Builder::new().map_err(e)?;
    b.set_version(2).map_err(e)?;
    let mut serial = BigNum::new().map_err(e)?;
    serial.rand(127, MsbOption::MAYBE_ZERO, false).map_err(e)?;
    let serial = serial.to_asn1_integer().map_err(e)?;
    b.set_serial_number(&serial).map_err(e)?;
    b.set_subject_name(&name).map_err(e)?;
    match issuer {
        Some(issuer) => b.set_issuer_name(issuer.subject_name()).map_err(e)?,
        None => b.set_issuer_name(&name).map_err(e)?,
    }
    b.set_pubkey(subject_key).map_err(e)?;
    let from = Asn1Time::from_unix(not_before as _).map_err(e)?;
    let until = Asn1Time::from_unix(not_after as _).map_err(e)?;
    b.set_not_before(&from).map_err(e)?;
    b.set_not_after(&until).map_err(e)?;
    let constraints =
        if ca { BasicConstraints::new().critical().ca().build() } else { BasicConstraints::new().critical().build() };
    b.append_extension(constraints.map_err(e)?).map_err(e)?;
    let usage = if ca {
        KeyUsage::new().critical().key_cert_sign().crl_sign().build()
    } else {
        KeyUsage::new().critical().key_encipherment().build()
    };
    b.append_extension(usage.map_err(e)?).map_err(e)?;
    b.sign(signer, MessageDigest::sha256()).map_err(e)?;
    Ok(b.build())
}

/// A certificate as an `x5c` entry (standard base64 of the DER).
pub fn x5c_entry(cert: &X509) -> Result<String, String> {
    Ok(base64::engine::general_purpose::STANDARD.encode(cert.to_der().map_err(|e| e.to_string())?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DAY: i64 = 86_400;
    // A fixed day: certificates are made relative to it, never to the wall clock.
    const NOW: i64 = 1_795_000_000;

    fn b64url(bytes: Vec<u8>) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    struct Setup {
        root: X509,
        root_key: PKey<Private>,
        inter: X509,
        inter_key: PKey<Private>,
        leaf: X509,
        jwk: Value,
    }

    /// A root, an intermediate CA and a leaf for a fresh RSA key; `leaf_until` ends the
    /// leaf's validity.
    fn setup(leaf_until: i64) -> Setup {
        let (root, root_key) = test_ca("Test Verwaltungs-PKI Root", NOW - 365 * DAY, NOW + 365 * DAY).unwrap();
        let inter_key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
        let inter =
            build("Test Behörden-CA", Some(&root), &inter_key, &root_key, true, NOW - 30 * DAY, NOW + 300 * DAY)
                .unwrap();
        let key = Rsa::generate(2048).unwrap();
        let public =
            PKey::public_key_from_der(&PKey::from_rsa(key.clone()).unwrap().public_key_to_der().unwrap()).unwrap();
        let leaf = issue(&inter, &inter_key, "Testbehörde Verschlüsselung", &public, NOW - DAY, leaf_until).unwrap();
        let jwk = json!({
            "kty": "RSA", "kid": "k1", "alg": "RSA-OAEP-256", "key_ops": ["wrapKey"],
            "n": b64url(key.n().to_vec()), "e": b64url(key.e().to_vec()),
            "x5c": [x5c_entry(&leaf).unwrap(), x5c_entry(&inter).unwrap()],
        });
        Setup { root, root_key, inter, inter_key, leaf, jwk }
    }

    #[test]
    fn a_chain_up_to_a_configured_root_is_trusted() {
        let s = setup(NOW + 30 * DAY);
        TrustRoots::of(vec![s.root.clone()]).check(&s.jwk, "k1", NOW).unwrap();
        let pem = s.root.to_pem().unwrap();
        TrustRoots::from_pem(&pem).unwrap().check(&s.jwk, "k1", NOW).unwrap();
    }

    #[test]
    fn a_chain_to_another_root_is_refused() {
        let s = setup(NOW + 30 * DAY);
        let (other, _) = test_ca("Test Verwaltungs-PKI Root", NOW - DAY, NOW + DAY).unwrap();
        let error = TrustRoots::of(vec![other]).check(&s.jwk, "k1", NOW).unwrap_err();
        assert!(error.contains("does not verify"), "{error}");
    }

    #[test]
    fn an_expired_certificate_is_refused() {
        let s = setup(NOW - 1);
        let error = TrustRoots::of(vec![s.root.clone()]).check(&s.jwk, "k1", NOW).unwrap_err();
        assert!(error.contains("expired"), "{error}");
    }

    #[test]
    fn a_key_without_chain_or_for_another_kid_or_key_is_refused() {
        let s = setup(NOW + 30 * DAY);
        let roots = TrustRoots::of(vec![s.root.clone()]);
        let mut bare = s.jwk.clone();
        bare.as_object_mut().unwrap().remove("x5c");
        assert!(roots.check(&bare, "k1", NOW).unwrap_err().contains("no certificate chain"));
        assert!(roots.check(&s.jwk, "k2", NOW).unwrap_err().contains("not the k2"));
        // The chain of a real key, with another key's modulus put in: refused.
        let mut swapped = s.jwk.clone();
        swapped["n"] = json!(b64url(Rsa::generate(2048).unwrap().n().to_vec()));
        assert!(roots.check(&swapped, "k1", NOW).unwrap_err().contains("another key"));
        // A leaf alone, without the intermediate that links it to the root: refused.
        let mut short = s.jwk.clone();
        short["x5c"] = json!([s.jwk["x5c"][0]]);
        assert!(roots.check(&short, "k1", NOW).is_err());
    }

    fn pem_file(lists: &[&X509Crl]) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        for list in lists {
            std::io::Write::write_all(&mut file, &list.to_pem().unwrap()).unwrap();
        }
        file
    }

    #[test]
    fn revoked_certificates_and_outdated_lists_are_refused() {
        let s = setup(NOW + 30 * DAY);
        let roots = || TrustRoots::of(vec![s.root.clone()]);
        let check = |lists: &[&X509Crl]| {
            let file = pem_file(lists);
            roots().with_revocation_lists(file.path().to_owned()).unwrap().check(&s.jwk, "k1", NOW)
        };
        // Current lists of the root (for the intermediate) and of the intermediate (for the leaf).
        let root_list = test_crl(&s.root, &s.root_key, &[], NOW - DAY, NOW + 7 * DAY).unwrap();
        let inter_list = test_crl(&s.inter, &s.inter_key, &[], NOW - DAY, NOW + 7 * DAY).unwrap();
        check(&[&root_list, &inter_list]).unwrap();
        // The leaf revoked.
        let revoking = test_crl(&s.inter, &s.inter_key, &[&s.leaf], NOW - DAY, NOW + 7 * DAY).unwrap();
        assert!(check(&[&root_list, &revoking]).unwrap_err().contains("x5c[0]: the certificate is revoked"));
        // The intermediate revoked by the root.
        let inter_list = test_crl(&s.inter, &s.inter_key, &[], NOW - DAY, NOW + 7 * DAY).unwrap();
        let root_revoking = test_crl(&s.root, &s.root_key, &[&s.inter], NOW - DAY, NOW + 7 * DAY).unwrap();
        assert!(check(&[&root_revoking, &inter_list]).unwrap_err().contains("x5c[1]: the certificate is revoked"));
        // A list past its nextUpdate covers nothing: fail closed.
        let old = test_crl(&s.inter, &s.inter_key, &[], NOW - 30 * DAY, NOW - DAY).unwrap();
        assert!(check(&[&root_list, &old]).unwrap_err().contains("no current revocation list"));
        // A list signed by another key does not count.
        let (_, stranger) = test_ca("Test Behörden-CA", NOW - DAY, NOW + DAY).unwrap();
        let forged = test_crl(&s.inter, &stranger, &[], NOW - DAY, NOW + 7 * DAY).unwrap();
        assert!(check(&[&root_list, &forged]).unwrap_err().contains("no current revocation list"));
    }
}
