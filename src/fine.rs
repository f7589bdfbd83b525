//! Fine-grained signals per path, fed by diffing.
//!
//! The answers are one signal and antrag-core judges the whole form at once (one `validate`,
//! one `visibility`), so browser and server always agree. Components, though, read one signal
//! per path — its answer, its shown error, whether it is required, whether it is visible — and
//! after every change four plain loops compare the new verdicts with these signals and set only
//! those that changed. A keystroke in a 1000-field form re-renders that one field.

use std::collections::HashMap;

use antrag_core::{ErrorCode, FieldPath};
use leptos::prelude::*;
use serde_json::Value;

/// The signals of one kind, by path.
pub struct Slots<T: Send + Sync + 'static> {
    entries: Vec<(FieldPath, String, RwSignal<T>)>,
    index: HashMap<String, usize>,
}

impl<T: Send + Sync + 'static> Default for Slots<T> {
    fn default() -> Self {
        Slots { entries: Vec::new(), index: HashMap::new() }
    }
}

impl<T: Clone + PartialEq + Send + Sync + 'static> Slots<T> {
    /// The signal of `path`, made with `initial` under `owner` when new (so that it outlives
    /// the component that asked first: steps unmount and mount again).
    pub fn get_or_make(&mut self, owner: &Owner, path: &FieldPath, initial: impl FnOnce() -> T) -> RwSignal<T> {
        let key = path.to_string();
        if let Some(&i) = self.index.get(&key) {
            return self.entries[i].2;
        }
        let signal = owner.with(|| RwSignal::new(initial()));
        self.index.insert(key.clone(), self.entries.len());
        self.entries.push((path.clone(), key, signal));
        signal
    }

    /// The signal of a path, if one was made.
    pub fn find(&self, key: &str) -> Option<RwSignal<T>> {
        self.index.get(key).map(|&i| self.entries[i].2)
    }

    /// The changes to make: every slot whose value differs from `now(path, key)`.
    pub fn diff(&self, mut now: impl FnMut(&FieldPath, &str) -> T) -> Vec<(RwSignal<T>, T)> {
        self.entries
            .iter()
            .filter_map(|(path, key, signal)| {
                let new = now(path, key);
                let old = signal.try_with_untracked(|v| v == &new)?;
                (!old).then_some((*signal, new))
            })
            .collect()
    }
}

/// Set the signals that changed (outside any lock on the slots).
pub fn apply<T: Send + Sync + 'static>(changes: Vec<(RwSignal<T>, T)>) {
    for (signal, value) in changes {
        signal.try_set(value);
    }
}

/// All per-path signals of a form.
#[derive(Default)]
pub struct Fine {
    /// Answers.
    pub values: Slots<Option<Value>>,
    /// Shown errors.
    pub errors: Slots<Option<ErrorCode>>,
    /// Required now.
    pub required: Slots<bool>,
    /// Visible now.
    pub visible: Slots<bool>,
}
