//! Entry point of the studio page.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    antrag_studio::ui::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The Antrag studio runs in the browser: `make web` builds it into dist/studio, `make run` serves it on /studio.");
}
