//! Chains made in the test with OpenSSL, dated relative to the test date; every signature
//! the check hands on is verified here with OpenSSL, so the signed bytes and the signature it
//! cuts out are the right ones.

use super::*;
use antrag_core::Date;
use openssl::asn1::{Asn1Integer, Asn1Time};
use openssl::bn::BigNum;
use openssl::ec::{EcGroup, EcKey};
use openssl::ecdsa::EcdsaSig;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::sign::Verifier;
use openssl::x509::extension::{AuthorityKeyIdentifier, BasicConstraints, KeyUsage, SubjectKeyIdentifier};
use openssl::x509::{X509Builder, X509Extension, X509Name, X509};

fn today() -> Date {
    antrag_testing::today()
}

fn asn1(date: Date) -> Asn1Time {
    Asn1Time::from_str_x509(&format!("{}120000Z", date.to_string().replace('-', ""))).unwrap()
}

fn rsa() -> PKey<Private> {
    PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap()
}

fn ec(curve: Nid) -> PKey<Private> {
    PKey::from_ec_key(EcKey::generate(&EcGroup::from_curve_name(curve).unwrap()).unwrap()).unwrap()
}

/// How one certificate is made.
struct Spec<'a> {
    name: &'a str,
    key: &'a PKey<Private>,
    /// The issuer's certificate and key; `None`: self-signed.
    issuer: Option<(&'a X509, &'a PKey<Private>)>,
    ca: bool,
    path_len: Option<u32>,
    from: i64,
    until: i64,
    digest: MessageDigest,
    critical: Option<&'a str>,
}

impl<'a> Spec<'a> {
    fn new(name: &'a str, key: &'a PKey<Private>) -> Spec<'a> {
        Spec {
            name,
            key,
            issuer: None,
            ca: true,
            path_len: None,
            from: -365,
            until: 365,
            digest: MessageDigest::sha256(),
            critical: None,
        }
    }

    fn make(self) -> X509 {
        let mut name = X509Name::builder().unwrap();
        name.append_entry_by_text("CN", self.name).unwrap();
        let name = name.build();
        let mut b = X509Builder::new().unwrap();
        b.set_version(2).unwrap();
        b.set_serial_number(&Asn1Integer::from_bn(&BigNum::from_u32(7).unwrap()).unwrap()).unwrap();
        b.set_subject_name(&name).unwrap();
        b.set_issuer_name(self.issuer.map_or(&*name, |(cert, _)| cert.subject_name())).unwrap();
        b.set_pubkey(self.key).unwrap();
        b.set_not_before(&asn1(today().add_days(self.from))).unwrap();
        b.set_not_after(&asn1(today().add_days(self.until))).unwrap();
        let mut constraints = BasicConstraints::new();
        constraints.critical();
        if self.ca {
            constraints.ca();
            if let Some(len) = self.path_len {
                constraints.pathlen(len);
            }
        }
        b.append_extension(constraints.build().unwrap()).unwrap();
        let usage = if self.ca {
            KeyUsage::new().key_cert_sign().crl_sign().build()
        } else {
            KeyUsage::new().key_encipherment().build()
        };
        b.append_extension(usage.unwrap()).unwrap();
        let context = b.x509v3_context(self.issuer.map(|(cert, _)| &**cert), None);
        let key_id = SubjectKeyIdentifier::new().build(&context).unwrap();
        let authority = self.issuer.map(|_| AuthorityKeyIdentifier::new().keyid(true).build(&context).unwrap());
        b.append_extension(key_id).unwrap();
        if let Some(authority) = authority {
            b.append_extension(authority).unwrap();
        }
        if let Some(value) = self.critical {
            #[allow(deprecated)]
            let extension = X509Extension::new_nid(None, None, Nid::NAME_CONSTRAINTS, value).unwrap();
            b.append_extension(extension).unwrap();
        }
        b.sign(self.issuer.map_or(self.key, |(_, key)| key), self.digest).unwrap();
        b.build()
    }
}

/// Root → intermediate → leaf, all RSA.
struct Pki {
    root_key: PKey<Private>,
    root: X509,
    inter_key: PKey<Private>,
    inter: X509,
    leaf_key: PKey<Private>,
    leaf: X509,
}

fn pki() -> Pki {
    let root_key = rsa();
    let root = Spec::new("Test-Wurzel", &root_key).make();
    let inter_key = rsa();
    let inter = Spec { issuer: Some((&root, &root_key)), ..Spec::new("Test-Zwischen-CA", &inter_key) }.make();
    let leaf_key = rsa();
    let leaf = Spec { issuer: Some((&inter, &inter_key)), ca: false, ..Spec::new("Zustellpunkt", &leaf_key) }.make();
    Pki { root_key, root, inter_key, inter, leaf_key, leaf }
}

fn der(certs: &[&X509]) -> Vec<Vec<u8>> {
    certs.iter().map(|c| c.to_der().unwrap()).collect()
}

/// Check `chain` for the leaf key `key` against `roots` on the test date.
fn check(chain: &[&X509], roots: &[&X509], key: &PKey<Private>) -> Result<Vec<SignatureCheck>, ChainError> {
    let rsa = key.rsa().unwrap();
    check_chain(&der(chain), &der(roots), &rsa.n().to_vec(), &rsa.e().to_vec(), &today().to_string())
}

/// Verify a check natively, as WebCrypto does in the browser.
fn verifies(check: &SignatureCheck) -> bool {
    let key = PKey::public_key_from_der(&check.signer_key).unwrap();
    match check.scheme {
        Scheme::RsaPkcs1(hash) => {
            let digest = match hash {
                Hash::Sha256 => MessageDigest::sha256(),
                Hash::Sha384 => MessageDigest::sha384(),
                Hash::Sha512 => MessageDigest::sha512(),
            };
            let mut verifier = Verifier::new(digest, &key).unwrap();
            verifier.update(&check.signed).unwrap();
            verifier.verify(&check.signature).unwrap()
        }
        Scheme::Ecdsa(hash, curve) => {
            assert_eq!(check.signature.len(), 2 * curve.size());
            let (r, s) = check.signature.split_at(curve.size());
            let sig = EcdsaSig::from_private_components(BigNum::from_slice(r).unwrap(), BigNum::from_slice(s).unwrap())
                .unwrap();
            let digest = openssl::hash::hash(
                match hash {
                    Hash::Sha256 => MessageDigest::sha256(),
                    Hash::Sha384 => MessageDigest::sha384(),
                    Hash::Sha512 => MessageDigest::sha512(),
                },
                &check.signed,
            )
            .unwrap();
            sig.verify(&digest, &key.ec_key().unwrap()).unwrap()
        }
        Scheme::RsaPss(..) => unreachable!("not made in these tests"),
    }
}

#[test]
fn a_chain_over_an_intermediate_to_a_root_passes_with_its_two_signatures() {
    let p = pki();
    let checks = check(&[&p.leaf, &p.inter], &[&p.root], &p.leaf_key).unwrap();
    let names: Vec<_> = checks.iter().map(|c| c.what.as_str()).collect();
    assert_eq!(names, ["x5c[0] by x5c[1]", "x5c[1] by root 1"]);
    assert!(checks.iter().all(|c| c.scheme == Scheme::RsaPkcs1(Hash::Sha256)));
    assert!(checks.iter().all(verifies));
    assert_eq!(checks[1].signer_key, p.root_key.public_key_to_der().unwrap());
    assert_eq!(checks[0].signer_key, p.inter_key.public_key_to_der().unwrap());
    // A changed signature no longer verifies: the check really hands on what was signed.
    let mut spoiled = checks[0].clone();
    spoiled.signature[10] ^= 1;
    assert!(!verifies(&spoiled));
}

#[test]
fn a_chain_that_carries_its_root_stops_there() {
    let p = pki();
    let checks = check(&[&p.leaf, &p.inter, &p.root], &[&p.root], &p.leaf_key).unwrap();
    assert_eq!(checks.len(), 2);
    assert!(checks.iter().all(verifies));
    // Several roots: the one that issued the chain is found.
    let other_key = rsa();
    let other = Spec::new("Andere Wurzel", &other_key).make();
    let checks = check(&[&p.leaf, &p.inter], &[&other, &p.root], &p.leaf_key).unwrap();
    assert_eq!(checks[1].what, "x5c[1] by root 2");
}

#[test]
fn of_two_roots_with_one_name_the_one_that_signed_is_taken_and_unreadable_roots_are_skipped() {
    let p = pki();
    // The root re-keyed under the same name; the chain was issued by the new key.
    let new_key = rsa();
    let new_root = Spec::new("Test-Wurzel", &new_key).make();
    let inter = Spec { issuer: Some((&new_root, &new_key)), ..Spec::new("Test-Zwischen-CA", &p.inter_key) }.make();
    let checks = check(&[&p.leaf, &inter], &[&p.root, &new_root], &p.leaf_key).unwrap();
    assert_eq!(checks[1].what, "x5c[1] by root 2");
    assert!(checks.iter().all(verifies));
    // A root this reader cannot read anchors nothing, but does not spoil the others.
    let rsa = p.leaf_key.rsa().unwrap();
    let (n, e) = (rsa.n().to_vec(), rsa.e().to_vec());
    let roots = [vec![0x02, 0x01, 0x05], p.root.to_der().unwrap()];
    let checks = check_chain(&der(&[&p.leaf, &p.inter]), &roots, &n, &e, &today().to_string()).unwrap();
    assert_eq!(checks[1].what, "x5c[1] by root 2");
}

#[test]
fn another_root_a_missing_intermediate_and_no_roots_are_refused() {
    let p = pki();
    let other_key = rsa();
    let other = Spec::new("Andere Wurzel", &other_key).make();
    assert_eq!(check(&[&p.leaf, &p.inter], &[&other], &p.leaf_key), Err(ChainError::NoTrustedRoot));
    assert_eq!(check(&[&p.leaf], &[&p.root], &p.leaf_key), Err(ChainError::NoTrustedRoot));
    assert_eq!(check(&[&p.leaf, &p.inter], &[], &p.leaf_key), Err(ChainError::NoRoots));
    // A self-made "root" with the right name but another key fails at its signature.
    let impostor = Spec::new("Test-Wurzel", &other_key).make();
    let checks = check(&[&p.leaf, &p.inter], &[&impostor], &p.leaf_key).unwrap();
    assert!(!verifies(&checks[1]));
}

#[test]
fn certificates_outside_their_validity_are_refused() {
    let p = pki();
    let expired = Spec {
        issuer: Some((&p.root, &p.root_key)),
        from: -800,
        until: -1,
        ..Spec::new("Test-Zwischen-CA", &p.inter_key)
    }
    .make();
    let err = check(&[&p.leaf, &expired], &[&p.root], &p.leaf_key).unwrap_err();
    assert_eq!(
        err,
        ChainError::NotValid("x5c[1]".into(), today().add_days(-800).to_string(), today().add_days(-1).to_string())
    );
    let future = Spec {
        issuer: Some((&p.inter, &p.inter_key)),
        ca: false,
        from: 1,
        until: 30,
        ..Spec::new("Zustellpunkt", &p.leaf_key)
    }
    .make();
    assert!(
        matches!(check(&[&future, &p.inter], &[&p.root], &p.leaf_key), Err(ChainError::NotValid(w, ..)) if w == "x5c[0]")
    );
    // The last valid day still counts.
    let last_day =
        Spec { issuer: Some((&p.inter, &p.inter_key)), ca: false, until: 0, ..Spec::new("Zustellpunkt", &p.leaf_key) }
            .make();
    assert!(check(&[&last_day, &p.inter], &[&p.root], &p.leaf_key).is_ok());
    // Also the root: an expired anchor anchors nothing.
    let old_root = Spec { from: -800, until: -2, ..Spec::new("Test-Wurzel", &p.root_key) }.make();
    assert!(
        matches!(check(&[&p.leaf, &p.inter], &[&old_root], &p.leaf_key), Err(ChainError::NotValid(w, ..)) if w == "root 1")
    );
}

#[test]
fn only_cas_sign_and_within_their_path_length() {
    let p = pki();
    let not_ca =
        Spec { issuer: Some((&p.root, &p.root_key)), ca: false, ..Spec::new("Test-Zwischen-CA", &p.inter_key) }.make();
    let leaf =
        Spec { issuer: Some((&not_ca, &p.inter_key)), ca: false, ..Spec::new("Zustellpunkt", &p.leaf_key) }.make();
    assert_eq!(check(&[&leaf, &not_ca], &[&p.root], &p.leaf_key), Err(ChainError::NotCa("x5c[1]".into())));
    // A root that allows no intermediate below it.
    let strict = Spec { path_len: Some(0), ..Spec::new("Test-Wurzel", &p.root_key) }.make();
    assert_eq!(check(&[&p.leaf, &p.inter], &[&strict], &p.leaf_key), Err(ChainError::NotCa("root 1".into())));
    let leaf_under_root =
        Spec { issuer: Some((&strict, &p.root_key)), ca: false, ..Spec::new("Zustellpunkt", &p.leaf_key) }.make();
    assert!(check(&[&leaf_under_root], &[&strict], &p.leaf_key).is_ok());
}

#[test]
fn the_leaf_must_hold_the_jwk_key() {
    let p = pki();
    assert_eq!(check(&[&p.leaf, &p.inter], &[&p.root], &p.inter_key), Err(ChainError::KeyMismatch));
    // An EC leaf holds no RSA key at all.
    let ec_key = ec(Nid::X9_62_PRIME256V1);
    let ec_leaf =
        Spec { issuer: Some((&p.inter, &p.inter_key)), ca: false, ..Spec::new("Zustellpunkt", &ec_key) }.make();
    assert_eq!(check(&[&ec_leaf, &p.inter], &[&p.root], &p.leaf_key), Err(ChainError::KeyMismatch));
}

#[test]
fn ecdsa_signatures_are_handed_on_raw_for_webcrypto() {
    let p = pki();
    let ec_root_key = ec(Nid::SECP384R1);
    let ec_root = Spec { digest: MessageDigest::sha384(), ..Spec::new("EC-Wurzel", &ec_root_key) }.make();
    let leaf = Spec {
        issuer: Some((&ec_root, &ec_root_key)),
        ca: false,
        digest: MessageDigest::sha384(),
        ..Spec::new("Zustellpunkt", &p.leaf_key)
    }
    .make();
    let checks = check(&[&leaf], &[&ec_root], &p.leaf_key).unwrap();
    assert_eq!(checks[0].scheme, Scheme::Ecdsa(Hash::Sha384, Curve::P384));
    assert_eq!(checks[0].signature.len(), 96);
    assert!(verifies(&checks[0]));
}

#[test]
fn sha1_and_unknown_critical_extensions_are_refused() {
    let p = pki();
    let sha1 = Spec {
        issuer: Some((&p.inter, &p.inter_key)),
        ca: false,
        digest: MessageDigest::sha1(),
        ..Spec::new("Zustellpunkt", &p.leaf_key)
    }
    .make();
    let err = check(&[&sha1, &p.inter], &[&p.root], &p.leaf_key).unwrap_err();
    assert_eq!(err, ChainError::Algorithm("x5c[0] by x5c[1]".into(), "a SHA-1 signature is not accepted".into()));
    let constrained = Spec {
        issuer: Some((&p.root, &p.root_key)),
        critical: Some("critical,permitted;DNS:example.de"),
        ..Spec::new("Test-Zwischen-CA", &p.inter_key)
    }
    .make();
    assert_eq!(
        check(&[&p.leaf, &constrained], &[&p.root], &p.leaf_key),
        Err(ChainError::UnknownCritical("x5c[1]".into()))
    );
}

#[test]
fn broken_certificates_name_where_and_why() {
    let p = pki();
    let rsa = p.leaf_key.rsa().unwrap();
    let (n, e) = (rsa.n().to_vec(), rsa.e().to_vec());
    let day = today().to_string();
    let mut truncated = p.inter.to_der().unwrap();
    truncated.truncate(truncated.len() - 5);
    let err = check_chain(&[p.leaf.to_der().unwrap(), truncated], &der(&[&p.root]), &n, &e, &day).unwrap_err();
    assert_eq!(err, ChainError::Malformed("x5c[1]".into(), "it ends too early"));
    let err = check_chain(&der(&[&p.leaf]), &[vec![0x02, 0x01, 0x05]], &n, &e, &day).unwrap_err();
    assert_eq!(err, ChainError::Malformed("root 1".into(), "an element of an unexpected type"));
    assert_eq!(err.to_string(), "certificate root 1 is malformed (an element of an unexpected type)");
    // A time with a character of several bytes, or no month: refused, never a panic.
    let leaf = p.leaf.to_der().unwrap();
    let at = leaf.windows(2).position(|w| w == [0x17, 0x0d]).expect("a UTCTime");
    for spoiled in [&[0x31, 0x32, 0x33, 0x34, 0x35, 0xc3, 0xa9][..], b"991332000000Z"] {
        let mut bad = leaf.clone();
        bad.splice(at + 2..at + 2 + spoiled.len(), spoiled.iter().copied());
        let err = check_chain(&[bad], &der(&[&p.root]), &n, &e, &day).unwrap_err();
        assert_eq!(err, ChainError::Malformed("x5c[0]".into(), "a malformed time"));
    }
    let mut trailing = p.leaf.to_der().unwrap();
    trailing.push(0);
    let err = check_chain(&[trailing], &der(&[&p.root]), &n, &e, &day).unwrap_err();
    assert_eq!(err, ChainError::Malformed("x5c[0]".into(), "bytes after the certificate"));
    // Certificates of before 1950 and after 2049 are written as GeneralizedTime; both forms read.
    let long = Spec { from: -365, until: 40_000, ..Spec::new("Lange Wurzel", &p.root_key) }.make();
    let bytes = long.to_der().unwrap();
    let cert = Certificate::parse(&bytes).unwrap();
    assert_eq!(cert.not_after, today().add_days(40_000).to_string());
    assert_eq!(cert.not_before, today().add_days(-365).to_string());
}

#[test]
fn rsa_pss_parameters_are_read() {
    // OpenSSL's library cannot sign certificates with PSS through the Rust binding; its
    // command line can.
    let dir = std::env::temp_dir().join(format!("antrag-x509-pss-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("pss.der");
    let made = std::process::Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout"])
        .arg(dir.join("key.pem"))
        .args(["-sha384", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:48"])
        .args(["-subj", "/CN=PSS", "-days", "2", "-outform", "DER", "-out"])
        .arg(&out)
        .output();
    if !made.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: the openssl command is not installed (Debian package openssl)");
        return;
    }
    let der = std::fs::read(&out).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let cert = Certificate::parse(&der).unwrap();
    assert_eq!(scheme(cert.algorithm), Ok(Scheme::RsaPss(Hash::Sha384, 48)));
}
