// Server-rendered pages hydrated by the wasm: nothing typed, chosen or attached before the app
// runs is lost, and every page of every demo form, in every language, hydrates without an
// error (the fixture fails a test on any) and without changing what the server showed.
import { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { definition } from './driver';
import { existsSync, readdirSync } from 'node:fs';

/** The FIM exports imported for this run (none without ../shared). */
const fim = existsSync('target/e2e-fim') ? readdirSync('target/e2e-fim').filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')) : [];

/** Open `path` with the wasm held back; returns the function that lets it through. */
async function openHeld(page: Page, path: string): Promise<() => Promise<void>> {
  const held: (() => Promise<void>)[] = [];
  await page.route('**/*.wasm', (route) => { held.push(() => route.continue()); });
  await (page as any).gotoUnhydrated(path, { waitUntil: 'domcontentloaded' });
  await expect(page.locator('#antrag-data')).toHaveCount(1);
  return async () => {
    for (const release of held.splice(0)) await release();
    await page.unroute('**/*.wasm');
    await expect(page.locator('#antrag-app[data-hydrated]')).toHaveCount(1, { timeout: 20_000 });
  };
}

test('typed, chosen and attached before the wasm arrives: all kept after hydration', async ({ page }) => {
  const release = await openHeld(page, '/forms/bewohnerparkausweis?lang=de');
  await expect(page.locator('#antrag-app[data-hydrated]')).toHaveCount(0);
  await page.locator('#f-antragsteller-vorname').fill('Früh');
  await page.locator('#f-antragsteller-nachname').fill('Getippt');
  await page.locator('#f-antragsteller-geburtsdatum').fill('27');
  await page.locator('#f-antragsteller-geburtsdatum-month').fill('3');
  await page.locator('#f-antragsteller-geburtsdatum-year').fill('1990');
  await release();
  await expect(page.locator('#f-antragsteller-vorname')).toHaveValue('Früh');
  await expect(page.locator('#f-antragsteller-geburtsdatum-year')).toHaveValue('1990');
  // The app has them: "next" finds nothing missing and moves on in the browser.
  await page.locator('button[data-action="next"]').click();
  await expect(page.locator('h1')).toHaveText('Anschrift');
  // And they are in the draft the app keeps.
  await expect.poll(() => page.evaluate(() => Object.values(localStorage).join())).toContain('Getippt');
});

test('the wasm compiles while it downloads and starts only with its integrity hash', async ({ page }) => {
  // The server-rendered page names the hash for the loader, not on the preload (so that the
  // loader's plain fetch takes the preload over and can compile from the stream).
  await (page as any).gotoUnhydrated('/forms/bewohnerparkausweis?lang=de', { waitUntil: 'domcontentloaded' });
  const preload = page.locator('link[rel=preload][as=fetch]');
  await expect(preload).toHaveAttribute('data-antrag-integrity', /^sha384-/);
  expect(await preload.getAttribute('integrity')).toBeNull();
  await expect(page.locator('#antrag-app[data-hydrated]')).toHaveCount(1, { timeout: 20_000 });

  // A changed wasm (one byte in its name section's padding would do; here one appended
  // custom section) is not started: the page stays the working server-rendered form.
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('**/*.wasm', async (route) => {
    const response = await route.fetch();
    const body = Buffer.concat([await response.body(), Buffer.from([0x00, 0x03, 0x01, 0x78, 0x00])]);
    await route.fulfill({ response, body, headers: { ...response.headers(), 'content-length': String(body.length), 'content-encoding': '' } });
  });
  await (page as any).gotoUnhydrated('/forms/bewohnerparkausweis?lang=de', { waitUntil: 'domcontentloaded' });
  await expect.poll(() => errors.join('\n'), { timeout: 20_000 }).toContain('does not match its integrity hash');
  await expect(page.locator('#antrag-app[data-hydrated]')).toHaveCount(0);
  await expect(page.locator('#f-antragsteller-vorname')).toBeVisible();
  await expect(page.locator('button[data-action="next"]')).toBeVisible();
});

test('a choice and a file made before the wasm arrives are taken over', async ({ page }) => {
  // A yes/no choice: the app takes it and opens the question that follows from it.
  let release = await openHeld(page, '/forms/bewohnerparkausweis?lang=de&schritt=fahrzeug');
  await expect(page.locator('#f-fahrzeug-halter')).toHaveCount(0);
  await page.locator('#f-fahrzeug-ist_halter-2').check();
  await release();
  await expect(page.locator('#f-fahrzeug-ist_halter-2')).toBeChecked();
  await expect(page.locator('#f-fahrzeug-halter')).toBeVisible();
  // A file chosen before: uploaded once the app runs.
  release = await openHeld(page, '/forms/wohngeld?lang=de&schritt=miete');
  await page.locator('#f-miete-mietvertrag').setInputFiles({ name: 'vorab.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% vorab\n%%EOF\n') });
  await release();
  await expect(page.locator('.antrag-file__name', { hasText: 'vorab.pdf' })).toBeVisible();
});

test('a page only looked at stores no draft: no "continue where you left off" on the next visit', async ({ page, request }) => {
  // Autosave comes 250 ms after a change; hydration must not count an untouched control (a
  // drop-down list shows its first option without the server marking it) as one.
  let lists = 0;
  for (const id of ['bewohnerparkausweis', 'hundesteuer', 'meldebescheinigung', 'sondernutzung', 'wohngeld']) {
    const def = await definition(request, id);
    for (const screen of [...(def.ui?.steps ?? [{ id: 'main' }]).map((s: any) => s.id), 'uebersicht']) {
      const release = await openHeld(page, `/forms/${id}?lang=de&schritt=${screen}`);
      await release();
      lists += await page.locator('select').count();
      await page.waitForTimeout(400);
      const drafts = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('antrag:draft:')));
      expect(drafts, `/forms/${id}?schritt=${screen}`).toEqual([]);
    }
  }
  expect(lists, 'pages with drop-down lists among them').toBeGreaterThan(0);
});

test('every page of every demo and imported FIM form hydrates in every language without changing what the server showed', async ({ page, request }) => {
  test.setTimeout(300_000);
  for (const id of ['bewohnerparkausweis', 'hundesteuer', 'meldebescheinigung', 'sondernutzung', 'wohngeld', ...fim]) {
    const def = await definition(request, id);
    const screens = [...(def.ui?.steps ?? [{ id: 'main' }]).map((s: any) => s.id), 'uebersicht'];
    for (const lang of def.languages) {
      for (const screen of screens) {
        const path = `/forms/${id}?lang=${lang}&schritt=${screen}`;
        const release = await openHeld(page, path);
        const server = await page.locator('main').innerText();
        await release();
        // Hydration keeps the server's text; a silent mismatch would show once signals move.
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
        const hydrated = await page.locator('main').innerText();
        expect(normalize(hydrated), path).toBe(normalize(server));
      }
    }
  }
});

/** The text without the FIT-Connect notice for browsers without JavaScript (it goes once the
 * app runs: the one change hydration makes on purpose). */
function normalize(text: string): string {
  return text.replace(/^(Dieses Formular braucht JavaScript|This form needs JavaScript)[^\n]*\n?/gm, '').trim();
}
