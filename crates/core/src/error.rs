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

/// A validation error. Serialised as `{"code": "too_long", "params": {"max": 80}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "code", content = "params", rename_all = "snake_case")]
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

/// One finding: where, and what.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Issue {
    /// Runtime path of the field or group (`fahrzeuge[1].kennzeichen`).
    pub path: FieldPath,
    /// The error.
    #[serde(flatten)]
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
}
