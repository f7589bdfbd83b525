//! # Antrag web app
//!
//! Renders any antrag-core definition as an accessible, multi-step form, validates with the
//! same antrag-core code the server uses, and submits over the open contract. The same
//! components render on the server (feature `ssr`, [`ssr`]) — every page works without
//! JavaScript — and in the browser (feature `hydrate`, [`boot`]), which hydrates the server's
//! HTML and takes over.
//!
//! Browser APIs are reached through [`dom`], which does nothing outside a browser.

#[cfg(all(target_arch = "wasm32", feature = "ssr"))]
compile_error!("the `ssr` feature is the server's renderer; the browser bundle uses `hydrate`");

pub mod api;
pub mod app;
pub mod boot;
pub mod components;
pub mod config;
pub mod dom;
pub mod draft;
pub mod embed;
pub mod embedding;
pub mod file_store;
pub mod fine;
pub mod fit;
pub mod fit_send;
pub mod form_post;
pub mod format;
pub mod i18n;
pub mod json;
pub mod page_data;
pub mod pages;
#[cfg(feature = "preview")]
pub mod preview;
pub mod progressive;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod state;
pub mod title;
pub mod x509;

#[cfg(feature = "hydrate")]
pub use boot::start;
