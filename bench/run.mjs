// The browser benchmark (`make bench`): generated forms of 20, 200 and 1000 fields, all on one
// page, in Debian's headless Chromium against the release build and the reference server, and
// the same forms hand-written in plain HTML + JS (bench/baseline.mjs) as the lower bound.
//
// Per form, variant and CPU throttling (1× and 4×, CDP Emulation.setCPUThrottlingRate), the
// median of RUNS fresh browser contexts of:
//   first input   navigation start → the first input is visible
//   all fields    navigation start → the last field is in the DOM
//   submit empty  click "Weiter" with nothing filled → every error message in the DOM
//   keystroke     one character typed into a flagged field → its message updated in the DOM
//                 (both observed with a MutationObserver, so synchronous handlers and
//                 frameworks that render in a microtask are measured alike); the first
//                 keystroke (cold: code compiled on first use) and the median of eight more
//   heap          JS heap used after render (CDP Performance.getMetrics)
// plus the bytes shipped (raw, gzip, brotli). Writes target/bench/results.json and .md.

import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, readdirSync, writeFileSync, rmSync, statSync } from 'node:fs';
import { join, extname } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { chromium } from '@playwright/test';
import { baseline } from './baseline.mjs';

const SIZES = (process.env.BENCH_SIZES ?? '20,200,1000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const THROTTLES = [1, 4];
const SERVER = process.env.ANTRAG_SERVER_BIN ?? 'target/release/antrag-server';
const OUT = 'target/bench';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** The first and third quartile (nearest rank): the middle half of the runs. */
const quartiles = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return [s[Math.floor((s.length - 1) / 4)], s[Math.ceil((3 * (s.length - 1)) / 4)]];
};
const sizes = (buffers) => {
  const raw = Buffer.concat(buffers);
  return {
    raw: buffers.reduce((n, b) => n + b.length, 0),
    gzip: buffers.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0),
    brotli: buffers.reduce((n, b) => n + brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length, 0),
    files: buffers.length,
    _check: raw.length,
  };
};

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

async function waitFor(url) {
  for (let i = 0; i < 400; i++) {
    try { if ((await fetch(url)).ok) return; } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not come up`);
}

// ---- set-up: forms, baseline pages, servers ---------------------------------------------

rmSync(OUT, { recursive: true, force: true });
mkdirSync(join(OUT, 'forms'), { recursive: true });
const defs = {};
for (const n of SIZES) {
  const json = execFileSync(SERVER, ['generate-form', '--fields', String(n), '--one-page'], { encoding: 'utf8' });
  writeFileSync(join(OUT, 'forms', `generiert-${n}.json`), json);
  defs[n] = JSON.parse(json);
  const page = baseline(defs[n]);
  mkdirSync(join(OUT, 'baseline', String(n)), { recursive: true });
  writeFileSync(join(OUT, 'baseline', String(n), 'index.html'), page.html);
  writeFileSync(join(OUT, 'baseline', String(n), 'form.js'), page.js);
  writeFileSync(join(OUT, 'baseline', String(n), 'form.css'), page.css);
  // The plain server-rendered page: the same HTML and CSS, no script (what a server-side form
  // framework sends); the lower bound for "first input visible".
  mkdirSync(join(OUT, 'baseline', `${n}-plain`), { recursive: true });
  writeFileSync(join(OUT, 'baseline', `${n}-plain`, 'index.html'), page.html.replace('<script src="form.js"></script>', ''));
  writeFileSync(join(OUT, 'baseline', `${n}-plain`, 'form.css'), page.css);
}

const apiPort = await freePort();
const server = spawn(SERVER, ['--addr', `127.0.0.1:${apiPort}`, '--data-dir', join(OUT, 'data'), '--forms-dir', join(OUT, 'forms'),
  '--codelists-dir', 'codelists', '--dist-dir', 'dist', '--rate-limit', '0', '--log-format', 'json'], { stdio: 'ignore' });
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };
// Served compressed, as production would (brotli when accepted, else gzip).
const static_ = createServer((req, res) => {
  try {
    const path = join(OUT, 'baseline', decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/\/$/, '/index.html'));
    const body = readFileSync(path);
    const accepts = String(req.headers['accept-encoding'] ?? '');
    const [encoding, encoded] = accepts.includes('br')
      ? ['br', brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } })]
      : accepts.includes('gzip') ? ['gzip', gzipSync(body, { level: 9 })] : [null, body];
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-cache', ...(encoding ? { 'content-encoding': encoding, vary: 'accept-encoding' } : {}) });
    res.end(encoded);
  } catch { res.writeHead(404); res.end(); }
});
const basePort = await freePort();
await new Promise((r) => static_.listen(basePort, '127.0.0.1', r));
process.on('exit', () => server.kill());
await waitFor(`http://127.0.0.1:${apiPort}/api/v1/health`);
// BENCH_COMPARE_DIST=DIR: the phone runs also load another build of the web app (e.g. the dist/
// of an earlier commit), from a second server, in turns with this one — an A/B comparison that
// a noisy machine cannot tilt, since a slow minute falls on both.
const compareDist = process.env.BENCH_COMPARE_DIST;
const comparePort = compareDist ? await freePort() : null;
const compareServer = compareDist
  ? spawn(SERVER, ['--addr', `127.0.0.1:${comparePort}`, '--data-dir', join(OUT, 'data-compare'), '--forms-dir', join(OUT, 'forms'),
    '--codelists-dir', 'codelists', '--dist-dir', compareDist, '--rate-limit', '0', '--log-format', 'json'], { stdio: 'ignore' })
  : null;
if (compareServer) {
  process.on('exit', () => compareServer.kill());
  await waitFor(`http://127.0.0.1:${comparePort}/api/v1/health`);
}

// ---- what each variant looks like ---------------------------------------------------------

const variants = {
  antrag: {
    url: (n) => `http://127.0.0.1:${apiPort}/forms/generiert-${n}?lang=de`,
    last: (n) => `#f-abschnitt_${n / 10 - 1}-f${n / 10 - 1}_8`,
    submit: 'button[data-action="next"]',
    errors: '.antrag-error-message',
    key: '#f-abschnitt_0-f0_1',
    message: '#f-abschnitt_0-f0_1-error',
  },
  baseline: {
    url: (n) => `http://127.0.0.1:${basePort}/${n}/`,
    last: (n) => `#f${n / 10 - 1}_8`,
    submit: 'button[type="submit"]',
    errors: '.err:not([hidden])',
    key: '#f0_1',
    message: '#f0_1-error',
  },
};

/** Required fields shown on the empty form: each gets an error. */
const expectedErrors = (def) => def.items.flatMap((g) => g.items).filter((f) => f.required && !f.visibleIf).length;

async function measure(browser, variant, n, throttle) {
  const v = variants[variant];
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'de-DE' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  if (throttle > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  // Measured from outside the page (Playwright polls), as on the phone: an in-page timer
  // started at "commit" may never run on a page that replaces its document's content.
  const t0 = Date.now();
  await page.goto(v.url(n), { waitUntil: 'commit' });
  await page.locator('main input:not([type=hidden]), form input:not([type=hidden])').first().waitFor({ state: 'visible', timeout: 60_000 });
  const first = Date.now() - t0;
  await page.locator(v.last(n)).waitFor({ state: 'attached', timeout: 60_000 });
  const load = { first, all: Date.now() - t0 };
  // The server-rendered page shows its inputs before the app runs; interactions are measured
  // once the app has taken over (a click before that would be the no-JavaScript form post).
  if (variant === 'antrag') await page.locator('#antrag-app[data-hydrated]').waitFor({ state: 'attached', timeout: 60_000 });
  const metrics = await cdp.send('Performance.getMetrics');
  const heap = metrics.metrics.find((m) => m.name === 'JSHeapUsedSize').value;
  const expected = expectedErrors(defs[n]);
  // Until the DOM holds every message: a MutationObserver sees each change as it happens (a
  // framework that renders in a microtask is measured as fairly as a synchronous handler).
  const submit = await page.evaluate(({ button, errors, expected }) => new Promise((resolve) => {
    const t0 = performance.now();
    const done = () => document.querySelectorAll(errors).length >= expected;
    const observer = new MutationObserver(() => { if (done()) { observer.disconnect(); resolve(performance.now() - t0); } });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    document.querySelector(button).click();
    if (done()) { observer.disconnect(); resolve(performance.now() - t0); }
  }), { button: v.submit, errors: v.errors, expected });
  const shown = await page.locator(v.errors).count();
  // Nine keystrokes into the same field, each changing its message ("too short" ↔
  // "required"): the first one is cold (the engine compiles the code it runs on first use),
  // the others show the steady state. Each waits for the page to go quiet before the next.
  const keys = [];
  for (let j = 0; j < 9; j++) {
    keys.push(await page.evaluate(({ key, message, text }) => new Promise((resolve) => {
      const input = document.querySelector(key);
      const before = document.querySelector(message)?.textContent;
      const changed = () => { const now = document.querySelector(message)?.textContent; return now && now !== before; };
      const t0 = performance.now();
      const observer = new MutationObserver(() => { if (changed()) { observer.disconnect(); resolve(performance.now() - t0); } });
      observer.observe(document.body, { subtree: true, childList: true, characterData: true });
      input.value = text;
      input.dispatchEvent(new InputEvent('input', { bubbles: true, data: text || null, inputType: text ? 'insertText' : 'deleteContentBackward' }));
      if (changed()) { observer.disconnect(); resolve(performance.now() - t0); }
    }), { key: v.key, message: v.message, text: j % 2 === 0 ? 'a' : '' }));
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 100))));
  }
  await context.close();
  return { first: load.first, all: load.all, submit, keystroke: keys[0], keystrokeWarm: median(keys.slice(1)), heap, errors: shown, expected };
}

// ---- on a phone: slow 4G and a slow CPU (Lighthouse's mobile profile) -----------------------
//   first input   navigation start → the first input is visible (measured from outside the page,
//                 so pages without JavaScript are measured the same way)
//   interactive   navigation start → the app has taken over: Antrag's page is hydrated (a
//                 keystroke in a flagged field then updates its message — checked after each
//                 run); the hand-written page's script has run (DOMContentLoaded)

const SLOW_4G = { offline: false, latency: 150, downloadThroughput: 200000, uploadThroughput: 93750 };
const phoneVariants = {
  'antrag': { url: (n) => variants.antrag.url(n), javascript: true },
  'antrag, no JS': { url: (n) => variants.antrag.url(n), javascript: false },
  'hand-written JS': { url: (n) => variants.baseline.url(n), javascript: true },
  'plain server-rendered': { url: (n) => `http://127.0.0.1:${basePort}/${n}-plain/`, javascript: false },
};
if (compareDist) phoneVariants[`antrag from ${compareDist}`] = { url: (n) => `http://127.0.0.1:${comparePort}/forms/generiert-${n}?lang=de`, javascript: true, app: true };
phoneVariants.antrag.app = true;

async function measurePhone(browser, name, n) {
  const v = phoneVariants[name];
  const context = await browser.newContext({ viewport: { width: 412, height: 915 }, locale: 'de-DE', javaScriptEnabled: v.javascript });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const t0 = Date.now();
  await page.goto(v.url(n), { waitUntil: 'commit' });
  await page.locator('main input:not([type=hidden])').first().waitFor({ state: 'visible', timeout: 60_000 });
  const first = Date.now() - t0;
  let interactive = null;
  if (v.app) {
    await page.locator('#antrag-app[data-hydrated]').waitFor({ state: 'attached', timeout: 60_000 });
    interactive = Date.now() - t0;
    // It really is the app: "next" flags the empty step, a keystroke updates the message.
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    await page.locator('button[data-action="next"]').click();
    const message = page.locator('#f-abschnitt_0-f0_1-error');
    await message.waitFor({ state: 'visible' });
    const before = await message.innerText();
    await page.locator('#f-abschnitt_0-f0_1').fill('a');
    await page.waitForFunction(([sel, was]) => document.querySelector(sel)?.textContent !== was, ['#f-abschnitt_0-f0_1-error', before]);
  } else if (name === 'hand-written JS') {
    await page.waitForLoadState('domcontentloaded');
    interactive = Date.now() - t0;
  }
  await context.close();
  return { first, interactive };
}

const PHONE_SIZES = (process.env.BENCH_PHONE_SIZES ?? '20,200').split(',').map(Number).filter((n) => SIZES.includes(n));

// ---- run ------------------------------------------------------------------------------------

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking'],
});
const version = browser.version();
const phone = [];
// The variants take turns, run by run (A B C D A B C D …), so that a slow minute of a noisy
// machine falls on all of them alike instead of on one variant's block of runs.
const PHONE_RUNS = Number(process.env.BENCH_PHONE_RUNS ?? Math.max(RUNS, 9));
for (const n of PHONE_SIZES) {
  const runs = Object.fromEntries(Object.keys(phoneVariants).map((name) => [name, []]));
  for (let i = 0; i < PHONE_RUNS; i++) {
    for (const name of Object.keys(phoneVariants)) runs[name].push(await measurePhone(browser, name, n));
  }
  for (const name of Object.keys(phoneVariants)) {
    const firsts = runs[name].map((r) => r.first);
    const row = { fields: n, variant: name, runs: PHONE_RUNS, firstInputMs: median(firsts), firstInputRangeMs: quartiles(firsts), interactiveMs: runs[name][0].interactive === null ? null : median(runs[name].map((r) => r.interactive)) };
    phone.push(row);
    console.log(`phone ${name.padEnd(22)} N=${String(n).padStart(4)} first input ${row.firstInputMs} ms (middle half ${row.firstInputRangeMs.join('–')})${row.interactiveMs === null ? '' : `, interactive ${row.interactiveMs} ms`}`);
  }
}
const results = [];
for (const n of process.env.BENCH_PHONE_ONLY ? [] : SIZES) {
  for (const throttle of THROTTLES) {
    for (const variant of Object.keys(variants)) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await measure(browser, variant, n, throttle));
      if (runs.some((r) => r.errors < r.expected)) throw new Error(`${variant} ${n}: fewer errors than required fields`);
      const m = (k) => median(runs.map((r) => r[k]));
      const row = { fields: n, throttle, variant, runs: RUNS, firstInputMs: m('first'), allFieldsMs: m('all'), submitEmptyMs: m('submit'), keystrokeMs: m('keystroke'), keystrokeWarmMs: m('keystrokeWarm'), heapBytes: m('heap'), errorsShown: runs[0].errors };
      results.push(row);
      console.log(`${variant.padEnd(8)} N=${String(n).padStart(4)} ${throttle}× first ${row.firstInputMs.toFixed(0)} ms, all ${row.allFieldsMs.toFixed(0)} ms, submit ${row.submitEmptyMs.toFixed(0)} ms, key ${row.keystrokeMs.toFixed(1)} ms (warm ${row.keystrokeWarmMs.toFixed(1)}), heap ${(row.heapBytes / 1e6).toFixed(1)} MB`);
    }
  }
}
await browser.close();
server.kill();
compareServer?.kill();
static_.close();

// ---- bytes ----------------------------------------------------------------------------------

const dist = readdirSync('dist').filter((f) => /\.(wasm|js|css|html)$/.test(f) && !f.startsWith('embed'));
const appFiles = dist.filter((f) => statSync(join('dist', f)).isFile());
const read = (f) => readFileSync(join('dist', f));
const bytes = {
  antrag: {
    wasm: sizes(appFiles.filter((f) => f.endsWith('.wasm')).map(read)),
    js: sizes(appFiles.filter((f) => f.endsWith('.js')).map(read)),
    css: sizes(appFiles.filter((f) => f.endsWith('.css')).map(read)),
    html: sizes(appFiles.filter((f) => f.endsWith('.html')).map(read)),
  },
  baseline: Object.fromEntries(SIZES.map((n) => [n, sizes(['index.html', 'form.js', 'form.css'].map((f) => readFileSync(join(OUT, 'baseline', String(n), f))))])),
};
bytes.antrag.total = sizes(appFiles.map(read));

// ---- report ---------------------------------------------------------------------------------

const get = (n, t, v) => results.find((r) => r.fields === n && r.throttle === t && r.variant === v);
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
let md = `# Antrag browser benchmark\n\nHeadless Chromium ${version}, median of ${RUNS} fresh contexts; forms generated by antrag-core (sections of ten, one page). Baseline: the same form hand-written in HTML + JS.\n\n`;
md += `## Bytes shipped (app: wasm + js + css + html)\n\n| | raw | gzip | brotli |\n|---|---:|---:|---:|\n`;
for (const k of ['wasm', 'js', 'css', 'html', 'total']) md += `| Antrag ${k} | ${kb(bytes.antrag[k].raw)} | ${kb(bytes.antrag[k].gzip)} | ${kb(bytes.antrag[k].brotli)} |\n`;
for (const n of SIZES) md += `| baseline, ${n} fields (html + js + css) | ${kb(bytes.baseline[n].raw)} | ${kb(bytes.baseline[n].gzip)} | ${kb(bytes.baseline[n].brotli)} |\n`;
md += `\nThe app's bytes do not grow with the form; the page the server renders carries the form's markup and its definition (data).\n\n`;
md += `## On a phone: slow 4G (150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up) and 4× CPU (ms, median of ${PHONE_RUNS}, the variants in turns)\n\n`;
md += `| N | page | first input visible | middle half of the runs | ratio to plain | interactive |\n|---:|---|---:|---:|---:|---:|\n`;
for (const n of PHONE_SIZES) {
  const plain = phone.find((r) => r.fields === n && r.variant === 'plain server-rendered');
  for (const r of phone.filter((r) => r.fields === n)) {
    md += `| ${n} | ${r.variant} | ${r.firstInputMs} | ${r.firstInputRangeMs.join('–')} | ${(r.firstInputMs / plain.firstInputMs).toFixed(2)} | ${r.interactiveMs ?? '–'} |\n`;
  }
}
md += `\nTargets (issue #13): Antrag's first input ≤ 1.3× the plain server-rendered page; interactive no later than the first input was before server rendering (2.55 s at N = 20, 2.54 s at N = 200).\n\n`;
if (process.env.BENCH_PHONE_ONLY) {
  writeFileSync(join(OUT, 'results.md'), md);
  console.log('\n' + md);
  process.exit(0);
}
md += `## Timings (ms; ratio = Antrag / baseline)\n\n| N | CPU | metric | Antrag | baseline | ratio |\n|---:|---:|---|---:|---:|---:|\n`;
for (const n of SIZES) for (const t of THROTTLES) {
  const a = get(n, t, 'antrag'), b = get(n, t, 'baseline');
  for (const [k, label] of [['firstInputMs', 'first input visible'], ['allFieldsMs', 'all fields in DOM'], ['submitEmptyMs', 'submit empty → all errors'], ['keystrokeMs', 'keystroke → message (first)'], ['keystrokeWarmMs', 'keystroke → message (warm)']]) {
    md += `| ${n} | ${t}× | ${label} | ${a[k].toFixed(1)} | ${b[k].toFixed(1)} | ${(a[k] / b[k]).toFixed(2)} |\n`;
  }
  md += `| ${n} | ${t}× | JS heap after render | ${(a.heapBytes / 1e6).toFixed(1)} MB | ${(b.heapBytes / 1e6).toFixed(1)} MB | ${(a.heapBytes / b.heapBytes).toFixed(2)} |\n`;
}
const target = (n, t, k, max) => { const a = get(n, t, 'antrag'), b = get(n, t, 'baseline'); const r = a[k] / b[k]; return `${r.toFixed(2)}× (target ≤ ${max}×) ${r <= max ? 'met' : 'NOT met'}`; };
const big = Math.max(...SIZES);
md += `\n## Targets (N = ${big}, 4× throttling)\n\n`;
md += `* all-in bundle: ${kb(bytes.antrag.total.gzip)} gzip (target ≤ 150 KB) ${bytes.antrag.total.gzip <= 150 * 1024 ? 'met' : 'NOT met'}\n`;
md += `* keystroke → message, first keystroke: ${target(big, 4, 'keystrokeMs', 2)}\n`;
md += `* keystroke → message, warm: ${target(big, 4, 'keystrokeWarmMs', 2)}\n`;
md += `* submit empty → all errors: ${target(big, 4, 'submitEmptyMs', 3)}\n`;
md += `* first input visible: ${target(big, 4, 'firstInputMs', 2)}\n`;
writeFileSync(join(OUT, 'results.json'), JSON.stringify({ date: new Date().toISOString(), runs: RUNS, bytes, phone, results }, null, 2));
writeFileSync(join(OUT, 'results.md'), md);
console.log('\n' + md);
console.log(`written: ${OUT}/results.json, ${OUT}/results.md`);
process.exit(0);
