//! The draft: the answers, step and any pending submission kept in this browser (see
//! [`crate::draft`]), saved soon after every change; offered on arrival ("continue" or "start
//! over", fitted to a changed definition); deleted on request; and shared with other tabs
//! showing the same form — a change there is never overwritten silently.

use antrag_core::{Answers, FieldPath, Form};
use leptos::prelude::*;
use serde_json::Value;

use super::{FormState, Screen};
use crate::config::ClientConfig;
use crate::dom;
use crate::draft::{Draft, DraftStore};

/// Step index stored in a draft for the answer summary.
const REVIEW_STEP: usize = usize::MAX;

/// A draft found on arrival, fitted to the current definition, waiting for "continue" or
/// "start over".
#[derive(Clone, Debug, PartialEq)]
pub struct ResumeOffer {
    /// The draft as stored.
    pub draft: Draft,
    /// Its answers fitted to the current definition.
    pub answers: Answers,
    /// Answers that no longer fit (shown read-only, never dropped silently).
    pub dropped: Vec<(FieldPath, Value)>,
    /// Whether the draft was made with another definition version.
    pub version_changed: bool,
}

/// The draft of this form instance. Copy: arena handles.
#[derive(Clone, Copy)]
pub struct Drafts {
    /// Where drafts of this form instance are kept.
    pub store: StoredValue<DraftStore>,
    /// This tab's id (to notice drafts written by other tabs).
    pub tab: StoredValue<String>,
    /// When the draft was started.
    pub started_at: StoredValue<Option<f64>>,
    /// A draft waiting for "continue" or "start over".
    pub resume: RwSignal<Option<ResumeOffer>>,
    /// Another tab changed the draft (its new draft, or `None` when it deleted it); autosave
    /// pauses until the citizen decides.
    pub conflict: RwSignal<Option<Option<Draft>>>,
    /// Until when the current draft is kept (ms since the epoch).
    pub saved_until: RwSignal<Option<f64>>,
    /// Answers of an older draft that no longer fit the form, shown read-only.
    pub dropped_copy: RwSignal<Vec<(FieldPath, Value)>>,
    /// Pending autosave timer.
    save_timer: StoredValue<Option<i32>>,
}

impl Drafts {
    /// The drafts of `form` in the instance and lifetime `config` names.
    pub fn new(form: &Form, config: &ClientConfig) -> Self {
        let def = form.def();
        Drafts {
            store: StoredValue::new(DraftStore::new(
                &def.id,
                &def.version,
                &config.instance,
                config.draft_days,
                config.drafts,
            )),
            tab: StoredValue::new(dom::uuid()),
            started_at: StoredValue::new(None),
            resume: RwSignal::new(None),
            conflict: RwSignal::new(None),
            saved_until: RwSignal::new(None),
            dropped_copy: RwSignal::new(Vec::new()),
            save_timer: StoredValue::new(None),
        }
    }
}

impl FormState {
    /// Save after changes (not on arrival: an untouched form is no draft), once the citizen
    /// decided about a found draft; and hear about other tabs' changes.
    pub(super) fn keep_drafts(self) {
        Effect::new(move |previous: Option<()>| {
            self.answers.track();
            self.nav.screen.track();
            self.sending.pending.track();
            if previous.is_some() && self.drafts.resume.get().is_none() {
                self.save_soon();
            }
        });
        let _ = window_event_listener(leptos::ev::storage, move |ev| self.on_storage(ev.key(), ev.new_value()));
    }

    /// Look for a draft on arrival; a found one is offered for "continue" or "start over".
    pub fn offer_resume(&self) {
        // Shown sent (back from paying on an embedding page): nothing to resume.
        if matches!(self.nav.screen.get_untracked(), Screen::Done(_)) {
            return;
        }
        let Some(found) = self.drafts.store.with_value(DraftStore::find) else { return };
        let form = self.form.get_value();
        let version_changed = found.version != form.def().version;
        let (answers, dropped) = antrag_core::carry_over(&form, &found.answers, &self.context());
        self.drafts.resume.set(Some(ResumeOffer { draft: found, answers, dropped, version_changed }));
    }

    /// "Continue": take the draft's answers, step and pending submission.
    pub fn accept_resume(self) {
        let Some(offer) = self.drafts.resume.get_untracked() else { return };
        self.answers.set(offer.answers);
        self.drafts.started_at.set_value(Some(offer.draft.started_at));
        self.drafts.dropped_copy.set(offer.dropped);
        let pending = if offer.version_changed { None } else { offer.draft.pending.clone() };
        self.sending.pending.set(pending.clone());
        self.drafts.resume.set(None);
        if offer.version_changed {
            // Answers of the old version now belong to the new one.
            self.drafts.store.with_value(DraftStore::delete_all);
        }
        self.save_now();
        let steps = self.visible_steps();
        let screen = match offer.draft.step {
            _ if pending.is_some() => Screen::Review,
            REVIEW_STEP => Screen::Review,
            step if steps.contains(&step) => Screen::Step(step),
            _ => Screen::Step(steps.first().copied().unwrap_or(0)),
        };
        self.go(screen, false);
        dom::replace_state(&self.history_state(&self.nav.screen.get_untracked()), None);
        if pending.is_some() {
            self.submit();
        }
    }

    /// "Start over": forget the draft.
    pub fn start_over(&self) {
        self.drafts.store.with_value(DraftStore::delete_all);
        if let Some(offer) = self.drafts.resume.get_untracked() {
            self.forget_kept_files(&offer.answers);
        }
        self.drafts.resume.set(None);
        self.drafts.dropped_copy.set(Vec::new());
        self.drafts.saved_until.set(None);
    }

    /// Files kept in this browser for a draft's answers (FIT-Connect forms) go with the draft.
    fn forget_kept_files(&self, answers: &Answers) {
        if matches!(self.sending.transport.get_value(), crate::fit::Transport::FitConnect(_)) {
            for (_, files) in antrag_core::file_refs(&self.form.get_value(), answers) {
                files.iter().for_each(|f| crate::file_store::forget_file(&f.id));
            }
        }
    }

    /// "Delete my draft": forget the stored answers and the answers on screen.
    pub fn delete_draft(&self) {
        self.drafts.store.with_value(DraftStore::delete_all);
        let form = self.form.get_value();
        self.answers.with_untracked(|a| self.forget_kept_files(a));
        self.answers.set(antrag_core::initial_answers(&form));
        self.verdict.flagged.set(Default::default());
        self.verdict.server_issues.set(Vec::new());
        self.sending.pending.set(None);
        self.drafts.dropped_copy.set(Vec::new());
        self.drafts.saved_until.set(None);
        self.drafts.started_at.set_value(None);
        self.go(Screen::Step(self.visible_steps().first().copied().unwrap_or(0)), true);
    }

    /// Save soon: within 250 ms of a change, once per burst of changes (a save already due
    /// takes the latest answers), so a keystroke costs no timer and steady typing is still
    /// saved as it goes.
    pub fn save_soon(self) {
        if self.drafts.save_timer.get_value().is_some() || !self.may_save() {
            return;
        }
        let Some(window) = crate::dom::window() else { return };
        let save = wasm_bindgen::closure::Closure::once_into_js(move || {
            self.drafts.save_timer.set_value(None);
            self.save_now();
        });
        use wasm_bindgen::JsCast;
        let timer = window.set_timeout_with_callback_and_timeout_and_arguments_0(save.unchecked_ref(), 250).ok();
        self.drafts.save_timer.set_value(timer);
    }

    fn may_save(&self) -> bool {
        self.drafts.store.with_value(DraftStore::enabled)
            && self.drafts.resume.get_untracked().is_none()
            && self.drafts.conflict.get_untracked().is_none()
            && !matches!(self.nav.screen.get_untracked(), Screen::Done(_))
            // Stored, and off to pay its fee: the application is on the server now.
            && !matches!(self.sending.send.get_untracked(), super::SendState::ToPayment)
    }

    /// Save now.
    pub fn save_now(&self) {
        if !self.may_save() {
            return;
        }
        let step = match self.nav.screen.get_untracked() {
            Screen::Step(i) => i,
            _ => REVIEW_STEP,
        };
        let d = self.drafts;
        let started = d.started_at.get_value();
        let pending = self.sending.pending.get_untracked();
        let saved = self
            .answers
            .with_untracked(|a| d.store.with_value(|s| s.save(a, step, pending, &d.tab.get_value(), started)));
        if let Some(draft) = saved {
            d.started_at.set_value(Some(draft.started_at));
            d.saved_until.set(Some(draft.expires_at));
        }
    }

    /// Another tab wrote or deleted this draft.
    pub fn on_storage(&self, key: Option<String>, value: Option<String>) {
        let changed = self.drafts.store.with_value(|d| d.changed_elsewhere(key, value, &self.drafts.tab.get_value()));
        if let Some(change) = changed {
            if !matches!(self.nav.screen.get_untracked(), Screen::Done(_)) {
                self.drafts.conflict.set(Some(change));
            }
        }
    }

    /// Take the other tab's answers.
    pub fn take_other_tab(&self) {
        if let Some(Some(other)) = self.drafts.conflict.get_untracked() {
            self.answers.set(other.answers);
            self.sending.pending.set(other.pending);
        }
        self.drafts.conflict.set(None);
        self.save_now();
    }

    /// Keep this tab's answers (they become the draft).
    pub fn keep_this_tab(&self) {
        self.drafts.conflict.set(None);
        self.save_now();
    }
}
