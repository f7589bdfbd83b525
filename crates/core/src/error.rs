//! Validation errors: stable codes with typed parameters, and the flat report.
//!
//! No error carries text the citizen typed (no personal data in logs or error payloads), and
//! no error carries a sentence: the UI turns a code into a message in the citizen's language.

use serde::{Deserialize, Serialize};

use crate::path::FieldPath;

/// Which part of a date is missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DatePart {
    /// The day.
    Day,
    /// The month.
    Month,
    /// The year.
    Year,
}

/// A validation error. Serialised as `{"code": "too_long", "params": {"max": 80}}` (the
/// serde impls are written out below: the derived ones for an adjacently tagged enum cost about
/// 40 KB of WebAssembly).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename_all = "snake_case", tag = "code", content = "params"))]
#[non_exhaustive]
pub enum ErrorCode {
    /// An answer is needed.
    Required,
    /// The answer has the wrong JSON type for the field (a client bug, not a citizen's).
    WrongType,
    /// The answers contain a key the definition does not know.
    UnknownField,
    /// Fewer characters than allowed.
    TooShort {
        /// Minimum number of characters.
        min: u32,
    },
    /// More characters than allowed.
    TooLong {
        /// Maximum number of characters.
        max: u32,
    },
    /// The answer does not have the required form.
    PatternMismatch,
    /// Characters outside DIN SPEC 91379 (String.Latin).
    NotLatin,
    /// Not a number.
    NotANumber,
    /// Not a whole number.
    NotAnInteger,
    /// More decimals than allowed.
    TooManyDecimals {
        /// Maximum number of decimals.
        max: u32,
    },
    /// Smaller than allowed.
    TooSmall {
        /// Minimum (inclusive).
        min: f64,
    },
    /// Larger than allowed.
    TooLarge {
        /// Maximum (inclusive).
        max: f64,
    },
    /// A date with a part missing.
    DateIncomplete {
        /// The missing part.
        missing: DatePart,
    },
    /// Not a real date.
    InvalidDate,
    /// Before the earliest allowed date.
    DateTooEarly {
        /// Earliest allowed date, `YYYY-MM-DD`.
        min: String,
    },
    /// After the latest allowed date.
    DateTooLate {
        /// Latest allowed date, `YYYY-MM-DD`.
        max: String,
    },
    /// Not a time of day.
    InvalidTime,
    /// Not a date and time.
    InvalidDateTime,
    /// Not an e-mail address.
    InvalidEmail,
    /// Not a phone number.
    InvalidPhone,
    /// Not a valid IBAN (form or check digits).
    InvalidIban,
    /// Not a valid BIC.
    InvalidBic,
    /// Not a German postcode.
    InvalidPlz,
    /// Not a valid tax identification number.
    InvalidSteuerId,
    /// Not an http(s) address.
    InvalidUrl,
    /// A value that is not one of the choices.
    UnknownOption,
    /// Too few choices selected.
    TooFewSelected {
        /// Minimum.
        min: u32,
    },
    /// Too many choices selected.
    TooManySelected {
        /// Maximum.
        max: u32,
    },
    /// A file larger than allowed.
    FileTooLarge {
        /// Maximum size in bytes.
        max: u64,
    },
    /// A file of a type not allowed.
    FileTypeNotAllowed {
        /// Allowed media types.
        allowed: Vec<String>,
    },
    /// More files than allowed.
    TooManyFiles {
        /// Maximum number of files.
        max: u32,
    },
    /// Fewer entries of a repeatable group than needed.
    TooFewEntries {
        /// Minimum.
        min: u32,
    },
    /// More entries of a repeatable group than allowed.
    TooManyEntries {
        /// Maximum.
        max: u32,
    },
    /// A cross-field rule of the definition does not hold; its message is in the definition.
    Rule {
        /// The rule id.
        rule: String,
    },
}

impl ErrorCode {
    /// The stable code string (`too_long`).
    pub fn code(&self) -> &'static str {
        match self {
            ErrorCode::Required => "required",
            ErrorCode::WrongType => "wrong_type",
            ErrorCode::UnknownField => "unknown_field",
            ErrorCode::TooShort { .. } => "too_short",
            ErrorCode::TooLong { .. } => "too_long",
            ErrorCode::PatternMismatch => "pattern_mismatch",
            ErrorCode::NotLatin => "not_latin",
            ErrorCode::NotANumber => "not_a_number",
            ErrorCode::NotAnInteger => "not_an_integer",
            ErrorCode::TooManyDecimals { .. } => "too_many_decimals",
            ErrorCode::TooSmall { .. } => "too_small",
            ErrorCode::TooLarge { .. } => "too_large",
            ErrorCode::DateIncomplete { .. } => "date_incomplete",
            ErrorCode::InvalidDate => "invalid_date",
            ErrorCode::DateTooEarly { .. } => "date_too_early",
            ErrorCode::DateTooLate { .. } => "date_too_late",
            ErrorCode::InvalidTime => "invalid_time",
            ErrorCode::InvalidDateTime => "invalid_date_time",
            ErrorCode::InvalidEmail => "invalid_email",
            ErrorCode::InvalidPhone => "invalid_phone",
            ErrorCode::InvalidIban => "invalid_iban",
            ErrorCode::InvalidBic => "invalid_bic",
            ErrorCode::InvalidPlz => "invalid_plz",
            ErrorCode::InvalidSteuerId => "invalid_steuer_id",
            ErrorCode::InvalidUrl => "invalid_url",
            ErrorCode::UnknownOption => "unknown_option",
            ErrorCode::TooFewSelected { .. } => "too_few_selected",
            ErrorCode::TooManySelected { .. } => "too_many_selected",
            ErrorCode::FileTooLarge { .. } => "file_too_large",
            ErrorCode::FileTypeNotAllowed { .. } => "file_type_not_allowed",
            ErrorCode::TooManyFiles { .. } => "too_many_files",
            ErrorCode::TooFewEntries { .. } => "too_few_entries",
            ErrorCode::TooManyEntries { .. } => "too_many_entries",
            ErrorCode::Rule { .. } => "rule",
        }
    }
}

impl ErrorCode {
    /// The typed parameters as JSON (`None` for codes without).
    pub fn params(&self) -> Option<serde_json::Value> {
        use serde_json::json;
        Some(match self {
            ErrorCode::TooShort { min } | ErrorCode::TooFewSelected { min } | ErrorCode::TooFewEntries { min } => {
                json!({ "min": min })
            }
            ErrorCode::TooLong { max }
            | ErrorCode::TooManyDecimals { max }
            | ErrorCode::TooManySelected { max }
            | ErrorCode::TooManyFiles { max }
            | ErrorCode::TooManyEntries { max } => {
                json!({ "max": max })
            }
            ErrorCode::TooSmall { min } => json!({ "min": min }),
            ErrorCode::TooLarge { max } => json!({ "max": max }),
            ErrorCode::DateIncomplete { missing } => json!({ "missing": missing }),
            ErrorCode::DateTooEarly { min } => json!({ "min": min }),
            ErrorCode::DateTooLate { max } => json!({ "max": max }),
            ErrorCode::FileTooLarge { max } => json!({ "max": max }),
            ErrorCode::FileTypeNotAllowed { allowed } => json!({ "allowed": allowed }),
            ErrorCode::Rule { rule } => json!({ "rule": rule }),
            _ => return None,
        })
    }

    /// The error from its code and parameters (`None` for an unknown code or missing parameter).
    pub fn from_parts(code: &str, params: &serde_json::Value) -> Option<ErrorCode> {
        let uint = |k: &str| params.get(k).and_then(serde_json::Value::as_u64).and_then(|n| u32::try_from(n).ok());
        let float = |k: &str| params.get(k).and_then(serde_json::Value::as_f64);
        let text = |k: &str| params.get(k).and_then(serde_json::Value::as_str).map(str::to_owned);
        Some(match code {
            "required" => ErrorCode::Required,
            "wrong_type" => ErrorCode::WrongType,
            "unknown_field" => ErrorCode::UnknownField,
            "too_short" => ErrorCode::TooShort { min: uint("min")? },
            "too_long" => ErrorCode::TooLong { max: uint("max")? },
            "pattern_mismatch" => ErrorCode::PatternMismatch,
            "not_latin" => ErrorCode::NotLatin,
            "not_a_number" => ErrorCode::NotANumber,
            "not_an_integer" => ErrorCode::NotAnInteger,
            "too_many_decimals" => ErrorCode::TooManyDecimals { max: uint("max")? },
            "too_small" => ErrorCode::TooSmall { min: float("min")? },
            "too_large" => ErrorCode::TooLarge { max: float("max")? },
            "date_incomplete" => ErrorCode::DateIncomplete {
                missing: match params.get("missing")?.as_str()? {
                    "day" => DatePart::Day,
                    "month" => DatePart::Month,
                    "year" => DatePart::Year,
                    _ => return None,
                },
            },
            "invalid_date" => ErrorCode::InvalidDate,
            "date_too_early" => ErrorCode::DateTooEarly { min: text("min")? },
            "date_too_late" => ErrorCode::DateTooLate { max: text("max")? },
            "invalid_time" => ErrorCode::InvalidTime,
            "invalid_date_time" => ErrorCode::InvalidDateTime,
            "invalid_email" => ErrorCode::InvalidEmail,
            "invalid_phone" => ErrorCode::InvalidPhone,
            "invalid_iban" => ErrorCode::InvalidIban,
            "invalid_bic" => ErrorCode::InvalidBic,
            "invalid_plz" => ErrorCode::InvalidPlz,
            "invalid_steuer_id" => ErrorCode::InvalidSteuerId,
            "invalid_url" => ErrorCode::InvalidUrl,
            "unknown_option" => ErrorCode::UnknownOption,
            "too_few_selected" => ErrorCode::TooFewSelected { min: uint("min")? },
            "too_many_selected" => ErrorCode::TooManySelected { max: uint("max")? },
            "file_too_large" => ErrorCode::FileTooLarge { max: params.get("max")?.as_u64()? },
            "file_type_not_allowed" => ErrorCode::FileTypeNotAllowed {
                allowed: params
                    .get("allowed")?
                    .as_array()?
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
            },
            "too_many_files" => ErrorCode::TooManyFiles { max: uint("max")? },
            "too_few_entries" => ErrorCode::TooFewEntries { min: uint("min")? },
            "too_many_entries" => ErrorCode::TooManyEntries { max: uint("max")? },
            "rule" => ErrorCode::Rule { rule: text("rule")? },
            _ => return None,
        })
    }
}

/// How an issue looks on the wire.
#[derive(Serialize, Deserialize)]
struct WireIssue {
    path: FieldPath,
    code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    params: Option<serde_json::Value>,
}

impl Serialize for Issue {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        WireIssue { path: self.path.clone(), code: self.error.code().to_owned(), params: self.error.params() }
            .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Issue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = WireIssue::deserialize(deserializer)?;
        let params = wire.params.unwrap_or(serde_json::Value::Null);
        let error = ErrorCode::from_parts(&wire.code, &params)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown error code or parameters: {}", wire.code)))?;
        Ok(Issue { path: wire.path, error })
    }
}

/// Every error code, as serialised.
pub const CODES: &[&str] = &[
    "required",
    "wrong_type",
    "unknown_field",
    "too_short",
    "too_long",
    "pattern_mismatch",
    "not_latin",
    "not_a_number",
    "not_an_integer",
    "too_many_decimals",
    "too_small",
    "too_large",
    "date_incomplete",
    "invalid_date",
    "date_too_early",
    "date_too_late",
    "invalid_time",
    "invalid_date_time",
    "invalid_email",
    "invalid_phone",
    "invalid_iban",
    "invalid_bic",
    "invalid_plz",
    "invalid_steuer_id",
    "invalid_url",
    "unknown_option",
    "too_few_selected",
    "too_many_selected",
    "file_too_large",
    "file_type_not_allowed",
    "too_many_files",
    "too_few_entries",
    "too_many_entries",
    "rule",
];

/// One finding: where, and what. JSON: `{"path": "…", "code": "…", "params": {…}}`.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Issue {
    /// Runtime path of the field or group (`fahrzeuge[1].kennzeichen`).
    pub path: FieldPath,
    /// The error.
    #[cfg_attr(feature = "schema", schemars(flatten))]
    pub error: ErrorCode,
}

/// The result of validating answers: a flat list in document order. Empty means valid.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Report {
    /// The findings in document order (the error summary's order).
    pub issues: Vec<Issue>,
}

impl Report {
    /// Whether the answers are valid.
    pub fn is_valid(&self) -> bool {
        self.issues.is_empty()
    }

    /// The first error at exactly `path`.
    pub fn error_at(&self, path: &FieldPath) -> Option<&ErrorCode> {
        self.issues.iter().find(|i| &i.path == path).map(|i| &i.error)
    }

    pub(crate) fn push(&mut self, path: &FieldPath, error: ErrorCode) {
        self.issues.push(Issue { path: path.clone(), error });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_code_and_params() {
        let report = Report {
            issues: vec![
                Issue { path: FieldPath::parse("a[1].b").unwrap(), error: ErrorCode::TooLong { max: 5 } },
                Issue { path: FieldPath::parse("c").unwrap(), error: ErrorCode::Required },
            ],
        };
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(
            json,
            serde_json::json!([
                {"path": "a[1].b", "code": "too_long", "params": {"max": 5}},
                {"path": "c", "code": "required"}
            ])
        );
        let back: Report = serde_json::from_value(json).unwrap();
        assert_eq!(back, report);
        assert_eq!(back.issues[0].error.code(), "too_long");
    }

    #[test]
    fn every_code_round_trips() {
        let samples = vec![
            ErrorCode::Required,
            ErrorCode::WrongType,
            ErrorCode::UnknownField,
            ErrorCode::TooShort { min: 2 },
            ErrorCode::TooLong { max: 5 },
            ErrorCode::PatternMismatch,
            ErrorCode::NotLatin,
            ErrorCode::NotANumber,
            ErrorCode::NotAnInteger,
            ErrorCode::TooManyDecimals { max: 2 },
            ErrorCode::TooSmall { min: 0.5 },
            ErrorCode::TooLarge { max: 1000.0 },
            ErrorCode::DateIncomplete { missing: DatePart::Month },
            ErrorCode::InvalidDate,
            ErrorCode::DateTooEarly { min: "2020-01-01".into() },
            ErrorCode::DateTooLate { max: "2030-01-01".into() },
            ErrorCode::InvalidTime,
            ErrorCode::InvalidDateTime,
            ErrorCode::InvalidEmail,
            ErrorCode::InvalidPhone,
            ErrorCode::InvalidIban,
            ErrorCode::InvalidBic,
            ErrorCode::InvalidPlz,
            ErrorCode::InvalidSteuerId,
            ErrorCode::InvalidUrl,
            ErrorCode::UnknownOption,
            ErrorCode::TooFewSelected { min: 1 },
            ErrorCode::TooManySelected { max: 3 },
            ErrorCode::FileTooLarge { max: 10_485_760 },
            ErrorCode::FileTypeNotAllowed { allowed: vec!["application/pdf".into()] },
            ErrorCode::TooManyFiles { max: 2 },
            ErrorCode::TooFewEntries { min: 1 },
            ErrorCode::TooManyEntries { max: 5 },
            ErrorCode::Rule { rule: "r".into() },
        ];
        assert_eq!(samples.len(), CODES.len(), "every code has a sample");
        for error in samples {
            assert!(CODES.contains(&error.code()));
            let issue = Issue { path: FieldPath::parse("a.b").unwrap(), error };
            let json = serde_json::to_value(&issue).unwrap();
            assert_eq!(serde_json::from_value::<Issue>(json.clone()).unwrap(), issue, "{json}");
        }
        assert!(serde_json::from_value::<Issue>(serde_json::json!({"path": "a", "code": "nonsense"})).is_err());
        assert!(serde_json::from_value::<Issue>(serde_json::json!({"path": "a", "code": "too_long"})).is_err());
    }
}
