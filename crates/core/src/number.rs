//! Numbers as citizens type them: `1.234,56`, `1234,5`, `12.50`, `-3`, `1 000 €`.
//!
//! Rules (documented in `docs/definition-format.md`):
//! * a comma is the decimal separator; dots, spaces and narrow spaces group thousands;
//! * with both a comma and a dot, the later one is the decimal separator (`1,234.50`);
//! * without a comma, a single dot followed by other than exactly three digits is a decimal
//!   point (`12.5`, `12.50`); dots between groups of three digits group thousands
//!   (`1.234` = 1234, as a German reader means it);
//! * a leading `+`/`-` (or `−`) sign and a leading or trailing `€`/`EUR` are allowed.

/// A parsed decimal number.
#[derive(Clone, Debug, PartialEq)]
pub struct Decimal {
    /// Whether a minus sign was given.
    pub negative: bool,
    /// Digits before the decimal separator, without grouping (`"1234"`).
    pub int_digits: String,
    /// Digits after the decimal separator (`"56"`).
    pub frac_digits: String,
}

impl Decimal {
    /// The value as a float (exact for the magnitudes forms deal with).
    pub fn to_f64(&self) -> f64 {
        self.canonical().parse().unwrap_or(f64::NAN)
    }

    /// Canonical form with a dot decimal separator and no grouping (`-1234.56`).
    pub fn canonical(&self) -> String {
        let int = self.int_digits.trim_start_matches('0');
        let int = if int.is_empty() { "0" } else { int };
        let frac = self.frac_digits.trim_end_matches('0');
        let zero = int == "0" && frac.is_empty();
        let sign = if self.negative && !zero { "-" } else { "" };
        if frac.is_empty() {
            format!("{sign}{int}")
        } else {
            format!("{sign}{int}.{frac}")
        }
    }

    /// Number of decimals given (`12,50` has 2).
    pub fn decimals(&self) -> usize {
        self.frac_digits.len()
    }

    /// The value as a JSON number (integers stay integers).
    pub fn to_json(&self) -> serde_json::Value {
        let canonical = self.canonical();
        if !canonical.contains('.') {
            if let Ok(i) = canonical.parse::<i64>() {
                return serde_json::Value::from(i);
            }
            if let Ok(u) = canonical.parse::<u64>() {
                return serde_json::Value::from(u);
            }
        }
        serde_json::Number::from_f64(self.to_f64()).map(serde_json::Value::Number).unwrap_or(serde_json::Value::Null)
    }
}

/// Parse a number as typed. `None` when it is not a number.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let mut s = text.trim();
    for currency in ["€", "EUR"] {
        s = s.strip_prefix(currency).unwrap_or(s).trim_start();
        s = s.strip_suffix(currency).unwrap_or(s).trim_end();
    }
    let (negative, s) = match s.chars().next()? {
        '-' | '−' => (true, &s[s.chars().next()?.len_utf8()..]),
        '+' => (false, &s[1..]),
        _ => (false, s),
    };
    let is_group = |c: char| c == '.' || c == ' ' || c == '\u{a0}' || c == '\u{202f}';
    let both = s.contains(',') && s.contains('.');
    let (int_part, frac_part) = match s.split_once(',') {
        _ if both => {
            let at = s.rfind([',', '.'])?;
            let (i, f) = (&s[..at], &s[at + 1..]);
            let group = s.as_bytes()[at] ^ b',' ^ b'.';
            if i.bytes().any(|b| b == s.as_bytes()[at]) || !i.bytes().all(|b| b.is_ascii_digit() || b == group) {
                return None;
            }
            let digits = ungroup(&i.replace(group as char, " "), |c| c == ' ')?;
            return finish(negative, digits, Some(f));
        }
        Some((i, f)) => (i, Some(f)),
        None => {
            let dots = s.matches('.').count();
            let after_last = s.rsplit('.').next().unwrap_or("");
            if dots == 1 && after_last.len() != 3 {
                let (i, f) = s.split_once('.')?;
                (i, Some(f))
            } else {
                (s, None)
            }
        }
    };
    let int_digits = ungroup(int_part, is_group)?;
    finish(negative, int_digits, frac_part)
}

fn finish(negative: bool, int_digits: String, frac_part: Option<&str>) -> Option<Decimal> {
    let frac_digits = match frac_part {
        Some(f) if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) => return None,
        Some(f) => f.to_owned(),
        None => String::new(),
    };
    if int_digits.is_empty() && frac_digits.is_empty() {
        return None;
    }
    Some(Decimal { negative, int_digits, frac_digits })
}

/// Digits of an integer part whose groups (if any) have three digits after the first.
fn ungroup(int_part: &str, is_group: impl Fn(char) -> bool) -> Option<String> {
    if int_part.is_empty() {
        return Some(String::new());
    }
    let groups: Vec<&str> = int_part.split(&is_group).collect();
    let ok = groups.iter().enumerate().all(|(i, g)| {
        !g.is_empty()
            && g.bytes().all(|b| b.is_ascii_digit())
            && (i == 0 || g.len() == 3)
            && (i != 0 || groups.len() == 1 || g.len() <= 3)
    });
    ok.then(|| groups.concat())
}

/// A JSON number as an answer's text that [`parse_decimal`] reads back as the same number:
/// `12.5` stays `12.5`, but `1.234` — which a reader, and the rules above, take for 1234 — is
/// written `1,234`. For a number put into an input (an answer given as JSON, an application
/// handed back to change it).
pub fn answer_text(n: &serde_json::Number) -> String {
    let text = n.to_string();
    match text.split_once('.') {
        Some((_, frac)) if frac.len() == 3 && frac.bytes().all(|b| b.is_ascii_digit()) => text.replace('.', ","),
        _ => text,
    }
}

/// Format a canonical number the German way for display (`1234.5` → `1.234,50` with 2 decimals).
pub fn format_german(canonical: &str, decimals: Option<usize>) -> String {
    let (negative, rest) = match canonical.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, canonical),
    };
    let (int, frac) = rest.split_once('.').unwrap_or((rest, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    let frac = match decimals {
        Some(n) => {
            let mut f: String = frac.chars().take(n).collect();
            while f.len() < n {
                f.push('0');
            }
            f
        }
        None => frac.to_owned(),
    };
    let sign = if negative { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(text: &str) -> Option<String> {
        parse_decimal(text).map(|d| d.canonical())
    }

    #[test]
    fn german_and_plain_forms() {
        let cases = [
            ("1.234,56", "1234.56"),
            ("1234,5", "1234.5"),
            ("12.50", "12.5"),
            ("12.5", "12.5"),
            ("1.234", "1234"),
            ("1.234.567", "1234567"),
            ("1 000 €", "1000"),
            ("EUR 12,00", "12"),
            ("-3", "-3"),
            ("−3,5", "-3.5"),
            ("+7", "7"),
            (",5", "0.5"),
            ("0", "0"),
            ("-0", "0"),
            ("007", "7"),
            ("1,234.50", "1234.5"),
            ("1.234,50", "1234.5"),
            ("12,345,678.9", "12345678.9"),
        ];
        for (input, expected) in cases {
            assert_eq!(canon(input).as_deref(), Some(expected), "{input}");
        }
    }

    #[test]
    fn not_numbers() {
        for bad in [
            "",
            "abc",
            "1,2,3",
            "1.23.4",
            "12,",
            "1e5",
            "--1",
            "1..2",
            "12a",
            "1.2345.6",
            "€",
            "1.234,5.6",
            "1,23.4",
            "1.2,3",
        ] {
            assert_eq!(canon(bad), None, "{bad}");
        }
    }

    #[test]
    fn decimals_and_json() {
        assert_eq!(parse_decimal("12,345").unwrap().decimals(), 3);
        assert_eq!(parse_decimal("12").unwrap().to_json(), serde_json::json!(12));
        assert_eq!(parse_decimal("12,5").unwrap().to_json(), serde_json::json!(12.5));
    }

    #[test]
    fn german_display() {
        assert_eq!(format_german("1234.5", Some(2)), "1.234,50");
        assert_eq!(format_german("-1234567", None), "-1.234.567");
        assert_eq!(format_german("0.5", Some(2)), "0,50");
    }
}
