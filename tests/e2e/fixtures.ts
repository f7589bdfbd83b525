// The suite's `test`: Playwright's, with
// - every browser context on the test clock (clock.ts);
// - navigations that wait until a server-rendered page is hydrated (the app has taken over),
//   so a test acts on the app, not on the page without JavaScript — tests of the moments
//   before hydration hold the wasm themselves;
// - no hydration error or panic of the app in the console: any fails the test.
// Specs import `test` and `expect` from here, never from '@playwright/test' directly.
import { test as base, expect, Page } from '@playwright/test';
import { installTestClock } from './clock';

/** What the app logs when hydration or the app itself breaks. */
const BROKEN = /hydration error|panicked at|unreachable|RuntimeError/i;

/** Wait until a page the server rendered (it carries #antrag-data) is hydrated. */
export async function hydrated(page: Page) {
  await page.waitForFunction(
    () => !document.getElementById('antrag-data') || !!document.querySelector('#antrag-app[data-hydrated]'),
    undefined,
    { timeout: 20_000 },
  );
}

export const test = base.extend<{ appErrors: string[] }>({
  context: async ({ context }, use) => {
    await installTestClock(context);
    await use(context);
  },
  appErrors: async ({ context }, use) => {
    const errors: string[] = [];
    const watch = (page: Page) => {
      page.on('console', (m) => { if (m.type() === 'error' && BROKEN.test(m.text())) errors.push(m.text()); });
      page.on('pageerror', (e) => { if (BROKEN.test(`${e.name}: ${e.message}`)) errors.push(`${e.name}: ${e.message}`); });
    };
    context.pages().forEach(watch);
    context.on('page', watch);
    await use(errors);
    expect(errors, 'the app broke in the browser (hydration error or panic)').toEqual([]);
  },
  page: async ({ page, appErrors, javaScriptEnabled }, use) => {
    void appErrors;
    if (javaScriptEnabled === false) {
      await use(page);
      return;
    }
    const goto = page.goto.bind(page);
    const reload = page.reload.bind(page);
    // For tests of the moments before hydration.
    (page as any).gotoUnhydrated = goto;
    page.goto = async (url, options) => {
      const response = await goto(url, options);
      await hydrated(page);
      return response;
    };
    page.reload = async (options) => {
      const response = await reload(options);
      await hydrated(page);
      return response;
    };
    await use(page);
  },
});

export { expect };
