//! Checks of semantic formats: e-mail, URL, phone, IBAN, BIC, PLZ, Steuer-IdNr and the
//! DIN SPEC 91379 Latin character set.
//!
//! E-mail follows the WHATWG HTML definition of a valid e-mail address (what browsers use for
//! `<input type=email>`), as the `validator` crate does; the crate itself is not used at run
//! time because its e-mail rule pulls regex and IDNA tables into the wasm (+325 KB gzip, measured).
//! A property test checks that both agree (see `tests/formats.rs`).

/// Whether `text` is an e-mail address: `local@domain`, the local part of WHATWG `atext`
/// characters and dots (≤ 64 chars), the domain of labels (letters, digits, inner hyphens,
/// ≤ 63 chars each; non-ASCII letters allowed for internationalised domains) with at least one
/// dot — a citizen's address is never on a dotless host.
pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else { return false };
    let local_ok = !local.is_empty()
        && local.chars().count() <= 64
        && local.chars().all(|c| c.is_ascii_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-".contains(c));
    local_ok && domain.contains('.') && is_domain(domain)
}

fn is_domain(domain: &str) -> bool {
    domain.chars().count() <= 253
        && domain.split('.').all(|label| {
            let chars: Vec<char> = label.chars().collect();
            !chars.is_empty()
                && chars.len() <= 63
                && chars.iter().all(|c| c.is_alphanumeric() || *c == '-')
                && chars[0] != '-'
                && chars[chars.len() - 1] != '-'
        })
}

/// Whether `text` is an absolute http or https URL with a host.
pub fn is_url(text: &str) -> bool {
    let rest = match text.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") => rest,
        _ => return false,
    };
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = if host_port.starts_with('[') {
        let Some(end) = host_port.find(']') else { return false };
        let (host, rest) = host_port.split_at(end + 1);
        match rest.strip_prefix(':') {
            Some(port) => (host, Some(port)),
            None if rest.is_empty() => (host, None),
            None => return false,
        }
    } else {
        match host_port.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        }
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    port_ok && (is_domain(host) || (host.starts_with('[') && host.ends_with(']') && host.len() > 2))
}

/// Whether `text` is a phone number: an optional leading `+`, then digits with spaces and
/// `( ) - /` between them; 5 to 15 digits (E.164 allows at most 15).
pub fn is_phone(text: &str) -> bool {
    let body = text.strip_prefix('+').unwrap_or(text);
    let digits = body.bytes().filter(u8::is_ascii_digit).count();
    (5..=15).contains(&digits)
        && body.bytes().all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'(' | b')' | b'-' | b'/'))
        && body.bytes().next().is_some_and(|b| b.is_ascii_digit() || b == b'(')
}

/// IBAN lengths by country (ISO 13616 registry). Countries not listed are checked for the
/// generic form (15–34 characters) and the check digits only.
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NL", 18),
    ("NO", 15),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("SA", 24),
    ("SC", 31),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
];

/// An IBAN without spaces, upper-cased (`de89 3704…` → `DE893704…`).
pub fn normalize_iban(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_uppercase).collect()
}

/// Whether `text` (spaces allowed, any case) is an IBAN with a correct length for its country
/// and correct check digits (ISO 7064 MOD 97-10).
pub fn is_iban(text: &str) -> bool {
    let iban = normalize_iban(text);
    let b = iban.as_bytes();
    if b.len() < 15
        || b.len() > 34
        || !b[..2].iter().all(u8::is_ascii_uppercase)
        || !b[2..4].iter().all(u8::is_ascii_digit)
    {
        return false;
    }
    if !b.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    if let Some((_, len)) = IBAN_LENGTHS.iter().find(|(c, _)| c.as_bytes() == &b[..2]) {
        if *len != b.len() {
            return false;
        }
    }
    let mut remainder: u32 = 0;
    for &c in b[4..].iter().chain(&b[..4]) {
        let value = if c.is_ascii_digit() { u32::from(c - b'0') } else { u32::from(c - b'A') + 10 };
        remainder = if value >= 10 { (remainder * 100 + value) % 97 } else { (remainder * 10 + value) % 97 };
    }
    remainder == 1
}

/// Whether `text` is a BIC: 4 letters (bank), 2 letters (country), 2 letters or digits
/// (location), optionally 3 letters or digits (branch). Case-insensitive, spaces ignored.
pub fn is_bic(text: &str) -> bool {
    let bic: Vec<u8> = text.bytes().filter(|b| *b != b' ').map(|b| b.to_ascii_uppercase()).collect();
    (bic.len() == 8 || bic.len() == 11)
        && bic[..6].iter().all(u8::is_ascii_uppercase)
        && bic[6..].iter().all(u8::is_ascii_alphanumeric)
}

/// Whether `text` is exactly `n` ASCII digits.
fn digits(text: &str, n: usize) -> bool {
    text.len() == n && text.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `text` is a LeiKa service key (Leistungsschlüssel): 14 digits.
pub fn is_leika_key(text: &str) -> bool {
    digits(text, 14)
}

/// Whether `text` is an Amtlicher Regionalschlüssel (ARS): 12 digits.
pub fn is_ars(text: &str) -> bool {
    digits(text, 12)
}

/// Whether `text` is an Amtlicher Gemeindeschlüssel (AGS): 8 digits.
pub fn is_ags(text: &str) -> bool {
    digits(text, 8)
}

/// Whether `text` is a German postcode: five digits, not starting with `00` (no such area).
pub fn is_plz(text: &str) -> bool {
    digits(text, 5) && !text.starts_with("00")
}

/// Whether `text` is a German tax identification number (Steuer-IdNr): 11 digits, no leading
/// zero, in the first ten exactly one digit occurring twice or three times (three not in a row),
/// and a correct check digit (ISO 7064 MOD 11,10). Spaces are ignored.
pub fn is_steuer_id(text: &str) -> bool {
    let digits: Vec<u32> = text.chars().filter(|c| *c != ' ').map(|c| c.to_digit(10).unwrap_or(99)).collect();
    if digits.len() != 11 || digits.iter().any(|d| *d > 9) || digits[0] == 0 {
        return false;
    }
    let mut counts = [0u8; 10];
    for d in &digits[..10] {
        counts[*d as usize] += 1;
    }
    let repeated: Vec<usize> = (0..10).filter(|d| counts[*d] > 1).collect();
    if repeated.len() != 1 || counts[repeated[0]] > 3 {
        return false;
    }
    if counts[repeated[0]] == 3 && digits[..10].windows(3).any(|w| w[0] == w[1] && w[1] == w[2]) {
        return false;
    }
    let mut product = 10;
    for d in &digits[..10] {
        let mut sum = (d + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = (sum * 2) % 11;
    }
    let check = (11 - product) % 10;
    check == digits[10]
}

/// Ranges of single code points of XÖV String.Latin 1.1 (DIN SPEC 91379 as referenced by
/// XDatenfelder's `latinchars.xsd`).
const LATIN_RANGES: &[(u32, u32)] = &[
    (0x9, 0xa),
    (0xd, 0xd),
    (0x20, 0x7e),
    (0xa1, 0xac),
    (0xae, 0x107),
    (0x10a, 0x11b),
    (0x11e, 0x123),
    (0x126, 0x131),
    (0x134, 0x15b),
    (0x15e, 0x16b),
    (0x16e, 0x17e),
    (0x18f, 0x18f),
    (0x1a0, 0x1a1),
    (0x1af, 0x1b0),
    (0x1b7, 0x1b7),
    (0x1cd, 0x1d4),
    (0x1de, 0x1df),
    (0x1e4, 0x1f0),
    (0x1f4, 0x1f5),
    (0x1fa, 0x1ff),
    (0x218, 0x21b),
    (0x21e, 0x21f),
    (0x22a, 0x22b),
    (0x22e, 0x233),
    (0x259, 0x259),
    (0x292, 0x292),
    (0x1e02, 0x1e03),
    (0x1e0a, 0x1e0b),
    (0x1e10, 0x1e11),
    (0x1e1e, 0x1e21),
    (0x1e24, 0x1e27),
    (0x1e30, 0x1e31),
    (0x1e40, 0x1e41),
    (0x1e44, 0x1e45),
    (0x1e56, 0x1e57),
    (0x1e60, 0x1e63),
    (0x1e6a, 0x1e6b),
    (0x1e80, 0x1e85),
    (0x1e8c, 0x1e93),
    (0x1e9e, 0x1e9e),
    (0x1ea0, 0x1ea7),
    (0x1eaa, 0x1eac),
    (0x1eae, 0x1ec1),
    (0x1ec4, 0x1ed3),
    (0x1ed6, 0x1edd),
    (0x1ee4, 0x1ef9),
    (0x20ac, 0x20ac),
];

/// Base letters that String.Latin allows with a combining circumflex (U+0302) or caron (U+030C).
const LATIN_COMBINING: &[(char, char)] = &[
    ('M', '\u{302}'),
    ('N', '\u{302}'),
    ('m', '\u{302}'),
    ('n', '\u{302}'),
    ('D', '\u{302}'),
    ('d', '\u{302}'),
    ('J', '\u{30c}'),
    ('L', '\u{302}'),
    ('l', '\u{302}'),
];

/// Whether every character of `text` belongs to String.Latin 1.1.
pub fn is_latin(text: &str) -> bool {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(&next) = chars.peek() {
            if LATIN_COMBINING.contains(&(c, next)) {
                chars.next();
                continue;
            }
        }
        let cp = c as u32;
        if !LATIN_RANGES.iter().any(|(lo, hi)| (*lo..=*hi).contains(&cp)) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for ok in ["max@example.de", "a.b+c@sub.example.org", "juergen@müller.de"] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "",
            "max",
            "max@",
            "@example.de",
            "max@example",
            "max@-x.de",
            "max@x-.de",
            "ma x@x.de",
            "max@x..de",
            "jürgen@x.de",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn urls() {
        for ok in ["https://www.stvo.de/§45", "http://localhost.de:8080/x?y#z", "https://[::1]/"] {
            assert!(is_url(ok), "{ok}");
        }
        for bad in ["ftp://x.de", "https://", "https://x .de", "javascript:alert(1)", "https://x.de:99999999/"] {
            assert!(!is_url(bad), "{bad}");
        }
    }

    #[test]
    fn ibans() {
        assert!(is_iban("DE89 3704 0044 0532 0130 00"));
        assert!(is_iban("de89370400440532013000"));
        assert!(is_iban("GB82WEST12345698765432"));
        assert!(!is_iban("DE89 3704 0044 0532 0130 01"), "check digits");
        assert!(!is_iban("DE89 3704 0044 0532 0130 0"), "length for DE");
        assert!(!is_iban("DE8937040044053201300!"));
    }

    #[test]
    fn bics_plz_phone() {
        assert!(is_bic("COBADEFFXXX") && is_bic("cobadeff") && !is_bic("COBA1EFF") && !is_bic("COBADEF"));
        assert!(is_plz("01067") && is_plz("99998") && !is_plz("00123") && !is_plz("1234") && !is_plz("1234a"));
        assert!(is_phone("+49 (0)30 123456-78") && is_phone("030/1234567"));
        assert!(!is_phone("12") && !is_phone("+49 30 abc") && !is_phone("++49 301234"));
    }

    #[test]
    fn steuer_ids() {
        // Published example numbers (BZSt test data) with valid check digits.
        assert!(is_steuer_id("86095742719"));
        assert!(is_steuer_id("47036892816"));
        assert!(is_steuer_id("65929970489"));
        assert!(!is_steuer_id("86095742718"), "check digit");
        assert!(!is_steuer_id("06095742719"), "leading zero");
        assert!(!is_steuer_id("12345678903"), "no repeated digit");
    }

    #[test]
    fn latin() {
        assert!(is_latin("Jürgen Groß-Ödön, Łódź, Ærøskøbing, Şahin €"));
        assert!(is_latin("N\u{302}"));
        assert!(!is_latin("Иван"));
        assert!(!is_latin("王"));
        assert!(!is_latin("emoji 😀"));
    }
}
