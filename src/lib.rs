//! # Antrag web app
//!
//! Renders any antrag-core definition as an accessible, multi-step form in the citizen's
//! browser (Leptos, client-side rendering), validates with the same antrag-core code the
//! server uses, and submits over the open contract.
//!
//! The pure parts ([`i18n`], [`format`]) build and test natively; everything touching the DOM
//! is compiled for `wasm32` only.

pub mod fit;
pub mod format;
pub mod i18n;
pub mod progressive;

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod config;
#[cfg(target_arch = "wasm32")]
pub mod dom;
#[cfg(target_arch = "wasm32")]
pub mod draft;
#[cfg(target_arch = "wasm32")]
pub mod embed;
#[cfg(target_arch = "wasm32")]
pub mod embedding;
#[cfg(target_arch = "wasm32")]
pub mod file_store;
#[cfg(target_arch = "wasm32")]
pub mod fine;
#[cfg(target_arch = "wasm32")]
pub mod fit_send;
#[cfg(target_arch = "wasm32")]
pub mod pages;
#[cfg(target_arch = "wasm32")]
pub mod state;

#[cfg(target_arch = "wasm32")]
pub use app::start;
