//! The answers and antrag-core's verdict on them.
//!
//! One signal holds the answers; the report (`validate` over the whole form) and the
//! visibility are memos derived from it, so every component reads the verdict the server will
//! reach. Components read one signal per path (see [`crate::fine`]), which [`FormState::refresh`]
//! sets from the whole-form verdict after every change — typing refreshes the rest of the form
//! once per frame.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use antrag_core::{Answers, Date, ErrorCode, FieldPath, Form, Issue, Report, Visibility};
use leptos::prelude::*;
use serde_json::Value;

use super::{FormState, Screen};

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

/// The whole-form verdict as the page shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ShownView {
    /// Indices of the visible steps.
    pub visible_steps: Vec<usize>,
    /// The errors the summary lists.
    pub summary: Vec<Issue>,
}

/// The verdict on the answers. Copy: arena handles.
#[derive(Clone, Copy)]
pub struct Verdict {
    /// antrag-core's report over all answers.
    pub errors: Memo<Errors>,
    /// What is shown.
    pub visibility: Memo<Visibility>,
    /// Paths whose errors are shown (after "next"/"send"); they re-validate as they change.
    pub flagged: RwSignal<HashSet<String>>,
    /// Issues the server reported (422) that stand until the citizen changes the field.
    pub server_issues: RwSignal<Vec<Issue>>,
    /// Typed answers are not yet reflected in the rest of the form (`data-settling` on the
    /// form, for tests and embedders that must wait for dependent questions).
    pub settling: RwSignal<bool>,
    /// Per-path signals that components read (see `fine`).
    fine: StoredValue<crate::fine::Fine>,
    /// The owner the per-path signals live under.
    owner: StoredValue<Owner>,
    /// What the page shows of the whole-form verdict (steps, summary), after the latest refresh.
    shown: RwSignal<ShownView>,
    /// A refresh after the next frame is scheduled.
    refresh_pending: StoredValue<bool>,
    /// The next answer change comes from typing: refresh after the next frame.
    defer_refresh: StoredValue<bool>,
}

impl Verdict {
    /// The verdict on `answers` of `form`, judged on `today`.
    pub fn new(form: StoredValue<Arc<Form>>, answers: RwSignal<Answers>, today: Date) -> Self {
        let ctx = antrag_core::Context::on(today);
        let errors = Memo::new(move |_| {
            let form = form.get_value();
            answers.with(|a| Errors::from_report(antrag_core::validate(&form, a, &ctx)))
        });
        let visibility = Memo::new(move |_| {
            let form = form.get_value();
            answers.with(|a| antrag_core::visibility(&form, a, &ctx))
        });
        Verdict {
            errors,
            visibility,
            flagged: RwSignal::new(HashSet::new()),
            server_issues: RwSignal::new(Vec::new()),
            settling: RwSignal::new(false),
            fine: StoredValue::new(crate::fine::Fine::default()),
            owner: StoredValue::new(Owner::current().unwrap_or_default()),
            shown: RwSignal::new(ShownView {
                visible_steps: visibility.with_untracked(Visibility::visible_steps),
                summary: Vec::new(),
            }),
            refresh_pending: StoredValue::new(false),
            defer_refresh: StoredValue::new(false),
        }
    }

    /// Show the errors of these issues (after "next" or "send").
    pub fn flag(&self, issues: &[Issue]) {
        self.flagged.update(|f| f.extend(issues.iter().map(|i| i.path.to_string())));
    }
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

impl FormState {
    /// Keep the per-path signals in step with the verdict.
    pub(super) fn follow_answers(self) {
        let v = self.verdict;
        // Flags, server issues, the screen: the per-path signals follow at once.
        Effect::new(move |_| {
            v.flagged.track();
            v.server_issues.track();
            self.nav.screen.track();
            self.refresh();
        });
        // Answers: a choice refreshes everything at once. Typing updates the edited field itself
        // at once (`set_typed`); everything else (other fields' visibility, required marks and
        // errors, the summary, the steps) follows after the next frame, once per burst of
        // keystrokes — so a keystroke costs one field.
        Effect::new(move |first: Option<()>| {
            self.answers.track();
            if first.is_none() {
                return;
            }
            if !v.defer_refresh.get_value() {
                self.refresh();
                return;
            }
            v.defer_refresh.set_value(false);
            if !v.refresh_pending.get_value() {
                v.refresh_pending.set_value(true);
                v.settling.set(true);
                request_animation_frame(move || {
                    set_timeout(
                        move || {
                            v.refresh_pending.set_value(false);
                            self.refresh();
                            v.settling.try_set(false);
                        },
                        std::time::Duration::ZERO,
                    )
                });
            }
        });
    }

    /// Compare antrag-core's verdicts (one `validate`, one `visibility`) with the per-path
    /// signals and the shown summary, and set what changed.
    pub(super) fn refresh(&self) {
        let (form, ctx, v) = (self.form.get_value(), self.context(), self.verdict);
        let (fine, answers) = (v.fine, self.answers);
        let values = answers.with_untracked(|a| {
            fine.with_value(|f| f.values.diff(|path, _| antrag_core::answers::get(a, path).cloned()))
        });
        let required = answers.with_untracked(|a| {
            let requirements = antrag_core::Requirements::new(&form, a, &ctx);
            fine.with_value(|f| f.required.diff(|path, _| requirements.is_required(path)))
        });
        let errors = v.errors.with_untracked(|e| {
            v.flagged.with_untracked(|flags| {
                v.server_issues.with_untracked(|server| {
                    fine.with_value(|f| f.errors.diff(|path, key| shown(e, flags, server, path, key)))
                })
            })
        });
        let visible =
            v.visibility.with_untracked(|vis| fine.with_value(|f| f.visible.diff(|path, _| vis.is_visible(path))));
        crate::fine::apply(values);
        crate::fine::apply(required);
        crate::fine::apply(errors);
        crate::fine::apply(visible);
        let view = ShownView {
            visible_steps: v.visibility.with_untracked(Visibility::visible_steps),
            summary: untrack(|| self.summary_issues()),
        };
        if v.shown.with_untracked(|s| s != &view) {
            v.shown.set(view);
        }
    }

    /// The steps shown, as the page shows them (after the latest refresh).
    pub fn shown_steps(&self) -> Vec<usize> {
        self.verdict.shown.with(|v| v.visible_steps.clone())
    }

    /// The errors the summary lists, as the page shows them (after the latest refresh).
    pub fn shown_summary(&self) -> Vec<Issue> {
        self.verdict.shown.with(|v| v.summary.clone())
    }

    /// The answer at `path`, as a signal of its own.
    pub fn value_signal(&self, path: &FieldPath) -> RwSignal<Option<Value>> {
        let (owner, answers) = (self.verdict.owner.get_value(), self.answers);
        self.verdict
            .fine
            .try_update_value(|f| {
                f.values.get_or_make(&owner, path, || {
                    answers.with_untracked(|a| antrag_core::answers::get(a, path).cloned())
                })
            })
            .unwrap_or_else(|| RwSignal::new(None))
    }

    /// Whether `path` must be answered now, as a signal of its own.
    pub fn required_signal(&self, path: &FieldPath) -> RwSignal<bool> {
        let (owner, answers, form, ctx) = (self.verdict.owner.get_value(), self.answers, self.form, self.context());
        self.verdict
            .fine
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
        let v = self.verdict;
        let owner = v.owner.get_value();
        v.fine
            .try_update_value(|f| {
                f.errors.get_or_make(&owner, path, || {
                    let key = path.to_string();
                    v.errors.with_untracked(|e| {
                        v.flagged.with_untracked(|fl| v.server_issues.with_untracked(|s| shown(e, fl, s, path, &key)))
                    })
                })
            })
            .unwrap_or_else(|| RwSignal::new(None))
    }

    /// Whether the node at `path` is shown, as a signal of its own.
    pub fn visible_signal(&self, path: &FieldPath) -> RwSignal<bool> {
        let (owner, visibility) = (self.verdict.owner.get_value(), self.verdict.visibility);
        self.verdict
            .fine
            .try_update_value(|f| {
                f.visible.get_or_make(&owner, path, || visibility.with_untracked(|v| v.is_visible(path)))
            })
            .unwrap_or_else(|| RwSignal::new(true))
    }

    /// Set an answer as it is typed: the field itself updates at once, the rest of the form
    /// after the next frame.
    pub fn set_typed(&self, path: &FieldPath, value: Value) {
        self.verdict.defer_refresh.set_value(true);
        self.set(path, value);
    }

    /// Set (or with `Null`, clear) an answer. A server issue on that field is withdrawn: the
    /// browser's own validation judges the new answer.
    pub fn set(&self, path: &FieldPath, value: Value) {
        let v = self.verdict;
        self.answers.update(|a| antrag_core::answers::set(a, path, value));
        if v.server_issues.with_untracked(|s| s.iter().any(|i| &i.path == path)) {
            v.server_issues.update(|s| s.retain(|i| &i.path != path));
        }
        // The edited field at once: its answer and, once flagged, its own error.
        let key = path.to_string();
        let (value_slot, error_slot) = v.fine.with_value(|f| (f.values.find(&key), f.errors.find(&key)));
        if let Some(slot) = value_slot {
            let now = self.answers.with_untracked(|a| antrag_core::answers::get(a, path).cloned());
            if slot.try_with_untracked(|v| v != &now).unwrap_or(false) {
                slot.try_set(now);
            }
        }
        if let Some(slot) = error_slot {
            let shown = if v.flagged.with_untracked(|f| f.contains(&key)) {
                let form = self.form.get_value();
                self.answers.with_untracked(|a| antrag_core::field_error(&form, a, &self.context(), path))
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
        self.verdict.visibility.with(Visibility::visible_steps)
    }

    /// Current errors on a step, in document order.
    pub fn step_issues(&self, index: usize) -> Vec<Issue> {
        self.form
            .with_value(|f| self.verdict.errors.with(|e| antrag_core::steps::issues_on_step(f.def(), &e.issues, index)))
    }

    /// Errors the summary lists: flagged and still present on the current screen.
    pub fn summary_issues(&self) -> Vec<Issue> {
        let v = self.verdict;
        let issues = match self.nav.screen.get() {
            Screen::Step(i) => self.step_issues(i),
            Screen::Review => v.errors.with(|e| e.issues.clone()),
            Screen::Done(_) => Vec::new(),
        };
        let mut shown: Vec<Issue> =
            v.flagged.with(|f| issues.into_iter().filter(|i| f.contains(&i.path.to_string())).collect());
        for issue in v.server_issues.get() {
            if !shown.iter().any(|i| i.path == issue.path) {
                shown.push(issue);
            }
        }
        shown
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
}
