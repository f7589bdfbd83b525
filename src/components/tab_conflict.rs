//! Two tabs on the same form: when the other tab changes the stored answers, this tab says so
//! and lets the citizen choose — nothing is overwritten silently.

use leptos::prelude::*;

use crate::i18n::t;
use crate::state::FormState;

/// The banner (while another tab's change is undecided).
#[component]
pub fn TabConflict(state: FormState) -> impl IntoView {
    view! {
        <Show when=move || state.drafts.conflict.get().is_some()>
            <div class="antrag-notice antrag-notice--warning" role="alert">
                <p>
                    {move || {
                        let deleted = matches!(state.drafts.conflict.get(), Some(None));
                        t(&state.lang.get(), if deleted { "conflict.deleted" } else { "conflict.text" })
                    }}
                </p>
                <div class="antrag-button-group">
                    <Show when=move || matches!(state.drafts.conflict.get(), Some(Some(_)))>
                        <button type="button" class="antrag-button" data-action="take-other-tab" on:click=move |_| state.take_other_tab()>
                            {move || t(&state.lang.get(), "conflict.take")}
                        </button>
                    </Show>
                    <button type="button" class="antrag-button antrag-button--secondary" data-action="keep-this-tab" on:click=move |_| state.keep_this_tab()>
                        {move || t(&state.lang.get(), "conflict.keep")}
                    </button>
                </div>
            </div>
        </Show>
    }
}
