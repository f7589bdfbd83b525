// Screenshots of every screen of one demo form at 320 px (small phone), 640 px (a desktop at
// 200 % zoom) and 1280 px, written to target/e2e-results/screenshots/ for people to look at.
import { test, expect } from './fixtures';
import { mkdirSync } from 'node:fs';
import { Driver, definition, examples } from './driver';

for (const width of [320, 640, 1280]) {
  test(`screens of the Hundesteuer form at ${width} px`, async ({ page, request }, info) => {
    const dir = 'target/e2e-results/screenshots';
    mkdirSync(dir, { recursive: true });
    await page.setViewportSize({ width, height: 900 });
    let n = 0;
    const shot = async (name: string) => {
      const path = `${dir}/hundesteuer-${width}-${String(++n).padStart(2, '0')}-${name}.png`;
      await page.screenshot({ path, fullPage: true });
      await info.attach(`${width}-${name}`, { path, contentType: 'image/png' });
      // Nothing may stick out sideways: no horizontal scrolling at any width.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `horizontal overflow on ${name} at ${width}px`).toBeLessThanOrEqual(0);
    };
    const driver = new Driver(page, await definition(request, 'hundesteuer'));
    const answers = examples('hundesteuer').valid.listed_breed_with_reduction;
    await page.goto('/forms/hundesteuer?lang=de');
    await expect(page.locator('h1')).toBeVisible();
    await shot('schritt-1-leer');
    await driver.next();
    await shot('schritt-1-fehler');
    for (let step = 1; step <= 4; step++) {
      const title = (await page.locator('h1').innerText()).trim();
      await driver.fillStep(answers);
      await shot(`schritt-${step}-ausgefuellt`);
      await driver.next();
      await expect(page.locator('h1')).not.toHaveText(title);
    }
    await shot('uebersicht');
    await page.locator('button[data-action="submit"]').click();
    await expect(page.locator('h1')).toHaveText('Antrag erfolgreich gesendet');
    await shot('bestaetigung');
  });
}
