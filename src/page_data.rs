//! What a page shows, as data: the server renders a page from it (feature `ssr`) and writes it
//! into the page as `<script type="application/json" id="antrag-data">`; the browser reads the
//! same data and hydrates, so both build the same component tree from the same values. The
//! block is data, never executed, so a strict Content-Security-Policy is untouched.

use antrag_core::trusted::{self, Obj, Read, ReadError};
use antrag_core::{Answers, Date, Issue};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::{Receipt, Summary};
use crate::fit::Transport;

/// The id of the data block.
pub const DATA_ID: &str = "antrag-data";

/// One page of the app.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageData {
    /// The language the page is in.
    pub lang: String,
    /// What the page shows.
    pub page: Page,
    /// For a widget embedded in another site: its instance name (DOM ids start with it);
    /// `None` for the app's own pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embedded: Option<String>,
}

/// Which page. Externally tagged (`{"form": {…}}`, `"not-found"`): serde reads that without
/// buffering (an internal tag would put a second copy of every reader below it in the wasm).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Page {
    /// The start page: the forms on offer.
    Catalog {
        /// The catalog.
        forms: Vec<Summary>,
    },
    /// A form.
    Form(Box<FormData>),
    /// An unknown address.
    NotFound,
    /// A form whose definition could not be loaded (`status` 0: no connection).
    Unavailable {
        /// The HTTP status, or 0.
        status: u16,
    },
    /// A form whose definition could not be read.
    Invalid,
    /// A request the server could not take (a problem of its API, said plainly).
    Problem {
        /// The problem type (`version-changed`, `bad-request`, …).
        kind: String,
        /// Its technical explanation (never personal data).
        detail: String,
        /// Where the citizen goes back to.
        back: String,
    },
}

/// A form as it is shown: its definition, how it is sent, and where the citizen stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FormData {
    /// The definition, as the server serves it (code lists resolved, linted).
    pub definition: Value,
    /// How the form is sent; `None` in a prerendered widget, which asks the API once it runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport: Option<Transport>,
    /// Where the citizen stands.
    pub start: FormStart,
}

/// The state a form page starts in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FormStart {
    /// The day the answers are judged on.
    pub today: Date,
    /// The answers so far (`None`: a new form's defaults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answers: Option<Answers>,
    /// The screen.
    #[serde(default)]
    pub screen: StartScreen,
    /// Paths whose errors are shown (after "next" or "send").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flagged: Vec<String>,
    /// Findings of the server's check that are not the browser's own (a file it refused).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub server_issues: Vec<Issue>,
    /// A change link from the answer summary led here: "next" returns there.
    #[serde(default)]
    pub back_to_review: bool,
    /// Whether the error summary takes focus when the page shows (after a "next" that found
    /// problems).
    #[serde(default)]
    pub focus_summary: bool,
}

impl FormStart {
    /// A new form on its first step.
    pub fn new(today: Date) -> Self {
        FormStart {
            today,
            answers: None,
            screen: StartScreen::First,
            flagged: Vec::new(),
            server_issues: Vec::new(),
            back_to_review: false,
            focus_summary: false,
        }
    }
}

/// The screen a page starts on (externally tagged, as [`Page`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StartScreen {
    /// A step.
    Step(usize),
    /// Check your answers.
    Review,
    /// Sent.
    Done(Receipt),
    /// The first step.
    #[default]
    First,
}

impl PageData {
    /// The data as the JSON text of the data block: `<` written as `\u003c`, so the block
    /// cannot end early or open a tag, whatever a definition or an answer contains.
    pub fn to_block(&self) -> String {
        crate::json::to_text(self).replace('<', "\\u003c")
    }

    /// Read the data block's text (by hand, [`antrag_core::trusted`]: the server wrote it with
    /// serde from these types, and serde's readers would cost the wasm several times this code).
    pub fn from_block(text: &str) -> Result<PageData, String> {
        let value = serde_json::from_str::<Value>(text).map_err(|e| e.to_string())?;
        PageData::read(value).map_err(|e| e.to_string())
    }

    fn read(value: Value) -> Read<PageData> {
        let mut o = Obj::new(value)?;
        Ok(PageData {
            lang: o.req("lang", trusted::string)?,
            page: o.req("page", Page::read)?,
            embedded: o.opt("embedded", trusted::string)?,
        })
    }
}

/// An externally tagged enum's value: a unit variant's name, or `{"variant": content}`.
fn tagged(value: Value) -> Read<(String, Value)> {
    match value {
        Value::String(unit) => Ok((unit, Value::Null)),
        Value::Object(map) if map.len() == 1 => Ok(map.into_iter().next().unwrap_or_default()),
        _ => Err(ReadError::new("a variant's name, or an object with one key")),
    }
}

fn u16_of(value: Value) -> Read<u16> {
    trusted::u64_of(value).and_then(|n| u16::try_from(n).map_err(|_| ReadError::new("a whole number below 65536")))
}

fn usize_of(value: Value) -> Read<usize> {
    trusted::u64_of(value).and_then(|n| usize::try_from(n).map_err(|_| ReadError::new("an index")))
}

impl Page {
    fn read(value: Value) -> Read<Page> {
        let (tag, content) = tagged(value)?;
        let page = match tag.as_str() {
            "not-found" => Ok(Page::NotFound),
            "invalid" => Ok(Page::Invalid),
            "form" => FormData::read(content).map(|f| Page::Form(Box::new(f))),
            "catalog" => Obj::new(content)
                .and_then(|mut o| o.req("forms", |v| trusted::list(v, Summary::read)))
                .map(|forms| Page::Catalog { forms }),
            "unavailable" => {
                Obj::new(content).and_then(|mut o| o.req("status", u16_of)).map(|status| Page::Unavailable { status })
            }
            "problem" => Obj::new(content).and_then(|mut o| {
                Ok(Page::Problem {
                    kind: o.req("kind", trusted::string)?,
                    detail: o.req("detail", trusted::string)?,
                    back: o.req("back", trusted::string)?,
                })
            }),
            _ => return Err(ReadError::new("a known page")),
        };
        page.map_err(|e| e.within(&tag))
    }
}

impl FormData {
    fn read(value: Value) -> Read<FormData> {
        let mut o = Obj::new(value)?;
        Ok(FormData {
            definition: o.value("definition")?,
            transport: o.opt("transport", Transport::read)?,
            start: o.req("start", FormStart::read)?,
        })
    }
}

impl FormStart {
    fn read(value: Value) -> Read<FormStart> {
        let mut o = Obj::new(value)?;
        Ok(FormStart {
            today: o.req("today", trusted::date)?,
            answers: o.opt("answers", trusted::object)?,
            screen: o.opt("screen", StartScreen::read)?.unwrap_or_default(),
            flagged: o.opt("flagged", trusted::strings)?.unwrap_or_default(),
            server_issues: o.opt("serverIssues", |v| trusted::list(v, trusted::issue))?.unwrap_or_default(),
            back_to_review: o.flag("backToReview")?,
            focus_summary: o.flag("focusSummary")?,
        })
    }
}

impl StartScreen {
    fn read(value: Value) -> Read<StartScreen> {
        let (tag, content) = tagged(value)?;
        let screen = match tag.as_str() {
            "first" => Ok(StartScreen::First),
            "review" => Ok(StartScreen::Review),
            "step" => usize_of(content).map(StartScreen::Step),
            "done" => Receipt::read(content).map(StartScreen::Done),
            _ => return Err(ReadError::new("a known screen")),
        };
        screen.map_err(|e| e.within(&tag))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_survives_markup_in_texts_and_answers() {
        let mut start = FormStart::new(Date::new(2026, 11, 28).unwrap());
        start.answers =
            Some(serde_json::from_value(serde_json::json!({"name": "</script><script>alert(1)</script>"})).unwrap());
        start.screen = StartScreen::Step(1);
        let data = PageData {
            embedded: None,
            lang: "de".into(),
            page: Page::Form(Box::new(FormData {
                definition: serde_json::json!({"title": "<b>Titel</b>"}),
                transport: Some(Transport::Contract),
                start,
            })),
        };
        let block = data.to_block();
        assert!(!block.contains('<'), "{block}");
        assert_eq!(PageData::from_block(&block).unwrap(), data);
    }

    /// Every page and screen the server writes reads back as it was (the reader is the
    /// browser's, the writer serde's).
    #[test]
    fn every_page_and_screen_reads_back_as_serde_wrote_it() {
        let receipt = Receipt {
            reference: "BPA-1".into(),
            received_at: "t".into(),
            status: "received".into(),
            status_url: "/s".into(),
            payment_url: Some("/zahlung/x".into()),
        };
        let summary = Summary {
            id: "f".into(),
            version: "1".into(),
            title: antrag_core::Text::Plain("F".into()),
            description: Some(serde_json::from_value(serde_json::json!({"de": "D", "en": "E"})).unwrap()),
            languages: vec!["de".into(), "en".into()],
            default_language: "de".into(),
        };
        let fit: Transport = serde_json::from_value(serde_json::json!({"kind": "fit-connect", "destinationId": "d",
            "relay": "/r", "serviceType": {"name": "n", "identifier": "i"}, "schemaUri": "u", "trustRoots": ["x"]}))
        .unwrap();
        let issue = antrag_core::Issue {
            path: antrag_core::FieldPath::parse("kinder[1].name").unwrap(),
            error: antrag_core::ErrorCode::TooLong { max: 3 },
        };
        let screens = [
            StartScreen::First,
            StartScreen::Review,
            StartScreen::Step(2),
            StartScreen::Done(receipt.clone()),
            StartScreen::Done(Receipt { payment_url: None, ..receipt }),
        ];
        let mut pages = vec![
            Page::NotFound,
            Page::Invalid,
            Page::Unavailable { status: 503 },
            Page::Catalog { forms: vec![summary.clone(), summary] },
            Page::Problem { kind: "bad-request".into(), detail: "d".into(), back: "/".into() },
        ];
        for (i, screen) in screens.into_iter().enumerate() {
            let mut start = FormStart::new(Date::new(2029, 2, 28).unwrap());
            start.screen = screen;
            if i % 2 == 0 {
                start.answers = Some(serde_json::from_value(serde_json::json!({"a": 1, "b": ["x"]})).unwrap());
                start.flagged = vec!["a".into()];
                start.server_issues = vec![issue.clone()];
                start.back_to_review = true;
                start.focus_summary = true;
            }
            let transport = [None, Some(Transport::Contract), Some(fit.clone())][i % 3].clone();
            pages.push(Page::Form(Box::new(FormData { definition: serde_json::json!({"id": "f"}), transport, start })));
        }
        for (i, page) in pages.into_iter().enumerate() {
            let data = PageData { lang: "en".into(), page, embedded: (i % 2 == 0).then(|| "w1".into()) };
            assert_eq!(PageData::from_block(&data.to_block()), Ok(data));
        }
        let wrong =
            PageData::from_block(r#"{"lang":"de","page":{"form":{"definition":{},"start":{"today":"2029-02-30"}}}}"#);
        assert_eq!(wrong.unwrap_err(), "at \"/page/form/start/today\": expected a date (YYYY-MM-DD)");
    }
}
