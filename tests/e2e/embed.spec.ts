// Embedding on a hostile host page under a strict CSP: one script tag, shadow-root isolation,
// theming by custom properties, host events and identity, two independent instances, SRI,
// browser Back inside the host page, and DOM tampering (auto-translate) that must not crash.
import { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { readFileSync } from 'node:fs';
import { Driver, definition, examples } from './driver';
import { Inbox, municipalPage } from './support';

const axeSource = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');

async function openDemo(page: Page) {
  // Collect CSP violations from the very start.
  await page.addInitScript(() => {
    (window as any).__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => (window as any).__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const response = await page.goto('/embed-demo/');
  await expect(page.locator('#parken h1')).toHaveText('Angaben zur Person');
  await expect(page.locator('#hund h1')).toHaveText('Angaben zu Ihnen');
  await expect(page.locator('#parken [data-antrag-ready]')).toHaveCount(1);
  await expect(page.locator('#hund [data-antrag-ready]')).toHaveCount(1);
  return { response, errors };
}

async function violations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as any).__csp);
}

test('strict CSP, isolation, theme, identity, events and two independent submissions', async ({ page, request }) => {
  const { response, errors } = await openDemo(page);
  const csp = response!.headers()['content-security-policy'];
  for (const directive of ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self'", "object-src 'none'", "base-uri 'none'"]) {
    expect(csp).toContain(directive);
  }
  expect(csp).not.toContain('unsafe-inline');

  // The host's hostile CSS does not reach into the widget; the theme does.
  const label = page.locator('#parken').locator('label[for="parken-antragsteller-vorname"]');
  const style = await label.evaluate((el) => {
    const s = getComputedStyle(el);
    return { color: s.color, fontSize: s.fontSize, transform: s.textTransform, boxSizing: s.boxSizing, font: s.fontFamily };
  });
  expect(style.color).toBe('rgb(27, 27, 27)');
  expect(style.fontSize).toBe('19px'); // 16px × 1.1875, although the host sets html { font-size: 10px }
  expect(style.transform).toBe('none');
  expect(style.boxSizing).toBe('border-box');
  expect(style.font).toContain('Georgia');
  const next = page.locator('#parken button[data-action="next"]');
  expect(await next.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(0, 110, 79)');
  // The widget's styles do not leak out to the host page.
  expect(await page.locator('.site-header').evaluate((el) => getComputedStyle(el).color)).toBe('rgb(255, 0, 255)');

  // The host passed its logged-in user: optional prefill fills the fields.
  await expect(page.locator('#parken-antragsteller-vorname')).toHaveValue('Erika');
  await expect(page.locator('#parken-antragsteller-geburtsdatum-year')).toHaveValue('1980');

  // axe inside both widgets (axe adds inline <style> elements of its own, so the CSP record is
  // checked before and cleared after it).
  expect(await violations(page)).toEqual([]);
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    // @ts-ignore
    const r = await axe.run({ include: [['#parken'], ['#hund']] }, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`);
  });
  expect(found).toEqual([]);
  await page.evaluate(() => ((window as any).__csp.length = 0));

  // Fill and submit both, independently.
  const parken = new Driver(page, await definition(request, 'bewohnerparkausweis'), { scope: page.locator('#parken'), prefix: 'parken-' });
  const hund = new Driver(page, await definition(request, 'hundesteuer'), { scope: page.locator('#hund'), prefix: 'hund-' });
  await parken.fillAll(examples('bewohnerparkausweis').valid.keeper);
  await hund.fillAll(examples('hundesteuer').valid.one_dog);
  await page.locator('#hund button[data-action="submit"]').click();
  await expect(page.locator('#hund h1')).toHaveText('Antrag erfolgreich gesendet');
  await expect(page.locator('#parken h1')).toHaveText('Überprüfen Sie Ihre Angaben');
  await page.locator('#parken button[data-action="submit"]').click();
  await expect(page.locator('#parken h1')).toHaveText('Antrag erfolgreich gesendet');
  const parkenRef = await page.locator('#parken .antrag-reference').innerText();
  const hundRef = await page.locator('#hund .antrag-reference').innerText();
  expect(parkenRef).toMatch(/^BPA-/);
  expect(hundRef).toMatch(/^HST-/);

  // The host heard everything.
  const events = page.locator('#events li');
  await expect(events.filter({ hasText: 'parken: antrag:ready' })).toHaveCount(1);
  await expect(events.filter({ hasText: 'parken: antrag:step-changed' }).first()).toBeVisible();
  await expect(events.filter({ hasText: `parken: antrag:submitted` })).toContainText(parkenRef);
  await expect(events.filter({ hasText: `hund: antrag:submitted` })).toContainText(hundRef);

  // The host page's title and URL stay the host's.
  await expect(page).toHaveTitle('Musterstadt – Bürgerservice online');
  expect(new URL(page.url()).search).toBe('');
  expect(await violations(page)).toEqual([]);
  expect(errors).toEqual([]);
});

test('browser Back and Forward move the widget between its steps inside the host page', async ({ page, request }) => {
  await openDemo(page);
  const parken = new Driver(page, await definition(request, 'bewohnerparkausweis'), { scope: page.locator('#parken'), prefix: 'parken-' });
  await parken.fillStep(examples('bewohnerparkausweis').valid.keeper);
  await parken.next();
  await expect(page.locator('#parken h1')).toHaveText('Anschrift');
  await page.goBack();
  await expect(page.locator('#parken h1')).toHaveText('Angaben zur Person');
  await expect(page.locator('#hund h1')).toHaveText('Angaben zu Ihnen');
  await page.goForward();
  await expect(page.locator('#parken h1')).toHaveText('Anschrift');
  expect(new URL(page.url()).pathname).toBe('/embed-demo/');
});

test('DOM tampering from outside (auto-translate wrapping text) does not crash the widget', async ({ page, request }) => {
  const { errors } = await openDemo(page);
  // What Chrome's translator does: every text node is replaced by <font><font>text</font></font>.
  const translate = () =>
    page.evaluate(() => {
      const root = document.getElementById('parken')!.shadowRoot!;
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      const texts: Text[] = [];
      while (walker.nextNode()) texts.push(walker.currentNode as Text);
      for (const t of texts) {
        if (!t.data.trim() || t.parentElement?.closest('[translate="no"]')) continue;
        const outer = document.createElement('font');
        const inner = document.createElement('font');
        inner.textContent = t.data;
        outer.append(inner);
        t.replaceWith(outer);
      }
      return texts.length;
    });
  expect(await translate()).toBeGreaterThan(10);
  const driver = new Driver(page, await definition(request, 'bewohnerparkausweis'), { scope: page.locator('#parken'), prefix: 'parken-' });
  // Errors show and go, steps change, conditions reveal fields — all after the tampering.
  await page.locator('#parken-antragsteller-vorname').fill('');
  await driver.next();
  await expect(page.locator('#parken .antrag-error-summary')).toBeVisible();
  await driver.fillStep(examples('bewohnerparkausweis').valid.keeper);
  await driver.next();
  await translate();
  await driver.fillStep(examples('bewohnerparkausweis').valid.keeper);
  await driver.next();
  await translate();
  await page.locator('#parken-fahrzeug-ist_halter-2').check();
  await expect(page.locator('#parken-fahrzeug-halter')).toBeVisible();
  await page.locator('#parken-fahrzeug-ist_halter').check();
  await expect(page.locator('#parken-fahrzeug-halter')).toHaveCount(0);
  await page.locator('#parken-fahrzeug-kennzeichen').fill('HAL-AB 123');
  await driver.next();
  await expect(page.locator('#parken h1')).toContainText(/kontakt/i);
  expect(errors).toEqual([]);
});

test('integrity: every published asset matches integrity.json, and a tampered module is refused', async ({ page, request }) => {
  const published = await (await request.get('/integrity.json')).json();
  const { createHash } = await import('node:crypto');
  for (const [file, hash] of Object.entries(published)) {
    const body = await (await request.get(`/${file}`)).body();
    expect(`sha384-${createHash('sha384').update(body).digest('base64')}`, file).toBe(hash);
  }
  // Serve a modified app module: the loader's integrity check must stop it.
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route(/\/antrag-[0-9a-f]+\.js$/, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: (await response.text()) + '\n// tampered' });
  });
  const loadError = page.waitForEvent('console', (m) => m.type() === 'error');
  await page.goto('/embed-demo/');
  await loadError;
  await expect(page.locator('#parken h1')).toHaveCount(0);
  await expect(page.locator('#parken [role="alert"]')).toContainText('konnte nicht geladen werden');
  await expect(page.locator('#events li[data-event="antrag:error"]').first()).toBeVisible();
});

test('the prerendered form shows before the wasm arrives, under the strict CSP, and is hydrated', async ({ page }) => {
  // Hold the wasm: what shows now is the prerendered HTML alone.
  const held: (() => Promise<void>)[] = [];
  await page.route('**/*.wasm', (route) => { held.push(() => route.continue()); });
  await page.addInitScript(() => {
    (window as any).__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => (window as any).__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto('/embed-demo/');
  await expect(page.locator('#parken h1')).toHaveText('Angaben zur Person');
  await expect(page.locator('#parken label[for="parken-antragsteller-vorname"]')).toBeVisible();
  await expect(page.locator('#hund h1')).toHaveText('Angaben zu Ihnen');
  await expect(page.locator('#parken [data-antrag-ready]')).toHaveCount(0);
  expect(held.length).toBeGreaterThan(0);
  // Typed before the app runs: kept.
  await page.locator('#parken-antragsteller-nachname').fill('Vorab');
  for (const release of held.splice(0)) await release();
  await expect(page.locator('#parken [data-antrag-ready]')).toHaveCount(1);
  await expect(page.locator('#parken .antrag[data-hydrated]')).toHaveCount(1);
  await expect(page.locator('#parken-antragsteller-nachname')).toHaveValue('Vorab');
  // The app runs and has the early answer (the rest came as the host's prefill): "next"
  // finds the step complete and moves on in the browser.
  await page.locator('#parken button[data-action="next"]').click();
  await expect(page.locator('#parken h1')).toHaveText('Anschrift');
  expect(await violations(page)).toEqual([]);
});

test("on a municipality's own site (another site than the server): prerendered, files uploaded across sites, sent", async ({ browser, request, baseURL }) => {
  // What production looks like: the host page on the municipality's domain, the widget and
  // its API on the server's. Every request the widget makes is cross-site (CORS).
  const { context, page, errors, url } = await municipalPage(browser, baseURL!, 'Gemeinde Musterdorf – Wohngeld',
    '<h1>Wohngeld</h1><antrag-form id="wg" form="wohngeld" lang="de" instance="wg"></antrag-form>');
  const prerendered = page.waitForResponse(/\/prerender\/wohngeld\.de\.html$/);
  await page.goto(`${url}wohngeld.html`);
  const widget = page.locator('#wg');
  await expect(widget.locator('[data-antrag-ready]')).toHaveCount(1);
  expect((await prerendered).status()).toBe(200);
  const answers = examples('wohngeld').valid.employed_with_child;
  await new Driver(page, await definition(request, 'wohngeld'), { scope: widget, prefix: 'wg-' }).fillAll(answers);
  await expect(widget.locator('h1')).toHaveText('Überprüfen Sie Ihre Angaben');
  await widget.locator('button[data-action="submit"]').click();
  await expect(widget.locator('h1')).toHaveText('Antrag erfolgreich gesendet');
  const reference = await widget.locator('.antrag-reference').innerText();
  // Stored with its files; nothing refused or broken on the way.
  const stored = await new Inbox(request).submission(reference);
  expect(stored.payload.antragsteller.nachname).toBe(answers.antragsteller.nachname);
  expect(stored.attachments.length).toBeGreaterThanOrEqual(2);
  expect(errors).toEqual([]);
  await context.close();
});
