// Real FIM data schemas, imported by antrag-server import-fim (scripts/import-fim-fixtures.sh,
// run before the server starts): each renders, is filled in with valid answers found by the
// validator, passes validation, is submitted and stored — with zero axe violations on every page.
// The exports live in ../shared/fixtures/fim (test use only); without them these tests skip.
import { test, expect } from './fixtures';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { expectAccessible, Inbox } from './support';
import { Driver, definition, examples, sendAccessibly } from './driver';
import { inboxToken } from '../../playwright.config';

const dir = 'target/e2e-fim';
const imported = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')) : [];

test('imported FIM schemas are served', async ({ request }) => {
  test.skip(imported.length === 0, 'FIM fixtures not found at ../shared/fixtures/fim: imported-schema tests skipped');
  expect(imported.length, 'at least two imported real schemas').toBeGreaterThanOrEqual(2);
  const response = await request.get('/api/v1/forms');
  const listed = JSON.stringify(await response.json());
  for (const id of imported) expect(listed).toContain(`"${id}"`);
});

for (const id of imported) {
  test(`${id}: an imported FIM schema is filled in, validated, submitted and accessible`, async ({ page, request }) => {
    const def = await definition(request, id);
    const source = JSON.parse(readFileSync(`${dir}/${id}.json`, 'utf8'));
    expect(def.service.fimSchema.id, 'the FIM schema id is kept').toBe(source.service.fimSchema.id);
    expect(def.service.fimRules, 'rule prose stays on the server').toBeUndefined();
    const answers = examples(id).valid.generated;
    expect(answers, `generated answers for ${id}`).toBeTruthy();

    await sendAccessibly(page, def, id, answers);

    // Stored with the FIM data keys.
    const reference = (await page.locator('.antrag-reference').innerText()).trim();
    const stored = await new Inbox(request).submission(reference);
    expect(stored.formId ?? stored.form?.id ?? JSON.stringify(stored)).toContain(id);
    const firstKey = Object.keys(answers)[0];
    expect(JSON.stringify(stored), `the payload holds ${firstKey}`).toContain(`"${firstKey}"`);

    // The clerk sees the rules the form could not check.
    const manual = (source.service.fimRules ?? []).filter((r: any) => !r.translated);
    await page.goto('/inbox');
    await page.getByLabel('Zugangsschlüssel').fill(inboxToken);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.goto(`/inbox/submissions/${reference}`);
    await expect(page.locator('h1')).toContainText(reference);
    if (manual.length > 0) {
      await expect(page.getByRole('heading', { name: 'Von Hand zu prüfende Regeln' })).toBeVisible();
      for (const rule of manual) await expect(page.locator('main')).toContainText(rule.fim.id);
    } else {
      await expect(page.getByRole('heading', { name: 'Von Hand zu prüfende Regeln' })).toHaveCount(0);
    }
    await expectAccessible(page, `${id}: inbox detail`);
  });
}

test('translated FIM rules act in the browser (S00000000371: pregnant or nursing)', async ({ page, request }) => {
  test.skip(!imported.includes('fim-s00000000371'), 'FIM fixture S00000000371 not found: skipped');
  const def = await definition(request, 'fim-s00000000371');
  await page.goto('/forms/fim-s00000000371?lang=de');
  const driver = new Driver(page, def);
  await driver.fillStep(examples('fim-s00000000371').valid.generated);
  await driver.next();
  await expect(page.locator('h1')).toHaveText('Angaben zur schwangeren oder stillenden Frau');
  const status = 'f-G00000002193-F17000009294';
  const expected = page.locator('#f-G00000002193-F17000009295'); // (voraussichtlicher) Entbindungstermin
  const actual = page.locator('#f-G00000002193-F17000009296'); // tatsächlicher Entbindungstermin
  await expect(expected).toHaveCount(0);
  await expect(actual).toHaveCount(0);
  // R00000002566: "WENN … = 001 'schwanger', DANN aktiviere F17000009295 … UND mache es zu einer Pflichtangabe …"
  await page.locator(`#${status}`).check();
  await expect(expected).toBeVisible();
  await expect(actual).toHaveCount(0);
  await page.locator(`#${status}-2`).check();
  await expect(actual).toBeVisible();
  await expect(expected).toHaveCount(0);
  // … and the date it shows is required.
  await driver.next();
  await expect(page.locator('.antrag-error-summary')).toContainText('Wann war der tatsächliche Entbindungstermin');
  await expectAccessible(page, 'S00000000371 with a rule-driven field and its error');
});
