// WCAG 2.1 AA 1.4.10 Reflow (BITV 2.0): at 320 CSS px nothing scrolls sideways. Every demo form
// and every real FIM export in ../shared/fixtures/fim (imported by playwright.config.ts), on a
// 320 px wide page: the first step empty and with its errors, every step filled, the answer
// summary and the confirmation; and one form in a 1280 px window zoomed to 400 %. axe does
// not see this, so this test does: a failure names the elements that stick out.
import { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { existsSync, readdirSync } from 'node:fs';
import { definition, examples, sendChecked } from './driver';

const demoForms = readdirSync('forms').filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
const fimForms = ['target/e2e-fim', 'target/e2e-fim-corpus']
  .filter(existsSync)
  .flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')));

/** The page is no wider than the window; else the innermost elements that reach past it. */
export async function expectReflow(page: Page, label: string) {
  const wide = await page.evaluate(() => {
    const width = window.innerWidth;
    if (document.documentElement.scrollWidth <= width) return null;
    const out = [...document.querySelectorAll('body *')].filter((e) => {
      const r = e.getBoundingClientRect();
      // Past the right edge (or past the left and into view: off-screen skip links are not).
      return r.width > 0 && (r.right > width + 0.5 || (r.left < -0.5 && r.right > 0));
    });
    const innermost = out.filter((e) => !out.some((o) => o !== e && e.contains(o)));
    const name = (e: Element) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${[...e.classList].map((c) => `.${c}`).join('')}`;
    return {
      scrollWidth: document.documentElement.scrollWidth,
      width,
      elements: innermost.slice(0, 5).map((e) => `${name(e)} reaches ${Math.round(e.getBoundingClientRect().right)} px: "${(e.textContent ?? '').trim().slice(0, 80)}"`),
    };
  });
  expect(wide, `${label}: the page scrolls sideways (${wide?.scrollWidth} px wide in a ${wide?.width} px window):\n  ${wide?.elements.join('\n  ')}`).toBeNull();
}

test.describe('at 320 px', () => {
  test.use({ viewport: { width: 320, height: 640 } });

  for (const id of [...demoForms, ...fimForms]) {
    test(`${id}: every page state reflows`, async ({ page, request }) => {
      const def = await definition(request, id);
      const valid = examples(id).valid;
      const answers = valid.generated ?? Object.values(valid)[0];
      expect(answers, `a valid example for ${id}`).toBeTruthy();
      await sendChecked(page, def, id, answers as Record<string, unknown>, (label) => expectReflow(page, label));
    });
  }

  test('the catalog and the imported FIM forms are all there', async ({ page }) => {
    test.skip(fimForms.length === 0, 'FIM fixtures not found at ../shared/fixtures/fim: only the demo forms were checked');
    expect(fimForms.length, 'every export of xdf3/, xdf3-corpus/ and xdf2/').toBeGreaterThanOrEqual(20);
    await page.goto('/?lang=de');
    await expectReflow(page, 'catalog');
  });
});

test.describe('a 1280 × 720 window zoomed to 400 %', () => {
  // What browser zoom does: 320 × 180 CSS px, four device pixels to one (devicePixelRatio 4).
  test.use({ viewport: { width: 320, height: 180 }, deviceScaleFactor: 4 });

  test('a long FIM form reflows on every page state', async ({ page, request }) => {
    const id = fimForms.includes('fim-s07000000201') ? 'fim-s07000000201' : 'wohngeld';
    const def = await definition(request, id);
    const valid = examples(id).valid;
    const answers = (valid.generated ?? Object.values(valid)[0]) as Record<string, unknown>;
    await sendChecked(page, def, id, answers, async (label) => {
      expect(await page.evaluate(() => [window.innerWidth, window.devicePixelRatio])).toEqual([320, 4]);
      await expectReflow(page, `${label} (400 %)`);
    });
  });
});
