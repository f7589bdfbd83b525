// End-to-end tests in Debian's Chromium (never a downloaded browser) against the real
// reference server, which serves the release build from dist/ with a fresh database.
import { defineConfig } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { testToday } from './tests/e2e/clock';

// A port per run (the Makefile passes a free one); set here once so that the worker processes,
// which inherit the environment, agree with the server.
if (!process.env.ANTRAG_E2E_PORT) process.env.ANTRAG_E2E_PORT = String(20000 + Math.floor(Math.random() * 20000));
const port = Number(process.env.ANTRAG_E2E_PORT);
export const inboxToken = 'e2e-inbox-token';
// A municipality's site with an embedded widget on another site than the server (payment.spec.ts):
// `localhost` is a site of its own next to `127.0.0.1`.
export const municipalSite = `http://localhost:${port}`;
const server = process.env.ANTRAG_SERVER_BIN ?? 'target/debug/antrag-server';
// The one test date (tests/today.txt or ANTRAG_TEST_TODAY): the server's clock, every browser
// context's clock (tests/e2e/fixtures.ts), and the day the examples' relative dates mean.
process.env.ANTRAG_TEST_TODAY = testToday;
export const serverClock = ['--test-only-today', testToday];
// FIT-Connect: the e2e form goes to the server's test destination, which checks the metadata
// against the official schema when ../shared has it.
const metadataSchema = '../shared/fixtures/fim/fit-connect/metadata.schema.v1.0.0.json';
export const officialMetadataSchema = existsSync(metadataSchema);
const fitConnect = `--fit-connect-test-destination --fit-connect-form sondernutzung=test${officialMetadataSchema ? ` --fit-connect-metadata-schema ${metadataSchema}` : ''}`;

// Real FIM exports are imported before the tests are collected (fim.spec.ts makes one test per
// imported schema), and the shared examples are resolved for the test date (driver.ts reads
// them from target/e2e-examples); once per run — the worker processes inherit the flag.
if (!process.env.ANTRAG_FIM_IMPORTED) {
  execFileSync('scripts/import-fim-fixtures.sh', ['target/e2e-fim', 'target/e2e-fim-corpus'], { stdio: 'inherit', env: { ...process.env, ANTRAG_SERVER_BIN: server } });
  const shared = ['forms/examples', 'tests/e2e/forms/examples'].filter(existsSync)
    .flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => `${dir}/${f}`));
  execFileSync(server, ['resolve-examples', '--today', testToday, '--out', 'target/e2e-examples', ...shared], { stdio: 'inherit' });
  process.env.ANTRAG_FIM_IMPORTED = '1';
}

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'target/e2e-results',
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { outputFolder: 'target/e2e-report', open: 'never' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: 'de-DE',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic',
      ],
    },
  },
  webServer: {
    command: `rm -rf target/e2e-data && ${server} --addr 127.0.0.1:${port} --data-dir target/e2e-data --dist-dir dist --forms-dir forms --forms-dir tests/e2e/forms --forms-dir target/e2e-fim --forms-dir target/e2e-fim-corpus --codelists-dir codelists --inbox-token ${inboxToken} --enable-faults --test-payment-provider --cors-origin ${municipalSite} ${fitConnect} ${serverClock.join(' ')} --log-format json`,
    url: `http://127.0.0.1:${port}/api/v1/forms`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
