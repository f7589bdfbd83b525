//! "Schritt 2 von 5" over the step title, counting only the steps currently shown.

use leptos::prelude::*;

use crate::i18n::tf;
use crate::state::FormState;

/// The step indicator.
#[component]
pub fn Progress(state: FormState, index: usize) -> impl IntoView {
    let text = move || {
        let steps = state.shown_steps();
        let current = steps.iter().position(|s| *s == index).map_or(1, |p| p + 1);
        tf(
            &state.lang.get(),
            "step.progress",
            &[("current", &current.to_string()), ("total", &steps.len().to_string())],
        )
    };
    view! { <p class="antrag-progress">{text}</p> }
}
