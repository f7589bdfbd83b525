// Antrag embed loader: one <script type="module"> on a municipal website, then
//   <antrag-form form="bewohnerparkausweis" lang="de"></antrag-form>
// or <div data-antrag-form="bewohnerparkausweis" data-lang="de"></div>.
// Each widget renders into its own shadow root (host CSS cannot reach in, ours cannot leak
// out). Every asset is verified with Subresource Integrity. Docs: docs/embedding.md.
// The build (scripts/post-build.mjs) replaces ASSETS with the hashed file names.
const ASSETS = __ANTRAG_ASSETS__;
const here = new URL('.', import.meta.url);
const url = (name) => new URL(name, here).href;

let loading;
function load() {
  if (!loading) {
    loading = (async () => {
      // The module map then holds the verified glue; import() reuses it.
      const preload = document.createElement('link');
      preload.rel = 'modulepreload';
      preload.href = url(ASSETS.js);
      preload.integrity = ASSETS.integrity.js;
      preload.crossOrigin = 'anonymous';
      const preloaded = new Promise((resolve, reject) => {
        preload.onload = resolve;
        preload.onerror = () => reject(new Error('antrag: the app module failed its integrity check or could not be loaded'));
      });
      document.head.append(preload);
      await preloaded;
      const glue = await import(preload.href);
      const wasm = fetch(url(ASSETS.wasm), { integrity: ASSETS.integrity.wasm, mode: 'cors', credentials: 'omit' });
      await glue.default({ module_or_path: wasm });
      return glue;
    })();
  }
  return loading;
}

// Attribute (custom element) or data attribute (div) → mount option.
const OPTIONS = [
  ['form', 'form'], ['backend', 'backend'], ['lang', 'lang'], ['instance', 'instance'], ['drafts', 'drafts'],
  ['draft-days', 'draftDays'], ['ars', 'ars'], ['ags', 'ags'], ['auth-header', 'authHeader'], ['timeout', 'timeout'],
];

function options(host) {
  const div = !(host instanceof AntragForm);
  const read = (name) => host.getAttribute(div ? (name === 'form' ? 'data-antrag-form' : `data-${name}`) : name);
  const out = {};
  for (const [attr, key] of OPTIONS) {
    const value = read(attr);
    if (value !== null && value !== '') out[key] = value;
  }
  const backend = out.backend ? new URL(out.backend, location.href) : new URL('/', here);
  out.api = new URL('api/v1', backend.href.endsWith('/') ? backend.href : backend.href + '/').href;
  delete out.backend;
  if ('drafts' in out) out.drafts = !['off', 'false', 'no'].includes(out.drafts);
  for (const n of ['draftDays', 'timeout']) if (n in out) out[n] = Number(out[n]);
  return out;
}

// The widget's first screen, prerendered next to these files (`antrag-server prerender`, or the
// reference server's /prerender/), so the form shows before the wasm has arrived; the wasm
// then hydrates it. Its DOM ids carry a placeholder for the instance name. Without one the
// widget renders once the wasm runs.
const NAME = /^[A-Za-z0-9_-]+$/;
async function prerendered(opts) {
  const instance = opts.instance ?? `embed-${opts.form}`;
  const lang = opts.lang ?? 'de';
  if (![opts.form, instance, lang].every((part) => NAME.test(part))) return null;
  // Back from paying a fee (docs/payment.md): the widget shows the confirmation, not the first
  // step, so nothing prerendered.
  if (location.hash.includes('antrag-zahlung=')) return null;
  try {
    const response = await fetch(url(`prerender/${opts.form}.${lang}.html`), { credentials: 'omit' });
    if (!response.ok) return null;
    return (await response.text()).replaceAll('__ANTRAG_INSTANCE__', instance);
  } catch {
    return null;
  }
}

async function mountInto(host) {
  if (host.__antrag) return;
  host.__antrag = { pending: {} };
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  const css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = url(ASSETS.css);
  css.integrity = ASSETS.integrity.css;
  css.crossOrigin = 'anonymous';
  const container = document.createElement('div');
  container.className = 'antrag antrag--embedded';
  root.replaceChildren(css, container);
  const opts = options(host);
  // Until the app runs, the prerendered form's buttons do nothing (its forms would post to the
  // backend's pages without JavaScript and leave the host page); typing is taken over.
  let running = false;
  let failed = false;
  const hold = (event) => {
    if (!running) event.preventDefault();
  };
  container.addEventListener('submit', hold, true);
  try {
    const shown = prerendered(opts).then((html) => {
      if (!html || failed) return;
      const template = document.createElement('template');
      template.innerHTML = html;
      const data = template.content.querySelector('script#antrag-data');
      data?.remove();
      container.replaceChildren(template.content);
      if (data) root.append(data);
    });
    const glue = await load();
    await shown;
    const handle = glue.mount(host, container, JSON.stringify(opts));
    running = true;
    container.setAttribute('data-antrag-ready', '');
    host.__antrag.handle = handle;
    const { identity, prefill, authValue } = host.__antrag.pending;
    if (identity) handle.setIdentity(identity);
    if (prefill) handle.setPrefill(prefill);
    if (authValue !== undefined) handle.setAuthValue(authValue);
  } catch (error) {
    // No app: the prerendered form would do nothing; say so instead.
    failed = true;
    const notice = document.createElement('p');
    notice.className = 'antrag-notice antrag-notice--error';
    notice.setAttribute('role', 'alert');
    notice.textContent = (opts.lang ?? 'de').startsWith('de')
      ? 'Das Formular konnte nicht geladen werden. Bitte laden Sie die Seite neu oder versuchen Sie es später erneut.'
      : 'The form could not be loaded. Please reload the page or try again later.';
    container.replaceChildren(notice);
    host.dispatchEvent(new CustomEvent('antrag:error', { bubbles: true, composed: true, detail: { kind: 'load', message: String(error) } }));
    throw error;
  }
}

function unmount(host) {
  host.__antrag?.handle?.unmount();
  delete host.__antrag;
}

// Properties a host sets (before or after the widget is ready).
function hostApi(target) {
  for (const [prop, method] of [['identity', 'setIdentity'], ['prefill', 'setPrefill'], ['authValue', 'setAuthValue']]) {
    Object.defineProperty(target, prop, {
      configurable: true,
      set(value) {
        const state = this.__antrag ?? (this.__antrag = { pending: {} });
        state.pending[prop] = value;
        state.handle?.[method](value);
      },
      get() {
        return this.__antrag?.pending[prop];
      },
    });
  }
}

class AntragForm extends HTMLElement {
  connectedCallback() {
    mountInto(this);
  }
  disconnectedCallback() {
    unmount(this);
  }
}
hostApi(AntragForm.prototype);
if (!customElements.get('antrag-form')) customElements.define('antrag-form', AntragForm);

// Plain <div data-antrag-form>: now and whenever one is added later.
function scan(node) {
  if (node.nodeType !== 1) return;
  const found = node.matches('[data-antrag-form]') ? [node] : [...node.querySelectorAll('[data-antrag-form]')];
  for (const div of found) {
    hostApi(div);
    mountInto(div);
  }
}
scan(document.documentElement);
new MutationObserver((records) => {
  for (const r of records) {
    r.addedNodes.forEach(scan);
    r.removedNodes.forEach((n) => n.nodeType === 1 && n.__antrag && unmount(n));
  }
}).observe(document.documentElement, { childList: true, subtree: true });
