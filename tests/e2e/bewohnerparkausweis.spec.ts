// The first vertical slice: fill the demo form in a real browser, see the error for a bad
// PLZ, fix it, upload a file, send, and find the stored submission through the server.
import { test, expect } from './fixtures';
import { FormPage, Inbox, expectAccessible } from './support';

test('fill, fix a bad PLZ, upload, send, and find the stored submission', async ({ page, request }) => {
  const form = new FormPage(page);
  const inbox = new Inbox(request);
  const before = (await inbox.list()).total;

  await form.open('bewohnerparkausweis');
  await expect(form.heading()).toHaveText('Angaben zur Person');
  await expect(page).toHaveTitle(/Angaben zur Person – Bewohnerparkausweis beantragen/);
  await expectAccessible(page, 'step 1 empty');

  // Nothing filled in: the summary lists every required question of the step.
  await form.next();
  await expect(form.errorSummary()).toBeFocused();
  await expect(form.errorSummary().getByRole('link')).toHaveCount(3);
  await expect(page).toHaveTitle(/^Fehler: /);
  await expectAccessible(page, 'step 1 with errors');

  await form.fill('Vorname', 'Jürgen');
  await form.fill('Nachname', 'Groß-Ödön');
  await form.fillDate('Geburtsdatum', '27', '3', '1990');
  // A flagged field re-validates as it changes: the summary shrinks as answers arrive.
  await expect(form.errorSummary()).toBeHidden();
  await form.next();

  await expect(form.heading()).toHaveText('Anschrift');
  await form.fill('Straße', 'Hauptstraße');
  await form.fill('Hausnummer', '12a');
  await form.fill('Postleitzahl', '6108');
  await form.fill('Ort', 'Halle (Saale)');
  await form.next();

  // The bad PLZ: summary, inline message, link to the field.
  const message = 'Die Postleitzahl muss aus 5 Ziffern bestehen, zum Beispiel 06108.';
  await expect(form.errorSummary()).toContainText(message);
  await expect(page.locator('#f-anschrift-plz-error')).toContainText(message);
  await expect(form.field('Postleitzahl')).toHaveAttribute('aria-describedby', 'f-anschrift-plz-error');
  await form.errorSummary().getByRole('link', { name: message }).click();
  await expect(form.field('Postleitzahl')).toBeFocused();
  await form.fill('Postleitzahl', '06108');
  await expect(page.locator('#f-anschrift-plz-error')).toBeHidden();
  await form.next();

  // Vehicle: "No" reveals the follow-up question and the upload.
  await expect(form.heading()).toHaveText('Fahrzeug');
  await form.fill('Amtliches Kennzeichen', 'HAL-AB 123');
  await expect(form.field('Auf wen ist das Fahrzeug zugelassen?')).toHaveCount(0);
  await form.choose('Ist das Fahrzeug auf Sie zugelassen?', 'Nein');
  await expect(form.field('Auf wen ist das Fahrzeug zugelassen?')).toBeVisible();
  await form.next();
  await expect(form.errorSummary().getByRole('link')).toHaveCount(2);
  await form.fill('Auf wen ist das Fahrzeug zugelassen?', 'Stadtwerke Halle GmbH');
  await page.getByLabel(/Nachweis, dass Sie das Fahrzeug dauerhaft nutzen/).setInputFiles({
    name: 'bescheinigung.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n% Antrag e2e\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'),
  });
  await expect(page.locator('.antrag-file__name')).toHaveText('bescheinigung.pdf');
  await expectAccessible(page, 'step 3 with upload');
  await form.next();

  await expect(form.heading()).toHaveText('Kontakt');
  await form.fill('E-Mail-Adresse (optional)', 'juergen@example.de');
  await form.next();

  // Check your answers, then send.
  await expect(form.heading()).toHaveText('Überprüfen Sie Ihre Angaben');
  await expect(page.locator('.antrag-summary-list')).toContainText(['27. März 1990']);
  await expectAccessible(page, 'review');
  await form.submit();

  await expect(page.locator('h1')).toHaveText('Antrag erfolgreich gesendet');
  const reference = await page.locator('.antrag-reference').innerText();
  expect(reference).toMatch(/^BPA-\d{4}-\d{6}$/);
  await expectAccessible(page, 'confirmation');

  // The server stored exactly one new submission, with typed data and the attachment.
  const after = await inbox.list();
  expect(after.total).toBe(before + 1);
  const stored = await inbox.submission(reference);
  expect(stored.formId).toBe('bewohnerparkausweis');
  expect(stored.payload.anschrift.plz).toBe('06108');
  expect(stored.payload.antragsteller.geburtsdatum).toBe('1990-03-27');
  expect(stored.payload.fahrzeug.ist_halter).toBe(false);
  expect(stored.payload.kontakt.email).toBe('juergen@example.de');
  expect(stored.attachments).toHaveLength(1);
  expect(stored.attachments[0].mediaType).toBe('application/pdf');
  const file = await inbox.attachment(stored.attachments[0].id);
  expect(file.status()).toBe(200);
  expect((await file.body()).toString()).toContain('%PDF-1.4');
});

test('the server refuses what the browser would refuse', async ({ request }) => {
  const response = await request.post('/api/v1/submissions', {
    headers: { 'Idempotency-Key': crypto.randomUUID(), 'Content-Type': 'application/json' },
    data: { formId: 'bewohnerparkausweis', formVersion: '1.0.0', language: 'de', data: { anschrift: { plz: '6108' } } },
  });
  expect(response.status()).toBe(422);
  expect(response.headers()['content-type']).toBe('application/problem+json');
  const problem = await response.json();
  expect(problem.issues).toContainEqual({ path: 'anschrift.plz', code: 'invalid_plz' });
});
