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
    /// Waiting before an automatic retry.
    Retrying {
        /// Seconds until the next attempt.
        seconds: u32,
    },
    /// Failed; the citizen can retry by hand.
    Failed(SubmitError),
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
    /// The idempotency key of the pending submission, kept until a receipt arrives.
    pub idempotency_key: RwSignal<Option<String>>,
    /// Prefix of DOM ids (several forms may share a page).
    pub id_prefix: StoredValue<String>,
    /// The platform profile.
    pub config: StoredValue<ClientConfig>,
    /// Today in the citizen's time zone.
    pub today: Date,
}

impl FormState {
    /// A fresh state for a form.
    pub fn new(form: Form, lang: RwSignal<String>, id_prefix: &str, config: ClientConfig) -> Self {
        let today = dom::today();
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
        FormState {
            form,
            lang,
            answers,
            errors,
            visibility,
            flagged: RwSignal::new(HashSet::new()),
            server_issues: RwSignal::new(Vec::new()),
            screen: RwSignal::new(Screen::Step(0)),
            back_to_review: RwSignal::new(false),
            summary_focus: RwSignal::new(0),
            focus_target: RwSignal::new(None),
            send: RwSignal::new(SendState::Idle),
            idempotency_key: RwSignal::new(None),
            id_prefix: StoredValue::new(id_prefix.to_owned()),
            config: StoredValue::new(config),
            today,
        }
    }

    /// The DOM id of a path.
    pub fn dom_id(&self, path: &FieldPath) -> String {
        format!("{}{}", self.id_prefix.get_value(), path.dom_id())
    }

    /// Set (or with `Null`, clear) an answer. A server issue on that field is withdrawn: the
    /// browser's own validation judges the new answer.
    pub fn set(&self, path: &FieldPath, value: Value) {
        self.answers.update(|a| antrag_core::answers::set(a, path, value));
        if self.server_issues.with_untracked(|s| s.iter().any(|i| &i.path == path)) {
            self.server_issues.update(|s| s.retain(|i| &i.path != path));
        }
    }

    /// The answer at a path (reactive).
    pub fn value(&self, path: &FieldPath) -> Option<Value> {
        self.answers.with(|a| antrag_core::answers::get(a, path).cloned())
    }

    /// The error shown at a path: only once flagged, and live from then on.
    pub fn shown_error(&self, path: &str) -> Option<ErrorCode> {
        let own =
            if self.flagged.with(|f| f.contains(path)) { self.errors.with(|e| e.at(path).cloned()) } else { None };
        own.or_else(|| {
            self.server_issues.with(|s| s.iter().find(|i| i.path.to_string() == path).map(|i| i.error.clone()))
        })
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
            dom::push_state(
                &history_state(&screen),
                dom::url_with_param("schritt", Some(&screen_slug(self, &screen))).as_deref(),
            );
        }
        self.screen.set(screen);
        dom::scroll_top();
    }

    /// Send the answers: the payload from antrag-core, with an idempotency key kept until a
    /// receipt arrives; network errors, 5xx and 429 are retried with backoff and jitter.
    pub fn submit(self) {
        if matches!(self.send.get_untracked(), SendState::Sending | SendState::Retrying { .. }) {
            return;
        }
        let all = self.errors.with_untracked(|e| e.issues.clone());
        if !all.is_empty() {
            self.flag(&all);
            self.summary_focus.update(|n| *n += 1);
            return;
        }
        let key = self.idempotency_key.get_untracked().unwrap_or_else(dom::uuid);
        self.idempotency_key.set(Some(key.clone()));
        let form = self.form.get_value();
        let ctx = Context::on(self.today);
        let data = self.answers.with_untracked(|a| antrag_core::submission_payload(&form, a, &ctx));
        let config = self.config.get_value();
        let request = api::SubmissionRequest {
            form_id: form.def().id.clone(),
            form_version: form.def().version.clone(),
            language: self.lang.get_untracked(),
            data,
            client_date: self.today.to_string(),
            routing: config.routing(form.def().service.leika_key.as_deref()),
        };
        leptos::task::spawn_local(async move {
            let mut attempt = 0u32;
            loop {
                self.send.set(SendState::Sending);
                match api::submit(&config, &request, &key).await {
                    Ok(receipt) => {
                        self.send.set(SendState::Idle);
                        self.idempotency_key.set(None);
                        dom::replace_state(&history_state(&Screen::Done(receipt.clone())), None);
                        self.screen.set(Screen::Done(receipt));
                        dom::scroll_top();
                        return;
                    }
                    Err(SubmitError::Rejected(report)) => {
                        // The server's verdict lands on the fields and in the summary, like the
                        // browser's own (even where the browser saw no problem).
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
                    Err(error) => {
                        self.send.set(SendState::Failed(error));
                        return;
                    }
                }
            }
        });
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

/// The history entry of a screen.
pub fn history_state(screen: &Screen) -> Value {
    match screen {
        Screen::Step(i) => serde_json::json!({ "antrag": { "step": i } }),
        Screen::Review => serde_json::json!({ "antrag": { "review": true } }),
        Screen::Done(receipt) => serde_json::json!({ "antrag": { "done": receipt } }),
    }
}

/// The screen a history entry names.
pub fn screen_from_history(state: &Value) -> Option<Screen> {
    let a = state.get("antrag")?;
    if let Some(i) = a.get("step").and_then(Value::as_u64) {
        return Some(Screen::Step(i as usize));
    }
    if a.get("review").is_some() {
        return Some(Screen::Review);
    }
    serde_json::from_value(a.get("done")?.clone()).ok().map(Screen::Done)
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
