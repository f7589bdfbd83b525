//! The document title of a page. A page states its title once: the browser shows it (and
//! follows the language), the server writes it into the `<title>` of the HTML it renders.

use leptos::prelude::*;

/// Where the server's renderer collects the title of the page it renders.
#[derive(Clone, Copy)]
pub struct TitleSink(pub RwSignal<String>);

/// The title of the page being built. An embedded widget leaves its host's title alone.
pub fn show_title(embedded: bool, title: impl Fn() -> String + Send + Sync + 'static) {
    if let Some(sink) = use_context::<TitleSink>() {
        sink.0.set(untrack(&title));
    }
    if !embedded {
        Effect::new(move |_| crate::dom::set_title(&title()));
    }
}
