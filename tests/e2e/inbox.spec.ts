// The clerk inbox: token login, the list, a submission labelled like the form, downloads.
import { test, expect } from './fixtures';
import { expectAccessible } from './support';
import { inboxToken } from '../../playwright.config';
import { examples, fileFor } from './driver';
import { testToday } from './clock';

test('a clerk signs in, opens an application and downloads its attachment', async ({ page, request }) => {
  // An application with a file, sent through the API.
  const upload = await request.post('/api/v1/forms/bewohnerparkausweis/versions/1.0.0/attachments?field=fahrzeug.nutzungsnachweis&name=bescheinigung.pdf', {
    data: fileFor({ name: 'bescheinigung.pdf', mediaType: 'application/pdf' }).buffer,
  });
  expect(upload.status()).toBe(201);
  const answers = structuredClone(examples('bewohnerparkausweis').valid.not_keeper_with_proof);
  answers.fahrzeug.nutzungsnachweis = [await upload.json()];
  const sent = await request.post('/api/v1/submissions', {
    headers: { 'Idempotency-Key': crypto.randomUUID() },
    data: { formId: 'bewohnerparkausweis', formVersion: '1.0.0', language: 'de', data: answers, clientDate: testToday },
  });
  expect(sent.status()).toBe(201);
  const { reference } = await sent.json();

  await page.goto('/inbox');
  await expect(page.locator('h1')).toHaveText('Anmelden');
  await expectAccessible(page, 'inbox login');
  await page.getByLabel('Zugangsschlüssel').fill('wrong');
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await expect(page.locator('.error')).toHaveText('Der Zugangsschlüssel ist nicht richtig.');
  await page.getByLabel('Zugangsschlüssel').fill(inboxToken);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await expect(page.locator('h1')).toHaveText('Posteingang');
  await expectAccessible(page, 'inbox list');
  await page.getByRole('link', { name: reference }).click();
  await expect(page.locator('h1')).toContainText(reference);
  await expect(page.locator('dl')).toContainText(['Şahin']);
  await expect(page.getByText('Stadtwerke Magdeburg GmbH')).toBeVisible();
  await expectAccessible(page, 'inbox detail');
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'bescheinigung.pdf' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('bescheinigung.pdf');
  await page.getByRole('button', { name: 'Abmelden' }).click();
  await expect(page.locator('h1')).toHaveText('Anmelden');
});
