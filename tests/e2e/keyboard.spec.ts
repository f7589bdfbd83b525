// The whole flow by keyboard alone: Tab to reach things, type, arrow keys in radio groups,
// Space on the file input, Enter to go on and to send. No mouse, no clicks, no fills.
import { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { fileFor } from './driver';

/** Press Tab until `selector` has focus (at most 40 times): proves it is reachable. */
async function tabTo(page: Page, selector: string) {
  for (let i = 0; i < 40; i++) {
    if (await page.locator(selector).evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${selector} is not reachable with Tab`);
}

async function typeInto(page: Page, selector: string, text: string) {
  await tabTo(page, selector);
  await page.keyboard.type(text);
}

test('complete the Bewohnerparkausweis form with the keyboard only', async ({ page }) => {
  await page.goto('/forms/bewohnerparkausweis?lang=de');
  await expect(page.locator('h1')).toHaveText('Angaben zur Person');

  // The skip link is the first stop and jumps to the main content.
  await page.keyboard.press('Tab');
  await expect(page.locator('.antrag-skip-link')).toBeFocused();

  await typeInto(page, '#f-antragsteller-vorname', 'Jürgen');
  await typeInto(page, '#f-antragsteller-nachname', 'Groß');
  await typeInto(page, '#f-antragsteller-geburtsdatum', '27');
  await page.keyboard.press('Tab');
  await page.keyboard.type('3');
  await page.keyboard.press('Tab');
  await page.keyboard.type('1990');
  await page.keyboard.press('Enter'); // implicit submission: next step
  await expect(page.locator('h1')).toHaveText('Anschrift');
  await expect(page.locator('h1')).toBeFocused();

  await typeInto(page, '#f-anschrift-strasse', 'Hauptstraße');
  await typeInto(page, '#f-anschrift-hausnummer', '12');
  await typeInto(page, '#f-anschrift-plz', '610');
  await typeInto(page, '#f-anschrift-ort', 'Halle');
  await page.keyboard.press('Enter');
  // The error summary takes focus; its link is reached with Tab and followed with Enter.
  await expect(page.locator('.antrag-error-summary')).toBeFocused();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page.locator('#f-anschrift-plz')).toBeFocused();
  await page.keyboard.press('End');
  await page.keyboard.type('8');
  await page.keyboard.press('Home');
  await page.keyboard.type('0');
  await expect(page.locator('#f-anschrift-plz')).toHaveValue('06108');
  await page.keyboard.press('Enter');
  await expect(page.locator('h1')).toHaveText('Fahrzeug');

  await typeInto(page, '#f-fahrzeug-kennzeichen', 'HAL-AB 123');
  // Radios: Tab enters the group, an arrow key moves to "Nein" and selects it.
  await tabTo(page, '#f-fahrzeug-ist_halter');
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('#f-fahrzeug-ist_halter-2')).toBeChecked();
  await typeInto(page, '#f-fahrzeug-halter', 'Stadtwerke Halle GmbH');
  // The file input opens the file chooser on Space.
  await tabTo(page, '#f-fahrzeug-nutzungsnachweis');
  const chooser = page.waitForEvent('filechooser');
  await page.keyboard.press('Space');
  await (await chooser).setFiles(fileFor({ name: 'nachweis.pdf', mediaType: 'application/pdf' }));
  await expect(page.locator('.antrag-file__name')).toHaveText('nachweis.pdf');
  // "Entfernen" is a real button reachable by keyboard.
  await tabTo(page, '.antrag-file__item button');
  await tabTo(page, 'button[data-action="next"]');
  await page.keyboard.press('Enter');
  await expect(page.locator('h1')).toHaveText('Kontakt');
  await tabTo(page, 'button[data-action="next"]');
  await page.keyboard.press('Enter');

  await expect(page.locator('h1')).toHaveText('Überprüfen Sie Ihre Angaben');
  await tabTo(page, 'button[data-action="submit"]');
  await page.keyboard.press('Enter');
  await expect(page.locator('h1')).toHaveText('Antrag erfolgreich gesendet');
  await expect(page.locator('h1')).toBeFocused();
});
