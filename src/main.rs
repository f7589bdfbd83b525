//! Entry point of the web app: the panic hook, then mount.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    antrag::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The Antrag web app runs in the browser: build it with `make build` (trunk), serve it with `make run`.");
}
