//! # Antrag studio
//!
//! A page for the people who set up forms (`/studio`, its own bundle — never part of the
//! citizen's download): drop a FIM XDatenfelder export (with its genericode code lists) or an
//! Antrag definition; the FIM import runs here in the browser and shows its report, antrag-core
//! lints the definition and lists every problem with its JSON pointer (a click selects the
//! place in the text and shows the question in the preview), and next to it the live form,
//! rendered by the citizen app's own components, with sample answers and the payload they
//! produce. The definition can be edited as text and downloaded. Nothing leaves the browser.

pub mod load;
pub mod pointer;
#[cfg(target_arch = "wasm32")]
pub mod ui;
