//! What a widget knows about its field: the definition, its path and DOM id, the widget the
//! core chose, and the field's own signals (answer, shown error, required). Widgets import
//! this; [`super::field`] maps the core's widget kind to a widget.

use std::sync::Arc;

use antrag_core::definition::Field;
use antrag_core::{ErrorCode, FieldPath, WidgetKind};
use leptos::prelude::*;
use serde_json::Value;

use crate::format;
use crate::i18n::t;
use crate::state::FormState;

/// What a widget needs about its field. Cheap to clone: signals are arena handles.
#[derive(Clone)]
pub struct FieldCtx {
    /// The form.
    pub state: FormState,
    /// The field's definition.
    pub field: Arc<Field>,
    /// Runtime path.
    pub path: FieldPath,
    /// DOM id (`{id}`, `{id}-hint`, `{id}-error`, `{id}-label`).
    pub id: String,
    /// The control's `name`: the data path, as a form posted without JavaScript carries it
    /// (see [`crate::form_post`]).
    pub name: String,
    /// The widget chosen by the core.
    pub widget: WidgetKind,
    /// The answer.
    pub value: RwSignal<Option<Value>>,
    /// The error shown (flagged and present).
    pub error: RwSignal<Option<ErrorCode>>,
    /// Whether an error is shown: what classes and ARIA attributes follow, so a message that
    /// changes into another one touches nothing but its text.
    pub has_error: Memo<bool>,
    /// Whether an answer is needed now.
    pub required: RwSignal<bool>,
}

impl FieldCtx {
    /// Build the context (the field's own signals, fed by the state after every change).
    pub fn new(state: FormState, field: Arc<Field>, path: FieldPath) -> Self {
        let widget = antrag_core::select_widget(&field);
        let id = state.dom_id(&path);
        let value = state.value_signal(&path);
        let error = state.error_signal(&path);
        let required = state.required_signal(&path);
        let has_error = Memo::new(move |_| error.with(Option::is_some));
        let name = crate::form_post::control_name(&path, None);
        FieldCtx { state, field, path, id, name, widget, value, error, has_error, required }
    }

    /// The answer as text when the field is built: the `value` attribute the server renders,
    /// so the page shows the answers without JavaScript (the live value is a property).
    pub fn initial_text(&self) -> String {
        match self.value.get_untracked() {
            Some(Value::String(s)) => s,
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        }
    }

    /// The language.
    pub fn lang(&self) -> String {
        self.state.lang.get()
    }

    /// A definition text in the current language.
    pub fn text(&self, text: &antrag_core::Text) -> String {
        let dl = self.state.form.with_value(|f| f.def().default_language.clone());
        text.resolve(&self.state.lang.get(), &dl).to_owned()
    }

    /// The label.
    pub fn label(&self) -> String {
        self.text(&self.field.label)
    }

    /// The hint, if any.
    pub fn hint(&self) -> Option<String> {
        self.field.hint.as_ref().map(|h| self.text(h))
    }

    /// The answer as text ("" when absent).
    pub fn text_value(&self) -> String {
        match self.value.get() {
            Some(Value::String(s)) => s,
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        }
    }

    /// Set the answer.
    pub fn set(&self, value: Value) {
        self.state.set(&self.path, value);
    }

    /// Set a text answer as it is typed; an empty text clears it (empty means absent). The
    /// rest of the form follows after the next frame (see [`FormState::set_typed`]).
    pub fn set_text(&self, text: String) {
        self.state.set_typed(&self.path, if text.is_empty() { Value::Null } else { Value::String(text) });
    }

    /// The message of the shown error.
    pub fn error_text(&self) -> Option<String> {
        let error = self.error.get()?;
        let lang = self.state.lang.get();
        Some(self.state.form.with_value(|f| {
            format::error_message(&lang, f.def(), &self.field.label, Some(&self.field), Some(self.widget), &error)
        }))
    }

    /// `aria-describedby`: hint, then error.
    pub fn describedby(&self) -> Option<String> {
        let mut ids = Vec::new();
        if self.field.hint.is_some() {
            ids.push(format!("{}-hint", self.id));
        }
        if self.has_error.get() {
            ids.push(format!("{}-error", self.id));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }

    /// " (optional)" for fields that need no answer (KERN marks optional, not required fields).
    pub fn optional_marker(&self) -> Option<String> {
        (!self.required.get()).then(|| format!(" {}", t(&self.lang(), "optional")))
    }

    /// The autocomplete token.
    pub fn autocomplete(&self) -> Option<String> {
        self.field.autocomplete.clone()
    }
}
