//! The state of one form being filled in, and what the citizen can do with it — one concern
//! per file:
//!
//! * [`verdict`]: the answers and antrag-core's verdict on them (one `validate`, one
//!   `visibility`), fanned out to a signal per path, so every component reads the verdict the
//!   server will reach; nothing validates inside components;
//! * [`navigation`]: which screen shows, "next", "back", change links, and the browser history;
//! * [`submit`]: one send loop with retries, over the open contract or FIT-Connect;
//! * [`drafts`]: answers kept in this browser, resumed, and shared with other tabs;
//! * [`host`]: what an embedding page hands in and is told.
//!
//! [`FormState`] is a bundle of arena handles (Copy), one group per concern.

use std::sync::Arc;

use antrag_core::{Answers, Date, Form};

use crate::page_data::{FormStart, StartScreen};
use leptos::prelude::*;

use crate::config::ClientConfig;

pub mod drafts;
pub mod host;
pub mod navigation;
pub mod submit;
pub mod verdict;

pub use drafts::{Drafts, ResumeOffer};
pub use navigation::{Navigation, Screen};
pub use submit::{SendState, Sending};
pub use verdict::{Errors, Verdict};

/// Everything about one form being filled in. Copy: all fields are arena handles.
#[derive(Clone, Copy)]
pub struct FormState {
    /// The checked form.
    pub form: StoredValue<Arc<Form>>,
    /// The citizen's language.
    pub lang: RwSignal<String>,
    /// The answers.
    pub answers: RwSignal<Answers>,
    /// Today in the citizen's time zone (the day the answers are judged on).
    pub today: Date,
    /// Prefix of DOM ids (several forms may share a page).
    pub id_prefix: StoredValue<String>,
    /// The platform profile.
    pub config: StoredValue<ClientConfig>,
    /// The host element when embedded (events go there; no URL or title changes).
    pub embedding: Option<crate::embedding::Embedding>,
    /// The verdict on the answers, per path.
    pub verdict: Verdict,
    /// The screen and how the citizen moves between screens.
    pub nav: Navigation,
    /// Sending.
    pub sending: Sending,
    /// The draft in this browser.
    pub drafts: Drafts,
}

impl FormState {
    /// The state of a form as a page starts it ([`FormStart`]: the day, the answers so far, the
    /// screen, the errors shown) — the same on the server, which renders the page, and in the
    /// browser, which hydrates it. Nothing outside the state is touched yet:
    /// [`FormState::start`] connects it to the page.
    pub fn new(form: Form, lang: RwSignal<String>, id_prefix: &str, config: ClientConfig, start: FormStart) -> Self {
        let today = start.today;
        let drafts = Drafts::new(&form, &config);
        let answers = start.answers.clone().unwrap_or_else(|| antrag_core::initial_answers(&form));
        let form = StoredValue::new(Arc::new(form));
        let answers = RwSignal::new(answers);
        let verdict = Verdict::new(form, answers, today);
        verdict.flagged.set(start.flagged.iter().cloned().collect());
        verdict.server_issues.set(start.server_issues.clone());
        let state = FormState {
            form,
            lang,
            answers,
            today,
            id_prefix: StoredValue::new(id_prefix.to_owned()),
            config: StoredValue::new(config),
            embedding: use_context::<crate::embedding::Embedding>(),
            verdict,
            nav: Navigation::new(),
            sending: Sending::new(),
            drafts,
        };
        state.nav.screen.set(state.start_screen(&start.screen));
        state.nav.back_to_review.set(start.back_to_review);
        state.nav.focus_summary_on_arrival.set_value(start.focus_summary);
        state.follow_answers();
        state.refresh();
        state
    }

    /// Connect the state to the page it is shown on, in the browser (on the server, which only
    /// renders, nothing happens): the screen from the history entry (a reload) and a draft
    /// found in this browser — once the page shows, so hydration meets the server's page —,
    /// autosave and other tabs, the host's data and events, and sending again when the
    /// connection comes back.
    pub fn start(self, transport: crate::fit::Transport) {
        self.sending.use_transport(transport);
        if crate::dom::window().is_none() {
            return;
        }
        self.follow_history();
        Effect::new(move |_| {
            untrack(|| {
                self.restore_screen();
                self.offer_resume();
            })
        });
        #[cfg(feature = "preview")]
        if let Some(preview) = use_context::<crate::preview::Preview>() {
            let answers = self.answers;
            Effect::new(move |_| preview.answers.set(answers.get()));
        }
        self.connect_host();
        self.keep_drafts();
        self.resend_when_online();
    }

    /// The DOM id of a path.
    pub fn dom_id(&self, path: &antrag_core::FieldPath) -> String {
        format!("{}{}", self.id_prefix.get_value(), path.dom_id())
    }

    /// The node at a static path.
    pub fn node(&self, static_path: &str) -> Option<antrag_core::Node> {
        self.form.with_value(|f| f.node(static_path).cloned())
    }

    /// The screen a page starts on: the one it names while it is shown, else the first step
    /// shown.
    fn start_screen(&self, start: &StartScreen) -> Screen {
        let steps = self.visible_steps();
        let first = Screen::Step(steps.first().copied().unwrap_or(0));
        match start {
            StartScreen::Step(i) if steps.contains(i) => Screen::Step(*i),
            StartScreen::Step(_) | StartScreen::First => first,
            StartScreen::Review => Screen::Review,
            StartScreen::Done(receipt) => Screen::Done(receipt.clone()),
        }
    }

    /// The context the core judges the answers in.
    pub fn context(&self) -> antrag_core::Context {
        antrag_core::Context::on(self.today)
    }
}
