// Without JavaScript (blocked scripts, an old browser, a failed wasm download): every step is a
// real form the server checks with the same core, answers move on by 303 (reload and Back
// never post again), errors come back on the same page, repeatable groups and files work, the
// answer summary has change links, and sending stores exactly one application. axe checks the
// pages as a browser without JavaScript shows them.
import { Browser, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { FormPage, Inbox, expectAccessible } from './support';
import { Driver, definition, examples } from './driver';
import { existsSync, readdirSync } from 'node:fs';

test.use({ javaScriptEnabled: false });

/** axe on the page as it is, in a browser that runs axe but not the app (its scripts are
 * blocked), so the check sees exactly what a citizen without JavaScript sees. */
async function accessibleWithoutJs(browser: Browser, page: Page, state: string) {
  const html = await page.content();
  const url = page.url().split('#')[0];
  // Contexts made in a test take the test's options: JavaScript on again, for axe alone.
  const context = await browser.newContext({ locale: 'de-DE', javaScriptEnabled: true });
  const copy = await context.newPage();
  await copy.route('**/*', (route) => {
    const requested = route.request().url().split('#')[0];
    if (requested === url) return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
    if (/\.(js|wasm)(\?|$)/.test(requested)) return route.abort();
    return route.continue();
  });
  await copy.goto(url);
  await expectAccessible(copy, `${state} (without JavaScript)`);
  await context.close();
}

test('Bewohnerparkausweis without JavaScript: a wrong answer corrected after the server’s error page, a change link, sent once', async ({ page, request, browser }) => {
  const form = new FormPage(page);
  const inbox = new Inbox(request);
  const before = (await inbox.list()).total;
  await form.open('bewohnerparkausweis');
  await expect(form.heading()).toHaveText('Angaben zur Person');
  await accessibleWithoutJs(browser, page, 'step 1 empty');

  // Nothing filled in: the server answers with the same page, its errors and the summary.
  await form.next();
  await expect(form.heading()).toHaveText('Angaben zur Person');
  await expect(form.errorSummary().getByRole('link')).toHaveCount(3);
  await expect(page).toHaveTitle(/^Fehler: /);
  await accessibleWithoutJs(browser, page, 'step 1 with errors');

  await form.fill('Vorname', 'Jürgen');
  await form.fill('Nachname', 'Groß-Ödön');
  await form.fillDate('Geburtsdatum', '27', '3', '1990');
  await form.next();
  await expect(form.heading()).toHaveText('Anschrift');
  expect(new URL(page.url()).searchParams.get('schritt')).toBe('anschrift');
  // Back keeps the answers (kept by the server, never in the address).
  await page.locator('.antrag-back-link').click();
  await expect(form.field('Vorname')).toHaveValue('Jürgen');
  expect(page.url()).not.toContain('J%C3%BCrgen');
  await form.next();

  await form.fill('Straße', 'Hauptstraße');
  await form.fill('Hausnummer', '12a');
  await form.fill('Postleitzahl', '6108');
  await form.fill('Ort', 'Halle (Saale)');
  await form.next();
  const message = 'Die Postleitzahl muss aus 5 Ziffern bestehen, zum Beispiel 06108.';
  await expect(form.errorSummary()).toContainText(message);
  await expect(page.locator('#f-anschrift-plz-error')).toContainText(message);
  await expect(form.field('Postleitzahl')).toHaveValue('6108');
  await expect(form.field('Ort')).toHaveValue('Halle (Saale)');
  await accessibleWithoutJs(browser, page, 'step 2 with a wrong PLZ');
  await form.fill('Postleitzahl', '06108');
  await form.next();

  // "No" opens a question and an upload: asked after "next", on the same step.
  await expect(form.heading()).toHaveText('Fahrzeug');
  await form.fill('Amtliches Kennzeichen', 'HAL-AB 123');
  await form.choose('Ist das Fahrzeug auf Sie zugelassen?', 'Nein');
  await form.next();
  await expect(form.heading()).toHaveText('Fahrzeug');
  await form.fill('Auf wen ist das Fahrzeug zugelassen?', 'Stadtwerke Halle GmbH');
  await page.getByLabel(/Nachweis, dass Sie das Fahrzeug dauerhaft nutzen/).setInputFiles({
    name: 'bescheinigung.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n% Antrag e2e\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'),
  });
  await form.next();
  await expect(form.heading()).toHaveText('Kontakt');
  await form.next();

  // Check your answers; a change link goes to the field and "next" comes back.
  await expect(form.heading()).toHaveText('Überprüfen Sie Ihre Angaben');
  await expect(page.locator('main')).toContainText('27. März 1990');
  await expect(page.locator('main')).toContainText('bescheinigung.pdf');
  await accessibleWithoutJs(browser, page, 'answer summary');
  await page.getByRole('link', { name: 'Ändern Ort' }).click();
  await expect(form.heading()).toHaveText('Anschrift');
  await expect(page.locator('button[data-action="next"]')).toHaveText('Zurück zur Übersicht');
  await form.fill('Ort', 'Halle');
  await form.next();
  await expect(form.heading()).toHaveText('Überprüfen Sie Ihre Angaben');
  await expect(page.locator('main')).toContainText('Halle');

  await form.submit();
  await expect(page.locator('h1')).toHaveText('Antrag erfolgreich gesendet');
  const reference = (await page.locator('.antrag-reference').innerText()).trim();
  expect(reference).toMatch(/^BPA-\d{4}-\d{6}$/);
  await accessibleWithoutJs(browser, page, 'confirmation');
  // Reload and Back: the confirmation, never a second application.
  await page.reload();
  await expect(page.locator('.antrag-reference')).toHaveText(reference);
  await page.goBack();
  await page.goForward();
  // "Send" posted again from a page of an older form version (a retry after the form changed):
  // the confirmation, not "the form has changed" — which would invite a second application.
  const replay = await page.request.post('/forms/bewohnerparkausweis?lang=de', {
    form: { _version: '0.9', _schritt: 'uebersicht', aktion: 'absenden' },
    maxRedirects: 0,
  });
  expect(replay.status()).toBe(303);
  expect(replay.headers()['location']).toContain('schritt=gesendet');
  expect((await inbox.list()).total).toBe(before + 1);
  const stored = await inbox.submission(reference);
  expect(stored.payload.anschrift).toEqual({ strasse: 'Hauptstraße', hausnummer: '12a', plz: '06108', ort: 'Halle' });
  expect(stored.payload.fahrzeug.ist_halter).toBe(false);
  expect(stored.attachments).toHaveLength(1);
});

test('Wohngeld without JavaScript: a household member added and removed, files uploaded with their step, sent', async ({ page, request }) => {
  const def = await definition(request, 'wohngeld');
  const answers = examples('wohngeld').valid.employed_with_child;
  const driver = new Driver(page, def, { javascript: false });
  await page.goto('/forms/wohngeld?lang=de');
  await driver.fillAll(answers, async (title) => {
    if (title !== 'Ihr Haushalt') return;
    // An entry too many, removed again: the button posts the step, the server removes it.
    await page.locator('#f-haushalt').click();
    await expect(page.locator('[id="f-haushalt-1-legend"]')).toBeVisible();
    await expect(page.locator('#f-haushalt-0-vorname')).toHaveValue('Mia');
    await page.getByRole('button', { name: 'Entfernen Person 2' }).click();
    await expect(page.locator('[id="f-haushalt-1-legend"]')).toHaveCount(0);
  });
  await expect(page.locator('main')).toContainText('Mia');
  await expect(page.locator('main')).toContainText('mv.pdf');
  await page.locator('button[data-action="submit"]').click();
  await expect(page.locator('h1')).toHaveText('Antrag erfolgreich gesendet');
  const stored = await new Inbox(request).submission((await page.locator('.antrag-reference').innerText()).trim());
  expect(stored.payload.haushalt).toHaveLength(1);
  expect(stored.payload.haushalt[0].gdb).toBe(50);
  expect(stored.attachments.map((a: any) => a.name).sort()).toEqual(['lohn.pdf', 'mv.pdf'].sort());
});

const fim = existsSync('target/e2e-fim') ? readdirSync('target/e2e-fim').filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')) : [];

test('an imported FIM form without JavaScript', async ({ page, request, browser }) => {
  test.skip(!fim.includes('fim-s00000000371'), 'FIM fixture S00000000371 not found: skipped');
  const def = await definition(request, 'fim-s00000000371');
  await page.goto('/forms/fim-s00000000371?lang=de');
  await accessibleWithoutJs(browser, page, 'FIM form, first step');
  await new Driver(page, def, { javascript: false }).fillAll(examples('fim-s00000000371').valid.generated);
  await accessibleWithoutJs(browser, page, 'FIM form, answer summary');
  await page.locator('button[data-action="submit"]').click();
  await expect(page.locator('h1')).toHaveText('Antrag erfolgreich gesendet');
});

test('a FIT-Connect form says plainly that it needs JavaScript, and takes nothing in plain text', async ({ page, request }) => {
  await page.goto('/forms/sondernutzung?lang=de');
  await expect(page.getByText('Dieses Formular braucht JavaScript')).toBeVisible();
  const before = (await new Inbox(request).list()).total;
  await page.locator('button[data-action="next"]').click();
  await expect(page.locator('h1')).toHaveText('Das hat nicht geklappt');
  await expect(page.getByText('Die Verschlüsselung geschieht auf Ihrem Gerät')).toBeVisible();
  expect((await new Inbox(request).list()).total).toBe(before);
});

test('wrong posts get the API’s problem on a page, never a 500', async ({ request }) => {
  const post = (form: Record<string, string>) => request.post('/forms/bewohnerparkausweis?lang=de', { form, maxRedirects: 0 });
  const unknown = await post({ _version: '1.0.0', _schritt: 'person', 'antragsteller.beruf': 'x', aktion: 'weiter' });
  expect(unknown.status()).toBe(400);
  expect(await unknown.text()).toContain('the form has no field');
  const version = await post({ _version: '0.1', _schritt: 'person', aktion: 'weiter' });
  expect(version.status()).toBe(409);
  expect(await version.text()).toContain('Das Formular wurde geändert');
  const step = await post({ _version: '1.0.0', _schritt: 'nirgends', aktion: 'weiter' });
  expect(step.status()).toBe(400);
  expect(await step.text()).toContain('this form has no step');
  const button = await post({ _version: '1.0.0', _schritt: 'person', aktion: 'loeschen' });
  expect(button.status()).toBe(400);
  const otherStep = await post({ _version: '1.0.0', _schritt: 'person', 'anschrift.plz': '06108', aktion: 'weiter' });
  expect(otherStep.status()).toBe(400);
  expect(await otherStep.text()).toContain('is not on this step');
  const unknownForm = await request.post('/forms/gibtesnicht', { form: { aktion: 'weiter' }, maxRedirects: 0 });
  expect(unknownForm.status()).toBe(404);
});
