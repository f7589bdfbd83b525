// The client side of the contract in a real browser against the real server: a 422 lands on
// the fields and in the summary in the citizen's language; network failures keep every answer
// and offer "send again" with the same idempotency key; the platform profile's headers and
// routing fields travel with the submission.
import { test, expect } from './fixtures';
import { Driver, definition, examples } from './driver';
import { Inbox } from './support';

async function toReview(page: any, request: any) {
  const driver = new Driver(page, await definition(request, 'bewohnerparkausweis'));
  await page.goto('/forms/bewohnerparkausweis?lang=de');
  await driver.fillAll(examples('bewohnerparkausweis').valid.keeper);
  await expect(page.locator('h1')).toHaveText('Überprüfen Sie Ihre Angaben');
}

test('a 422 from the server lands on the field and in the summary', async ({ page, request }) => {
  await toReview(page, request);
  // Something the browser did not catch (here: the payload is altered on its way), which the
  // real server rejects with antrag-core's report.
  await page.route('**/api/v1/submissions', async (route) => {
    const body = route.request().postDataJSON();
    body.data.anschrift.plz = '1';
    await route.continue({ postData: JSON.stringify(body) });
  });
  await page.locator('button[data-action="submit"]').click();
  const summary = page.locator('.antrag-error-summary');
  await expect(summary).toBeFocused();
  await expect(summary).toContainText('Die Postleitzahl muss aus 5 Ziffern bestehen');
  await expect(page.getByText('Der Server hat Fehler in Ihren Angaben gefunden')).toBeVisible();
  // The link leads to the field on its step, where the server's message stands.
  await summary.getByRole('link').click();
  await expect(page.locator('h1')).toHaveText('Anschrift');
  await expect(page.locator('#f-anschrift-plz')).toBeFocused();
  await expect(page.locator('#f-anschrift-plz-error')).toContainText('5 Ziffern');
  // Changing the field withdraws the server's message; the browser judges the new answer.
  await page.locator('#f-anschrift-plz').fill('06108');
  await expect(page.locator('#f-anschrift-plz-error')).toHaveCount(0);
  await page.unroute('**/api/v1/submissions');
  await page.locator('button[data-action="next"]').click();
  await page.locator('button[data-action="submit"]').click();
  await expect(page.locator('h1')).toHaveText('Antrag erfolgreich gesendet');
});

test('offline: answers stay, "send again" reuses the key, one submission is stored', async ({ page, request }) => {
  const inbox = new Inbox(request);
  const before = (await inbox.list()).total;
  await toReview(page, request);
  const keys: string[] = [];
  await page.route('**/api/v1/submissions', async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    await route.abort('internetdisconnected');
  });
  await page.locator('button[data-action="submit"]').click();
  // Automatic retries with backoff, then a clear message and a button.
  await expect(page.getByText('keine Verbindung besteht')).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('main')).toContainText('Hauptstraße');
  expect(keys.length).toBeGreaterThan(1);
  expect(new Set(keys).size).toBe(1);
  await page.unroute('**/api/v1/submissions');
  const sent = page.waitForRequest('**/api/v1/submissions');
  await page.locator('button[data-action="retry"]').click();
  expect((await sent).headers()['idempotency-key']).toBe(keys[0]);
  await expect(page.locator('h1')).toHaveText('Antrag erfolgreich gesendet');
  expect((await inbox.list()).total).toBe(before + 1);
});

test('a 503 with Retry-After is retried automatically', async ({ page, request }) => {
  await toReview(page, request);
  let calls = 0;
  await page.route('**/api/v1/submissions', async (route) => {
    calls += 1;
    if (calls === 1) {
      await route.fulfill({ status: 503, headers: { 'Retry-After': '1', 'Content-Type': 'application/problem+json' }, body: '{"type":"x","title":"busy","status":503,"detail":"busy"}' });
    } else {
      await route.continue();
    }
  });
  await page.locator('button[data-action="submit"]').click();
  await expect(page.getByText('Neuer Versuch in')).toBeVisible();
  await expect(page.locator('h1')).toHaveText('Antrag erfolgreich gesendet', { timeout: 15_000 });
  expect(calls).toBe(2);
});

test('a file the server no longer has: the citizen is asked to choose it again', async ({ page, request }) => {
  const driver = new Driver(page, await definition(request, 'bewohnerparkausweis'));
  await page.goto('/forms/bewohnerparkausweis?lang=de');
  await driver.fillAll(examples('bewohnerparkausweis').valid.not_keeper_with_proof);
  // The answer the reference server gives for an attachment it no longer holds (its purge is
  // covered by the server's own tests).
  await page.route('**/api/v1/submissions', async (route) => {
    const id = route.request().postDataJSON().data.fahrzeug.nutzungsnachweis[0].id;
    await route.fulfill({
      status: 422,
      contentType: 'application/problem+json',
      body: JSON.stringify({ type: 'https://antrag.dev/problems/attachment-unavailable', title: 'An attachment is not available', status: 422, detail: `attachment ${id} is unknown`, attachment: id }),
    });
  });
  await page.locator('button[data-action="submit"]').click();
  await expect(page.getByText('Eine hochgeladene Datei liegt nicht mehr vor')).toBeVisible();
  const summary = page.locator('.antrag-error-summary');
  await expect(summary).toContainText('Bitte laden Sie „Nachweis, dass Sie das Fahrzeug dauerhaft nutzen“ hoch.');
  await summary.getByRole('link').click();
  await expect(page.locator('#f-fahrzeug-nutzungsnachweis')).toBeFocused();
  await expect(page.locator('.antrag-file__name')).toHaveCount(0);
  await expect(page.locator('#f-fahrzeug-halter')).toHaveValue('Stadtwerke Magdeburg GmbH');
});
