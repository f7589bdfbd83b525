//! Components, one per file. Widgets receive a [`field_ctx::FieldCtx`]; none of them validates:
//! errors come from antrag-core's report in [`crate::state::FormState`].

pub mod checkbox;
pub mod checkboxes;
pub mod date_input;
pub mod draft_notice;
pub mod error_message;
pub mod error_summary;
pub mod fee_table;
pub mod field;
pub mod field_ctx;
pub mod fieldset_group;
pub mod file_upload;
pub mod footer;
pub mod form_group;
pub mod group;
pub mod header;
pub mod language_switch;
pub mod legal_basis;
pub mod locked_value;
pub mod node;
pub mod progress;
pub mod radios;
pub mod repeat;
pub mod select_input;
pub mod static_text;
pub mod summary_list;
pub mod tab_conflict;
pub mod text_input;
pub mod textarea;
pub mod time_input;
pub mod unsupported;
pub mod yes_no;
