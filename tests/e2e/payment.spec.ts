// Fees paid online before an application is sent (Meldebescheinigung, through the test payment
// provider built into the server): paid; cancelled, then paid; failed; a reload, a second tab
// and a double click during the redirect; duplicate status reads; a tampered amount; a provider
// that never answers — and never more than one live transaction, never more than one payment.
// axe checks check your answers with the fee and every payment page; without JavaScript the same
// flow works, since it is forms and redirects.
import { APIRequestContext, Page } from '@playwright/test';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { test, expect, hydrated } from './fixtures';
import { FormPage, Inbox, expectAccessible, municipalPage } from './support';
import { Driver, definition, examples } from './driver';
import { inboxToken, serverClock } from '../../playwright.config';

const simple = () => examples('meldebescheinigung').valid.simple_by_post;

/** Fill Meldebescheinigung up to check your answers. */
async function toReview(page: Page, request: APIRequestContext) {
  const form = new FormPage(page);
  const driver = new Driver(page, await definition(request, 'meldebescheinigung'));
  await form.open('meldebescheinigung');
  await driver.fillAll(simple());
  await expect(form.heading()).toHaveText('Überprüfen Sie Ihre Angaben');
}

/** The provider's page, reached by "pay": its transaction id. */
async function atProvider(page: Page): Promise<string> {
  await expect(page.getByRole('heading', { name: /Test-Bezahldienst/ })).toBeVisible();
  return page.url().split('/bezahlen/')[1];
}

async function payAtReview(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Gebühr bezahlen und Antrag senden' }).click();
  return atProvider(page);
}

/** The status token of the application whose payment page is shown. */
function tokenOf(page: Page): string {
  return new URL(page.url()).pathname.split('/')[2];
}

/** Cancel at the provider: back on the payment page, the application still waiting for its
 * fee, and no one but this browser (not the host page, not the provider, who know the status
 * token) can take it back. Its reference and status token. */
async function cancelAtProvider(page: Page, request: APIRequestContext, inbox: Inbox) {
  await page.getByRole('button', { name: 'Abbrechen' }).click();
  await expect(page.getByText('Sie haben die Zahlung abgebrochen.')).toBeVisible();
  const first = await page.locator('.antrag-reference').innerText();
  const firstToken = tokenOf(page);
  const stranger = await request.post(`/zahlung/${firstToken}/aendern`, { maxRedirects: 0 });
  expect([stranger.status(), stranger.headers()['location']]).toEqual([303, `/zahlung/${firstToken}`]);
  expect((await paymentOf(inbox, first)).status).toBe('payment_pending');
  return { first, firstToken };
}

async function paymentOf(inbox: Inbox, reference: string) {
  const stored = await inbox.submission(reference);
  return { status: stored.status as string, payment: stored.payment };
}

function liveCount(transactions: { status: string }[]): number {
  return transactions.filter((t) => ['INITIAL', 'PAYED', 'AMOUNT_MISMATCH'].includes(t.status)).length;
}

async function behave(request: APIRequestContext, settings: object) {
  const response = await request.post('/test-bezahldienst/_verhalten', { data: settings });
  expect(response.status()).toBe(200);
}

test.afterEach(async ({ request }) => {
  await behave(request, {});
});

test('the fee on check your answers; paid at the provider; the application received once, with its payment', async ({ page, request }) => {
  const inbox = new Inbox(request);
  await toReview(page, request);
  const fee = page.locator('.antrag-fee');
  await expect(fee).toContainText('Einfache Meldebescheinigung');
  await expect(fee.locator('tbody tr:last-child')).toContainText('10,00\u00a0€');
  await expect(page.getByText('Sie bezahlen die Gebühr online')).toBeVisible();
  await expectAccessible(page, 'check your answers with a fee');
  await payAtReview(page);
  await page.getByLabel('PayPal').check();
  await page.getByRole('button', { name: 'Bezahlen' }).click();
  await expect(page.getByRole('heading', { name: 'Antrag gesendet und bezahlt' })).toBeVisible();
  await expect(page.locator('main')).toContainText('Bezahlt: 10,00\u00a0€ · Zahlart: PayPal');
  await expectAccessible(page, 'payment page: paid');
  const reference = await page.locator('.antrag-reference').first().innerText();
  const { status, payment } = await paymentOf(inbox, reference);
  expect(status).toBe('received');
  expect(payment.status).toBe('paid');
  expect(payment.fee.totalCents).toBe(1000);
  expect(payment.transactions.map((t: any) => t.status)).toEqual(['PAYED']);
  expect(payment.paymentInformation).toMatchObject({ status: 'BOOKED', paymentMethod: 'PAYPAL', grossAmount: 10 });
  // The clerk's page of the application says what was paid, and how.
  await page.goto('/inbox');
  await page.getByLabel('Zugangsschlüssel').fill(inboxToken);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.goto(`/inbox/submissions/${reference}`);
  await expect(page.getByRole('heading', { name: 'Gebühr' })).toBeVisible();
  await expect(page.locator('main')).toContainText('10,00\u00a0€ – eingegangen');
  await expect(page.locator('main table').last()).toContainText('PAYED');
  await expect(page.locator('main table').last()).toContainText('PAYPAL');
});

test('cancelled at the provider: the answers are kept, a plain message, paid on the second try — one payment', async ({ page, request }) => {
  const inbox = new Inbox(request);
  await toReview(page, request);
  await payAtReview(page);
  await page.getByRole('button', { name: 'Abbrechen' }).click();
  await expect(page.getByText('Sie haben die Zahlung abgebrochen. Es wurde nichts abgebucht.')).toBeVisible();
  await expectAccessible(page, 'payment page: cancelled');
  const reference = await page.locator('.antrag-reference').innerText();
  expect((await paymentOf(inbox, reference)).status).toBe('payment_pending');
  // By keyboard: the "pay again" link, then pay.
  await page.getByRole('button', { name: 'Noch einmal bezahlen' }).focus();
  await page.keyboard.press('Enter');
  await atProvider(page);
  await page.getByRole('button', { name: 'Bezahlen' }).click();
  await expect(page.getByRole('heading', { name: 'Antrag gesendet und bezahlt' })).toBeVisible();
  const { status, payment } = await paymentOf(inbox, reference);
  expect(status).toBe('received');
  expect(payment.transactions.map((t: any) => t.status)).toEqual(['CANCELED', 'PAYED']);
  // The stored answers are the ones given, once.
  const stored = await inbox.submission(reference);
  expect(stored.payload.person.nachname).toBe(simple().person.nachname);
});

test('cancelled, then the answers changed on check your answers: the first application withdrawn, the changed one paid with its own fee', async ({ page, request }) => {
  const inbox = new Inbox(request);
  const form = new FormPage(page);
  await toReview(page, request);
  await payAtReview(page);
  const { first, firstToken } = await cancelAtProvider(page, request, inbox);
  await expect(page.getByText('Wenn Sie Ihre Angaben ändern, wird dieser Antrag nicht gesendet.')).toBeVisible();
  await page.getByRole('button', { name: 'Angaben ändern' }).click();
  await expect(form.heading()).toHaveText('Überprüfen Sie Ihre Angaben');
  // Back to the payment page (as after a double click whose first answer got lost): taken back
  // already, and the answers can be had again.
  await page.goto(`/zahlung/${firstToken}`);
  await expect(page.getByRole('heading', { name: 'Antrag zum Ändern zurückgeholt' })).toBeVisible();
  await page.getByRole('button', { name: 'Zu Ihren Angaben' }).click();
  // Check your answers again, with every answer given.
  await expect(form.heading()).toHaveText('Überprüfen Sie Ihre Angaben');
  await expect(page.locator('.antrag-summary-list').first()).toContainText(simple().person.nachname);
  await expect(page.locator('.antrag-fee tbody tr:last-child')).toContainText('10,00\u00a0€');
  await expectAccessible(page, 'check your answers again after a cancelled payment');
  await page.getByRole('link', { name: 'Ändern Anzahl der Ausfertigungen' }).click();
  await page.getByLabel('Anzahl der Ausfertigungen').fill('3');
  await form.next();
  await expect(form.heading()).toHaveText('Überprüfen Sie Ihre Angaben');
  await expect(page.locator('.antrag-fee tbody tr:last-child')).toContainText('30,00\u00a0€');
  await payAtReview(page);
  await page.getByRole('button', { name: 'Bezahlen' }).click();
  await expect(page.getByRole('heading', { name: 'Antrag gesendet und bezahlt' })).toBeVisible();
  const second = await page.locator('.antrag-reference').first().innerText();
  expect(second).not.toBe(first);
  // The changed application: its own fee, one payment, the answers given.
  const changed = await paymentOf(inbox, second);
  expect(changed.status).toBe('received');
  expect(changed.payment.fee.totalCents).toBe(3000);
  expect(changed.payment.transactions.map((t: any) => [t.status, t.amountCents])).toEqual([['PAYED', 3000]]);
  const stored = await inbox.submission(second);
  expect(stored.payload.person.nachname).toBe(simple().person.nachname);
  expect(stored.payload.bescheinigung.anzahl).toBe(3);
  // The first: withdrawn, never sent, nothing of the citizen's kept with it, never paid.
  const withdrawn = await inbox.submission(first);
  expect(withdrawn.status).toBe('withdrawn');
  expect(withdrawn.payload).toEqual({});
  expect(withdrawn.payment.status).toBe('withdrawn');
  expect(withdrawn.payment.transactions.map((t: any) => t.status)).toEqual(['CANCELED']);
  // Its payment page says so, and opens no payment any more.
  await page.goto(`/zahlung/${firstToken}/start`);
  await expect(page.getByText('Dieser Antrag wurde nicht gesendet und nichts wurde abgebucht.')).toBeVisible();
  await expect(page.getByRole('button', { name: /bezahlen/ })).toHaveCount(0);
  await expectAccessible(page, 'payment page: withdrawn for changes');
  expect((await inbox.submission(first)).payment.transactions).toHaveLength(1);
  // Sent: the answers handed back are not kept in the browser's session — a new visit is a new form.
  await form.open('meldebescheinigung');
  await expect(page.locator('#f-person-nachname')).toHaveValue('');
});

test('a failed payment says so and can be tried again', async ({ page, request }) => {
  const inbox = new Inbox(request);
  await toReview(page, request);
  await payAtReview(page);
  await page.getByRole('button', { name: 'Zahlung scheitern lassen' }).click();
  await expect(page.getByText('Die Zahlung ist nicht gelungen.')).toBeVisible();
  await expectAccessible(page, 'payment page: failed');
  const reference = await page.locator('.antrag-reference').innerText();
  await page.getByRole('button', { name: 'Noch einmal bezahlen' }).click();
  await atProvider(page);
  await page.getByRole('button', { name: 'Bezahlen' }).click();
  await expect(page.getByRole('heading', { name: 'Antrag gesendet und bezahlt' })).toBeVisible();
  expect((await paymentOf(inbox, reference)).payment.transactions.map((t: any) => t.status)).toEqual(['FAILED', 'PAYED']);
});

test('a reload, a second tab, Back and Forward during the redirect reach the same transaction; duplicate status reads change nothing', async ({ page, request, context }) => {
  const inbox = new Inbox(request);
  await toReview(page, request);
  const started = page.waitForRequest(/\/zahlung\/[0-9a-f]{64}\/start/);
  const first = await payAtReview(page);
  const start = (await started).url();
  // The redirect again (a reload of it, a double click), Back and Forward, and a second tab.
  await page.goto(start);
  expect(await atProvider(page)).toBe(first);
  await page.goBack();
  await page.goForward();
  expect(await atProvider(page)).toBe(first);
  await page.reload();
  expect(await atProvider(page)).toBe(first);
  const tab = await context.newPage();
  await tab.goto(start);
  expect(await atProvider(tab)).toBe(first);
  await tab.close();
  await page.getByRole('button', { name: 'Bezahlen' }).click();
  await expect(page.getByRole('heading', { name: 'Antrag gesendet und bezahlt' })).toBeVisible();
  const reference = await page.locator('.antrag-reference').first().innerText();
  // The provider is asked again and again (reloads, the poller, a direct read): still one payment.
  for (let i = 0; i < 3; i++) await page.reload();
  await expect(page.getByRole('heading', { name: 'Antrag gesendet und bezahlt' })).toBeVisible();
  const status = await request.get(`/test-bezahldienst/api/paymenttransaction/antrag/test/${first}`);
  expect((await status.json()).paymentInformation.status).toBe('PAYED');
  const { payment } = await paymentOf(inbox, reference);
  expect(payment.transactions.map((t: any) => t.status)).toEqual(['PAYED']);
  expect(liveCount(payment.transactions)).toBe(1);
  // "Pay" once more after paying: the payment page, no second transaction.
  await page.goto(start);
  await expect(page.getByRole('heading', { name: 'Antrag gesendet und bezahlt' })).toBeVisible();
  expect((await paymentOf(inbox, reference)).payment.transactions).toHaveLength(1);
});

test('a double click on "pay and send" stores one application and opens one transaction', async ({ page, request }) => {
  const inbox = new Inbox(request);
  const before = (await inbox.list()).total;
  await toReview(page, request);
  await page.getByRole('button', { name: 'Gebühr bezahlen und Antrag senden' }).dblclick();
  await atProvider(page);
  expect((await inbox.list()).total).toBe(before + 1);
  const newest = (await inbox.list()).submissions[0].reference;
  expect((await paymentOf(inbox, newest)).payment.transactions).toHaveLength(1);
});

test('an amount the browser or the provider changes is never taken as paid', async ({ page, request }) => {
  const inbox = new Inbox(request);
  // The browser cannot name a fee: the contract refuses any field it does not know.
  const refused = await request.post('/api/v1/submissions', {
    headers: { 'Idempotency-Key': `fee-${Date.now()}` },
    data: { formId: 'meldebescheinigung', formVersion: '1.0.0', language: 'de', data: simple(), fee: { totalCents: 1 } },
  });
  expect(refused.status()).toBe(400);
  // A redirect back with made-up parameters is not read: only the provider's status counts.
  await toReview(page, request);
  await payAtReview(page);
  // The provider books one cent instead of ten euros.
  await behave(request, { bookCents: 1 });
  await page.getByRole('button', { name: 'Bezahlen' }).click();
  await expect(page.getByText('Der Bezahldienst hat einen anderen Betrag gemeldet als verlangt.')).toBeVisible();
  await expect(page.getByRole('button', { name: /bezahlen/i })).toHaveCount(0);
  await expectAccessible(page, 'payment page: another amount booked');
  const reference = await page.locator('.antrag-reference').innerText();
  await page.goto(page.url() + '?status=PAYED&grossAmount=10.00');
  await expect(page.getByText('anderen Betrag')).toBeVisible();
  const { status, payment } = await paymentOf(inbox, reference);
  expect(status).toBe('payment_pending');
  expect(payment.status).toBe('pending');
  expect(payment.transactions.map((t: any) => t.status)).toEqual(['AMOUNT_MISMATCH']);
  expect(payment.paymentInformation).toBeNull();
});

test('a provider that never answers: the application waits, is read again with backoff, and the clerk sees it unpaid', async ({ request, playwright }) => {
  test.setTimeout(90_000);
  // A server of its own, whose transactions expire after 4 seconds and are looked at every second.
  const port = Number(process.env.ANTRAG_E2E_PORT ?? 18932) + 17;
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(process.env.ANTRAG_SERVER_BIN ?? 'target/debug/antrag-server', [
    '--addr', `127.0.0.1:${port}`, '--data-dir', `target/e2e-data-payment-${port}`, '--dist-dir', 'dist', '--forms-dir', 'forms',
    '--codelists-dir', 'codelists', '--inbox-token', 'payment-test-token', '--enable-faults', '--test-payment-provider',
    '--payment-poll-seconds', '1', '--test-only-payment-expiry-seconds', '4', ...serverClock,
  ], { stdio: 'ignore' });
  try {
    const api = await playwright.request.newContext({ baseURL: base });
    await expect.poll(async () => (await api.get('/api/v1/health').catch(() => null))?.status() ?? 0, { timeout: 20_000 }).toBe(200);
    const created = await api.post('/api/v1/submissions', {
      headers: { 'Idempotency-Key': `silent-${Date.now()}` },
      data: { formId: 'meldebescheinigung', formVersion: '1.0.0', language: 'de', data: simple() },
    });
    expect(created.status()).toBe(201);
    const receipt = await created.json();
    expect(receipt.status).toBe('payment_pending');
    // The first address binds the browser and goes on to the start, which opens the payment.
    const bound = await api.get(receipt.paymentUrl, { maxRedirects: 0 });
    expect([bound.status(), bound.headers()['location']]).toEqual([303, `/zahlung/${receipt.statusUrl.split('/').pop()}/start`]);
    const start = await api.get(bound.headers()['location'], { maxRedirects: 0 });
    expect(start.status()).toBe(303);
    expect((await api.post('/test-bezahldienst/_verhalten', { data: { silent: true } })).status()).toBe(200);
    const clerk = { Authorization: 'Bearer payment-test-token' };
    const inboxStatus = async () => (await (await api.get(`/api/v1/inbox/submissions/${receipt.reference}`, { headers: clerk })).json());
    expect((await inboxStatus()).status).toBe('payment_pending');
    // Polled (each read runs into the provider's silence), then given up.
    await expect.poll(async () => (await inboxStatus()).status, { timeout: 60_000, intervals: [1000] }).toBe('unpaid');
    const stored = await inboxStatus();
    expect(stored.payment.status).toBe('unpaid');
    expect(stored.payment.transactions.map((t: any) => t.status)).toEqual(['EXPIRED']);
    expect(stored.payment.transactions[0].checks).toBeGreaterThanOrEqual(0);
    await api.dispose();
  } finally {
    server.kill();
  }
});

test('an embedded form: paid at the provider, back on the host page, where the widget shows its confirmation', async ({ page, request }) => {
  // The demo host page with the Meldebescheinigung widget (served from this origin: a host page
  // may be returned to when it is the server's own origin or one of --cors-origin).
  await page.goto('/embed-demo/gebuehr.html');
  const widget = page.locator('#melde');
  await expect(widget.locator('h1')).toHaveText('Ihre Angaben');
  await new Driver(page, await definition(request, 'meldebescheinigung'), { scope: widget, prefix: 'melde-' }).fillAll(simple());
  await expect(widget.locator('h1')).toHaveText('Überprüfen Sie Ihre Angaben');
  await expect(widget.locator('.antrag-fee')).toContainText('10,00\u00a0€');
  await widget.getByRole('button', { name: 'Gebühr bezahlen und Antrag senden' }).click();
  await atProvider(page);
  await page.getByRole('button', { name: 'Bezahlen' }).click();
  // Back on the host page; the token is taken out of its address again.
  await expect(widget.locator('h1')).toHaveText('Antrag erfolgreich gesendet');
  await expect(page).toHaveURL(/\/embed-demo\/gebuehr\.html$/);
  // The application is on the server: no draft of it is left in the browser.
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes('meldebescheinigung')))).toEqual([]);
  const reference = await widget.locator('.antrag-reference').innerText();
  expect(reference).toMatch(/^MEB-\d{4}-\d{6}$/);
  expect((await paymentOf(new Inbox(request), reference)).payment.status).toBe('paid');
  // A host page elsewhere is never returned to (no open redirect): paid, the citizen stays on
  // the payment page.
  const created = await request.post('/api/v1/submissions', {
    headers: { 'Idempotency-Key': `fremd-${Date.now()}` },
    data: { formId: 'meldebescheinigung', formVersion: '1.0.0', language: 'de', data: simple() },
  });
  const receipt = await created.json();
  const token = receipt.statusUrl.split('/').pop();
  const start = await request.get(`/zahlung/${token}/start?rueckkehr=${encodeURIComponent('https://evil.example/')}`, { maxRedirects: 0 });
  const paid = await request.post(start.headers()['location'], { form: { aktion: 'bezahlen' }, maxRedirects: 0 });
  // The provider's page goes back by itself (a refresh and a link, not a redirect).
  const onward = /<a href="([^"]+)">Zurück zum Antrag<\/a>/.exec(await paid.text())![1];
  const back = await request.get(new URL(onward, 'http://x').pathname, { maxRedirects: 0 });
  expect(back.status()).toBe(200);
  const page2 = await back.text();
  expect(page2).toContain('Antrag gesendet und bezahlt');
  expect(page2).not.toContain('evil.example');
  expect(page2).not.toContain('http-equiv="refresh"');
});

test('an embedded form on another site: after a cancelled payment the answers can be changed, then paid, and the citizen is back on the host page', async ({ browser, request, baseURL }) => {
  // A municipality's page on a site of its own, with the widget from this server. The request
  // that stores the application is cross-site, so the browser keeps no cookie from its answer:
  // the secret in the payment's start address binds this browser.
  const inbox = new Inbox(request);
  const { context, page, errors, server, url } = await municipalPage(browser, baseURL!, 'Gemeinde Musterdorf – Meldebescheinigung',
    '<h1>Meldebescheinigung</h1><antrag-form id="melde" form="meldebescheinigung" lang="de" instance="melde" ags="15002000"></antrag-form>');
  const prerendered = page.waitForResponse(/\/prerender\/meldebescheinigung\.de\.html$/);
  await page.goto(`${url}meldung.html`);
  const widget = page.locator('#melde');
  await expect(widget.locator('h1')).toHaveText('Ihre Angaben');
  await new Driver(page, await definition(request, 'meldebescheinigung'), { scope: widget, prefix: 'melde-' }).fillAll(simple());
  await expect(widget.locator('h1')).toHaveText('Überprüfen Sie Ihre Angaben');
  // The first screen came prerendered (readable from the other site), and nothing was refused.
  expect((await prerendered).status()).toBe(200);
  expect(errors).toEqual([]);
  const started = page.waitForRequest(/\/zahlung\/[0-9a-f]{64}\/start\/[0-9a-f]{64}\?rueckkehr=/);
  await widget.getByRole('button', { name: 'Gebühr bezahlen und Antrag senden' }).click();
  const start = (await started).url();
  await atProvider(page);
  const { first, firstToken } = await cancelAtProvider(page, request, inbox);
  // This browser may: the answers come back on this server's page of the form.
  await page.getByRole('button', { name: 'Angaben ändern' }).click();
  const form = new FormPage(page);
  await expect(form.heading()).toHaveText('Überprüfen Sie Ihre Angaben');
  expect(new URL(page.url()).origin).toBe(server);
  await hydrated(page);
  // The secret in the start address is spent: used again (browser history, a log), it binds
  // no one (and the withdrawn application opens no payment).
  const replayed = await request.get(start.replace(/\?rueckkehr=.*/, ''), { maxRedirects: 0 });
  expect(replayed.headers()['location']).toBe(`/zahlung/${firstToken}/start`);
  expect(replayed.headers()['set-cookie'] ?? '').not.toContain('antrag_aendern');
  await expect(page.locator('.antrag-summary-list').first()).toContainText(simple().person.nachname);
  await page.getByRole('link', { name: 'Ändern Anzahl der Ausfertigungen' }).click();
  await page.getByLabel('Anzahl der Ausfertigungen').fill('2');
  await form.next();
  await expect(page.locator('.antrag-fee tbody tr:last-child')).toContainText('20,00\u00a0€');
  await payAtReview(page);
  await page.getByRole('button', { name: 'Bezahlen' }).click();
  // Paid: back on the municipality's page it was started on, where the widget confirms it.
  await expect(page).toHaveURL(`${url}meldung.html`);
  await expect(widget.locator('h1')).toHaveText('Antrag erfolgreich gesendet');
  const second = await widget.locator('.antrag-reference').innerText();
  expect(second).not.toBe(first);
  const changed = await paymentOf(inbox, second);
  expect([changed.status, changed.payment.fee.totalCents]).toEqual(['received', 2000]);
  expect((await inbox.submission(first)).status).toBe('withdrawn');
  // The host page's routing (its AGS) goes with the changed application, although it was sent
  // from this server's page, where the app knows none.
  expect((await inbox.submission(first)).routing).toEqual({ ags: '15002000' });
  expect((await inbox.submission(second)).routing).toEqual({ ags: '15002000' });
  expect(errors).toEqual([]);
  await context.close();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a payment provider on another site: the form leads there and back (no redirect of a form to another site)', async ({ browser, baseURL }) => {
    // A server of its own whose XBezahldienste provider is the test provider of the suite's
    // server — another origin, as every real provider is. A browser checks a form's redirects
    // against the page's form-action 'self': the steps to another site must be pages' own.
    test.setTimeout(90_000);
    const port = Number(process.env.ANTRAG_E2E_PORT ?? 18932) + 19;
    const base = `http://127.0.0.1:${port}`;
    const provider = new URL(baseURL!).origin;
    const dataDir = 'target/e2e-data-provider';
    rmSync(dataDir, { recursive: true, force: true });
    const server = spawn(process.env.ANTRAG_SERVER_BIN ?? 'target/debug/antrag-server', [
      '--addr', `127.0.0.1:${port}`, '--data-dir', dataDir, '--dist-dir', 'dist', '--forms-dir', 'forms',
      '--codelists-dir', 'codelists', '--inbox-token', 'provider-test-token',
      '--payment-provider-url', `${provider}/test-bezahldienst/api`, '--payment-originator-id', 'antrag', '--payment-endpoint-id', 'test',
      ...serverClock,
    ], { stdio: 'ignore' });
    const context = await browser.newContext({ baseURL: base, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      // (The browser's own requests for /favicon.ico, answered 404, are no concern here.)
      const blocked: string[] = [];
      page.on('console', (m) => { if (/Content Security Policy|blocked/i.test(m.text())) blocked.push(m.text()); });
      await expect.poll(async () => (await page.request.get('/api/v1/health').catch(() => null))?.status() ?? 0, { timeout: 20_000 }).toBe(200);
      const form = new FormPage(page);
      await form.open('meldebescheinigung');
      await new Driver(page, await definition(page.request, 'meldebescheinigung')).fillAll(simple());
      await page.getByRole('button', { name: 'Gebühr bezahlen und Antrag senden' }).click();
      await atProvider(page);
      expect(new URL(page.url()).origin).toBe(provider);
      await page.getByRole('button', { name: 'Bezahlen' }).click();
      await expect(page.getByRole('heading', { name: 'Antrag gesendet und bezahlt' })).toBeVisible();
      expect(new URL(page.url()).origin).toBe(base);
      const reference = await page.locator('.antrag-reference').first().innerText();
      const stored = await (await page.request.get(`/api/v1/inbox/submissions/${reference}`, { headers: { Authorization: 'Bearer provider-test-token' } })).json();
      expect([stored.status, stored.payment.status]).toEqual(['received', 'paid']);
      expect(blocked).toEqual([]);
    } finally {
      await context.close();
      server.kill();
    }
  });

  test('the fee, the redirect to the provider, cancel and pay work as forms and redirects', async ({ page, request }) => {
    const inbox = new Inbox(request);
    const form = new FormPage(page);
    await form.open('meldebescheinigung');
    const driver = new Driver(page, await definition(request, 'meldebescheinigung'));
    await driver.fillAll(simple());
    await expect(page.locator('.antrag-fee tbody tr:last-child')).toContainText('10,00\u00a0€');
    await page.getByRole('button', { name: 'Gebühr bezahlen und Antrag senden' }).click();
    await atProvider(page);
    await page.getByRole('button', { name: 'Abbrechen' }).click();
    await expect(page.getByText('Sie haben die Zahlung abgebrochen.')).toBeVisible();
    // The form's confirmation address leads to the application's payment page.
    await page.goto('/forms/meldebescheinigung?lang=de&schritt=gesendet');
    await expect(page.getByText('Sie haben die Zahlung abgebrochen.')).toBeVisible();
    await page.getByRole('button', { name: 'Noch einmal bezahlen' }).click();
    await atProvider(page);
    await page.getByRole('button', { name: 'Bezahlen' }).click();
    await expect(page.getByRole('heading', { name: 'Antrag gesendet und bezahlt' })).toBeVisible();
    const reference = await page.locator('.antrag-reference').first().innerText();
    expect((await paymentOf(inbox, reference)).payment.transactions.map((t: any) => t.status)).toEqual(['CANCELED', 'PAYED']);
    expect(tokenOf(page)).toMatch(/^[0-9a-f]{64}$/);
  });

  test('cancelled, the answers changed and sent again: a new application with the new fee', async ({ page, request }) => {
    const inbox = new Inbox(request);
    const form = new FormPage(page);
    await form.open('meldebescheinigung');
    const driver = new Driver(page, await definition(request, 'meldebescheinigung'));
    await driver.fillAll(simple());
    await page.getByRole('button', { name: 'Gebühr bezahlen und Antrag senden' }).click();
    await atProvider(page);
    await page.getByRole('button', { name: 'Zahlung scheitern lassen' }).click();
    const first = await page.locator('.antrag-reference').innerText();
    await page.getByRole('button', { name: 'Angaben ändern' }).click();
    await expect(form.heading()).toHaveText('Überprüfen Sie Ihre Angaben');
    await page.getByRole('link', { name: 'Ändern Anzahl der Ausfertigungen' }).click();
    await page.getByLabel('Anzahl der Ausfertigungen').fill('2');
    await page.getByRole('button', { name: 'Zurück zur Übersicht' }).click();
    await expect(page.locator('.antrag-fee tbody tr:last-child')).toContainText('20,00\u00a0€');
    await page.getByRole('button', { name: 'Gebühr bezahlen und Antrag senden' }).click();
    await atProvider(page);
    await page.getByRole('button', { name: 'Bezahlen' }).click();
    await expect(page.getByRole('heading', { name: 'Antrag gesendet und bezahlt' })).toBeVisible();
    const second = await page.locator('.antrag-reference').first().innerText();
    expect(second).not.toBe(first);
    expect((await paymentOf(inbox, second)).payment.transactions.map((t: any) => [t.status, t.amountCents])).toEqual([['PAYED', 2000]]);
    expect((await inbox.submission(first)).status).toBe('withdrawn');
  });
});
