//! The form as the authoring studio shows it (feature `preview`, never in the citizen's
//! bundle): the answers are mirrored out to the studio as they change, and "send" shows the
//! confirmation without sending anything — nothing leaves the browser.

use std::cell::Cell;

use antrag_core::Answers;
use leptos::prelude::*;

thread_local! {
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
}

/// Context the studio provides around a previewed form: where its answers go.
#[derive(Clone, Copy)]
pub struct Preview {
    /// The form's current answers.
    pub answers: RwSignal<Answers>,
}

/// Make every form on this page a preview (the studio calls it once, before it shows one).
pub fn activate() {
    ACTIVE.with(|a| a.set(true));
}

/// Whether forms on this page are previews.
pub fn active() -> bool {
    ACTIVE.with(Cell::get)
}

/// The receipt a previewed form shows after "send".
pub fn receipt() -> crate::api::Receipt {
    crate::api::Receipt {
        reference: "VORSCHAU".to_owned(),
        received_at: js_sys::Date::new_0().to_iso_string().into(),
        status: "preview".to_owned(),
        status_url: String::new(),
        payment_url: None,
    }
}
