//! The one check before an application leaves: [`check`] validates the answers and, only when
//! they are valid, builds the submission payload. Its success type, [`Valid`], can be made by
//! nothing else, so a backend (or the browser's send button) that holds a `Valid` payload holds
//! answers the core accepted — the trust boundary is a type, not a convention.

use serde_json::Value;

use crate::answers::Answers;
use crate::error::Report;
use crate::eval::Eval;
use crate::form::{Context, Form};

/// Something the core checked. Only [`check`] makes one; read it with [`Valid::get`] or take
/// it with [`Valid::into_inner`].
#[derive(Clone, Debug, PartialEq)]
pub struct Valid<T>(T);

impl<T> Valid<T> {
    /// The checked value.
    pub fn get(&self) -> &T {
        &self.0
    }

    /// Take the checked value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// The submission payload: the visible answers, typed (numbers as JSON numbers, dates as
/// `YYYY-MM-DD`, IBANs compact), keyed by data keys, repeatable groups as arrays; hidden fields
/// and static texts dropped.
pub type Payload = Value;

/// Validate `answers` against `form` on the day of `ctx` (every visible field, group and rule,
/// as [`crate::validate`]); when nothing is wrong, the payload a backend receives. One walk of
/// the definition serves both, so the payload holds exactly what was judged.
pub fn check(form: &Form, answers: &Answers, ctx: &Context) -> Result<Valid<Payload>, Report> {
    let eval = Eval::new(form, answers, *ctx);
    let report = eval.validate();
    if !report.is_valid() {
        return Err(report);
    }
    Ok(Valid(Value::Object(eval.payload())))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::date::Date;

    fn form() -> Form {
        Form::from_json(
            r#"{"format": "antrag/1", "id": "t", "version": "1", "title": "T", "languages": ["de"],
                "items": [
                  {"field": "n", "datatype": "num", "label": "N", "required": true},
                  {"field": "grund", "datatype": "text", "label": "Grund", "visibleIf": {">": [{"var": "n"}, 2]}}
                ]}"#,
        )
        .unwrap()
    }

    fn answers(value: Value) -> Answers {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn valid_answers_give_the_typed_payload_without_hidden_answers() {
        let ctx = Context::on(Date::new(2026, 11, 28).unwrap());
        let valid = check(&form(), &answers(json!({"n": "1,5", "grund": "left over"})), &ctx).unwrap();
        assert_eq!(valid.get(), &json!({"n": 1.5}));
        assert_eq!(valid.into_inner(), json!({"n": 1.5}));
    }

    #[test]
    fn invalid_answers_give_the_report_of_validate() {
        let ctx = Context::on(Date::new(2026, 11, 28).unwrap());
        let bad = answers(json!({"n": "x"}));
        let report = check(&form(), &bad, &ctx).unwrap_err();
        assert_eq!(report, crate::validate(&form(), &bad, &ctx));
        assert_eq!(report.issues[0].error.code(), "not_a_number");
    }
}
