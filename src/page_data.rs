//! What a page shows, as data: the server renders a page from it (feature `ssr`) and writes it
//! into the page as `<script type="application/json" id="antrag-data">`; the browser reads the
//! same data and hydrates, so both build the same component tree from the same values. The
//! block is data, never executed, so a strict Content-Security-Policy is untouched.

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

    /// Read the data block's text.
    pub fn from_block(text: &str) -> Result<PageData, String> {
        crate::json::from_text(text).map_err(|e| e.to_string())
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
}
