//! What the clerk sees of an application's fee: the fee, where its payment stands, and every
//! payment transaction — on the inbox's page of the application and in the clerk API.

use serde_json::{json, Value};

use crate::store::{Store, StoreError, Transaction};

/// The fee of an application and its payment transactions, as the clerk sees them: on the
/// inbox's page of the application and in the `payment` member of
/// `GET /api/v1/inbox/submissions/{reference}`.
#[derive(Clone, Debug)]
pub struct FeeSummary {
    /// The fee the server computed when the application came (items and total in cents).
    pub fee: Value,
    /// The application's status: `payment_pending`, `received`, `unpaid` or `withdrawn`.
    pub status: String,
    /// Every payment transaction, oldest first.
    pub transactions: Vec<Transaction>,
}

impl FeeSummary {
    /// The fee summary of the application behind a status token; `None` without a fee.
    pub async fn load(store: &Store, token: String) -> Result<Option<FeeSummary>, StoreError> {
        let Some(case) = store.payment_case(token).await? else { return Ok(None) };
        let Some(fee) = case.fee else { return Ok(None) };
        let transactions = store.transactions(case.submission_id).await?;
        Ok(Some(FeeSummary { fee, status: case.status, transactions }))
    }

    /// As the clerk API writes it: the fee, `paid`, `unpaid`, `pending`, `withdrawn` or
    /// `not_charged`, the paid transaction's payment information, every transaction.
    pub fn to_json(&self) -> Value {
        let paid = self.transactions.iter().find(|t| t.status == "PAYED");
        json!({
            "fee": self.fee,
            "status": match (self.status.as_str(), paid) {
                (_, Some(_)) => "paid",
                ("unpaid", _) => "unpaid",
                ("payment_pending", _) => "pending",
                ("withdrawn", _) => "withdrawn",
                _ => "not_charged",
            },
            "paymentInformation": paid.and_then(super::payment_information),
            "transactions": self.transactions,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clerk_api_reads_the_fee_paid_with_its_payment_information_and_every_try() {
        let at = |time: &str| format!("{}T{time}Z", antrag_testing::today());
        let tried = |id: &str, status: &str| Transaction {
            status: status.into(),
            ..Transaction::claim(id.into(), 1, 1000, at("12:00:00"), at("12:00:30"), at("14:00:00"), None)
        };
        let paid = Transaction { method: Some("PAYPAL".into()), paid_at: Some(at("12:05:00")), ..tried("t2", "PAYED") };
        let summary = FeeSummary {
            fee: json!({"totalCents": 1000, "items": []}),
            status: "received".into(),
            transactions: vec![tried("t1", "CANCELED"), paid],
        };
        let json = summary.to_json();
        let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["fee", "status", "paymentInformation", "transactions"]);
        assert_eq!((json["status"].as_str(), json["fee"]["totalCents"].as_i64()), (Some("paid"), Some(1000)));
        assert_eq!(json["paymentInformation"]["paymentMethod"], "PAYPAL");
        assert_eq!(json["paymentInformation"]["transactionTimestamp"], at("12:05:00").as_str());
        assert_eq!(json["transactions"].as_array().map(Vec::len), Some(2));
        // Not paid (yet): no payment information; the application's status in the API's words.
        for (status, expected) in [
            ("payment_pending", "pending"),
            ("unpaid", "unpaid"),
            ("withdrawn", "withdrawn"),
            ("received", "not_charged"),
        ] {
            let open =
                FeeSummary { status: status.into(), transactions: vec![tried("t1", "CANCELED")], ..summary.clone() };
            let json = open.to_json();
            assert_eq!((json["status"].as_str(), &json["paymentInformation"]), (Some(expected), &Value::Null));
        }
    }
}
