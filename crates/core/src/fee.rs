//! Fees: what an application costs, computed from its answers by the same code in the browser
//! (to show it) and on the server (to charge it — the browser's figure is never trusted).
//!
//! A definition's `payment` section lists fee items. Each has a fixed amount per unit in euros
//! (`"10.00"`), applies only `when` its condition holds, and is charged once, `quantity` times
//! (an expression over the answers), or once `per` entry of a repeatable group. Conditions and
//! quantities read the submission payload — visible answers only, typed — so a hidden question
//! never changes a fee.

use serde_json::Value;

use crate::date::Date;
use crate::definition::{FeeItem, Payment};
use crate::logic::{self, DataVars};
use crate::text::Text;

/// Most units of one item (XBezahldienste allows quantities up to 999).
pub const MAX_QUANTITY: u64 = 999;
/// Largest total in cents (XBezahldienste: gross amounts up to 999,999.99 €).
pub const MAX_TOTAL_CENTS: u64 = 99_999_999;

/// What an application costs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fee {
    /// The items that apply, in definition order (items with quantity 0 are left out).
    pub lines: Vec<FeeLine>,
    /// Sum of the lines, in cents.
    pub total_cents: u64,
}

/// One item of a fee.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeeLine {
    /// Index of the item in the definition's `payment.items`.
    pub item: usize,
    /// The item's id (its reference for the payment provider).
    pub id: String,
    /// The item's label.
    pub label: Text,
    /// Units charged.
    pub quantity: u64,
    /// Amount per unit, in cents.
    pub unit_cents: u64,
    /// `quantity × unit_cents`.
    pub total_cents: u64,
}

/// Why a fee could not be computed (the definition asks for something the answers cannot give;
/// lint catches what can be seen without answers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeeError {
    /// JSON pointer of the item in the definition (`/payment/items/1/quantity`).
    pub pointer: String,
    /// What went wrong, for the log and the author.
    pub reason: String,
}

impl std::fmt::Display for FeeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "fee at {}: {}", self.pointer, self.reason)
    }
}

impl std::error::Error for FeeError {}

/// The fee of an application from its payload ([`crate::check`]'s result) on the day `today`.
pub fn fee(payment: &Payment, payload: &Value, today: Date) -> Result<Fee, FeeError> {
    let today = today.to_string();
    let mut lines = Vec::new();
    let mut total: u64 = 0;
    for (i, item) in payment.items.iter().enumerate() {
        let pointer = format!("/payment/items/{i}");
        let quantity =
            quantity(item, payload, &today).map_err(|reason| FeeError { pointer: pointer.clone(), reason })?;
        if quantity == 0 {
            continue;
        }
        let unit_cents = parse_amount(&item.amount).ok_or_else(|| FeeError {
            pointer: format!("{pointer}/amount"),
            reason: "not an amount such as 10.00".into(),
        })?;
        let line_total = unit_cents * quantity;
        total += line_total;
        if total > MAX_TOTAL_CENTS {
            return Err(FeeError { pointer, reason: "the total is above 999,999.99 €".into() });
        }
        lines.push(FeeLine {
            item: i,
            id: item.id.clone(),
            label: item.label.clone(),
            quantity,
            unit_cents,
            total_cents: line_total,
        });
    }
    Ok(Fee { lines, total_cents: total })
}

fn quantity(item: &FeeItem, payload: &Value, today: &str) -> Result<u64, String> {
    if let Some(when) = &item.when {
        if !logic::holds(&when.0, &mut DataVars(payload), today).map_err(|e| format!("when: {e}"))? {
            return Ok(0);
        }
    }
    let mut count: u64 = 1;
    if let Some(group) = &item.per {
        count = match logic::lookup(payload, group) {
            Some(Value::Array(entries)) => entries.len() as u64,
            Some(_) => return Err(format!("per: \"{group}\" is not a repeatable group")),
            None => 0,
        };
    }
    if let Some(expr) = &item.quantity {
        let value = logic::apply(&expr.0, &mut DataVars(payload), today).map_err(|e| format!("quantity: {e}"))?;
        let n = match &value {
            Value::Null => 0.0,
            Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
            other => return Err(format!("quantity: {other} is not a number")),
        };
        if !(n >= 0.0 && n.fract() == 0.0 && n <= MAX_QUANTITY as f64) {
            return Err(format!("quantity: {n} is not a whole number from 0 to {MAX_QUANTITY}"));
        }
        count *= n as u64;
    }
    if count > MAX_QUANTITY {
        return Err(format!("quantity: {count} units are more than {MAX_QUANTITY}"));
    }
    Ok(count)
}

/// Cents of an amount in euros written `10`, `10.5` or `10.50` (a dot, at most two decimals,
/// not negative).
pub fn parse_amount(text: &str) -> Option<u64> {
    let (euros, cents) = match text.split_once('.') {
        Some((e, c)) => (e, c),
        None => (text, ""),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(euros) || euros.len() > 6 || (text.contains('.') && !digits(cents)) || cents.len() > 2 {
        return None;
    }
    let euros: u64 = euros.parse().ok()?;
    let cents: u64 = match cents.len() {
        0 => 0,
        1 => cents.parse::<u64>().ok()? * 10,
        _ => cents.parse().ok()?,
    };
    Some(euros * 100 + cents)
}

/// An amount in cents as the citizen reads it: `10,00 €` in German, `€10.00` in English (and
/// other languages).
pub fn format_amount(cents: u64, language: &str) -> String {
    let (euros, rest) = (cents / 100, cents % 100);
    let mut grouped = String::new();
    let digits = euros.to_string();
    let sep = if language.starts_with("de") { '.' } else { ',' };
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(sep);
        }
        grouped.push(c);
    }
    if language.starts_with("de") {
        format!("{grouped},{rest:02}\u{a0}€")
    } else {
        format!("€{grouped}.{rest:02}")
    }
}

/// An amount in cents as a decimal number of euros (`1050` → `10.50`), for payment providers
/// and FIT-Connect's `grossAmount`.
pub fn amount_value(cents: u64) -> Value {
    serde_json::Number::from_f64(cents as f64 / 100.0).map(Value::Number).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn payment(items: Value) -> Payment {
        serde_json::from_value(json!({"purpose": "Meldebescheinigung", "items": items})).unwrap()
    }

    /// The one test date (`antrag_testing::today()`, read as this crate's `Date`: the testing
    /// crate links its own copy of the core).
    fn today() -> Date {
        Date::parse_iso(&antrag_testing::today().to_string()).unwrap()
    }

    #[test]
    fn amounts_are_read_exactly_in_cents() {
        assert_eq!(parse_amount("10"), Some(1000));
        assert_eq!(parse_amount("10.5"), Some(1050));
        assert_eq!(parse_amount("0.07"), Some(7));
        assert_eq!(parse_amount("30.70"), Some(3070));
        for bad in ["", "10,00", "-1", "1.234", "1e3", ".5", "5.", "1234567", " 1"] {
            assert_eq!(parse_amount(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn amounts_are_written_for_the_language() {
        assert_eq!(format_amount(1050, "de"), "10,50\u{a0}€");
        assert_eq!(format_amount(123_456_789, "de"), "1.234.567,89\u{a0}€");
        assert_eq!(format_amount(7, "en"), "€0.07");
        assert_eq!(amount_value(3070), json!(30.7));
    }

    #[test]
    fn fixed_conditional_counted_and_per_entry_items_add_up() {
        let payment = payment(json!([
            {"id": "GRUND", "label": "Grundgebühr", "amount": "10.00", "quantity": {"var": "anzahl"}},
            {"id": "ERW", "label": "Erweitert", "amount": "5.00", "when": {"==": [{"var": "art"}, "erweitert"]}},
            {"id": "FZG", "label": "Je Fahrzeug", "amount": "30.70", "per": "fahrzeuge"},
            {"id": "ERM", "label": "Ermäßigung nie", "amount": "1", "when": {"var": "ermaessigt"}}
        ]));
        let payload = json!({"anzahl": 2, "art": "erweitert", "fahrzeuge": [{"kz": "A"}, {"kz": "B"}]});
        let fee = fee(&payment, &payload, today()).unwrap();
        let got: Vec<_> = fee.lines.iter().map(|l| (l.id.as_str(), l.quantity, l.total_cents)).collect();
        assert_eq!(got, [("GRUND", 2, 2000), ("ERW", 1, 500), ("FZG", 2, 6140)]);
        assert_eq!(fee.total_cents, 8640);
    }

    #[test]
    fn an_absent_group_or_a_false_condition_charges_nothing() {
        let payment = payment(json!([{"id": "FZG", "label": "x", "amount": "30.70", "per": "fahrzeuge"}]));
        assert_eq!(fee(&payment, &json!({}), today()).unwrap(), Fee { lines: vec![], total_cents: 0 });
    }

    #[test]
    fn quantities_that_are_not_whole_numbers_name_the_item() {
        let payment = payment(json!([
            {"id": "A", "label": "x", "amount": "1"},
            {"id": "B", "label": "x", "amount": "1", "quantity": {"var": "n"}}
        ]));
        for (n, reason) in [
            (json!(1.5), "1.5 is not a whole number"),
            (json!(-1), "-1 is not"),
            (json!("2"), "\"2\" is not a number"),
            (json!(5000), "5000 is not"),
        ] {
            let err = fee(&payment, &json!({"n": n}), today()).unwrap_err();
            assert_eq!(err.pointer, "/payment/items/1");
            assert!(err.reason.contains(reason), "{}", err.reason);
        }
    }

    #[test]
    fn a_total_beyond_what_providers_take_is_refused() {
        let payment = payment(json!([{"id": "A", "label": "x", "amount": "999999.99", "quantity": 2}]));
        assert!(fee(&payment, &json!({}), today()).unwrap_err().reason.contains("999,999.99"));
    }
}
