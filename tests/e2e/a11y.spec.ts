// Accessibility sweep: axe-core (WCAG 2.1 A and AA) over every page state of every demo form —
// empty, with errors shown, every step filled, answer summary, confirmation — and the catalog.
import { test, expect } from './fixtures';
import { readdirSync } from 'node:fs';
import { expectAccessible } from './support';
import { definition, examples, sendAccessibly } from './driver';

const demoForms = readdirSync('forms').filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));

test('the catalog lists every demo form and is accessible', async ({ page }) => {
  await page.goto('/?lang=de');
  await expect(page.locator('h1')).toHaveText('Anträge online stellen');
  for (const id of demoForms) await expect(page.locator(`a[href="/forms/${id}"]`)).toHaveCount(1);
  await expectAccessible(page, 'catalog');
});

for (const id of demoForms) {
  test(`${id}: every page state is accessible`, async ({ page, request }) => {
    const def = await definition(request, id);
    const answers = Object.values(examples(id).valid)[0];
    expect(answers, `a valid example for ${id}`).toBeTruthy();
    await sendAccessibly(page, def, id, answers);
  });
}

test('special cases: unsupported placeholder, text not HTML, right to left', async ({ page }) => {
  await page.goto('/forms/e2e-sonderfaelle?lang=de');
  const placeholder = page.locator('#f-sonder-anlage');
  await expect(placeholder).toBeVisible();
  await expect(placeholder).toContainText('kann hier nicht ausgefüllt werden');
  await expect(page.locator('#f-sonder-html')).toHaveText('<img src=x onerror=alert(1)> bleibt Text.');
  await expect(page.locator('main img')).toHaveCount(0);
  await expectAccessible(page, 'special cases');
  await page.getByRole('button', { name: 'العربية' }).click();
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
  await expect(page.locator('label[for="f-sonder-name"]')).toContainText('الاسم');
  await expectAccessible(page, 'right to left');
});
