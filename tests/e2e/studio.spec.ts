// The authoring studio (/studio, its own bundle): files dropped in, the FIM import's report
// and lint's problems, the live form with sample answers and their payload, the definition
// edited and downloaded — nothing leaves the browser. With ../shared, every real FIM export
// there is dropped in and its download must pass `antrag-server lint`. (How long the import of
// the largest export takes in the browser is a figure of `make bench`, bench/studio.mjs.)
import { test, expect } from './fixtures';
import { Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectAccessible } from './support';

const server = process.env.ANTRAG_SERVER_BIN ?? 'target/debug/antrag-server';
const fixtures = '../shared/fixtures/fim';
const ownFim = 'crates/fim/tests/fixtures';

/** Open the studio and wait until it runs. */
async function open(page: Page) {
  await page.goto('/studio/');
  await expect(page.locator('#studio-files')).toBeAttached({ timeout: 20_000 });
}

/** Every request the page makes from now on (nothing may leave the browser). */
function requests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (r) => seen.push(`${r.method()} ${new URL(r.url()).pathname}`));
  return seen;
}

/** Drop files through the file picker (the drop zone takes the same list). */
async function drop(page: Page, files: string[]) {
  await page.locator('#studio-files').setInputFiles(files);
}

/** Save the downloaded definition and let `antrag-server lint` judge it; its output. */
async function downloadAndLint(page: Page): Promise<{ file: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#studio-download').click()]);
  const file = join(mkdtempSync(join(tmpdir(), 'studio-')), download.suggestedFilename());
  await download.saveAs(file);
  const output = execFileSync(server, ['lint', file], { encoding: 'utf8' });
  return { file, text: output };
}

function genericodeFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.xml')).map((f) => join(dir, f)) : [];
}

test('a definition dropped in is checked, previewed, filled with sample answers and gives its payload; nothing is sent', async ({ page }) => {
  const sent = requests(page);
  await open(page);
  await expectAccessible(page, 'studio, empty');
  const loadedBefore = sent.length;
  await drop(page, ['forms/bewohnerparkausweis.json']);
  await expect(page.locator('#studio-lint-ok')).toBeVisible();
  const preview = page.locator('#studio-preview');
  await expect(preview.locator('h1, h2').first()).toBeVisible();
  await expect(preview.locator('.antrag-unsupported')).toHaveCount(0);

  await page.locator('#studio-samples').click();
  // The form filled in, and the payload those answers make.
  await expect(preview.locator('input[type=text]').first()).not.toHaveValue('');
  const payload = JSON.parse(await page.locator('#studio-payload').innerText());
  expect(Object.keys(payload).length).toBeGreaterThan(0);
  await expectAccessible(page, 'studio with a form and its payload');

  // Through the steps to "send", which in the preview sends nothing.
  for (let step = 0; step < 10 && !(await preview.getByRole('button', { name: /absenden/i }).isVisible()); step++) {
    await preview.getByRole('button', { name: /weiter/i }).click();
  }
  await preview.getByRole('button', { name: /absenden/i }).click();
  await expect(preview.locator('.antrag-reference')).toHaveText('VORSCHAU');

  // The language switch shows the form in another of its languages.
  const languages = await page.locator('#studio-lang option').allTextContents();
  if (languages.includes('en')) {
    await page.locator('#studio-lang').selectOption('en');
    await expect(page.locator('#studio-lang')).toHaveValue('en');
  }

  const { text } = await downloadAndLint(page);
  expect(text).toMatch(/ok|bewohnerparkausweis/i);
  // Only the studio's own files were fetched: no definition, no answers went anywhere.
  const after = sent.slice(loadedBefore);
  expect(after.filter((r) => !r.startsWith('GET /studio/')), after.join('\n')).toEqual([]);
});

test('a broken definition shows its problems with pointers; choosing one selects its place; fixing it clears them', async ({ page }) => {
  await open(page);
  const definition = JSON.parse(readFileSync('forms/bewohnerparkausweis.json', 'utf8'));
  // A pattern that does not compile, on the first field that has constraints or any field.
  const path = findField(definition.items, []);
  expect(path, 'a field to break').toBeTruthy();
  let node: any = definition;
  for (const i of path!) node = node.items[i];
  node.constraints = { ...(node.constraints ?? {}), pattern: '[0-9' };
  const broken = join(mkdtempSync(join(tmpdir(), 'studio-')), 'kaputt.json');
  writeFileSync(broken, JSON.stringify(definition, null, 2));
  await drop(page, [broken]);

  const pointer = `/items/${path!.join('/items/')}/constraints/pattern`;
  const problem = page.locator('.studio-problem', { hasText: pointer });
  await expect(problem).toBeVisible();
  await expect(problem).toContainText('invalid_regex');
  await expectAccessible(page, 'studio with problems');

  // Keyboard: the problem is a button; Enter selects the pattern in the text.
  await problem.focus();
  await page.keyboard.press('Enter');
  const selected = await page.locator('#studio-definition').evaluate((el: HTMLTextAreaElement) =>
    el.value.slice(el.selectionStart, el.selectionEnd));
  expect(selected).toBe('"[0-9"');
  await expect(page.locator('#studio-definition')).toBeFocused();

  // Typing the fix: the problems go a moment later.
  await page.keyboard.type('"[0-9]+"');
  await expect(page.locator('#studio-lint-ok')).toBeVisible();
});

test('a file that is not a FIM export or a definition gets a plain message', async ({ page }) => {
  await open(page);
  const dir = mkdtempSync(join(tmpdir(), 'studio-'));
  writeFileSync(join(dir, 'liste.csv'), 'Name;Vorname\n');
  await drop(page, [join(ownFim, 'xdf1-legacy.xml'), join(dir, 'liste.csv')]);
  const notes = page.locator('.studio-notes__item--failed');
  await expect(notes).toHaveCount(2);
  await expect(notes.filter({ hasText: 'xdf1-legacy.xml' })).toContainText(/1\.|XDatenfelder/);
  await expect(notes.filter({ hasText: 'liste.csv' })).toContainText('weder XML noch JSON');
});

test('a synthetic FIM export with its code lists is imported in the browser: report, preview, lintable download', async ({ page }) => {
  await open(page);
  await drop(page, [join(ownFim, 'xdf3-musterantrag.xml'), ...genericodeFiles(join(ownFim, 'codelists'))]);
  await expect(page.locator('#studio-report')).toBeVisible();
  await expect(page.locator('#studio-report')).toContainText('Felder');
  await expect(page.locator('#studio-lint-ok')).toBeVisible();
  await expect(page.locator('#studio-preview .antrag-unsupported')).toHaveCount(0);
  await expectAccessible(page, 'studio with an import report');
  await downloadAndLint(page);
});

// Every real export in ../shared (test use only; skipped without it).
const exports: string[] = [];
for (const sub of ['xdf3', 'xdf3-corpus', 'xdf2']) {
  const dir = join(fixtures, sub);
  if (!existsSync(dir)) continue;
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      const schema = readdirSync(path).find((f) => f.endsWith('.xml'));
      if (schema) exports.push(join(path, schema));
    } else if (entry.endsWith('.xml')) {
      exports.push(path);
    }
  }
}

test('the real FIM exports are found', async () => {
  test.skip(!existsSync(fixtures), 'FIM fixtures not found at ../shared/fixtures/fim: the studio import tests of real exports skipped');
  expect(exports.length).toBeGreaterThanOrEqual(3);
});

for (const file of exports) {
  test(`studio imports ${file.slice(fixtures.length + 1)}: report, preview without unsupported fields, download passes lint`, async ({ page }) => {
    await open(page);
    await drop(page, [file, ...genericodeFiles(join(fixtures, 'codelists'))]);
    await expect(page.locator('#studio-report')).toBeVisible({ timeout: 30_000 });
    await expect(page.locator('#studio-lint-ok')).toBeVisible({ timeout: 30_000 });
    await expect(page.locator('#studio-preview .antrag-form, #studio-preview form, #studio-preview h1').first()).toBeVisible({ timeout: 30_000 });
    await expect(page.locator('#studio-preview .antrag-unsupported')).toHaveCount(0);
    await downloadAndLint(page);
  });
}

/** The index path of the first plain text field in `items` (groups descended). */
function findField(items: any[], at: number[]): number[] | null {
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item.field && item.datatype === 'text') return [...at, i];
    if (Array.isArray(item.items)) {
      const found = findField(item.items, [...at, i]);
      if (found) return found;
    }
  }
  return null;
}

for (const [name, width, height] of [['a 1280 px desktop', 1280, 800], ['a tablet', 768, 1024]] as const) {
  test(`on ${name} the studio fits the screen and stays accessible with a form, its problems and its preview`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await open(page);
    await drop(page, ['forms/meldebescheinigung.json']);
    await expect(page.locator('#studio-lint-ok')).toBeVisible();
    await page.locator('#studio-samples').click();
    const overflow = () => page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);
    expect(await overflow(), 'no horizontal scrolling').toBeLessThanOrEqual(0);
    await expectAccessible(page, `studio at ${width} px`);
    // A broken definition: its problems are listed, still without horizontal scrolling.
    const broken = join(mkdtempSync(join(tmpdir(), 'studio-')), 'kaputt.json');
    const def = JSON.parse(readFileSync('forms/meldebescheinigung.json', 'utf8'));
    def.payment.items[0].amount = '10,00';
    writeFileSync(broken, JSON.stringify(def, null, 2));
    await drop(page, [broken]);
    await expect(page.getByText('/payment/items/0/amount')).toBeVisible();
    expect(await overflow(), 'no horizontal scrolling with problems').toBeLessThanOrEqual(0);
    await expectAccessible(page, `studio at ${width} px with problems`);
  });
}
