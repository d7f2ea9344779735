// Hostile pages in real headless Chromium: whatever the page's script does, the warning stays on
// screen with both sentences, the reason and an Exit that a real click reaches and that works.
import { test } from 'vitest';
import { ATTACKS } from './attacks.js';
import { waitForBanner } from './chromium.js';
import { actOnHostilePage, expectCompleteWithWorkingExit, HOSTILE_HOST, leftHostilePage } from './hostile.js';
import { extensionSuite } from './suite.js';

const suite = extensionSuite(HOSTILE_HOST);

test.each(Object.keys(ATTACKS))('attack "%s": the banner stays on top, complete, and its Exit works', async (attack) => {
  const page = await suite.eb.browser.newPage();
  try {
    await actOnHostilePage(page, suite.host.origin, attack);
    const banner = await waitForBanner(suite.eb, page, true, 3000);
    await expectCompleteWithWorkingExit(page, banner, () => page.waitForFunction(leftHostilePage, { timeout: 10_000 }));
  } finally {
    await page.close();
  }
}, 40_000);
