// The suite's `test`: Playwright's, with every browser context on the test clock (clock.ts).
// Specs import `test` and `expect` from here, never from '@playwright/test' directly.
import { test as base, expect } from '@playwright/test';
import { installTestClock } from './clock';

export const test = base.extend({
  context: async ({ context }, use) => {
    await installTestClock(context);
    await use(context);
  },
});

export { expect };
