// The authoring studio's FIM import in the browser (no throttling, as authors work on office
// machines): the largest real export of ../shared/fixtures/fim, with the shared code lists,
// dropped into /studio of the release server — how long the import takes (median of 5, the
// studio's own performance.now() around the import), and the studio's download size. Prints
// figures; asserts nothing (speed is measured here, not in tests). Part of `make bench`.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, readdirSync, readFileSync, statSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { brotliCompressSync, constants } from 'node:zlib';
import { chromium } from '@playwright/test';

const SERVER = process.env.ANTRAG_SERVER_BIN ?? 'target/release/antrag-server';
const FIXTURES = '../shared/fixtures/fim';
const RUNS = 5;

if (!existsSync('dist/studio/index.html')) throw new Error('studio: dist/studio is missing (make web)');
const studioFiles = readdirSync('dist/studio').filter((f) => /\.(wasm|js|css)$/.test(f));
const brotli = studioFiles.reduce((n, f) => n + brotliCompressSync(readFileSync(join('dist/studio', f)), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length, 0);
console.log(`studio: bundle ${(brotli / 1024).toFixed(0)} KB brotli (${studioFiles.join(', ')}), separate from the citizen's download`);

if (!existsSync(FIXTURES)) {
  console.log(`studio: ${FIXTURES} absent, the import figure of a real export is skipped`);
  process.exit(0);
}
const exportsFound = [];
for (const sub of ['xdf3', 'xdf3-corpus', 'xdf2']) {
  const dir = join(FIXTURES, sub);
  if (!existsSync(dir)) continue;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      const schema = readdirSync(path).find((f) => f.endsWith('.xml'));
      if (schema) exportsFound.push(join(path, schema));
    } else if (entry.endsWith('.xml')) exportsFound.push(path);
  }
}
const largest = exportsFound.sort((a, b) => statSync(b).size - statSync(a).size)[0];
const lists = readdirSync(join(FIXTURES, 'codelists')).filter((f) => f.endsWith('.xml')).map((f) => join(FIXTURES, 'codelists', f));

const port = await new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});
const data = mkdtempSync(join(tmpdir(), 'antrag-studio-bench-'));
const server = spawn(SERVER, ['--addr', `127.0.0.1:${port}`, '--data-dir', data, '--dist-dir', 'dist', '--forms-dir', 'forms', '--codelists-dir', 'codelists', '--test-payment-provider'], { stdio: 'ignore' });
try {
  for (let i = 0; i < 400; i++) {
    try { if ((await fetch(`http://127.0.0.1:${port}/api/v1/health`)).ok) break; } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking'],
  });
  const times = [];
  for (let run = 0; run < RUNS; run++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}/studio/`);
    await page.locator('#studio-files').waitFor({ state: 'attached', timeout: 30_000 });
    await page.locator('#studio-files').setInputFiles([largest, ...lists]);
    const report = page.locator('#studio-report');
    await report.waitFor({ timeout: 60_000 });
    times.push(Number(await report.getAttribute('data-import-ms')));
    await page.close();
  }
  await browser.close();
  times.sort((a, b) => a - b);
  console.log(`studio: import of the largest shared export ${largest.slice(FIXTURES.length + 1)} (${(statSync(largest).size / 1e6).toFixed(1)} MB, ${lists.length} code lists) in the browser: median ${times[Math.floor(RUNS / 2)].toFixed(0)} ms (min ${times[0].toFixed(0)}, max ${times[RUNS - 1].toFixed(0)}; ${RUNS} runs, Chromium ${browser.version()})`);
} finally {
  server.kill();
}
