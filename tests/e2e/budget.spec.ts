// The size budget of the web bundle: what a citizen's browser downloads before the first form
// renders (wasm + JS glue + CSS + index.html + boot.js), gzip level 9 and brotli quality 11 (the
// server sends the precompressed brotli files). Deterministic — bytes, not time — so it can fail
// a build: raise a budget only with a reason in the commit; lower it with each saving
// (`node bench/sizes.mjs` shows where the bytes are).
import { test, expect } from './fixtures';
import { readdirSync, readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

// The wasm diet (#14) so far: 540 KB gzip after hydration (#13); 515 / 397 KB with every
// JSON read and write through one path and no serde buffering; +5 / +6 KB for the browser's own
// check of a FIT-Connect key's certificate chain (security review item 9: DER reader, chain
// rules, WebCrypto signature checks — 9 KB of code before compression). That code runs only when
// a FIT-Connect form is sent: the first candidate to leave the first download. Fees (#21): +14 /
// +11 KB (528.3 / 407.7 KB measured) for the payment section of the definition (its parser),
// antrag_core::fee, the fee table on check your answers — the fee is shown by the same code the
// server charges with — and an embedded widget's return from paying (the status read that shows
// its confirmation); a second candidate for a later download, since only forms with a fee use
// it. A type-erased view without its async-hydration function (vendor/README.md): −37 / −24 KB
// (491.2 / 384.1 KB measured). The definition read by hand (antrag_core::trusted) instead of by
// serde's derived readers: −15 / −10 KB (476.1 / 373.8 KB measured); page data, receipts,
// transports, the server's findings and drafts read the same way: −10 / −7 KB (466.4 / 366.4 KB
// measured). The goal is 250 / 200 KB.
const BUDGET_GZIP = 468 * 1024;
const BUDGET_BROTLI = 368 * 1024;

test('the web bundle stays within its size budget', () => {
  const files = readdirSync('dist').filter((f) => /^antrag-.*\.(wasm|js|css)$/.test(f) || f === 'index.html' || f === 'boot.js');
  expect(files.filter((f) => f.endsWith('.wasm'))).toHaveLength(1);
  const sizes = files.map((f) => {
    const bytes = readFileSync(`dist/${f}`);
    return { f, gzip: gzipSync(bytes, { level: 9 }).length, brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length };
  });
  const gzip = sizes.reduce((n, s) => n + s.gzip, 0);
  const brotli = sizes.reduce((n, s) => n + s.brotli, 0);
  const kb = (n: number) => (n / 1024).toFixed(1);
  test.info().annotations.push({ type: 'bundle', description: `${kb(gzip)} KB gzip, ${kb(brotli)} KB brotli: ${sizes.map((s) => `${s.f} ${kb(s.gzip)} / ${kb(s.brotli)}`).join(', ')}` });
  expect(gzip, `bundle ${kb(gzip)} KB gzip exceeds the budget of ${BUDGET_GZIP / 1024} KB`).toBeLessThanOrEqual(BUDGET_GZIP);
  expect(brotli, `bundle ${kb(brotli)} KB brotli exceeds the budget of ${BUDGET_BROTLI / 1024} KB`).toBeLessThanOrEqual(BUDGET_BROTLI);
});
