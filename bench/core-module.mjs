// The portable core module in Node (`make bench`): how long one check of one application takes
// through the WebAssembly interface — JSON in, report or payload out — for each demo form's
// shared examples. Prints one line per form and writes target/bench/core-module.json.
//
//   node bench/core-module.mjs [cases.json]   (cases from antrag-core-cases; module dist/core)
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { AntragCore } from '../hosts/node/antrag-core.mjs';

const MODULE = process.env.ANTRAG_CORE_WASM ?? 'dist/core/antrag-core.wasm';
const cases = JSON.parse(readFileSync(process.argv[2] ?? 'target/core-module/cases.json', 'utf8'));
const ROUNDS = Number(process.env.BENCH_CORE_ROUNDS ?? 2000);

const bytes = readFileSync(MODULE);
console.log(`core module: ${(bytes.length / 1024).toFixed(1)} KB, ${(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(1)} KB gzip`);
const t0 = performance.now();
const core = await AntragCore.open(MODULE);
console.log(`core module: compiled and instantiated in ${(performance.now() - t0).toFixed(1)} ms`);

const rows = [];
for (const form of cases.forms) {
  const t = performance.now();
  const handle = core.load(form.load.definition, form.load.codeLists);
  const loadMs = performance.now() - t;
  for (const c of form.checks) {
    const { answers, today } = c.request;
    for (let i = 0; i < 200; i++) core.check(handle, answers, today); // warm up (tier-up)
    const samples = [];
    for (let i = 0; i < ROUNDS; i++) {
      const s = performance.now();
      core.check(handle, answers, today);
      samples.push(performance.now() - s);
    }
    samples.sort((a, b) => a - b);
    const us = (q) => samples[Math.floor(q * (samples.length - 1))] * 1000;
    rows.push({ form: form.id, example: c.name, loadMs, medianUs: us(0.5), p95Us: us(0.95) });
  }
}
for (const r of rows) {
  console.log(`core module check ${r.form.padEnd(20)} ${r.example.padEnd(40)} median ${r.medianUs.toFixed(0).padStart(5)} µs, p95 ${r.p95Us.toFixed(0).padStart(5)} µs`);
}
const worst = rows.reduce((a, b) => (b.medianUs > a.medianUs ? b : a));
console.log(`core module: slowest check ${worst.form} ${worst.example}: median ${(worst.medianUs / 1000).toFixed(3)} ms (target < 1 ms)`);
mkdirSync('target/bench', { recursive: true });
writeFileSync('target/bench/core-module.json', JSON.stringify({ module: MODULE, bytes: bytes.length, rounds: ROUNDS, rows }, null, 2));
