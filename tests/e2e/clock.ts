// "Today" in the end-to-end suite: the one test date of every layer (tests/today.txt, or
// ANTRAG_TEST_TODAY for the whole `make test`; docs/testing.md). The reference server is started
// with --test-only-today on it, and every browser context gets a clock that starts on it at noon
// local time and runs on from there — so the browser's and the server's dates agree, in any
// time zone of the machine. Tests that type a calendar date write it relative to this day.
import { BrowserContext } from '@playwright/test';
import { readFileSync } from 'node:fs';

/** Parse a test date, or say plainly what is wrong with it. */
export function parseTestDate(text: string, source: string): string {
  const t = text.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  const ok = m && (() => {
    const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
  })();
  if (!ok) throw new Error(`${source}: "${t}" is not a date: write a real calendar day as YYYY-MM-DD, e.g. ANTRAG_TEST_TODAY=2029-02-28`);
  return t;
}

/** The test date, YYYY-MM-DD. */
export const testToday: string = process.env.ANTRAG_TEST_TODAY?.trim()
  ? parseTestDate(process.env.ANTRAG_TEST_TODAY, 'ANTRAG_TEST_TODAY')
  : parseTestDate(readFileSync('tests/today.txt', 'utf8'), 'tests/today.txt');

/** The test date shifted by whole days, as `{ iso, day, month, year }` (strings, as typed). */
export function daysFromToday(days: number) {
  const [y, m, d] = testToday.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d + days));
  const iso = date.toISOString().slice(0, 10);
  return {
    iso,
    day: String(date.getUTCDate()),
    month: String(date.getUTCMonth() + 1),
    year: String(date.getUTCFullYear()),
    /** As the app writes a date in German: "30. November 2026". */
    german: new Intl.DateTimeFormat('de-DE', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(date),
  };
}

/** Noon of the test date in the machine's (and so the browser's) time zone. */
export function testNoon(): Date {
  const [y, m, d] = testToday.split('-').map(Number);
  return new Date(y, m - 1, d, 12, 0, 0);
}

/** Give a browser context the test clock (every page and frame in it). */
export async function installTestClock(context: BrowserContext) {
  await context.clock.install({ time: testNoon() });
}
