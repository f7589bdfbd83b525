// Every widget type, on the long Wohngeld form: what the citizen types or picks lands in the
// answers, is tidied where that helps (currency, IBAN, time), and the core's verdict shows.
import { test, expect } from './fixtures';
import { Driver, definition, examples, fileFor } from './driver';
import { FormPage } from './support';
import { daysFromToday } from './clock';

test('text, select, radios, date, time, Steuer-ID and the optional marker', async ({ page }) => {
  const form = new FormPage(page);
  await form.open('wohngeld');
  await expect(page.getByText('Schritt 1 von 7')).toBeVisible();
  // Fields that are not required say so.
  await expect(page.locator('#f-antragsteller-telefon-label')).toHaveText('Telefonnummer (optional)');
  await expect(page.locator('#f-antragsteller-vorname-label')).toHaveText('Vorname');
  // Drop-down for more than six choices, radios for fewer.
  await expect(page.locator('select#f-antragsteller-staatsangehoerigkeit')).toBeVisible();
  await expect(page.locator('input[type=radio][name="antragsteller.familienstand"]')).toHaveCount(5);
  // A time shown only once a phone number is given, tidied on blur.
  await expect(page.locator('#f-antragsteller-erreichbar_ab')).toHaveCount(0);
  await form.fill('Telefonnummer (optional)', '0345 123456');
  const time = page.locator('#f-antragsteller-erreichbar_ab');
  await time.fill('930');
  await time.blur();
  await expect(time).toHaveValue('09:30');
  // Selecting a nationality other than German reveals the residence title questions.
  await page.locator('#f-antragsteller-staatsangehoerigkeit').selectOption('166');
  await expect(page.locator('input[name="antragsteller.aufenthaltstitel"]').first()).toBeVisible();
  // The Steuer-ID check digit is verified in the browser.
  await form.fill('Steuerliche Identifikationsnummer', '12345678901');
  await form.next();
  await expect(page.locator('#f-antragsteller-steuer_id-error')).toContainText('Steuer-Identifikationsnummer');
  await form.fill('Steuerliche Identifikationsnummer', '86095742719');
  await expect(page.locator('#f-antragsteller-steuer_id-error')).toHaveCount(0);
  // Date parts: a missing month gets its own message.
  await page.locator('#f-antragsteller-geburtsdatum').fill('27');
  await page.locator('#f-antragsteller-geburtsdatum-year').fill('1990');
  await expect(page.locator('#f-antragsteller-geburtsdatum-error')).toContainText('muss einen Monat enthalten');
  await page.locator('#f-antragsteller-geburtsdatum-month').fill('3');
  await expect(page.locator('#f-antragsteller-geburtsdatum-error')).toHaveCount(0);
});

test('numbers, currency, files, checkboxes, consent, IBAN, locked, static and datetime', async ({ page, request }) => {
  const def = await definition(request, 'wohngeld');
  const driver = new Driver(page, def);
  const answers = examples('wohngeld').valid.minimal_pensioner;
  await page.goto('/forms/wohngeld?lang=de');
  // Step 1 and 2 from the example.
  await driver.fillStep(answers);
  await driver.next();
  await expect(page.locator('h1')).toHaveText('Ihre Wohnung');
  // German numbers: "54,5" is a number; "abc" is not.
  await page.locator('#f-wohnung-flaeche').fill('abc');
  await driver.fillStep({ ...answers, wohnung: { ...answers.wohnung, flaeche: undefined } });
  await driver.next();
  await expect(page.locator('#f-wohnung-flaeche-error')).toContainText('muss eine Zahl sein');
  await page.locator('#f-wohnung-flaeche').fill('54,5');
  await driver.next();

  // Currency: formatted the German way on blur, with a euro sign beside it.
  await expect(page.locator('h1')).toHaveText('Miete');
  const rent = page.locator('#f-miete-kaltmiete');
  await rent.fill('1234,5');
  await rent.blur();
  await expect(rent).toHaveValue('1.234,50');
  await expect(page.locator('.antrag-input__suffix').first()).toHaveText('€');
  await rent.fill('12,345');
  await driver.next();
  await expect(page.locator('#f-miete-kaltmiete-error')).toContainText('höchstens 2 Nachkommastellen');
  await rent.fill('420');

  // Files: choose with the button, drop another, see progress finish, remove one.
  const upload = page.locator('#f-miete-mietvertrag');
  await upload.setInputFiles(fileFor({ name: 'seite1.pdf', mediaType: 'application/pdf' }));
  await expect(page.locator('.antrag-file__name', { hasText: 'seite1.pdf' })).toBeVisible();
  const dataTransfer = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])], 'seite2.png', { type: 'image/png' }));
    return dt;
  });
  await page.locator('.antrag-file__drop').first().dispatchEvent('drop', { dataTransfer });
  await expect(page.locator('.antrag-file__name', { hasText: 'seite2.png' })).toBeVisible();
  // A type the field does not accept is refused by the server's sniffing, with a message.
  await upload.setInputFiles({ name: 'virus.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ\x90\x00 not a pdf at all') });
  await expect(page.locator('.antrag-file__item--failed')).toContainText('Dateiformat ist nicht erlaubt');
  await page.getByRole('button', { name: 'Entfernen seite1.pdf' }).click();
  await expect(page.locator('.antrag-file__name', { hasText: 'seite1.pdf' })).toHaveCount(0);
  await expect(upload).toBeFocused();

  // The garage question reveals its cost; the landlord's website must be a URL.
  await driver.fillStep(answers);
  await page.locator('#f-miete-garage').check();
  await expect(page.locator('#f-miete-garage_kosten')).toBeVisible();
  await page.locator('#f-miete-vermieter_web').fill('hausverwaltung');
  await driver.next();
  await expect(page.locator('#f-miete-garage_kosten-error')).toBeVisible();
  await expect(page.locator('#f-miete-vermieter_web-error')).toContainText('https://');
  await page.locator('#f-miete-garage-2').check();
  await page.locator('#f-miete-vermieter_web').fill('https://www.hausverwaltung.de');
  await driver.next();

  // Household (repeatable) and income: checkboxes reveal questions per kind of income.
  await expect(page.locator('h1')).toHaveText('Ihr Haushalt');
  await driver.next();
  await expect(page.locator('h1')).toHaveText('Einkommen und Vermögen');
  await page.locator('#f-einkommen-arten').check(); // Lohn oder Gehalt
  await expect(page.locator('#f-einkommen-brutto')).toBeVisible();
  await page.locator('#f-einkommen-arten').uncheck();
  await expect(page.locator('#f-einkommen-brutto')).toHaveCount(0);
  await driver.fillStep(answers);
  await driver.next();

  // IBAN grouped on blur; a datetime appears for a call-back.
  await expect(page.locator('h1')).toHaveText('Bankverbindung');
  await driver.fillStep(answers);
  const iban = page.locator('#f-bank-iban');
  await iban.fill('de89370400440532013000');
  await iban.blur();
  await expect(iban).toHaveValue('DE89 3704 0044 0532 0130 00');
  await page.locator('#f-zeitraum-rueckruf').check();
  // A call-back must lie between today and a month ahead: two days after the test date.
  const callBack = daysFromToday(2);
  await page.locator('#f-zeitraum-rueckruf_termin').fill(callBack.day);
  await page.locator('#f-zeitraum-rueckruf_termin-month').fill(callBack.month);
  await page.locator('#f-zeitraum-rueckruf_termin-year').fill(callBack.year);
  await page.locator('#f-zeitraum-rueckruf_termin-time').fill('10:15');
  await driver.next();

  // Locked value, static text with its legal basis link, and two consents.
  await expect(page.locator('h1')).toHaveText('Erklärungen');
  await expect(page.locator('#f-erklaerung-stelle')).toHaveAttribute('readonly', '');
  await expect(page.locator('#f-erklaerung-stelle')).toHaveValue('Wohngeldstelle der Stadt (Demo)');
  await expect(page.locator('#f-erklaerung-hinweis_mitwirkung')).toContainText('Änderungen sofort mitteilen');
  await driver.fillStep(answers);
  await page.locator('#f-erklaerung-datenschutz').uncheck();
  await driver.next();
  await expect(page.locator('#f-erklaerung-datenschutz-error')).toContainText('Bitte bestätigen Sie');
  await page.locator('#f-erklaerung-datenschutz').check();
  await driver.next();
  await expect(page.locator('h1')).toHaveText('Überprüfen Sie Ihre Angaben');
  for (const shown of ['DE89 3704 0044 0532 0130 00', '420,00 €', `${callBack.german}, 10:15`, 'seite2.png']) {
    await expect(page.locator('main')).toContainText(shown);
  }
  // A locked value cannot be changed, so it has no change link.
  await expect(page.getByRole('link', { name: 'Ändern Zuständige Stelle' })).toHaveCount(0);
});

test('a file field says its limits once: added to a hint that lacks them, not to one that has them', async ({ page }) => {
  // Sondernutzung's hint names the types and the size itself.
  await page.goto('/forms/sondernutzung?lang=de');
  const own = page.locator('#f-anzeige-lageplan-hint');
  await expect(own).toHaveText('Wo genau soll die Fläche genutzt werden? PDF, JPG oder PNG, höchstens 20 MB.');
  await expect(own.locator('.antrag-file__limits')).toHaveCount(0);
  // Wohngeld's "Mietvertrag" hint does not: the limits follow it.
  await page.goto('/forms/wohngeld?lang=de&schritt=miete');
  const added = page.locator('#f-miete-mietvertrag-hint');
  await expect(added).toContainText('Alle Seiten, als PDF oder Foto');
  await expect(added.locator('.antrag-file__limits')).toHaveCount(1);
  await expect(added.locator('.antrag-file__limits')).toContainText('höchstens');
});
