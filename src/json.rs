//! JSON text in and out of the app through one path: text ↔ [`Value`] ↔ typed values.
//!
//! serde's code is generic over the reader and the writer, so each type read from text *and*
//! from a `Value` (or written to text and to a `Value`) is in the wasm twice. Going through
//! `Value` always keeps one copy per type; the parser and the printer of `Value` itself are
//! needed anyway. The size report (`node bench/sizes.mjs`) shows what this saves.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Read `text` as a `T`.
pub fn from_text<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    serde_json::from_value(serde_json::from_str::<Value>(text)?)
}

/// Write `value` as JSON text (`null` for a value JSON cannot hold, such as a map with
/// non-text keys — none of the app's types).
pub fn to_text<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).unwrap_or(Value::Null).to_string()
}

/// Read a response's body as a `T` (what `gloo_net`'s `Response::json` does, through
/// [`Value`]); the error says what went wrong (a body that did not arrive, or its JSON).
pub async fn response<T: DeserializeOwned>(response: gloo_net::http::Response) -> Result<T, String> {
    let text = response.text().await.map_err(|e| e.to_string())?;
    from_text(&text).map_err(|e| e.to_string())
}

/// Read a response's body with a hand-written reader ([`antrag_core::trusted`]) for data the
/// server writes; the error says what went wrong.
pub async fn read_response<T>(
    response: gloo_net::http::Response,
    read: impl FnOnce(Value) -> antrag_core::trusted::Read<T>,
) -> Result<T, String> {
    let text = response.text().await.map_err(|e| e.to_string())?;
    read(serde_json::from_str(&text).map_err(|e| e.to_string())?).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize, Serialize)]
    #[serde(tag = "kind", rename_all = "camelCase")]
    enum Sample {
        One { n: u32, text: String },
        Two,
    }

    #[test]
    fn text_round_trips_through_value() {
        let one = Sample::One { n: 7, text: "Grüße <b>".into() };
        let text = to_text(&one);
        assert_eq!(text, r#"{"kind":"one","n":7,"text":"Grüße <b>"}"#);
        assert_eq!(from_text::<Sample>(&text).unwrap(), one);
        assert_eq!(from_text::<Sample>(r#"{"kind":"two"}"#).unwrap(), Sample::Two);
    }

    #[test]
    fn bad_text_and_wrong_shapes_are_errors_with_serdes_message() {
        assert!(from_text::<Sample>("{").unwrap_err().to_string().contains("EOF"));
        let wrong = from_text::<Sample>(r#"{"kind":"one","n":"sieben","text":""}"#).unwrap_err();
        assert!(wrong.to_string().contains("invalid type"), "{wrong}");
    }
}
