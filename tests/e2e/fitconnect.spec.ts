// FIT-Connect: the browser encrypts answers, two attachments and the metadata (WebCrypto,
// JWE RSA-OAEP-256 + A256GCM) and sends them through the server's relay to its test
// destination, which decrypts and verifies everything (key, hashes, metadata schema, payload
// schema, antrag-core) before filing the application in the inbox. Nothing readable passes
// the relay; tampering and unusable keys are refused with a clear message.
import { X509Certificate } from 'node:crypto';
import { Locator, Page, Request } from '@playwright/test';
import { test, expect } from './fixtures';
import { expectAccessible, Inbox, municipalPage } from './support';
import { Driver, definition, domId } from './driver';
import { officialMetadataSchema } from '../../playwright.config';
import { daysFromToday } from './clock';

const FORM = 'sondernutzung';
const NAME = 'Zeynep Kaya-Müller';

function pdf(size: number): Buffer {
  const head = Buffer.from('%PDF-1.7\n% Antrag FIT-Connect test\n');
  const body = Buffer.alloc(Math.max(0, size - head.length - 6), 0x41);
  return Buffer.concat([head, body, Buffer.from('\n%%EOF')]);
}

function png(): Buffer {
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(300, 7)]);
}

/** Fill the form; the files are chosen like a citizen would (they stay in the browser). */
async function fill(page: Page, lageplan: Buffer) {
  await page.goto(`/forms/${FORM}?lang=de`);
  await expect(page.locator('h1')).toBeVisible();
  await fillIn(page, page.locator('body'), 'f-', lageplan);
}

/** Fill the form shown in `root` (the page, or an embedded widget with its id `prefix`) up to
 * check your answers. */
async function fillIn(page: Page, root: Locator, prefix: string, lageplan: Buffer) {
  const field = (...path: string[]) => root.locator(`#${domId(path, prefix)}`);
  await field('anzeige', 'name').fill(NAME);
  await field('anzeige', 'email').fill('zeynep@example.de');
  // The use starts a week after the test date (it must not lie in the past).
  const beginn = domId(['anzeige', 'beginn'], prefix);
  const start = daysFromToday(7);
  await root.locator(`#${beginn}`).fill(start.day);
  await root.locator(`#${beginn}-month`).fill(start.month);
  await root.locator(`#${beginn}-year`).fill(start.year);
  await field('anzeige', 'lageplan').setInputFiles({ name: 'lageplan.pdf', mimeType: 'application/pdf', buffer: lageplan });
  await expect(root.locator('.antrag-file__name', { hasText: 'lageplan.pdf' })).toBeVisible();
  await field('anzeige', 'fotos').setInputFiles({ name: 'flaeche.png', mimeType: 'image/png', buffer: png() });
  await expect(root.locator('.antrag-file__name', { hasText: 'flaeche.png' })).toBeVisible();
  await root.locator('button[data-action="next"]').click();
  await expect(root.locator('h1')).toHaveText('Überprüfen Sie Ihre Angaben');
}

test('a form with two attachments goes end-to-end encrypted to the FIT-Connect test destination', async ({ page, request }) => {
  test.info().annotations.push({ type: 'metadata schema', description: officialMetadataSchema ? 'official FIT-Connect schema checked' : 'structural check only (../shared absent)' });
  const def = await definition(request, FORM);
  expect(def.service.leikaKey).toBeTruthy();
  const transport = await (await request.get(`/api/v1/forms/${FORM}/transport`)).json();
  expect(transport.kind).toBe('fit-connect');

  // Everything the page sends to the server, to show that nothing readable leaves it.
  const sent: Request[] = [];
  page.on('request', (r) => { if (r.url().includes('/api/v1/')) sent.push(r); });

  const lageplan = pdf(40_000);
  await fill(page, lageplan);
  await expectAccessible(page, 'FIT-Connect form: answer summary');
  await page.locator('button[data-action="submit"]').click();
  await expect(page.locator('h1')).toHaveText('Antrag erfolgreich gesendet', { timeout: 30_000 });
  await expectAccessible(page, 'FIT-Connect form: confirmation');
  const reference = (await page.locator('.antrag-reference').innerText()).trim();
  expect(reference).toMatch(/^SNU-\d{4}-\d{6}$/);

  // No plain upload or submission; every body to the relay is ciphertext.
  expect(sent.filter((r) => r.url().endsWith('/submissions') && !r.url().includes('fit-connect'))).toHaveLength(0);
  expect(sent.filter((r) => r.url().includes('/attachments') && !r.url().includes('fit-connect'))).toHaveLength(0);
  const puts = sent.filter((r) => r.method() === 'PUT');
  expect(puts).toHaveLength(3); // two attachments, then data + metadata
  for (const r of puts) {
    const body = r.postData() ?? '';
    expect(body).not.toContain('Zeynep');
    expect(body).not.toContain('%PDF');
    const jwes = r.url().includes('/attachments/') ? [body] : Object.values(JSON.parse(body)) as string[];
    for (const jwe of jwes) {
      const parts = jwe.split('.');
      expect(parts).toHaveLength(5);
      const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString());
      expect(header.alg).toBe('RSA-OAEP-256');
      expect(header.enc).toBe('A256GCM');
      expect(header.kid).toBeTruthy();
    }
  }
  const created = sent.find((r) => r.method() === 'POST' && r.url().endsWith('/fit-connect/submissions'))!;
  const announced = JSON.parse(created.postData()!);
  expect(announced.announcedAttachments).toHaveLength(2);
  expect(announced.serviceType.identifier).toBe(`urn:de:fim:leika:leistung:${def.service.leikaKey}`);

  // The destination decrypted and verified it: the clerk sees the answers and the very files.
  const inbox = new Inbox(request);
  const stored = await inbox.submission(reference);
  expect(stored.payload.anzeige.name).toBe(NAME);
  expect(stored.routing.fitConnect.submissionId).toBeTruthy();
  expect(stored.attachments).toHaveLength(2);
  const file = stored.attachments.find((a: any) => a.name === 'lageplan.pdf');
  const downloaded = await inbox.attachment(file.id);
  expect(Buffer.from(await downloaded.body()).equals(lageplan)).toBe(true);
});

/** How many files this browser keeps for unsent FIT-Connect forms (IndexedDB). */
async function keptFiles(page: Page): Promise<number> {
  return page.evaluate(() => new Promise<number>((resolve, reject) => {
    const open = indexedDB.open('antrag-files');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('files')) { db.close(); resolve(0); return; }
      const count = db.transaction('files').objectStore('files').count();
      count.onsuccess = () => { db.close(); resolve(count.result); };
      count.onerror = () => reject(count.error);
    };
  }));
}

test('chosen files survive a reload: the draft comes back with them, is sent, and they are gone', async ({ page, request }) => {
  const lageplan = pdf(30_000);
  await fill(page, lageplan);
  await expect.poll(() => keptFiles(page)).toBe(2);
  await page.waitForTimeout(400); // autosave of the answers
  await page.reload();
  await expect(page.locator('h1')).toHaveText('Willkommen zurück');
  await page.locator('button[data-action="resume"]').click();
  await expect(page.locator('h1')).toHaveText('Überprüfen Sie Ihre Angaben');
  await expect(page.locator('main')).toContainText('lageplan.pdf');
  await page.locator('button[data-action="submit"]').click();
  await expect(page.locator('h1')).toHaveText('Antrag erfolgreich gesendet', { timeout: 30_000 });
  const reference = (await page.locator('.antrag-reference').innerText()).trim();
  const inbox = new Inbox(request);
  const stored = await inbox.submission(reference);
  expect(stored.attachments).toHaveLength(2);
  const file = stored.attachments.find((a: any) => a.name === 'lageplan.pdf');
  expect(Buffer.from(await (await inbox.attachment(file.id)).body()).equals(lageplan)).toBe(true);
  await expect.poll(() => keptFiles(page), { message: 'files are deleted once sent' }).toBe(0);
});

test('a deleted draft takes its kept files with it', async ({ page }) => {
  await fill(page, pdf(5_000));
  await expect.poll(() => keptFiles(page)).toBe(2);
  await page.waitForTimeout(400);
  await page.reload();
  await expect(page.locator('h1')).toHaveText('Willkommen zurück');
  await page.locator('button[data-action="start-over"]').click();
  await expect.poll(() => keptFiles(page)).toBe(0);
});

test('tampered ciphertext is refused by the destination with a clear message', async ({ page }) => {
  // Flip one character of the first attachment's ciphertext on its way through the relay.
  await page.route('**/api/v1/fit-connect/submissions/*/attachments/*', async (route) => {
    const jwe = route.request().postData() ?? '';
    const parts = jwe.split('.');
    parts[3] = (parts[3][0] === 'A' ? 'B' : 'A') + parts[3].slice(1);
    await route.continue({ postData: parts.join('.') });
  });
  await fill(page, pdf(2_000));
  await page.locator('button[data-action="submit"]').click();
  await expect(page.locator('.antrag-send-status')).toContainText('hat Ihren Antrag nicht angenommen', { timeout: 30_000 });
  await expect(page.locator('h1')).toHaveText('Überprüfen Sie Ihre Angaben');
  await expectAccessible(page, 'FIT-Connect: refused');
});

const badKeys: [string, (jwk: any) => void][] = [
  ['may not wrap keys', (jwk) => { jwk.key_ops = ['encrypt']; }],
  ['comes without its certificate chain', (jwk) => { delete jwk.x5c; }],
  ['names no key id', (jwk) => { delete jwk.kid; }],
];
for (const [what, spoil] of badKeys) {
  test(`a destination key that ${what} is refused before anything is encrypted`, async ({ page }) => {
    await page.route('**/api/v1/fit-connect/destinations/*/keys/*', async (route) => {
      const response = await route.fetch();
      const jwk = await response.json();
      spoil(jwk);
      await route.fulfill({ response, json: jwk });
    });
    const creates: string[] = [];
    page.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/fit-connect/submissions')) creates.push(r.url()); });
    await fill(page, pdf(2_000));
    await page.locator('button[data-action="submit"]').click();
    await expect(page.locator('.antrag-send-status')).toContainText('keinen gültigen Schlüssel', { timeout: 30_000 });
    expect(creates).toHaveLength(0);
  });
}

/** The same certificate (base64 DER) with one byte of its public key changed: same name,
 * another key — an impostor of the root. */
function withOtherKey(b64: string): string {
  const der = Buffer.from(b64, 'base64');
  const spki = new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' });
  const at = der.indexOf(spki);
  expect(at, 'the key lies in the certificate').toBeGreaterThan(0);
  der[at + spki.length - 40] ^= 0x01;
  return der.toString('base64');
}

// The browser checks the key's chain itself, against the roots the transport names — it does
// not rely on the relay (these keys and roots are changed after the relay checked them).
type Spoil = { transport?: (t: any) => void; key?: (jwk: any) => void };
const untrustedChains: [string, Spoil, string][] = [
  ['a changed signature in its certificate', { key: (jwk) => {
    const der = Buffer.from(jwk.x5c[0], 'base64');
    der[der.length - 10] ^= 0x01;
    jwk.x5c[0] = der.toString('base64');
  } }, 'a signature in the certificate chain does not verify (x5c[0] by root 1)'],
  ['a root of the same name with another key', { transport: (t) => { t.trustRoots = t.trustRoots.map(withOtherKey); } },
    'a signature in the certificate chain does not verify (x5c[0] by root 1)'],
  ['no trust roots named by the server', { transport: (t) => { delete t.trustRoots; } }, 'the server names no trust roots'],
];
for (const [what, spoil, reason] of untrustedChains) {
  test(`a destination key with ${what} is refused in the browser before anything is encrypted`, async ({ page }) => {
    // The transport comes in the server-rendered page's data (and from its endpoint when the
    // app asks); both are changed the same way.
    let transport: any;
    const spoilTransport = (data: any): any => {
      if (data && typeof data === 'object') {
        if (data.kind === 'fit-connect') {
          expect(data.trustRoots, 'the server names its roots').toHaveLength(1);
          spoil.transport?.(data);
          transport = data;
        }
        Object.values(data).forEach(spoilTransport);
      }
      return data;
    };
    await page.route(`**/api/v1/forms/${FORM}/transport`, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, json: spoilTransport(await response.json()) });
    });
    await page.route(`**/forms/${FORM}?*`, async (route) => {
      const response = await route.fetch();
      const html = (await response.text()).replace(
        /(<script type="application\/json" id="antrag-data">)(.*?)(<\/script>)/s,
        (_all, open, data, close) => open + JSON.stringify(spoilTransport(JSON.parse(data))).replace(/</g, '\\u003c') + close,
      );
      await route.fulfill({ response, body: html });
    });
    await page.route('**/api/v1/fit-connect/destinations/*/keys/*', async (route) => {
      const response = await route.fetch();
      const jwk = await response.json();
      spoil.key?.(jwk);
      await route.fulfill({ response, json: jwk });
    });
    const creates: string[] = [];
    page.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/fit-connect/submissions')) creates.push(r.url()); });
    const logged: string[] = [];
    page.on('console', (m) => logged.push(m.text()));
    await fill(page, pdf(2_000));
    expect(transport, 'the app asked for the transport').toBeDefined();
    await page.locator('button[data-action="submit"]').click();
    await expect(page.locator('.antrag-send-status')).toContainText('keinen gültigen Schlüssel', { timeout: 30_000 });
    expect(creates).toHaveLength(0);
    // The citizen reads a plain message; the technical reason is on the console for support.
    expect(logged.filter((line) => line.startsWith('Antrag: FIT-Connect: the key is not trusted: '))).toEqual([
      expect.stringContaining(reason),
    ]);
  });
}

test('a 10 MB attachment is encrypted in the browser and arrives whole', async ({ page, request }) => {
  // How long the encryption takes is measured by `make bench` (the test clock here fakes the
  // page's performance timeline); this checks that a large file goes through at all.
  const big = pdf(10 * 1024 * 1024);
  await fill(page, big);
  await page.locator('button[data-action="submit"]').click();
  await expect(page.locator('h1')).toHaveText('Antrag erfolgreich gesendet', { timeout: 60_000 });
  const reference = (await page.locator('.antrag-reference').innerText()).trim();
  const inbox = new Inbox(request);
  const stored = await inbox.submission(reference);
  const file = stored.attachments.find((a: any) => a.name === 'lageplan.pdf');
  expect(file.size).toBe(big.length);
  const downloaded = await inbox.attachment(file.id);
  expect(Buffer.from(await downloaded.body()).equals(big)).toBe(true);
});

test("embedded on a municipality's own site: encrypted in the browser and sent through the relay across sites", async ({ browser, request, baseURL }) => {
  // The host page on another site than the server: keys, relay and uploads are cross-site
  // requests (CORS); WebCrypto needs a secure context, which the municipality's HTTPS page is
  // (here: localhost).
  const { context, page, errors, url } = await municipalPage(browser, baseURL!, 'Gemeinde Musterdorf – Sondernutzung',
    '<h1>Sondernutzung</h1><antrag-form id="snu" form="sondernutzung" lang="de" instance="snu"></antrag-form>');
  await page.goto(`${url}sondernutzung.html`);
  const widget = page.locator('#snu');
  await expect(widget.locator('[data-antrag-ready]')).toHaveCount(1);
  const lageplan = pdf(20_000);
  await fillIn(page, widget, 'snu-', lageplan);
  await widget.locator('button[data-action="submit"]').click();
  await expect(widget.locator('h1')).toHaveText('Antrag erfolgreich gesendet', { timeout: 30_000 });
  const reference = (await widget.locator('.antrag-reference').innerText()).trim();
  const stored = await new Inbox(request).submission(reference);
  expect(stored.payload.anzeige.name).toBe(NAME);
  expect(stored.attachments).toHaveLength(2);
  expect(errors).toEqual([]);
  await context.close();
});
