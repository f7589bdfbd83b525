// Conditions, repeatable groups, steps with the browser's Back and Forward, the error
// summary's links, change links from the summary, the confirmation and its print copy, and
// the language switch.
import { test, expect } from './fixtures';
import { Driver, definition, examples } from './driver';
import { FormPage, Inbox } from './support';

test('live conditions keep focus and other answers', async ({ page }) => {
  const form = new FormPage(page);
  await form.open('hundesteuer');
  await page.locator('button[data-action="next"]').click();
  await new Driver(page, await definition(page.request, 'hundesteuer')).fillStep(examples('hundesteuer').valid.one_dog);
  await form.next();
  await expect(form.heading()).toHaveText('Ihre Hunde');
  await page.locator('#f-hunde-0-name').fill('Bello');
  // Choosing "Andere Rasse" reveals a question; typing into it keeps focus while the rest stays.
  await page.locator('#f-hunde-0-rasse').selectOption('99');
  const other = page.locator('#f-hunde-0-rasse_andere');
  await other.click();
  await page.keyboard.type('Podenco');
  await expect(other).toBeFocused();
  await expect(other).toHaveValue('Podenco');
  // A listed breed shows the notice and the upload; switching back hides them but keeps answers.
  await page.locator('#f-hunde-0-rasse').selectOption('L1');
  await expect(page.locator('#f-hunde-0-gefaehrlich_hinweis')).toBeVisible();
  await expect(other).toHaveCount(0);
  await page.locator('#f-hunde-0-rasse').selectOption('99');
  await expect(page.locator('#f-hunde-0-rasse_andere')).toHaveValue('Podenco');
  await expect(page.locator('#f-hunde-0-name')).toHaveValue('Bello');
});

test('repeatable groups: add and remove within min..max, labelled, with focus moved', async ({ page }) => {
  const form = new FormPage(page);
  await form.open('hundesteuer');
  await new Driver(page, await definition(page.request, 'hundesteuer')).fillStep(examples('hundesteuer').valid.one_dog);
  await form.next();
  const add = page.locator('#f-hunde');
  await expect(add).toHaveText('Hund hinzufügen');
  // min 1: one entry to start with, and it cannot be removed.
  await expect(page.locator('.antrag-repeat__heading')).toHaveText(['Hund 1']);
  await expect(page.getByRole('button', { name: /Entfernen/ })).toHaveCount(0);
  await page.locator('#f-hunde-0-name').fill('Bello');
  await add.click();
  await expect(page.locator('#f-hunde-1-legend')).toBeFocused();
  await page.locator('#f-hunde-1-name').fill('Luna');
  for (let i = 2; i < 5; i++) await add.click();
  await expect(page.locator('.antrag-repeat__heading')).toHaveText(['Hund 1', 'Hund 2', 'Hund 3', 'Hund 4', 'Hund 5']);
  // max 5: no more "add".
  await expect(add).toHaveCount(0);
  // Remove "Hund 2": Luna goes, the entries renumber, focus lands on the entry now second.
  await page.getByRole('button', { name: 'Entfernen Hund 2' }).click();
  await expect(page.locator('.antrag-repeat__heading')).toHaveCount(4);
  await expect(page.locator('#f-hunde-1-legend')).toBeFocused();
  await expect(page.locator('#f-hunde-0-name')).toHaveValue('Bello');
  await expect(page.locator('#f-hunde-1-name')).toHaveValue('');
  await expect(page.locator('[aria-live="polite"]', { hasText: 'Hund 2 wurde entfernt.' })).toHaveCount(1);
  // Empty entries are validated with their number.
  await form.next();
  await expect(form.errorSummary()).toContainText('„Name des Hundes“');
  await expect(page.locator('#f-hunde-1-name-error')).toBeVisible();
});

test('steps: validation on next, progress, title, and the browser Back and Forward buttons', async ({ page }) => {
  const form = new FormPage(page);
  const answers = examples('bewohnerparkausweis').valid.keeper;
  const driver = new Driver(page, await definition(page.request, 'bewohnerparkausweis'));
  await form.open('bewohnerparkausweis');
  await expect(page.getByText('Schritt 1 von 4')).toBeVisible();
  await driver.fillStep(answers);
  await form.next();
  await expect(form.heading()).toHaveText('Anschrift');
  await expect(form.heading()).toBeFocused();
  await expect(page).toHaveTitle('Anschrift – Bewohnerparkausweis beantragen – Antrag');
  await expect(page.getByText('Schritt 2 von 4')).toBeVisible();
  await expect(page).toHaveURL(/schritt=anschrift/);
  await driver.fillStep(answers);
  await form.next();
  await expect(form.heading()).toHaveText('Fahrzeug');
  // Browser back and forward move between steps, answers intact.
  await page.goBack();
  await expect(form.heading()).toHaveText('Anschrift');
  await expect(page.locator('#f-anschrift-plz')).toHaveValue('06108');
  await page.goBack();
  await expect(form.heading()).toHaveText('Angaben zur Person');
  await expect(page.locator('#f-antragsteller-vorname')).toHaveValue('Jürgen');
  await page.goForward();
  await expect(form.heading()).toHaveText('Anschrift');
  // The in-page back link works too.
  await page.locator('.antrag-back-link').click();
  await expect(form.heading()).toHaveText('Angaben zur Person');
});

test('error summary links focus the right input: radios, date parts, files', async ({ page }) => {
  const form = new FormPage(page);
  const driver = new Driver(page, await definition(page.request, 'bewohnerparkausweis'));
  await form.open('bewohnerparkausweis');
  await form.next();
  await form.errorSummary().getByRole('link', { name: /Geburtsdatum/ }).click();
  await expect(page.locator('#f-antragsteller-geburtsdatum')).toBeFocused(); // the day
  const answers = examples('bewohnerparkausweis').valid.keeper;
  await driver.fillStep(answers);
  await form.next();
  await driver.fillStep(answers);
  await form.next();
  await page.locator('#f-fahrzeug-kennzeichen').fill('HAL-AB 123');
  await form.next();
  await form.errorSummary().getByRole('link', { name: /Ist das Fahrzeug auf Sie zugelassen/ }).click();
  await expect(page.locator('#f-fahrzeug-ist_halter')).toBeFocused(); // the first radio
  await page.locator('#f-fahrzeug-ist_halter-2').check();
  await form.next();
  await form.errorSummary().getByRole('link', { name: /Bitte laden Sie/ }).click();
  await expect(page.locator('#f-fahrzeug-nutzungsnachweis')).toBeFocused();
});

test('change links go to the field and come back to the summary; confirmation and print copy', async ({ page, request }) => {
  const form = new FormPage(page);
  const inbox = new Inbox(request);
  const driver = new Driver(page, await definition(request, 'meldebescheinigung'));
  await form.open('meldebescheinigung');
  await driver.fillAll(examples('meldebescheinigung').valid.extended_with_family_and_other_address);
  await expect(form.heading()).toHaveText('Überprüfen Sie Ihre Angaben');
  const rows = page.locator('.antrag-summary-list__row');
  await expect(rows.filter({ hasText: 'Geburtsname' })).toContainText('Shevchenko');
  await expect(page.locator('.antrag-summary-section__title')).toContainText(['Person 1']);
  await rows.filter({ hasText: 'Geburtsort' }).getByRole('link', { name: 'Ändern Geburtsort' }).click();
  await expect(form.heading()).toHaveText('Ihre Angaben');
  await expect(page.locator('#f-person-geburtsort')).toBeFocused();
  await page.locator('#f-person-geburtsort').fill('Kyjiw');
  await expect(page.locator('button[data-action="next"]')).toHaveText('Zurück zur Übersicht');
  await form.next();
  await expect(form.heading()).toHaveText('Überprüfen Sie Ihre Angaben');
  await expect(rows.filter({ hasText: 'Geburtsort' })).toContainText('Kyjiw');

  // The fee, computed from the answers (two extended copies at 15 euros), before sending.
  await expect(page.locator('.antrag-fee')).toContainText('Erweiterte Meldebescheinigung');
  await expect(page.locator('.antrag-fee tbody tr:last-child')).toContainText(`${eur(fee(examples('meldebescheinigung').valid.extended_with_family_and_other_address))}`);
  await page.getByRole('button', { name: 'Gebühr bezahlen und Antrag senden' }).click();
  await expect(page.getByRole('heading', { name: /Test-Bezahldienst/ })).toBeVisible();
  await page.getByRole('button', { name: 'Bezahlen' }).click();
  await expect(page.getByRole('heading', { name: 'Antrag gesendet und bezahlt' })).toBeVisible();
  const reference = await page.locator('.antrag-reference').innerText();
  expect(reference).toMatch(/^MEB-\d{4}-\d{6}$/);
  const stored = await inbox.submission(reference);
  expect(stored.payload.person.geburtsort).toBe('Kyjiw');
  expect(stored.status).toBe('received');
});

/** The fee of Meldebescheinigung answers: 10 euros a simple copy, 15 an extended one. */
function fee(answers: any): number {
  return Number(answers.bescheinigung.anzahl) * (answers.bescheinigung.art === 'erweitert' ? 1500 : 1000);
}

function eur(cents: number): string {
  return `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')}\u00a0€`;
}

test('confirmation with the outro and a print copy; Back after sending never returns to the form', async ({ page, request }) => {
  const form = new FormPage(page);
  const driver = new Driver(page, await definition(request, 'bewohnerparkausweis'));
  await form.open('bewohnerparkausweis');
  await driver.fillAll(examples('bewohnerparkausweis').valid.keeper);
  await expect(page.locator('.antrag-fee')).toHaveCount(0);
  await form.submit();
  await expect(form.heading()).toHaveText('Antrag erfolgreich gesendet');
  const reference = await page.locator('.antrag-reference').innerText();
  expect(reference).toMatch(/^BPA-\d{4}-\d{6}$/);
  await expect(page.locator('.antrag-received')).toContainText(/Eingegangen am \d+\. \p{L}+ \d{4} um \d\d:\d\d Uhr/u);
  await expect(page.getByText('Das dauert in der Regel zwei Wochen')).toBeVisible();
  await expect(page.locator('.antrag-copy')).toContainText(examples('bewohnerparkausweis').valid.keeper.antragsteller.nachname);
  // Print: only the confirmation and the answers.
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.antrag-header')).toBeHidden();
  await expect(page.getByRole('button', { name: /drucken/ })).toBeHidden();
  await expect(page.locator('.antrag-copy')).toBeVisible();
  await page.emulateMedia({ media: 'screen' });
  // Back after sending never returns to a form that could be sent twice.
  await page.goBack();
  await expect(form.heading()).toHaveText('Antrag erfolgreich gesendet');
});

test('the language switch changes the interface and the form texts', async ({ page }) => {
  const form = new FormPage(page);
  await form.open('bewohnerparkausweis');
  await expect(form.heading()).toHaveText('Angaben zur Person');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(form.heading()).toHaveText('About you');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.locator('button[data-action="next"]')).toHaveText('Continue');
  await form.next();
  await expect(form.errorSummary()).toContainText('Enter “First name”.');
  await page.getByRole('button', { name: 'Leichte Sprache' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page).toHaveTitle(/Parkausweis für Anwohner beantragen/);
  // The interface speaks Leichte Sprache too.
  await expect(form.errorSummary()).toContainText('Bitte prüfen Sie diese Angaben');
  await expect(form.errorSummary()).toContainText('Bitte schreiben Sie etwas bei: Vorname');
});
