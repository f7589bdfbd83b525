//! A field: the one exhaustive mapping from the core's [`WidgetKind`] to a component.

use std::sync::Arc;

use antrag_core::definition::Field;
use antrag_core::{FieldPath, WidgetKind};
use leptos::prelude::*;

use super::checkbox::Checkbox;
use super::checkboxes::Checkboxes;
use super::date_input::DateInput;
use super::field_ctx::FieldCtx;
use super::file_upload::FileUpload;
use super::locked_value::LockedValue;
use super::radios::Radios;
use super::select_input::SelectInput;
use super::static_text::StaticText;
use super::text_input::TextInput;
use super::textarea::Textarea;
use super::time_input::TimeInput;
use super::unsupported::Unsupported;
use super::yes_no::YesNo;
use crate::state::FormState;

/// Render one field with the widget the core chose.
#[component]
pub fn FieldView(state: FormState, field: Arc<Field>, path: FieldPath) -> impl IntoView {
    let ctx = FieldCtx::new(state, field, path);
    match ctx.widget {
        WidgetKind::Text
        | WidgetKind::Email
        | WidgetKind::Phone
        | WidgetKind::Plz
        | WidgetKind::Iban
        | WidgetKind::Number
        | WidgetKind::Currency => view! { <TextInput ctx=ctx /> }.into_any(),
        WidgetKind::Textarea => view! { <Textarea ctx=ctx /> }.into_any(),
        WidgetKind::Date => view! { <DateInput ctx=ctx with_time=false /> }.into_any(),
        WidgetKind::DateTime => view! { <DateInput ctx=ctx with_time=true /> }.into_any(),
        WidgetKind::Time => view! { <TimeInput ctx=ctx /> }.into_any(),
        WidgetKind::Select => view! { <SelectInput ctx=ctx /> }.into_any(),
        WidgetKind::Radios => view! { <Radios ctx=ctx /> }.into_any(),
        WidgetKind::Checkboxes => view! { <Checkboxes ctx=ctx /> }.into_any(),
        WidgetKind::YesNo => view! { <YesNo ctx=ctx /> }.into_any(),
        WidgetKind::Checkbox => view! { <Checkbox ctx=ctx /> }.into_any(),
        WidgetKind::File => view! { <FileUpload ctx=ctx /> }.into_any(),
        WidgetKind::StaticText => view! { <StaticText ctx=ctx /> }.into_any(),
        WidgetKind::Locked => view! { <LockedValue ctx=ctx /> }.into_any(),
        // Hidden fields carry their value in the payload; there is nothing to show.
        WidgetKind::Hidden => ().into_any(),
        WidgetKind::Unsupported => view! { <Unsupported ctx=ctx /> }.into_any(),
    }
}
