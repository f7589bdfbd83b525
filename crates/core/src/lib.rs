//! # antrag-core
//!
//! The heart of Antrag: the form definition format `antrag/1`, its checks, conditions, and the
//! one validation engine that the citizen's browser (compiled to WebAssembly) and any Rust
//! backend (natively) share — so both always reach the same verdict from the same code.
//!
//! No web dependencies: serde, serde_json, regex-lite and serde_path_to_error only.
//!
//! ```
//! use antrag_core::{validate, Answers, Context, Date, Form};
//!
//! let form = Form::from_json(r#"{
//!   "format": "antrag/1", "id": "demo", "version": "1", "title": "Demo", "languages": ["de"],
//!   "items": [{"field": "plz", "datatype": "text", "format": "plz", "label": "PLZ", "required": true}]
//! }"#).expect("a valid definition");
//! let answers: Answers = serde_json::from_str(r#"{"plz": "1234"}"#).unwrap();
//! let report = validate(&form, &answers, &Context::on(Date::new(2026, 11, 28).unwrap()));
//! assert_eq!(report.issues[0].error.code(), "invalid_plz");
//! ```

#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod answers;
pub mod check;
pub mod codelist;
pub mod date;
pub mod definition;
pub mod error;
mod eval;
pub mod examples;
pub mod fee;
pub mod fill;
pub mod form;
pub mod formats;
pub mod generate;
pub mod lint;
pub mod logic;
pub mod number;
pub mod path;
pub mod payload;
#[cfg(feature = "schema")]
pub mod schema;
pub mod steps;
pub mod text;
pub mod trusted;
pub mod visibility;
pub mod widget;

pub use answers::{Answers, FileRef};
pub use check::{check, Payload, Valid};
pub use codelist::{resolve_code_lists, CodeList};
pub use date::Date;
pub use definition::{DataType, FeeItem, Field, FormDef, Group, Kind, Node, Payment, PaymentTiming};
pub use error::{ErrorCode, Issue, Report};
pub use eval::{check_file, media_type_matches, parse_date_answer};
pub use fee::{fee, Fee, FeeLine};
pub use fill::{apply_host_data, carry_over, initial_answers};
pub use form::{Context, Form};
pub use lint::{lint, parse, Problem, Severity};
pub use path::FieldPath;
pub use payload::{answers_from_payload, file_refs, payload_schema};
pub use text::Text;
pub use visibility::{visibility, Visibility};
pub use widget::{select_widget, WidgetKind};

/// Validate answers against a form: every visible field, group and rule, in document order.
/// Hidden fields are skipped; empty answers count as absent; lengths count characters.
pub fn validate(form: &Form, answers: &Answers, ctx: &Context) -> Report {
    eval::Eval::new(form, answers, *ctx).validate()
}

/// The error of one field judged on its own — required or not, and its constraints — as
/// [`validate`] reports it for that field, but without visibility and cross-field rules.
/// Renderers use it to answer a keystroke at once; [`validate`] stays the verdict.
pub fn field_error(form: &Form, answers: &Answers, ctx: &Context, path: &FieldPath) -> Option<ErrorCode> {
    let (field, compiled) = form.compiled_field(&path.static_path())?;
    eval::Eval::new(form, answers, *ctx).field(field, compiled, answers::get(answers, path), path)
}

/// Whether the field at `path` must be answered for these answers (its `required` flag, or
/// its `requiredIf` condition). Renderers mark the others "optional".
pub fn is_required(form: &Form, answers: &Answers, ctx: &Context, path: &FieldPath) -> bool {
    Requirements::new(form, answers, ctx).is_required(path)
}

/// [`is_required`] for many paths of the same answers: one evaluation, whose visibility
/// verdicts the conditions share.
pub struct Requirements<'a> {
    form: &'a Form,
    eval: eval::Eval<'a>,
}

impl<'a> Requirements<'a> {
    /// Judge `answers` of `form` on the day of `ctx`.
    pub fn new(form: &'a Form, answers: &'a Answers, ctx: &Context) -> Self {
        Requirements { form, eval: eval::Eval::new(form, answers, *ctx) }
    }

    /// Whether the field at `path` must be answered.
    pub fn is_required(&self, path: &FieldPath) -> bool {
        self.form.field(&path.static_path()).is_some_and(|field| self.eval.is_required(field, path))
    }
}
