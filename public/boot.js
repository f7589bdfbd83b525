// Loads the Antrag web app. A static module instead of Trunk's inline loader, so that pages
// work under a Content-Security-Policy without 'unsafe-inline'.
const tag = document.querySelector('script[data-antrag-js]');
const { default: init } = await import(tag.dataset.antragJs);
await init({ module_or_path: tag.dataset.antragWasm });
