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

/// The placeholder a prerendered widget carries for its instance name (DOM ids start with it);
/// the embed loader writes the element's instance in its place.
pub const INSTANCE_PLACEHOLDER: &str = "__ANTRAG_INSTANCE__";

/// A widget's first screen for embedding (`antrag-server prerender`, and the reference
/// server's `/prerender/{form}.{lang}.html`): the markup of the widget's container followed by
/// its data block, for the loader to put into the shadow root before the wasm arrives.
pub fn render_embedded(form: crate::page_data::FormData, lang: &str) -> String {
    let data = PageData {
        lang: lang.to_owned(),
        page: crate::page_data::Page::Form(Box::new(form)),
        embedded: Some(INSTANCE_PLACEHOLDER.to_owned()),
    };
    let owner = Owner::new_root(Some(Arc::new(hydration_context::SsrSharedContext::new())));
    let html = owner.with(|| {
        provide_context(crate::config::ClientConfig {
            instance: INSTANCE_PLACEHOLDER.to_owned(),
            ..crate::config::ClientConfig::default()
        });
        let id = match &data.page {
            crate::page_data::Page::Form(f) => f.definition["id"].as_str().unwrap_or_default().to_owned(),
            _ => String::new(),
        };
        let prerendered = Some(data.clone());
        view! { <crate::embed::EmbeddedApp form=id lang=data.lang.clone() instance=INSTANCE_PLACEHOLDER.to_owned() prerendered=prerendered /> }
            .to_html()
    });
    drop(owner);
    format!(
        "{html}<script type=\"application/json\" id=\"{}\">{}</script>\n",
        crate::page_data::DATA_ID,
        data.to_block()
    )
}
