// Loads the Antrag web app. A static module instead of Trunk's inline loader, so that pages
// work under a Content-Security-Policy without 'unsafe-inline'. The glue module is verified by
// its <link rel=modulepreload integrity>; the wasm is fetched with its integrity here.
//
// A page the server rendered carries its data (#antrag-data) and is hydrated. On a page
// without (a static index.html) the definition and its transport are requested at once,
// while the wasm downloads and compiles (the app takes them from window.__antragPrefetch).
const form = location.pathname.match(/^\/forms\/([^/]+)$/);
if (form && !document.getElementById('antrag-data')) {
  const api = `/api/v1/forms/${form[1]}`;
  window.__antragPrefetch = {
    id: decodeURIComponent(form[1]),
    definition: fetch(api),
    transport: fetch(`${api}/transport`),
  };
}
const tag = document.querySelector('script[data-antrag-js]');
const preload = document.querySelector('link[rel=preload][as=fetch]');
const { default: init } = await import(tag.dataset.antragJs);
const wasm = fetch(tag.dataset.antragWasm, preload && preload.integrity ? { integrity: preload.integrity } : {});
await init({ module_or_path: wasm });
