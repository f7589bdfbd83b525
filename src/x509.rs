//! The certificate chain of a FIT-Connect destination's key, checked in the browser before
//! anything is encrypted for it. FIT-Connect publishes each encryption key as a JWK whose
//! `x5c` holds the certificate chain (leaf first, base64 DER); a sender must check that chain
//! up to a root of the Verwaltungs-PKI, or whoever answers the key request could read the
//! application. The relay checks it too (`crates/server/src/fitconnect/keytrust.rs`, OpenSSL,
//! with revocation lists); this check does not rely on the relay.
//!
//! This module is the pure part: a small DER reader for what a chain check needs, and
//! [`check_chain`], which checks names, validity on the application date, CA constraints,
//! critical extensions and that the leaf holds exactly the JWK's key, and returns the
//! signatures still to verify. The signatures are verified with the browser's WebCrypto
//! (`fit_send`) — no cryptography of our own. Revocation is checked by the relay only (a
//! browser cannot fetch the PKI's revocation lists); see docs/fit-connect.md.

use std::fmt;

/// Why a key's certificate chain is refused.
#[derive(Clone, Debug, PartialEq)]
pub enum ChainError {
    /// The server named no trust roots for FIT-Connect.
    NoRoots,
    /// A certificate (`x5c[i]`, or `root i`) is not readable DER.
    Malformed(String, &'static str),
    /// The leaf certificate holds another key than the JWK.
    KeyMismatch,
    /// A certificate is not valid on the application date (`what`, from, until).
    NotValid(String, String, String),
    /// A certificate that signs another one is not a CA (basic constraints, key usage or
    /// path length).
    NotCa(String),
    /// A certificate carries a critical extension this check does not know.
    UnknownCritical(String),
    /// A signature algorithm that is not accepted (SHA-1, unknown, or not matching the key).
    Algorithm(String, String),
    /// The chain ends in none of the trust roots.
    NoTrustedRoot,
}

impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainError::NoRoots => f.write_str("the server names no trust roots for FIT-Connect keys"),
            ChainError::Malformed(what, why) => write!(f, "certificate {what} is malformed ({why})"),
            ChainError::KeyMismatch => f.write_str("the key's certificate holds another key"),
            ChainError::NotValid(what, from, until) => {
                write!(f, "certificate {what} is valid from {from} until {until}, not on the application date")
            }
            ChainError::NotCa(what) => write!(f, "certificate {what} signs another one but may not (no CA)"),
            ChainError::UnknownCritical(what) => {
                write!(f, "certificate {what} has a critical extension not understood")
            }
            ChainError::Algorithm(what, why) => write!(f, "certificate {what}: {why}"),
            ChainError::NoTrustedRoot => f.write_str("the key's certificate chain ends in no trusted root"),
        }
    }
}

/// A hash function of a signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl Hash {
    /// Its WebCrypto name.
    pub fn web_name(self) -> &'static str {
        match self {
            Hash::Sha256 => "SHA-256",
            Hash::Sha384 => "SHA-384",
            Hash::Sha512 => "SHA-512",
        }
    }
}

/// A named elliptic curve.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Curve {
    /// NIST P-256.
    P256,
    /// NIST P-384.
    P384,
    /// NIST P-521.
    P521,
}

impl Curve {
    /// Its WebCrypto name.
    pub fn web_name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
        }
    }

    /// Bytes of one coordinate (and of `r` and `s` in a raw signature).
    fn size(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }
}

/// How a signature is verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// RSASSA-PKCS1-v1_5.
    RsaPkcs1(Hash),
    /// RSASSA-PSS with MGF1 over the same hash and this salt length.
    RsaPss(Hash, u32),
    /// ECDSA on this curve; the signature is given raw (`r‖s`), as WebCrypto wants it.
    Ecdsa(Hash, Curve),
}

/// One signature of the chain, for WebCrypto to verify.
#[derive(Clone, Debug, PartialEq)]
pub struct SignatureCheck {
    /// Which certificate signs which, for messages (`x5c[0] by x5c[1]`).
    pub what: String,
    /// The algorithm.
    pub scheme: Scheme,
    /// The signer's SubjectPublicKeyInfo (DER), for `importKey("spki", …)`.
    pub signer_key: Vec<u8>,
    /// The signature.
    pub signature: Vec<u8>,
    /// The signed bytes (the tbsCertificate).
    pub signed: Vec<u8>,
}

/// Check the chain `chain` (`x5c`, decoded, leaf first) of the RSA key (`n`, `e`, big-endian)
/// against the trust roots `roots` (DER) on the application date `today` (`YYYY-MM-DD`).
/// Like OpenSSL's default, a trusted root is looked for first at every step: the walk up the
/// chain ends at the first certificate that is a root or is issued by one. On success the
/// signatures along the way are returned, to be verified; the root's own is not (it is the
/// anchor).
pub fn check_chain(
    chain: &[Vec<u8>],
    roots: &[Vec<u8>],
    n: &[u8],
    e: &[u8],
    today: &str,
) -> Result<Vec<SignatureCheck>, ChainError> {
    if roots.is_empty() {
        return Err(ChainError::NoRoots);
    }
    let certs = chain
        .iter()
        .enumerate()
        .map(|(i, der)| Certificate::parse(der).map_err(|why| ChainError::Malformed(format!("x5c[{i}]"), why)))
        .collect::<Result<Vec<_>, _>>()?;
    // A root this reader cannot read anchors nothing (the relay's OpenSSL may still read it);
    // only when none can be read is that the answer.
    let parsed: Vec<_> = roots.iter().map(|der| Certificate::parse(der)).collect();
    let anchors: Vec<(usize, &Certificate<'_>)> =
        parsed.iter().enumerate().filter_map(|(i, root)| root.as_ref().ok().map(|r| (i, r))).collect();
    if anchors.is_empty() {
        let (i, why) =
            parsed.iter().enumerate().find_map(|(i, r)| r.as_ref().err().map(|why| (i, *why))).unwrap_or((0, "none"));
        return Err(ChainError::Malformed(format!("root {}", i + 1), why));
    }
    let leaf = certs.first().ok_or(ChainError::NoTrustedRoot)?;
    let (leaf_n, leaf_e) = rsa_numbers(leaf.spki).ok_or(ChainError::KeyMismatch)?;
    if strip(leaf_n) != strip(n) || strip(leaf_e) != strip(e) {
        return Err(ChainError::KeyMismatch);
    }

    let mut checks = Vec::new();
    for (i, cert) in certs.iter().enumerate() {
        let what = format!("x5c[{i}]");
        cert.check(&what, today)?;
        if i > 0 {
            // It signs the one below it: a CA, allowed to sign certificates, over this path.
            cert.check_ca(&what, i - 1)?;
        }
        if anchors.iter().any(|(_, root)| root.der == cert.der) {
            return Ok(checks);
        }
        // Of roots with the issuer's name (a re-keyed root keeps its name), the one whose key
        // the certificate names as its signer; without key identifiers, the first.
        let named: Vec<_> = anchors.iter().filter(|(_, root)| root.subject == cert.issuer).collect();
        let signer = named
            .iter()
            .find(|(_, root)| root.key_id.is_some() && root.key_id == cert.authority_key_id)
            .or(named.first());
        if let Some(&&(r, root)) = signer {
            let root_name = format!("root {}", r + 1);
            root.check(&root_name, today)?;
            root.check_ca(&root_name, i)?;
            checks.push(cert.signed_by(root, format!("{what} by {root_name}"))?);
            return Ok(checks);
        }
        match certs.get(i + 1) {
            Some(issuer) if issuer.subject == cert.issuer => {
                checks.push(cert.signed_by(issuer, format!("{what} by x5c[{}]", i + 1))?);
            }
            _ => return Err(ChainError::NoTrustedRoot),
        }
    }
    Err(ChainError::NoTrustedRoot)
}

/// The parts of a certificate the check reads (slices of `der`).
#[derive(Debug)]
struct Certificate<'a> {
    der: &'a [u8],
    tbs: &'a [u8],
    algorithm: &'a [u8],
    signature: &'a [u8],
    issuer: &'a [u8],
    subject: &'a [u8],
    not_before: String,
    not_after: String,
    spki: &'a [u8],
    ca: bool,
    path_len: Option<u64>,
    key_cert_sign: Option<bool>,
    unknown_critical: bool,
    /// subjectKeyIdentifier, to tell apart roots of the same name (a re-keyed root).
    key_id: Option<&'a [u8]>,
    /// The keyIdentifier of authorityKeyIdentifier: which of those keys signed.
    authority_key_id: Option<&'a [u8]>,
}

impl<'a> Certificate<'a> {
    fn parse(der: &'a [u8]) -> Result<Certificate<'a>, &'static str> {
        let mut top = Reader(der);
        let cert = top.expect(SEQUENCE)?;
        if !top.0.is_empty() {
            return Err("bytes after the certificate");
        }
        let mut parts = Reader(cert.content);
        let tbs = parts.expect(SEQUENCE)?;
        let algorithm = parts.expect(SEQUENCE)?;
        let signature = bit_string(parts.expect(BIT_STRING)?.content)?;
        let mut fields = Reader(tbs.content);
        if fields.peek() == Some(0xa0) {
            fields.next()?;
        }
        fields.expect(INTEGER)?;
        if fields.expect(SEQUENCE)?.whole != algorithm.whole {
            return Err("the signed and the outer signature algorithm differ");
        }
        let issuer = fields.expect(SEQUENCE)?.whole;
        let mut validity = Reader(fields.expect(SEQUENCE)?.content);
        let not_before = time(validity.next()?)?;
        let not_after = time(validity.next()?)?;
        let subject = fields.expect(SEQUENCE)?.whole;
        let spki = fields.expect(SEQUENCE)?.whole;
        let mut cert = Certificate {
            der,
            tbs: tbs.whole,
            algorithm: algorithm.content,
            signature,
            issuer,
            subject,
            not_before,
            not_after,
            spki,
            ca: false,
            path_len: None,
            key_cert_sign: None,
            unknown_critical: false,
            key_id: None,
            authority_key_id: None,
        };
        while !fields.0.is_empty() {
            let field = fields.next()?;
            if field.tag != 0xa3 {
                continue; // unique identifiers
            }
            let mut list = Reader(Reader(field.content).expect(SEQUENCE)?.content);
            while !list.0.is_empty() {
                let mut extension = Reader(list.expect(SEQUENCE)?.content);
                let id = extension.expect(OID)?.content;
                let critical = extension.peek() == Some(BOOLEAN) && extension.next()?.content != [0];
                let value = extension.expect(OCTET_STRING)?.content;
                match id {
                    BASIC_CONSTRAINTS => {
                        let mut constraints = Reader(Reader(value).expect(SEQUENCE)?.content);
                        if constraints.peek() == Some(BOOLEAN) {
                            cert.ca = constraints.next()?.content != [0];
                        }
                        if constraints.peek() == Some(INTEGER) {
                            cert.path_len = Some(unsigned(constraints.next()?.content)?);
                        }
                    }
                    KEY_USAGE => {
                        let bits = bit_string(Reader(value).expect(BIT_STRING)?.content)?;
                        cert.key_cert_sign = Some(bits.first().is_some_and(|b| b & 0x04 != 0));
                    }
                    SUBJECT_KEY_ID => cert.key_id = Some(Reader(value).expect(OCTET_STRING)?.content),
                    AUTHORITY_KEY_ID => {
                        let mut fields = Reader(Reader(value).expect(SEQUENCE)?.content);
                        if fields.peek() == Some(0x80) {
                            cert.authority_key_id = Some(fields.next()?.content);
                        }
                    }
                    _ if critical && !KNOWN_CRITICAL.contains(&id) => cert.unknown_critical = true,
                    _ => {}
                }
            }
        }
        Ok(cert)
    }

    /// Valid on `today`, and no critical extension left unchecked.
    fn check(&self, what: &str, today: &str) -> Result<(), ChainError> {
        if today < self.not_before.as_str() || today > self.not_after.as_str() {
            return Err(ChainError::NotValid(what.to_owned(), self.not_before.clone(), self.not_after.clone()));
        }
        if self.unknown_critical {
            return Err(ChainError::UnknownCritical(what.to_owned()));
        }
        Ok(())
    }

    /// May sign certificates, with `below` CA certificates under it on this path.
    fn check_ca(&self, what: &str, below: usize) -> Result<(), ChainError> {
        let path_ok = self.path_len.is_none_or(|max| below as u64 <= max);
        if !self.ca || self.key_cert_sign == Some(false) || !path_ok {
            return Err(ChainError::NotCa(what.to_owned()));
        }
        Ok(())
    }

    /// The signature of this certificate by `issuer`, to verify.
    fn signed_by(&self, issuer: &Certificate<'_>, what: String) -> Result<SignatureCheck, ChainError> {
        let refuse = |why: &str| ChainError::Algorithm(what.clone(), why.to_owned());
        let scheme = scheme(self.algorithm).map_err(refuse)?;
        let key = key_kind(issuer.spki).ok_or_else(|| refuse("the signer's key is neither RSA nor a named curve"))?;
        let (scheme, signature) = match (scheme, key) {
            (Scheme::RsaPkcs1(_) | Scheme::RsaPss(..), KeyKind::Rsa) => (scheme, self.signature.to_vec()),
            (Scheme::Ecdsa(hash, _), KeyKind::Ec(curve)) => (
                Scheme::Ecdsa(hash, curve),
                raw_ecdsa(self.signature, curve).ok_or_else(|| refuse("the ECDSA signature is malformed"))?,
            ),
            _ => return Err(refuse("the signature algorithm does not fit the signer's key")),
        };
        Ok(SignatureCheck { what, scheme, signer_key: issuer.spki.to_vec(), signature, signed: self.tbs.to_vec() })
    }
}

enum KeyKind {
    Rsa,
    Ec(Curve),
}

// DER tags.
const BOOLEAN: u8 = 0x01;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OCTET_STRING: u8 = 0x04;
const OID: u8 = 0x06;
const SEQUENCE: u8 = 0x30;

// Object identifiers (their DER content).
const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const SHA1_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05];
const MGF1: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08];
const RSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
const SHA256_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
const SHA384_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c];
const SHA512_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d];
const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const ECDSA_SHA256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
const ECDSA_SHA384: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03];
const ECDSA_SHA512: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04];
const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
const P521: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x23];
const SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
const SHA384: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02];
const SHA512: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03];
const BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
const KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x0f];
const SUBJECT_KEY_ID: &[u8] = &[0x55, 0x1d, 0x0e];
const AUTHORITY_KEY_ID: &[u8] = &[0x55, 0x1d, 0x23];
/// Critical extensions that need no check here: key identifiers, subject alternative name,
/// extended key usage and certificate policies (no policy is required, as in OpenSSL's
/// default). Name and policy constraints are not understood and so refused when critical.
const KNOWN_CRITICAL: [&[u8]; 5] = [
    &[0x55, 0x1d, 0x0e], // subjectKeyIdentifier
    &[0x55, 0x1d, 0x23], // authorityKeyIdentifier
    &[0x55, 0x1d, 0x11], // subjectAltName
    &[0x55, 0x1d, 0x25], // extKeyUsage
    &[0x55, 0x1d, 0x20], // certificatePolicies
];

/// One DER element.
struct Tlv<'a> {
    tag: u8,
    content: &'a [u8],
    whole: &'a [u8],
}

/// Reads DER elements one after another.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.0.first().copied()
    }

    fn next(&mut self) -> Result<Tlv<'a>, &'static str> {
        let bytes = self.0;
        let tag = *bytes.first().ok_or("it ends too early")?;
        if tag & 0x1f == 0x1f {
            return Err("a tag this reader does not know");
        }
        let first = *bytes.get(1).ok_or("it ends too early")?;
        let (len, header) = if first < 0x80 {
            (usize::from(first), 2)
        } else {
            let count = usize::from(first & 0x7f);
            if count == 0 || count > 4 {
                return Err("a length that is not DER");
            }
            let mut len = 0usize;
            for i in 0..count {
                len = (len << 8) | usize::from(*bytes.get(2 + i).ok_or("it ends too early")?);
            }
            (len, 2 + count)
        };
        let end = header.checked_add(len).filter(|end| *end <= bytes.len()).ok_or("it ends too early")?;
        self.0 = &bytes[end..];
        Ok(Tlv { tag, content: &bytes[header..end], whole: &bytes[..end] })
    }

    fn expect(&mut self, tag: u8) -> Result<Tlv<'a>, &'static str> {
        let tlv = self.next()?;
        if tlv.tag != tag {
            return Err("an element of an unexpected type");
        }
        Ok(tlv)
    }
}

/// The bits of a BIT STRING with no unused bits at the end of a signature or key; for key
/// usage the first byte is all that matters, unused bits or not.
fn bit_string(content: &[u8]) -> Result<&[u8], &'static str> {
    match content.split_first() {
        Some((unused, bits)) if *unused < 8 => Ok(bits),
        _ => Err("a malformed bit string"),
    }
}

fn unsigned(content: &[u8]) -> Result<u64, &'static str> {
    let digits = strip(content);
    if digits.len() > 8 || content.first().is_some_and(|b| b & 0x80 != 0) {
        return Err("an integer out of range");
    }
    Ok(digits.iter().fold(0, |n, b| (n << 8) | u64::from(*b)))
}

/// A UTCTime or GeneralizedTime as `YYYY-MM-DD` (the check is by day, like the app's date).
fn time(tlv: Tlv<'_>) -> Result<String, &'static str> {
    if !tlv.content.is_ascii() {
        return Err("a malformed time");
    }
    let text = std::str::from_utf8(tlv.content).map_err(|_| "a malformed time")?;
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let (year, rest) = match tlv.tag {
        0x17 if text.len() >= 6 && digits(&text[..6]) => {
            let yy: u32 = text[..2].parse().map_err(|_| "a malformed time")?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, &text[2..])
        }
        0x18 if text.len() >= 8 && digits(&text[..8]) => {
            (text[..4].parse().map_err(|_| "a malformed time")?, &text[4..])
        }
        _ => return Err("a malformed time"),
    };
    let (month, day) = (&rest[..2], &rest[2..4]);
    if !("01"..="12").contains(&month) || !("01"..="31").contains(&day) {
        return Err("a malformed time");
    }
    Ok(format!("{year:04}-{month}-{day}"))
}

/// Big-endian digits without leading zeros.
fn strip(bytes: &[u8]) -> &[u8] {
    let zeros = bytes.iter().take_while(|b| **b == 0).count();
    &bytes[zeros..]
}

/// `n` and `e` of an RSA SubjectPublicKeyInfo.
fn rsa_numbers(spki: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut info = Reader(Reader(spki).expect(SEQUENCE).ok()?.content);
    let mut algorithm = Reader(info.expect(SEQUENCE).ok()?.content);
    if algorithm.expect(OID).ok()?.content != RSA_ENCRYPTION {
        return None;
    }
    let key = bit_string(info.expect(BIT_STRING).ok()?.content).ok()?;
    let mut numbers = Reader(Reader(key).expect(SEQUENCE).ok()?.content);
    let n = numbers.expect(INTEGER).ok()?.content;
    let e = numbers.expect(INTEGER).ok()?.content;
    Some((n, e))
}

fn key_kind(spki: &[u8]) -> Option<KeyKind> {
    let mut info = Reader(Reader(spki).expect(SEQUENCE).ok()?.content);
    let mut algorithm = Reader(info.expect(SEQUENCE).ok()?.content);
    match algorithm.expect(OID).ok()?.content {
        RSA_ENCRYPTION => Some(KeyKind::Rsa),
        EC_PUBLIC_KEY => match algorithm.expect(OID).ok()?.content {
            P256 => Some(KeyKind::Ec(Curve::P256)),
            P384 => Some(KeyKind::Ec(Curve::P384)),
            P521 => Some(KeyKind::Ec(Curve::P521)),
            _ => None,
        },
        _ => None,
    }
}

fn hash_of(oid: &[u8]) -> Option<Hash> {
    match oid {
        SHA256 => Some(Hash::Sha256),
        SHA384 => Some(Hash::Sha384),
        SHA512 => Some(Hash::Sha512),
        _ => None,
    }
}

/// The scheme of a signature AlgorithmIdentifier (its content). The curve of an ECDSA scheme
/// is the signer's; P-256 stands in until it is known.
fn scheme(algorithm: &[u8]) -> Result<Scheme, &'static str> {
    let mut parts = Reader(algorithm);
    let oid = parts.expect(OID)?.content;
    Ok(match oid {
        SHA256_WITH_RSA => Scheme::RsaPkcs1(Hash::Sha256),
        SHA384_WITH_RSA => Scheme::RsaPkcs1(Hash::Sha384),
        SHA512_WITH_RSA => Scheme::RsaPkcs1(Hash::Sha512),
        ECDSA_SHA256 => Scheme::Ecdsa(Hash::Sha256, Curve::P256),
        ECDSA_SHA384 => Scheme::Ecdsa(Hash::Sha384, Curve::P256),
        ECDSA_SHA512 => Scheme::Ecdsa(Hash::Sha512, Curve::P256),
        SHA1_WITH_RSA => return Err("a SHA-1 signature is not accepted"),
        RSA_PSS => pss(parts.expect(SEQUENCE)?.content)?,
        _ => return Err("a signature algorithm that is not accepted"),
    })
}

/// RSASSA-PSS parameters: the hash, MGF1 with the same hash, the salt length (SHA-1, the
/// default, is not accepted).
fn pss(params: &[u8]) -> Result<Scheme, &'static str> {
    const REFUSED: &str = "RSASSA-PSS parameters that are not accepted (SHA-2 and MGF1 with the same hash)";
    let mut fields = Reader(params);
    let mut hash = None;
    let mut mgf_hash = None;
    let mut salt = 20;
    while !fields.0.is_empty() {
        let field = fields.next()?;
        let mut inner = Reader(field.content);
        match field.tag {
            0xa0 => hash = hash_of(Reader(inner.expect(SEQUENCE)?.content).expect(OID)?.content),
            0xa1 => {
                let mut mgf = Reader(inner.expect(SEQUENCE)?.content);
                if mgf.expect(OID)?.content != MGF1 {
                    return Err(REFUSED);
                }
                mgf_hash = hash_of(Reader(mgf.expect(SEQUENCE)?.content).expect(OID)?.content);
            }
            0xa2 => salt = u32::try_from(unsigned(inner.expect(INTEGER)?.content)?).map_err(|_| REFUSED)?,
            _ => {}
        }
    }
    match (hash, mgf_hash) {
        (Some(hash), Some(mgf)) if hash == mgf => Ok(Scheme::RsaPss(hash, salt)),
        _ => Err(REFUSED),
    }
}

/// An ECDSA signature (DER `SEQUENCE { r, s }`) as WebCrypto's `r‖s`, each padded to the
/// curve's size.
fn raw_ecdsa(signature: &[u8], curve: Curve) -> Option<Vec<u8>> {
    let mut numbers = Reader(Reader(signature).expect(SEQUENCE).ok()?.content);
    let size = curve.size();
    let mut raw = Vec::with_capacity(2 * size);
    for _ in 0..2 {
        let digits = strip(numbers.expect(INTEGER).ok()?.content);
        if digits.len() > size {
            return None;
        }
        raw.extend(std::iter::repeat_n(0, size - digits.len()));
        raw.extend_from_slice(digits);
    }
    Some(raw)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
