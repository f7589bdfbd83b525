// Never lose a citizen's answers, never store a submission twice: reloads, closed browsers,
// a killed server, dropped responses, 500/503/429, timeouts, offline and back — each checked
// in a real browser against the real server, with the stored rows counted in its database.
import { chromium, Page, BrowserContext } from '@playwright/test';
import { test, expect } from './fixtures';
import { execFileSync, spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Driver, definition, examples } from './driver';
import { installTestClock } from './clock';
import { serverClock } from '../../playwright.config';

const SERVER = process.env.ANTRAG_SERVER_BIN ?? 'target/debug/antrag-server';
const answers = examples('bewohnerparkausweis').valid.keeper;

/** Rows in a data directory's database, read from the file, not through the app. */
function rows(dataDir = 'target/e2e-data'): number {
  return JSON.parse(execFileSync(SERVER, ['count', '--data-dir', dataDir]).toString()).rows;
}

async function faults(page: Page, plan: any[], base = '') {
  const r = await page.request.post(`${base}/api/v1/_faults`, { data: { submissions: plan } });
  expect(r.status()).toBe(204);
}

/** Serve the app with extra attributes on its host element (the embedding site's settings). */
async function withAttributes(page: Page, attributes: Record<string, string>) {
  await page.route('**/forms/**', async (route) => {
    if (route.request().resourceType() !== 'document') return route.continue();
    const response = await route.fetch();
    const extra = Object.entries(attributes).map(([k, v]) => ` ${k}="${v}"`).join('');
    const html = (await response.text()).replace('id="antrag-app"', `id="antrag-app"${extra}`);
    await route.fulfill({ response, body: html });
  });
}

async function fillToReview(page: Page, base = '') {
  const driver = new Driver(page, await definition(page.request, 'bewohnerparkausweis'));
  await page.goto(`${base}/forms/bewohnerparkausweis?lang=de`);
  await driver.fillAll(answers);
  await expect(page.locator('h1')).toHaveText('Überprüfen Sie Ihre Angaben');
}

async function submitAndExpectOne(page: Page, before: number, dataDir?: string, timeout = 30_000) {
  await expect(page.locator('h1')).toHaveText('Antrag erfolgreich gesendet', { timeout });
  await expect.poll(() => rows(dataDir)).toBe(before + 1);
  // The draft is gone once the submission is confirmed.
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('antrag:draft:')))).toEqual([]);
}

test('reload mid-form: the answers and the step come back', async ({ page, request }) => {
  const before = rows();
  const driver = new Driver(page, await definition(request, 'bewohnerparkausweis'));
  await page.goto('/forms/bewohnerparkausweis?lang=de');
  await driver.fillStep(answers);
  await driver.next();
  await driver.fillStep(answers);
  await page.locator('#f-anschrift-ort').fill('Halle (Saale) – nachgetragen');
  await page.waitForTimeout(400); // autosave after typing pauses
  await page.reload();
  await expect(page.locator('h1')).toHaveText('Willkommen zurück');
  await expect(page.getByText(/Sie haben diesen Antrag am .* begonnen/)).toBeVisible();
  await page.locator('button[data-action="resume"]').click();
  await expect(page.locator('h1')).toHaveText('Anschrift');
  await expect(page.locator('#f-anschrift-ort')).toHaveValue('Halle (Saale) – nachgetragen');
  await expect(page.getByText(/in diesem Browser gespeichert, bis zum/)).toBeVisible();
  await driver.next();
  await driver.fillAll(answers);
  await page.locator('button[data-action="submit"]').click();
  await submitAndExpectOne(page, before);
});

test('close the browser and open it again (persistent storage)', async () => {
  const before = rows();
  const profile = mkdtempSync(join(tmpdir(), 'antrag-profile-'));
  const launch = () =>
    chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      baseURL: 'http://127.0.0.1:' + process.env.ANTRAG_E2E_PORT,
      locale: 'de-DE',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
    });
  let context: BrowserContext = await launch();
  await installTestClock(context);
  let page = context.pages()[0] ?? (await context.newPage());
  const driver = new Driver(page, await definition(page.request, 'bewohnerparkausweis'));
  await page.goto('/forms/bewohnerparkausweis?lang=de');
  await driver.fillStep(answers);
  await page.waitForTimeout(400);
  await context.close();
  context = await launch();
  await installTestClock(context);
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto('/forms/bewohnerparkausweis?lang=de');
  await page.locator('button[data-action="resume"]').click();
  await expect(page.locator('#f-antragsteller-vorname')).toHaveValue('Jürgen');
  await new Driver(page, await definition(page.request, 'bewohnerparkausweis')).fillAll(answers);
  await page.locator('button[data-action="submit"]').click();
  await submitAndExpectOne(page, before);
  await context.close();
  rmSync(profile, { recursive: true, force: true });
});

for (const [name, plan] of [
  ['response dropped after commit', [{ fault: 'drop_after_commit' }]],
  ['failure before commit (500)', [{ fault: 'fail_before_commit' }]],
  ['503 with Retry-After', [{ fault: 'status', status: 503 }]],
  ['429 with Retry-After', [{ fault: 'status', status: 429 }]],
  ['500 twice, then success', [{ fault: 'status', status: 500 }, { fault: 'status', status: 500 }]],
] as const) {
  test(`${name}: retried with the same key, stored once`, async ({ page }) => {
    const before = rows();
    await fillToReview(page);
    await faults(page, plan as any);
    const keys: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/v1/submissions')) keys.push(r.headers()['idempotency-key']);
    });
    await page.locator('button[data-action="submit"]').click();
    await submitAndExpectOne(page, before);
    // Every fault was met (the server saw the failing attempts) …
    expect((await (await page.request.get('/api/v1/_faults')).json()).submissions).toEqual([]);
    // … and every attempt the page made carried the one key. (Chromium itself resends a POST
    // once when a reused connection closes without an answer; that resend is not visible
    // here, and the key makes it harmless.)
    expect(keys.length).toBeGreaterThanOrEqual(1);
    expect(new Set(keys).size).toBe(1);
  });
}

test('timeout: the client gives up, retries, and the slow first attempt adds no row', async ({ page }) => {
  const before = rows();
  await withAttributes(page, { 'data-timeout': '2' });
  await fillToReview(page);
  await faults(page, [{ fault: 'delay', ms: 4000 }]);
  await page.locator('button[data-action="submit"]').click();
  await submitAndExpectOne(page, before);
  // The delayed first request finishes later on the server: still one row.
  await page.waitForTimeout(4500);
  expect(rows()).toBe(before + 1);
});

test('offline and back: keep filling in, the submission waits and goes when online', async ({ page, context }) => {
  const before = rows();
  await fillToReview(page);
  await context.setOffline(true);
  // Still usable offline: change an answer.
  await page.getByRole('link', { name: 'Ändern Ort' }).click();
  await page.locator('#f-anschrift-ort').fill('Halle (offline geändert)');
  await page.locator('button[data-action="next"]').click();
  await page.locator('button[data-action="submit"]').click();
  await expect(page.getByText('keine Verbindung besteht')).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('main')).toContainText('Halle (offline geändert)');
  expect(rows()).toBe(before);
  await context.setOffline(false);
  await submitAndExpectOne(page, before);
  const list = await page.request.get('/api/v1/inbox/submissions?limit=1', { headers: { Authorization: 'Bearer e2e-inbox-token' } });
  const newest = (await list.json()).submissions[0].reference;
  const stored = await (await page.request.get(`/api/v1/inbox/submissions/${newest}`, { headers: { Authorization: 'Bearer e2e-inbox-token' } })).json();
  expect(stored.payload.anschrift.ort).toBe('Halle (offline geändert)');
});

test('reload while a submission is pending: it is sent once after resuming', async ({ page }) => {
  const before = rows();
  await fillToReview(page);
  // The backend cannot be reached (the connection as such stays up, so nothing resends).
  await page.route('**/api/v1/submissions', (route) => route.abort('connectionrefused'));
  await page.locator('button[data-action="submit"]').click();
  await expect(page.getByText('keine Verbindung besteht')).toBeVisible({ timeout: 30_000 });
  await page.unroute('**/api/v1/submissions');
  await page.reload();
  await expect(page.getByText('nicht doppelt')).toBeVisible();
  await page.locator('button[data-action="resume"]').click();
  await submitAndExpectOne(page, before);
});

/** A server of its own (so it can be killed), on a free port with its own data directory. */
async function ownServer(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(SERVER, ['--addr', `127.0.0.1:${port}`, '--data-dir', dataDir, '--dist-dir', 'dist', '--forms-dir', 'forms', '--codelists-dir', 'codelists', '--enable-faults', '--test-payment-provider', ...serverClock], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
      if (r.ok) return child;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

test('the server is killed during the submission and comes back', async ({ page }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'antrag-kill-'));
  const port = 40000 + Math.floor(Math.random() * 20000);
  const base = `http://127.0.0.1:${port}`;
  let server = await ownServer(dataDir, port);
  await fillToReview(page, base);
  await faults(page, [{ fault: 'delay', ms: 3000 }], base);
  await page.locator('button[data-action="submit"]').click();
  await expect(page.getByText('Ihr Antrag wird gesendet')).toBeVisible();
  server.kill('SIGKILL');
  await new Promise((r) => server.once('exit', r));
  await expect(page.getByText(/Neuer Versuch in/)).toBeVisible({ timeout: 10_000 });
  server = await ownServer(dataDir, port);
  await submitAndExpectOne(page, 0, dataDir);
  server.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

test('two tabs on the same form do not overwrite each other silently', async ({ context }) => {
  const a = await context.newPage();
  const b = await context.newPage();
  await a.goto('/forms/bewohnerparkausweis?lang=de');
  await b.goto('/forms/bewohnerparkausweis?lang=de');
  await a.locator('#f-antragsteller-vorname').fill('Anna');
  await expect(b.getByText('auch in einem anderen Fenster oder Tab geöffnet')).toBeVisible();
  // Tab B typed something too; nothing of it is saved while the question is open.
  await b.locator('#f-antragsteller-vorname').fill('Bernd');
  await b.waitForTimeout(400);
  const stored = await b.evaluate(() => JSON.parse(Object.entries(localStorage).find(([k]) => k.startsWith('antrag:draft:'))![1]).answers);
  expect(stored.antragsteller.vorname).toBe('Anna');
  await b.locator('button[data-action="take-other-tab"]').click();
  await expect(b.locator('#f-antragsteller-vorname')).toHaveValue('Anna');
});

test('a draft of an older definition version: fitting answers carried over, the rest shown read-only', async ({ page }) => {
  await page.goto('/?lang=de');
  await page.evaluate(() => {
    const now = Date.now();
    localStorage.setItem('antrag:draft:bewohnerparkausweis@0.9.0:main', JSON.stringify({
      formId: 'bewohnerparkausweis', version: '0.9.0', savedAt: now, startedAt: now - 3600_000, expiresAt: now + 86400_000, step: 0, writer: 'old',
      answers: { antragsteller: { vorname: 'Jürgen', nachname: 'Groß', rufname: 'Jo' }, fahrzeug: { typ: 'PKW' } },
    }));
  });
  await page.goto('/forms/bewohnerparkausweis?lang=de');
  await expect(page.getByText('Das Formular wurde seitdem geändert')).toBeVisible();
  await expect(page.getByText('2 Angaben passen nicht mehr')).toBeVisible();
  await page.locator('button[data-action="resume"]').click();
  await expect(page.locator('#f-antragsteller-vorname')).toHaveValue('Jürgen');
  await page.locator('.antrag-draft__copy summary').click();
  await expect(page.locator('.antrag-draft__copy')).toContainText('Jo');
  await expect(page.locator('.antrag-draft__copy')).toContainText('PKW');
});

test('expired drafts of every form and instance, and the files kept for them, go when any form opens', async ({ page }) => {
  await page.goto('/?lang=de');
  await page.evaluate(async () => {
    const now = Date.now();
    const draft = (formId: string, expiresAt: number) => JSON.stringify({
      formId, version: '1.0.0', savedAt: now - 86400_000, startedAt: now - 86400_000, expiresAt, step: 0, writer: 'old', answers: {},
    });
    localStorage.setItem('antrag:draft:meldebescheinigung@1.0.0:main', draft('meldebescheinigung', now - 1000));
    localStorage.setItem('antrag:draft:sondernutzung@1.0.0:embed-sondernutzung', draft('sondernutzung', now - 86400_000));
    localStorage.setItem('antrag:draft:sondernutzung@1.0.0:main', draft('sondernutzung', now + 86400_000));
    localStorage.setItem('antrag:files', '1');
    await new Promise((resolve, reject) => {
      const open = indexedDB.open('antrag-files', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('files');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const tx = open.result.transaction('files', 'readwrite');
        tx.objectStore('files').put({ file: new File(['x'], 'alt.pdf'), expires: now - 1000 }, 'expired-file');
        tx.objectStore('files').put({ file: new File(['y'], 'neu.pdf'), expires: now + 86400_000 }, 'live-file');
        tx.oncomplete = () => { open.result.close(); resolve(null); };
        tx.onerror = () => reject(tx.error);
      };
    });
  });
  // Another form opens: what expired anywhere goes, what is still valid stays.
  await page.goto('/forms/bewohnerparkausweis?lang=de');
  await expect.poll(() => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('antrag:draft:'))))
    .toEqual(['antrag:draft:sondernutzung@1.0.0:main']);
  const keptFiles = () => page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('antrag-files', 1);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const keys = open.result.transaction('files').objectStore('files').getAllKeys();
      keys.onsuccess = () => { open.result.close(); resolve(keys.result); };
    };
  }));
  await expect.poll(keptFiles).toEqual(['live-file']);
});

test('expired drafts are gone, "delete" forgets, and an embedding site can switch drafts off', async ({ page }) => {
  await page.goto('/?lang=de');
  await page.evaluate(() => {
    const now = Date.now();
    localStorage.setItem('antrag:draft:bewohnerparkausweis@1.0.0:main', JSON.stringify({
      formId: 'bewohnerparkausweis', version: '1.0.0', savedAt: now - 9 * 86400_000, startedAt: now - 9 * 86400_000, expiresAt: now - 2 * 86400_000, step: 0, writer: 'old',
      answers: { antragsteller: { vorname: 'Alt' } },
    }));
  });
  await page.goto('/forms/bewohnerparkausweis?lang=de');
  await expect(page.locator('h1')).toHaveText('Angaben zur Person');
  await expect(page.locator('#f-antragsteller-vorname')).toHaveValue('');
  await page.locator('#f-antragsteller-vorname').fill('Neu');
  await page.waitForTimeout(400);
  await page.locator('button[data-action="delete-draft"]').click();
  await expect(page.locator('#f-antragsteller-vorname')).toHaveValue('');
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('antrag:draft:')))).toEqual([]);

  const other = await page.context().newPage();
  await withAttributes(other, { 'data-drafts': 'off' });
  await other.goto('/forms/meldebescheinigung?lang=de');
  await other.locator('#f-person-vorname').fill('Niemand');
  await other.waitForTimeout(400);
  expect(await other.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('meldebescheinigung')))).toEqual([]);
  await expect(other.getByText(/gespeichert, bis zum/)).toHaveCount(0);
});
