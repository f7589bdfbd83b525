//! The state of one form being filled in, and what the citizen can do with it.
//!
//! One signal holds the answers; the report (antrag-core's `validate` over the whole form)
//! and the visibility are memos derived from it, so every component reads the same verdict
//! the server will reach. Nothing validates inside components.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use antrag_core::definition::Node;
use antrag_core::{Answers, Context, Date, ErrorCode, FieldPath, Form, Issue, Report, Visibility};
use leptos::prelude::*;
use serde_json::Value;

use crate::api::{self, Receipt, SubmitError};
use crate::config::ClientConfig;
use crate::dom;
use crate::draft::{self, Draft, DraftStore, Pending};

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

/// Step index stored in a draft for the answer summary.
const REVIEW_STEP: usize = usize::MAX;

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

/// Progress of sending.
#[derive(Clone, Debug, PartialEq)]
pub enum SendState {
    /// Not sending.
    Idle,
    /// A request is on its way.
    Sending,
    /// Encrypting and sending over FIT-Connect.
    Encrypting(crate::fit_send::Stage),
    /// Waiting before an automatic retry.
    Retrying {
        /// Seconds until the next attempt.
        seconds: u32,
    },
    /// Failed; the citizen can retry by hand.
    Failed(SubmitError),
}

/// The error shown at a path: the browser's own once flagged, else the server's.
fn shown(
    errors: &Errors,
    flagged: &HashSet<String>,
    server: &[Issue],
    path: &FieldPath,
    key: &str,
) -> Option<ErrorCode> {
    let own = if flagged.contains(key) { errors.at(key).cloned() } else { None };
    own.or_else(|| server.iter().find(|i| &i.path == path).map(|i| i.error.clone()))
}

/// The current report, indexed by path.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Errors {
    /// All issues in document order.
    pub issues: Vec<Issue>,
    by_path: HashMap<String, usize>,
}

impl Errors {
    fn from_report(report: Report) -> Self {
        let mut by_path = HashMap::new();
        for (i, issue) in report.issues.iter().enumerate() {
            by_path.entry(issue.path.to_string()).or_insert(i);
        }
        Errors { issues: report.issues, by_path }
    }

    /// The error at a path.
    pub fn at(&self, path: &str) -> Option<&ErrorCode> {
        self.by_path.get(path).map(|i| &self.issues[*i].error)
    }
}

/// Everything about one form being filled in. Copy: all fields are arena handles.
#[derive(Clone, Copy)]
pub struct FormState {
    /// The checked form.
    pub form: StoredValue<Arc<Form>>,
    /// The citizen's language.
    pub lang: RwSignal<String>,
    /// The answers.
    pub answers: RwSignal<Answers>,
    /// antrag-core's report over all answers.
    pub errors: Memo<Errors>,
    /// What is shown.
    pub visibility: Memo<Visibility>,
    /// Paths whose errors are shown (after "next"/"send"); they re-validate as they change.
    pub flagged: RwSignal<HashSet<String>>,
    /// Issues the server reported (422) that stand until the citizen changes the field.
    pub server_issues: RwSignal<Vec<Issue>>,
    /// The screen.
    pub screen: RwSignal<Screen>,
    /// After a change link from the summary, "next" returns there.
    pub back_to_review: RwSignal<bool>,
    /// Increments when the error summary should take focus.
    pub summary_focus: RwSignal<u32>,
    /// Where focus goes when the next screen renders (a change link's field); the heading
    /// when `None`.
    pub focus_target: RwSignal<Option<String>>,
    /// Sending.
    pub send: RwSignal<SendState>,
    /// The submission sent but not yet confirmed (its idempotency key and request), kept until
    /// a receipt arrives — in the draft too, so a reload resumes sending it.
    pub pending: RwSignal<Option<Pending>>,
    /// Where drafts of this form instance are kept.
    pub drafts: StoredValue<DraftStore>,
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
    /// The host element when embedded (events go there; no URL or title changes).
    pub embed: Option<crate::embed::Embedding>,
    /// Prefix of DOM ids (several forms may share a page).
    pub id_prefix: StoredValue<String>,
    /// The platform profile.
    pub config: StoredValue<ClientConfig>,
    /// Today in the citizen's time zone.
    pub today: Date,
    /// How the form is sent (open contract or FIT-Connect).
    pub transport: StoredValue<crate::fit::Transport>,
    /// A FIT-Connect submission in progress (a retry continues it).
    pub fit_session: StoredValue<crate::fit_send::Session>,
    /// Per-path signals that components read (see `fine`).
    fine: StoredValue<crate::fine::Fine>,
    /// The owner the per-path signals live under.
    owner: StoredValue<Owner>,
    /// What the page shows of the whole-form verdict (steps, summary), after the latest refresh.
    shown_view: RwSignal<ShownView>,
    /// A refresh after the next frame is scheduled.
    refresh_pending: StoredValue<bool>,
    /// The next answer change comes from typing: refresh after the next frame.
    defer_refresh: StoredValue<bool>,
    /// Typed answers are not yet reflected in the rest of the form (`data-settling` on the
    /// form, for tests and embedders that must wait for dependent questions).
    pub settling: RwSignal<bool>,
}

/// The whole-form verdict as the page shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ShownView {
    /// Indices of the visible steps.
    pub visible_steps: Vec<usize>,
    /// The errors the summary lists.
    pub summary: Vec<Issue>,
}

impl FormState {
    /// A fresh state for a form, judged on `today` (the citizen's date: `dom::today()`; tests
    /// pass the test date).
    pub fn new(form: Form, lang: RwSignal<String>, id_prefix: &str, config: ClientConfig, today: Date) -> Self {
        let drafts =
            DraftStore::new(&form.def().id, &form.def().version, &config.instance, config.draft_days, config.drafts);
        let form = StoredValue::new(Arc::new(form));
        let answers = RwSignal::new(initial_answers(&form.get_value()));
        let ctx = Context::on(today);
        let errors = Memo::new(move |_| {
            let form = form.get_value();
            answers.with(|a| Errors::from_report(antrag_core::validate(&form, a, &ctx)))
        });
        let visibility = Memo::new(move |_| {
            let form = form.get_value();
            answers.with(|a| antrag_core::visibility(&form, a, &ctx))
        });
        let fine = StoredValue::new(crate::fine::Fine::default());
        let flagged = RwSignal::new(HashSet::<String>::new());
        let server_issues = RwSignal::new(Vec::<Issue>::new());
        let state = FormState {
            form,
            lang,
            answers,
            errors,
            visibility,
            flagged,
            server_issues,
            screen: RwSignal::new(Screen::Step(0)),
            back_to_review: RwSignal::new(false),
            summary_focus: RwSignal::new(0),
            focus_target: RwSignal::new(None),
            send: RwSignal::new(SendState::Idle),
            pending: RwSignal::new(None),
            drafts: StoredValue::new(drafts),
            tab: StoredValue::new(dom::uuid()),
            started_at: StoredValue::new(None),
            resume: RwSignal::new(None),
            conflict: RwSignal::new(None),
            saved_until: RwSignal::new(None),
            dropped_copy: RwSignal::new(Vec::new()),
            save_timer: StoredValue::new(None),
            embed: use_context::<crate::embed::Embedding>(),
            id_prefix: StoredValue::new(id_prefix.to_owned()),
            config: StoredValue::new(config),
            today,
            transport: StoredValue::new(crate::fit::Transport::Contract),
            fit_session: StoredValue::new(crate::fit_send::Session::default()),
            fine,
            owner: StoredValue::new(Owner::current().unwrap_or_default()),
            shown_view: RwSignal::new(ShownView {
                visible_steps: visibility.with_untracked(Visibility::visible_steps),
                summary: Vec::new(),
            }),
            refresh_pending: StoredValue::new(false),
            defer_refresh: StoredValue::new(false),
            settling: RwSignal::new(false),
        };
        // Flags, server issues, the screen: the per-path signals follow at once.
        Effect::new(move |_| {
            state.flagged.track();
            state.server_issues.track();
            state.screen.track();
            state.refresh();
        });
        // Answers: a choice refreshes everything at once. Typing updates the edited field itself
        // at once (`set_typed`); everything else (other fields' visibility, required marks and
        // errors, the summary, the steps) follows after the next frame, once per burst of
        // keystrokes — so a keystroke costs one field.
        Effect::new(move |first: Option<()>| {
            state.answers.track();
            if first.is_none() {
                return;
            }
            if !state.defer_refresh.get_value() {
                state.refresh();
                return;
            }
            state.defer_refresh.set_value(false);
            if !state.refresh_pending.get_value() {
                state.refresh_pending.set_value(true);
                state.settling.set(true);
                request_animation_frame(move || {
                    set_timeout(
                        move || {
                            state.refresh_pending.set_value(false);
                            state.refresh();
                            state.settling.try_set(false);
                        },
                        std::time::Duration::ZERO,
                    )
                });
            }
        });
        state
    }

    /// Compare antrag-core's verdicts (one `validate`, one `visibility`) with the per-path
    /// signals and the shown summary, and set what changed.
    fn refresh(&self) {
        let (form, ctx) = (self.form.get_value(), Context::on(self.today));
        let (fine, answers) = (self.fine, self.answers);
        let values = answers.with_untracked(|a| {
            fine.with_value(|f| f.values.diff(|path, _| antrag_core::answers::get(a, path).cloned()))
        });
        let required = answers.with_untracked(|a| {
            let requirements = antrag_core::Requirements::new(&form, a, &ctx);
            fine.with_value(|f| f.required.diff(|path, _| requirements.is_required(path)))
        });
        let errors = self.errors.with_untracked(|e| {
            self.flagged.with_untracked(|flags| {
                self.server_issues.with_untracked(|server| {
                    fine.with_value(|f| f.errors.diff(|path, key| shown(e, flags, server, path, key)))
                })
            })
        });
        let visible =
            self.visibility.with_untracked(|v| fine.with_value(|f| f.visible.diff(|path, _| v.is_visible(path))));
        crate::fine::apply(values);
        crate::fine::apply(required);
        crate::fine::apply(errors);
        crate::fine::apply(visible);
        let view = ShownView {
            visible_steps: self.visibility.with_untracked(Visibility::visible_steps),
            summary: untrack(|| self.summary_issues()),
        };
        if self.shown_view.with_untracked(|v| v != &view) {
            self.shown_view.set(view);
        }
    }

    /// The steps shown, as the page shows them (after the latest refresh).
    pub fn shown_steps(&self) -> Vec<usize> {
        self.shown_view.with(|v| v.visible_steps.clone())
    }

    /// The errors the summary lists, as the page shows them (after the latest refresh).
    pub fn shown_summary(&self) -> Vec<Issue> {
        self.shown_view.with(|v| v.summary.clone())
    }

    /// The answer at `path`, as a signal of its own.
    pub fn value_signal(&self, path: &FieldPath) -> RwSignal<Option<Value>> {
        let owner = self.owner.get_value();
        let answers = self.answers;
        self.fine
            .try_update_value(|f| {
                f.values.get_or_make(&owner, path, || {
                    answers.with_untracked(|a| antrag_core::answers::get(a, path).cloned())
                })
            })
            .unwrap_or_else(|| RwSignal::new(None))
    }

    /// Whether `path` must be answered now, as a signal of its own.
    pub fn required_signal(&self, path: &FieldPath) -> RwSignal<bool> {
        let (owner, answers, form, ctx) = (self.owner.get_value(), self.answers, self.form, Context::on(self.today));
        self.fine
            .try_update_value(|f| {
                f.required.get_or_make(&owner, path, || {
                    let form = form.get_value();
                    answers.with_untracked(|a| antrag_core::is_required(&form, a, &ctx, path))
                })
            })
            .unwrap_or_else(|| RwSignal::new(false))
    }

    /// The error shown at `path`, as a signal of its own.
    pub fn error_signal(&self, path: &FieldPath) -> RwSignal<Option<ErrorCode>> {
        let (owner, errors, flagged, server) = (self.owner.get_value(), self.errors, self.flagged, self.server_issues);
        self.fine
            .try_update_value(|f| {
                f.errors.get_or_make(&owner, path, || {
                    let key = path.to_string();
                    errors.with_untracked(|e| {
                        flagged.with_untracked(|fl| server.with_untracked(|s| shown(e, fl, s, path, &key)))
                    })
                })
            })
            .unwrap_or_else(|| RwSignal::new(None))
    }

    /// Whether the node at `path` is shown, as a signal of its own.
    pub fn visible_signal(&self, path: &FieldPath) -> RwSignal<bool> {
        let (owner, visibility) = (self.owner.get_value(), self.visibility);
        self.fine
            .try_update_value(|f| {
                f.visible.get_or_make(&owner, path, || visibility.with_untracked(|v| v.is_visible(path)))
            })
            .unwrap_or_else(|| RwSignal::new(true))
    }

    /// The DOM id of a path.
    pub fn dom_id(&self, path: &FieldPath) -> String {
        format!("{}{}", self.id_prefix.get_value(), path.dom_id())
    }

    /// Set an answer as it is typed: the field itself updates at once, the rest of the form
    /// after the next frame.
    pub fn set_typed(&self, path: &FieldPath, value: Value) {
        self.defer_refresh.set_value(true);
        self.set(path, value);
    }

    /// Set (or with `Null`, clear) an answer. A server issue on that field is withdrawn: the
    /// browser's own validation judges the new answer.
    pub fn set(&self, path: &FieldPath, value: Value) {
        self.answers.update(|a| antrag_core::answers::set(a, path, value));
        if self.server_issues.with_untracked(|s| s.iter().any(|i| &i.path == path)) {
            self.server_issues.update(|s| s.retain(|i| &i.path != path));
        }
        // The edited field at once: its answer and, once flagged, its own error.
        let key = path.to_string();
        let (value_slot, error_slot) = self.fine.with_value(|f| (f.values.find(&key), f.errors.find(&key)));
        if let Some(slot) = value_slot {
            let now = self.answers.with_untracked(|a| antrag_core::answers::get(a, path).cloned());
            if slot.try_with_untracked(|v| v != &now).unwrap_or(false) {
                slot.try_set(now);
            }
        }
        if let Some(slot) = error_slot {
            let shown = if self.flagged.with_untracked(|f| f.contains(&key)) {
                let form = self.form.get_value();
                self.answers.with_untracked(|a| antrag_core::field_error(&form, a, &Context::on(self.today), path))
            } else {
                None
            };
            if slot.try_with_untracked(|e| e != &shown).unwrap_or(false) {
                slot.try_set(shown);
            }
        }
    }

    /// The answer at a path (reactive).
    pub fn value(&self, path: &FieldPath) -> Option<Value> {
        self.answers.with(|a| antrag_core::answers::get(a, path).cloned())
    }

    /// Indices of the steps currently shown.
    pub fn visible_steps(&self) -> Vec<usize> {
        self.visibility.with(Visibility::visible_steps)
    }

    /// Top-level keys on step `index`.
    fn step_keys(&self, index: usize) -> Vec<String> {
        self.form.with_value(|f| {
            f.def().steps().get(index).map(|s| s.nodes.iter().map(|n| n.key().to_owned()).collect()).unwrap_or_default()
        })
    }

    /// Current errors on a step, in document order.
    pub fn step_issues(&self, index: usize) -> Vec<Issue> {
        let keys = self.step_keys(index);
        self.errors.with(|e| {
            e.issues
                .iter()
                .filter(|i| {
                    i.path
                        .segments()
                        .first()
                        .is_some_and(|s| matches!(s, antrag_core::path::Segment::Key(k) if keys.contains(k)))
                })
                .cloned()
                .collect()
        })
    }

    /// Errors the summary lists: flagged and still present on the current screen.
    pub fn summary_issues(&self) -> Vec<Issue> {
        let issues = match self.screen.get() {
            Screen::Step(i) => self.step_issues(i),
            Screen::Review => self.errors.with(|e| e.issues.clone()),
            Screen::Done(_) => Vec::new(),
        };
        let mut shown: Vec<Issue> =
            self.flagged.with(|f| issues.into_iter().filter(|i| f.contains(&i.path.to_string())).collect());
        for issue in self.server_issues.get() {
            if !shown.iter().any(|i| i.path == issue.path) {
                shown.push(issue);
            }
        }
        shown
    }

    fn flag(&self, issues: &[Issue]) {
        self.flagged.update(|f| f.extend(issues.iter().map(|i| i.path.to_string())));
    }

    /// "Next" on step `index`: validate the step; with errors, show and focus the summary;
    /// otherwise go on (to the summary when coming from a change link).
    pub fn next(&self, index: usize) {
        let issues = self.step_issues(index);
        if !issues.is_empty() {
            self.flag(&issues);
            self.summary_focus.update(|n| *n += 1);
            return;
        }
        let steps = self.visible_steps();
        let following = steps.iter().copied().find(|s| *s > index);
        match following {
            Some(next) if !self.back_to_review.get_untracked() => self.go(Screen::Step(next), true),
            _ => {
                self.back_to_review.set(false);
                self.go(Screen::Review, true);
            }
        }
    }

    /// "Back" from the current screen.
    pub fn back(&self) {
        let steps = self.visible_steps();
        match self.screen.get_untracked() {
            Screen::Step(i) => {
                if let Some(prev) = steps.iter().copied().rev().find(|s| *s < i) {
                    self.go(Screen::Step(prev), true);
                }
            }
            Screen::Review => {
                if let Some(last) = steps.last() {
                    self.go(Screen::Step(*last), true);
                }
            }
            Screen::Done(_) => {}
        }
    }

    /// A change link from the summary: go to the field's step, focus it, and come back.
    pub fn change(&self, path: &FieldPath) {
        let Some(top) = path.segments().first().and_then(|s| match s {
            antrag_core::path::Segment::Key(k) => Some(k.clone()),
            antrag_core::path::Segment::Index(_) => None,
        }) else {
            return;
        };
        let step = self.form.with_value(|f| f.def().step_of(&top)).unwrap_or(0);
        self.back_to_review.set(true);
        self.focus_target.set(Some(self.dom_id(path)));
        self.go(Screen::Step(step), true);
    }

    /// Show a screen, with a browser history entry so Back and Forward work.
    pub fn go(&self, screen: Screen, push: bool) {
        if push {
            let url = if self.embed.is_some() {
                None
            } else {
                dom::url_with_param("schritt", Some(&screen_slug(self, &screen)))
            };
            dom::push_state(&self.history_state(&screen), url.as_deref());
        }
        self.screen.set(screen);
        self.scroll_to_top();
    }

    /// Scroll to the top of the form (the page, or the widget when embedded).
    pub fn scroll_to_top(&self) {
        match &self.embed {
            Some(e) => e.scroll_to_top(),
            None => dom::scroll_top(),
        }
    }

    /// The history entry of a screen of this form instance: the current entry's state with
    /// this instance's screen under `antrag.<instance>` — whatever the host page keeps in its
    /// history state stays as it is.
    pub fn history_state(&self, screen: &Screen) -> Value {
        let current = web_sys::window()
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

    /// The document title (standalone only: an embedded widget leaves the host's title alone).
    pub fn set_title(&self, title: &str) {
        if self.embed.is_none() {
            dom::set_title(title);
        }
    }

    /// Tell the host page what happened (CustomEvent on the host element).
    pub fn emit(&self, name: &str, detail: Value) {
        match &self.embed {
            Some(e) => e.emit(name, &detail),
            None => {
                let app = dom::element("antrag-app")
                    .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
                if let Some(el) = app {
                    crate::embed::emit_on(&el, name, &detail);
                }
            }
        }
    }

    /// Send the answers: the payload from antrag-core, with an idempotency key kept until a
    /// receipt arrives (a pending submission is sent again unchanged); network errors, 5xx and
    /// 429 are retried with backoff and jitter.
    pub fn submit(self) {
        if matches!(
            self.send.get_untracked(),
            SendState::Sending | SendState::Retrying { .. } | SendState::Encrypting(_)
        ) {
            return;
        }
        if let crate::fit::Transport::FitConnect(transport) = self.transport.get_value() {
            return self.submit_fit(transport);
        }
        let pending = match self.pending.get_untracked() {
            Some(p) => p,
            None => {
                let Some((form, data)) = self.payload_if_valid() else { return };
                let config = self.config.get_value();
                let request = api::SubmissionRequest {
                    form_id: form.def().id.clone(),
                    form_version: form.def().version.clone(),
                    language: self.lang.get_untracked(),
                    data,
                    client_date: self.today.to_string(),
                    routing: config.routing(form.def().service.leika_key.as_deref()),
                };
                let pending =
                    Pending { key: dom::uuid(), request: serde_json::to_value(&request).unwrap_or(Value::Null) };
                self.pending.set(Some(pending.clone()));
                // Kept before anything is sent: a reload or crash from here on resumes sending.
                self.save_now();
                pending
            }
        };
        let Some(request) = draft::pending_request(&pending) else { return };
        let config = self.config.get_value();
        leptos::task::spawn_local(async move {
            let mut attempt = 0u32;
            loop {
                self.send.set(SendState::Sending);
                match api::submit(&config, &request, &pending.key).await {
                    Ok(receipt) => {
                        self.send.set(SendState::Idle);
                        self.pending.set(None);
                        self.drafts.with_value(DraftStore::delete_all);
                        self.saved_until.set(None);
                        dom::replace_state(&self.history_state(&Screen::Done(receipt.clone())), None);
                        self.emit(
                            "antrag:submitted",
                            serde_json::json!({ "reference": receipt.reference, "receivedAt": receipt.received_at, "statusUrl": receipt.status_url }),
                        );
                        self.screen.set(Screen::Done(receipt));
                        self.scroll_to_top();
                        return;
                    }
                    Err(SubmitError::Rejected(report)) => {
                        // The server's verdict lands on the fields and in the summary, like the
                        // browser's own (even where the browser saw no problem). The answers
                        // must change, so the next send is a new submission with a new key.
                        self.pending.set(None);
                        self.save_now();
                        self.send.set(SendState::Failed(SubmitError::Rejected(report.clone())));
                        self.flag(&report.issues);
                        self.server_issues.set(report.issues.clone());
                        self.summary_focus.update(|n| *n += 1);
                        return;
                    }
                    Err(error) if error.is_retryable() && attempt < 3 => {
                        attempt += 1;
                        let wait = match &error {
                            SubmitError::RateLimited { retry_after } => *retry_after,
                            SubmitError::Server { retry_after: Some(s), .. } => *s,
                            _ => 1u32 << attempt,
                        };
                        let jitter = (js_sys::Math::random() * 500.0) as u32;
                        for remaining in (1..=wait).rev() {
                            self.send.set(SendState::Retrying { seconds: remaining });
                            dom::sleep(1000).await;
                        }
                        dom::sleep(jitter).await;
                    }
                    Err(SubmitError::AttachmentUnavailable { id }) => {
                        // The server no longer has a file (e.g. kept longer than it keeps
                        // uploads): take it out of the answer and ask for it again.
                        self.pending.set(None);
                        self.ask_for_file_again(id);
                        return;
                    }
                    Err(error) => {
                        if matches!(error, SubmitError::VersionChanged { .. }) {
                            self.pending.set(None);
                            self.save_now();
                        }
                        let kind = match &error {
                            SubmitError::Network => "offline",
                            SubmitError::VersionChanged { .. } => "version-changed",
                            _ => "server",
                        };
                        self.emit("antrag:error", serde_json::json!({ "kind": kind }));
                        self.send.set(SendState::Failed(error));
                        return;
                    }
                }
            }
        });
    }

    /// The submission payload of the current answers; `None` when they have errors, which are
    /// then shown and the error summary focused.
    fn payload_if_valid(&self) -> Option<(Arc<Form>, serde_json::Value)> {
        let form = self.form.get_value();
        let ctx = Context::on(self.today);
        match self.answers.with_untracked(|a| antrag_core::check(&form, a, &ctx)) {
            Ok(valid) => Some((form, valid.into_inner())),
            Err(report) => {
                self.flag(&report.issues);
                self.summary_focus.update(|n| *n += 1);
                None
            }
        }
    }

    /// Send over FIT-Connect: encrypted in this browser, through the server's relay. Network
    /// errors and 5xx are retried with backoff; a retry continues the same submission.
    fn submit_fit(self, transport: crate::fit::FitTransport) {
        use crate::fit_send::FitError;
        let Some((form, payload)) = self.payload_if_valid() else { return };
        let files: Vec<antrag_core::FileRef> = self
            .answers
            .with_untracked(|a| antrag_core::file_refs(&form, a))
            .into_iter()
            .flat_map(|(_, f)| f)
            .collect();
        let reply = crate::fit::reply_email(form.def(), &payload);
        let config = self.config.get_value();
        let today = self.today.to_string();
        leptos::task::spawn_local(async move {
            let mut attempt = 0u32;
            loop {
                let mut session = self.fit_session.get_value();
                let progress = move |stage| self.send.set(SendState::Encrypting(stage));
                let outgoing = crate::fit_send::Outgoing {
                    payload: &payload,
                    files: &files,
                    reply_email: reply.as_deref(),
                    today: &today,
                };
                let result = crate::fit_send::send(&config, &transport, &outgoing, &mut session, &progress).await;
                self.fit_session.set_value(session);
                match result {
                    Ok(delivered) => {
                        self.fit_session.set_value(crate::fit_send::Session::default());
                        // Sent: the chosen files are not needed any more.
                        files.iter().for_each(|f| crate::fit_send::forget_file(&f.id));
                        let receipt = api::Receipt {
                            reference: delivered.reference.clone().unwrap_or_else(|| delivered.submission_id.clone()),
                            received_at: js_sys::Date::new_0().to_iso_string().into(),
                            status: "submitted".into(),
                            status_url: String::new(),
                        };
                        self.send.set(SendState::Idle);
                        self.pending.set(None);
                        self.drafts.with_value(DraftStore::delete_all);
                        self.saved_until.set(None);
                        dom::replace_state(&self.history_state(&Screen::Done(receipt.clone())), None);
                        self.emit(
                            "antrag:submitted",
                            serde_json::json!({ "reference": receipt.reference, "receivedAt": receipt.received_at,
                                "fitConnect": { "submissionId": delivered.submission_id, "caseId": delivered.case_id } }),
                        );
                        self.screen.set(Screen::Done(receipt));
                        self.scroll_to_top();
                        return;
                    }
                    Err(error) if error.is_retryable() && attempt < 3 => {
                        attempt += 1;
                        for remaining in (1..=(1u32 << attempt)).rev() {
                            self.send.set(SendState::Retrying { seconds: remaining });
                            dom::sleep(1000).await;
                        }
                        dom::sleep((js_sys::Math::random() * 500.0) as u32).await;
                    }
                    Err(FitError::MissingFile(id)) => {
                        // The file was chosen before a reload: this browser no longer has it.
                        self.fit_session.set_value(crate::fit_send::Session::default());
                        self.ask_for_file_again(id);
                        return;
                    }
                    Err(error) => {
                        let failure = match error {
                            FitError::Network => SubmitError::Network,
                            FitError::Status(status) => SubmitError::Server { status, retry_after: None },
                            FitError::Key(problem) => SubmitError::Encryption(problem.to_string()),
                            FitError::Crypto(problem) => SubmitError::Encryption(problem),
                            FitError::Destination(detail) | FitError::Rejected(detail) => {
                                // Refused: the next attempt is a new submission.
                                self.fit_session.set_value(crate::fit_send::Session::default());
                                SubmitError::Undeliverable(detail)
                            }
                            FitError::MissingFile(_) => unreachable!("handled above"),
                        };
                        leptos::logging::warn!("FIT-Connect: {failure:?}");
                        self.emit("antrag:error", serde_json::json!({ "kind": "fit-connect" }));
                        self.send.set(SendState::Failed(failure));
                        return;
                    }
                }
            }
        });
    }

    /// After a connection came back: send what is pending.
    pub fn on_online(self) {
        if self.pending.get_untracked().is_some()
            && matches!(self.send.get_untracked(), SendState::Failed(_) | SendState::Idle)
        {
            self.submit();
        }
    }

    // ---- drafts ----

    /// Look for a draft on arrival; a found one is offered for "continue" or "start over".
    pub fn offer_resume(&self) {
        let Some(found) = self.drafts.with_value(DraftStore::find) else { return };
        let form = self.form.get_value();
        let version_changed = found.version != form.def().version;
        let (answers, dropped) = draft::carry_over(&form, &found.answers, &Context::on(self.today));
        self.resume.set(Some(ResumeOffer { draft: found, answers, dropped, version_changed }));
    }

    /// "Continue": take the draft's answers, step and pending submission.
    pub fn accept_resume(self) {
        let Some(offer) = self.resume.get_untracked() else { return };
        self.answers.set(offer.answers);
        self.started_at.set_value(Some(offer.draft.started_at));
        self.dropped_copy.set(offer.dropped);
        let pending = if offer.version_changed { None } else { offer.draft.pending.clone() };
        self.pending.set(pending.clone());
        self.resume.set(None);
        if offer.version_changed {
            // Answers of the old version now belong to the new one.
            self.drafts.with_value(DraftStore::delete_all);
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
        dom::replace_state(&self.history_state(&self.screen.get_untracked()), None);
        if pending.is_some() {
            self.submit();
        }
    }

    /// "Start over": forget the draft.
    pub fn start_over(&self) {
        self.drafts.with_value(DraftStore::delete_all);
        if let Some(offer) = self.resume.get_untracked() {
            self.forget_kept_files(&offer.answers);
        }
        self.resume.set(None);
        self.dropped_copy.set(Vec::new());
        self.saved_until.set(None);
    }

    /// Files kept in this browser for a draft's answers (FIT-Connect forms) go with the draft.
    fn forget_kept_files(&self, answers: &antrag_core::Answers) {
        if matches!(self.transport.get_value(), crate::fit::Transport::FitConnect(_)) {
            for (_, files) in antrag_core::file_refs(&self.form.get_value(), answers) {
                files.iter().for_each(|f| crate::fit_send::forget_file(&f.id));
            }
        }
    }

    /// "Delete my draft": forget the stored answers and the answers on screen.
    pub fn delete_draft(&self) {
        self.drafts.with_value(DraftStore::delete_all);
        let form = self.form.get_value();
        self.answers.with_untracked(|a| self.forget_kept_files(a));
        self.answers.set(initial_answers(&form));
        self.flagged.set(HashSet::new());
        self.server_issues.set(Vec::new());
        self.pending.set(None);
        self.dropped_copy.set(Vec::new());
        self.saved_until.set(None);
        self.started_at.set_value(None);
        self.go(Screen::Step(self.visible_steps().first().copied().unwrap_or(0)), true);
    }

    /// A file of the answers is gone (the server no longer holds it, or this browser no longer
    /// has it): take it out of its answer, keep every other answer, and ask for it again on
    /// its field and in the summary.
    fn ask_for_file_again(&self, id: String) {
        let form = self.form.get_value();
        let refs = self.answers.with_untracked(|a| antrag_core::file_refs(&form, a));
        let mut issues = Vec::new();
        for (path, files) in refs.into_iter().filter(|(_, files)| files.iter().any(|f| f.id == id)) {
            let rest: Vec<_> = files.into_iter().filter(|f| f.id != id).collect();
            let value = if rest.is_empty() { Value::Null } else { serde_json::to_value(rest).unwrap_or(Value::Null) };
            self.answers.update(|a| antrag_core::answers::set(a, &path, value));
            issues.push(Issue { path, error: ErrorCode::Required });
        }
        self.save_now();
        self.send.set(SendState::Failed(SubmitError::AttachmentUnavailable { id }));
        self.flag(&issues);
        self.server_issues.set(issues);
        self.summary_focus.update(|n| *n += 1);
    }

    /// Save soon: within 250 ms of a change, once per burst of changes (a save already due
    /// takes the latest answers), so a keystroke costs no timer and steady typing is still
    /// saved as it goes.
    pub fn save_soon(self) {
        if self.save_timer.get_value().is_some() || !self.may_save() {
            return;
        }
        let Some(window) = web_sys::window() else { return };
        let save = wasm_bindgen::closure::Closure::once_into_js(move || {
            self.save_timer.set_value(None);
            self.save_now();
        });
        use wasm_bindgen::JsCast;
        let timer = window.set_timeout_with_callback_and_timeout_and_arguments_0(save.unchecked_ref(), 250).ok();
        self.save_timer.set_value(timer);
    }

    fn may_save(&self) -> bool {
        self.drafts.with_value(DraftStore::enabled)
            && self.resume.get_untracked().is_none()
            && self.conflict.get_untracked().is_none()
            && !matches!(self.screen.get_untracked(), Screen::Done(_))
    }

    /// Save now.
    pub fn save_now(&self) {
        if !self.may_save() {
            return;
        }
        let step = match self.screen.get_untracked() {
            Screen::Step(i) => i,
            _ => REVIEW_STEP,
        };
        let started = self.started_at.get_value();
        let saved = self.answers.with_untracked(|a| {
            self.drafts.with_value(|d| d.save(a, step, self.pending.get_untracked(), &self.tab.get_value(), started))
        });
        if let Some(d) = saved {
            self.started_at.set_value(Some(d.started_at));
            self.saved_until.set(Some(d.expires_at));
        }
    }

    /// Another tab wrote or deleted this draft.
    pub fn on_storage(&self, key: Option<String>, value: Option<String>) {
        let changed = self.drafts.with_value(|d| d.changed_elsewhere(key, value, &self.tab.get_value()));
        if let Some(change) = changed {
            if !matches!(self.screen.get_untracked(), Screen::Done(_)) {
                self.conflict.set(Some(change));
            }
        }
    }

    /// Take the other tab's answers.
    pub fn take_other_tab(&self) {
        if let Some(Some(other)) = self.conflict.get_untracked() {
            self.answers.set(other.answers);
            self.pending.set(other.pending);
        }
        self.conflict.set(None);
        self.save_now();
    }

    /// Keep this tab's answers (they become the draft).
    pub fn keep_this_tab(&self) {
        self.conflict.set(None);
        self.save_now();
    }

    /// Whether a top-level group's label repeats the title of its step (its heading is then
    /// visually hidden: it still names the fieldset for screen readers).
    pub fn repeats_step_title(&self, path: &FieldPath, label: &antrag_core::Text) -> bool {
        let [antrag_core::path::Segment::Key(key)] = path.segments() else { return false };
        let lang = self.lang.get();
        self.form.with_value(|f| {
            let def = f.def();
            let dl = &def.default_language;
            def.step_of(key)
                .and_then(|i| def.steps().get(i).map(|s| s.title.resolve(&lang, dl) == label.resolve(&lang, dl)))
                .unwrap_or(false)
        })
    }

    /// The node at a static path.
    pub fn node(&self, static_path: &str) -> Option<Node> {
        self.form.with_value(|f| f.node(static_path).cloned())
    }
}

/// Answers a new form starts with: defaults, and for repeatable groups their minimum number
/// of (empty) entries.
fn initial_answers(form: &Form) -> Answers {
    fn walk(nodes: &[Node], answers: &mut Answers, path: &FieldPath) {
        for node in nodes {
            let here = path.key(node.key());
            match node {
                Node::Field(f) => {
                    if let Some(default) = &f.default {
                        antrag_core::answers::set(answers, &here, default.clone());
                    }
                }
                Node::Group(g) if g.is_list() => {
                    for i in 0..g.min as usize {
                        antrag_core::answers::add_entry(answers, &here);
                        walk(&g.items, answers, &here.index(i));
                    }
                }
                Node::Group(g) => walk(&g.items, answers, &here),
            }
        }
    }
    let mut answers = Answers::new();
    walk(&form.def().items, &mut answers, &FieldPath::root());
    answers
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
    serde_json::from_value(value.get("done")?.clone()).ok().map(Screen::Done)
}

/// The URL slug of a screen (`?schritt=anschrift`).
fn screen_slug(state: &FormState, screen: &Screen) -> String {
    match screen {
        Screen::Step(i) => {
            state.form.with_value(|f| f.def().steps().get(*i).map(|s| s.id.to_owned()).unwrap_or_default())
        }
        Screen::Review => "uebersicht".into(),
        Screen::Done(_) => "gesendet".into(),
    }
}
