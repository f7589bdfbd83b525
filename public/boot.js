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
// Asked for before the glue module arrives: the wasm compiles while it downloads.
const wasm = wasmModule(tag.dataset.antragWasm, preload);
const { default: init } = await import(tag.dataset.antragJs);
await init({ module_or_path: await wasm });

// The wasm, checked against its integrity hash. A fetch with `integrity` hands over nothing
// before the whole body is there and checked, so nothing could compile during the download. On
// pages the server renders, the hash is on the preload as data-antrag-integrity instead (so
// that this plain fetch takes over the preload): the module compiles from the stream while a
// copy of the bytes is hashed, and it is used only if the hash matches. The static index.html
// keeps the preload's own integrity, which the browser checks.
async function wasmModule(url, preload) {
  const expected = preload && preload.dataset.antragIntegrity;
  if (!expected) return fetch(url, preload && preload.integrity ? { integrity: preload.integrity } : {});
  // As SRI reads it: hashes separated by spaces, options after '?'; the strongest algorithm
  // present counts, and any of its hashes may match.
  const names = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };
  const hashes = expected.split(/\s+/).map((h) => h.split('?')[0]).filter((h) => names[h.split('-')[0]]);
  const strongest = ['sha512', 'sha384', 'sha256'].find((a) => hashes.some((h) => h.startsWith(`${a}-`)));
  if (!strongest || !globalThis.crypto || !crypto.subtle || !WebAssembly.compileStreaming) {
    return fetch(url, { integrity: expected });
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Antrag: the app's code could not be loaded (HTTP ${response.status})`);
  const bytes = response.clone().arrayBuffer();
  // A proxy that changes the media type stops streaming compilation, not the app.
  const streamed = WebAssembly.compileStreaming(response).catch(() => null);
  const digest = new Uint8Array(await crypto.subtle.digest(names[strongest], await bytes));
  const actual = `${strongest}-${btoa(String.fromCharCode(...digest))}`;
  if (!hashes.includes(actual)) throw new Error("Antrag: the app's code does not match its integrity hash; it is not started");
  return (await streamed) || WebAssembly.compile(await bytes);
}
