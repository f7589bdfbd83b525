//! Rendering on the server (feature `ssr`): the app's own components, built from a page's
//! data ([`PageData`]) and written as HTML, which the browser's bundle then hydrates
//! ([`crate::boot`]). One component tree for both; nothing here renders a second way.

use std::sync::Arc;

use leptos::prelude::*;

use crate::page_data::PageData;

/// A page rendered to HTML.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// The app's markup: the content of `<div id="antrag-app">`.
    pub html: String,
    /// The document title.
    pub title: String,
    /// The language of the page (`<html lang>`; Leichte Sprache is `de`).
    pub lang: String,
    /// The data block's text (`<script type="application/json" id="antrag-data">`).
    pub data: String,
}

/// Render a page.
pub fn render(data: &PageData) -> Rendered {
    let owner = Owner::new_root(Some(Arc::new(hydration_context::SsrSharedContext::new())));
    let title = owner.with(|| RwSignal::new(String::new()));
    let html = owner.with(|| {
        provide_context(crate::config::ClientConfig::default());
        provide_context(crate::title::TitleSink(title));
        let data = data.clone();
        view! { <crate::app::App data=data /> }.to_html()
    });
    let title = title.get_untracked();
    drop(owner);
    let lang = if data.lang == antrag_core::text::LEICHTE_SPRACHE { "de".to_owned() } else { data.lang.clone() };
    Rendered { html, title, lang, data: data.to_block() }
}
