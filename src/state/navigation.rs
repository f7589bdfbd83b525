//! Which screen shows and how the citizen moves: "next" checks the step, "back", change links
//! from the answer summary, and a browser history entry per screen so Back and Forward work —
//! merged into whatever the host page keeps in its history state.

use antrag_core::FieldPath;
use leptos::prelude::*;
use serde_json::Value;

use super::FormState;
use crate::api::Receipt;
use crate::dom;

/// The slug of the answer summary in addresses (`?schritt=uebersicht`).
pub const REVIEW_SLUG: &str = "uebersicht";
/// The slug of the confirmation in addresses.
pub const DONE_SLUG: &str = "gesendet";

/// Which screen of the form is shown.
#[derive(Clone, Debug, PartialEq)]
pub enum Screen {
    /// A step (index into the definition's steps).
    Step(usize),
    /// Check your answers.
    Review,
    /// Sent: the receipt.
    Done(Receipt),
}

/// The screen and the moves between screens. Copy: arena handles.
#[derive(Clone, Copy)]
pub struct Navigation {
    /// The screen.
    pub screen: RwSignal<Screen>,
    /// After a change link from the summary, "next" returns there.
    pub back_to_review: RwSignal<bool>,
    /// Increments when the error summary should take focus.
    pub summary_focus: RwSignal<u32>,
    /// Where focus goes when the next screen renders (a change link's field); the heading
    /// when `None`.
    pub focus_target: RwSignal<Option<String>>,
    /// Whether the citizen moved from the screen the page arrived on (headings take focus on
    /// a move, not on arrival).
    pub moved: StoredValue<bool>,
    /// The page arrived with errors found (the server's answer to a step without JavaScript):
    /// the error summary takes focus once the page shows.
    pub focus_summary_on_arrival: StoredValue<bool>,
}

impl Navigation {
    /// On the first step.
    pub fn new() -> Self {
        Navigation {
            screen: RwSignal::new(Screen::Step(0)),
            back_to_review: RwSignal::new(false),
            summary_focus: RwSignal::new(0),
            focus_target: RwSignal::new(None),
            moved: StoredValue::new(false),
            focus_summary_on_arrival: StoredValue::new(false),
        }
    }
}

impl Default for Navigation {
    fn default() -> Self {
        Navigation::new()
    }
}

impl FormState {
    /// On arrival: the step the history entry names (a reload), else the page's own, recorded
    /// in the current entry (merged with what the host keeps there) so Back from the next step
    /// finds it.
    pub(super) fn restore_screen(self) {
        let named = crate::dom::window()
            .and_then(|w| w.history().ok())
            .and_then(|h| h.state().ok())
            .and_then(|s| dom::js_to_json(&s))
            .and_then(|s| self.screen_from_history(&s))
            .filter(|s| matches!(s, Screen::Step(_)));
        if let Some(screen) = named.filter(|s| *s != self.nav.screen.get_untracked()) {
            self.nav.screen.set(screen);
        }
        dom::replace_state(&self.history_state(&self.nav.screen.get_untracked()), None);
    }

    /// Back and Forward move between the screens of this form.
    pub(super) fn follow_history(self) {
        let _ = window_event_listener(leptos::ev::popstate, move |ev| {
            // Once sent, Back never returns to a sendable screen (no double submission).
            if matches!(self.nav.screen.get_untracked(), Screen::Done(_)) {
                dom::replace_state(&self.history_state(&self.nav.screen.get_untracked()), None);
                return;
            }
            if let Some(screen) = dom::js_to_json(&ev.state()).and_then(|s| self.screen_from_history(&s)) {
                if !matches!(screen, Screen::Done(_)) {
                    self.go(screen, false);
                }
            }
        });
    }

    /// "Next" on step `index`: check the step; with errors, show them and focus the summary;
    /// otherwise go on (to the summary when coming from a change link).
    pub fn next(&self, index: usize) {
        let issues = self.step_issues(index);
        if !issues.is_empty() {
            self.verdict.flag(&issues);
            self.nav.summary_focus.update(|n| *n += 1);
            return;
        }
        match antrag_core::steps::following(&self.visible_steps(), index) {
            Some(next) if !self.nav.back_to_review.get_untracked() => self.go(Screen::Step(next), true),
            _ => {
                self.nav.back_to_review.set(false);
                self.go(Screen::Review, true);
            }
        }
    }

    /// "Back" from the current screen.
    pub fn back(&self) {
        let steps = self.visible_steps();
        let previous = match self.nav.screen.get_untracked() {
            Screen::Step(i) => antrag_core::steps::preceding(&steps, i),
            Screen::Review => steps.last().copied(),
            Screen::Done(_) => None,
        };
        if let Some(step) = previous {
            self.go(Screen::Step(step), true);
        }
    }

    /// A change link from the summary: go to the field's step, focus it, and come back.
    pub fn change(&self, path: &FieldPath) {
        let Some(antrag_core::path::Segment::Key(_)) = path.segments().first() else { return };
        let step = self.form.with_value(|f| antrag_core::steps::step_of_path(f.def(), path)).unwrap_or(0);
        self.nav.back_to_review.set(true);
        self.nav.focus_target.set(Some(self.dom_id(path)));
        self.go(Screen::Step(step), true);
    }

    /// Show a screen, with a browser history entry so Back and Forward work.
    pub fn go(&self, screen: Screen, push: bool) {
        if push {
            let url = if self.embedding.is_some() {
                None
            } else {
                dom::url_with_param("schritt", Some(&self.screen_slug(&screen)))
            };
            dom::push_state(&self.history_state(&screen), url.as_deref());
        }
        self.nav.moved.set_value(true);
        self.nav.screen.set(screen);
        self.scroll_to_top();
    }

    /// Scroll to the top of the form (the page, or the widget when embedded).
    pub fn scroll_to_top(&self) {
        match &self.embedding {
            Some(e) => e.scroll_to_top(),
            None => dom::scroll_top(),
        }
    }

    /// The history entry of a screen of this form instance: the current entry's state with
    /// this instance's screen under `antrag.<instance>` — whatever the host page keeps in its
    /// history state stays as it is.
    pub fn history_state(&self, screen: &Screen) -> Value {
        let current = crate::dom::window()
            .and_then(|w| w.history().ok())
            .and_then(|h| h.state().ok())
            .and_then(|s| dom::js_to_json(&s));
        let mut state = match current {
            Some(Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        };
        let instance = self.config.with_value(|c| c.instance.clone());
        let entry = state.entry("antrag").or_insert_with(|| Value::Object(serde_json::Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(serde_json::Map::new());
        }
        entry[instance] = screen_json(screen);
        Value::Object(state)
    }

    /// The screen a history entry names for this instance.
    pub fn screen_from_history(&self, state: &Value) -> Option<Screen> {
        let instance = self.config.with_value(|c| c.instance.clone());
        screen_from_json(state.get("antrag")?.get(&instance)?)
    }

    /// The address of a screen on the server (`/forms/x?lang=de&schritt=anschrift`), for the
    /// links and forms of pages that work without JavaScript; `change` marks a change link
    /// from the answer summary (the field is focused, "next" returns to the summary).
    pub fn page_url(&self, screen: &Screen, change: Option<&FieldPath>) -> String {
        let id = self.form.with_value(|f| f.def().id.clone());
        let mut url = format!(
            "/forms/{}?lang={}&schritt={}",
            crate::api::encode(&id),
            crate::api::encode(&self.lang.get()),
            crate::api::encode(&self.screen_slug(screen))
        );
        if let Some(path) = change {
            url.push_str(&format!("&aendern={}#{}", crate::api::encode(&path.to_string()), self.dom_id(path)));
        }
        url
    }

    /// Where the step's and the summary's forms post to without JavaScript.
    pub fn post_url(&self) -> String {
        let id = self.form.with_value(|f| f.def().id.clone());
        format!("/forms/{}?lang={}", crate::api::encode(&id), crate::api::encode(&self.lang.get()))
    }

    /// The URL slug of a screen (`?schritt=anschrift`).
    pub fn screen_slug(&self, screen: &Screen) -> String {
        match screen {
            Screen::Step(i) => {
                self.form.with_value(|f| f.def().steps().get(*i).map(|s| s.id.to_owned()).unwrap_or_default())
            }
            Screen::Review => REVIEW_SLUG.into(),
            Screen::Done(_) => DONE_SLUG.into(),
        }
    }
}

/// A screen as stored in a history entry.
fn screen_json(screen: &Screen) -> Value {
    match screen {
        Screen::Step(i) => serde_json::json!({ "step": i }),
        Screen::Review => serde_json::json!({ "review": true }),
        Screen::Done(receipt) => serde_json::json!({ "done": receipt }),
    }
}

/// The screen a history entry's value names.
fn screen_from_json(value: &Value) -> Option<Screen> {
    if let Some(i) = value.get("step").and_then(Value::as_u64) {
        return Some(Screen::Step(i as usize));
    }
    if value.get("review").is_some() {
        return Some(Screen::Review);
    }
    crate::api::Receipt::read(value.get("done")?.clone()).ok().map(Screen::Done)
}
