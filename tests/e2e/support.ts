// Shared helpers: page objects for a form, the clerk inbox API, and axe-core.
import { expect, Browser, Page, APIRequestContext, Locator } from '@playwright/test';
import { installTestClock } from './clock';
import { readFileSync } from 'node:fs';
import { inboxToken, municipalSite } from '../../playwright.config';

const axeSource = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');

/** WCAG 2.1 A and AA violations on the page (axe-core run inside the page). */
export async function axeViolations(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  // page.evaluate runs through the DevTools protocol, so this works under a strict CSP too.
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // @ts-ignore axe is defined by the injected source
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n: any) => n.target.join(' ')) }));
  });
}

export async function expectAccessible(page: Page, state: string) {
  const violations = await axeViolations(page);
  expect(violations, `axe violations (${state})`).toEqual([]);
}

/** A form being filled in, found by labels and roles, never by DOM position. */
export class FormPage {
  constructor(readonly page: Page) {}

  async open(id: string, lang = 'de') {
    await this.page.goto(`/forms/${id}?lang=${lang}`);
    await expect(this.page.locator('h1')).toBeVisible();
  }

  field(label: string | RegExp): Locator {
    return this.page.getByLabel(label, { exact: typeof label === 'string' });
  }

  async fill(label: string | RegExp, value: string) {
    await this.field(label).fill(value);
  }

  /** A date question by its legend: day, month, year. */
  async fillDate(legend: string, day: string, month: string, year: string) {
    const group = this.page.getByRole('group', { name: legend });
    await group.getByLabel('Tag').fill(day);
    await group.getByLabel('Monat').fill(month);
    await group.getByLabel('Jahr').fill(year);
  }

  async choose(legend: string | RegExp, option: string) {
    await this.page.getByRole('group', { name: legend }).getByLabel(option, { exact: true }).check();
  }

  async next() {
    await this.page.locator('button[data-action="next"]').click();
  }

  heading(): Locator {
    return this.page.locator('h1');
  }

  errorSummary(): Locator {
    return this.page.locator('.antrag-error-summary');
  }

  async submit() {
    await this.page.locator('button[data-action="submit"]').click();
  }
}

/** The clerk inbox API of the reference server. */
export class Inbox {
  constructor(readonly request: APIRequestContext) {}

  private headers() {
    return { Authorization: `Bearer ${inboxToken}` };
  }

  async list(): Promise<{ total: number; submissions: { reference: string }[] }> {
    const response = await this.request.get('/api/v1/inbox/submissions', { headers: this.headers() });
    expect(response.status()).toBe(200);
    return response.json();
  }

  async submission(reference: string): Promise<any> {
    const response = await this.request.get(`/api/v1/inbox/submissions/${reference}`, { headers: this.headers() });
    expect(response.status()).toBe(200);
    return response.json();
  }

  async attachment(id: string) {
    return this.request.get(`/api/v1/inbox/attachments/${id}`, { headers: this.headers() });
  }
}

/** A municipality's page on another site than the server — `municipalSite`, one of the
 * server's `--cors-origin`s — with `body` and the embed script from the server, in a context of
 * its own on the test clock. `errors`: every error the page logs (a request refused by CORS
 * among them). Chromium asks before a page that is not itself on loopback reaches loopback:
 * granted, as a public site reaching a public server needs no such permission. */
export async function municipalPage(browser: Browser, baseURL: string, title: string, body: string) {
  const server = new URL(baseURL).origin;
  const context = await browser.newContext({ baseURL, permissions: ['local-network-access'] });
  await installTestClock(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route(`${municipalSite}/gemeinde/**`, (route) =>
    route.fulfill({
      contentType: 'text/html; charset=utf-8',
      body: `<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>${title}</title>
        <script type="module" src="${server}/embed.js" crossorigin="anonymous"></script></head>
        <body><main>${body}</main></body></html>`,
    }),
  );
  return { context, page, errors, server, url: `${municipalSite}/gemeinde/` };
}
