// The hostile pages of hostile.test.ts in Firefox ESR over WebDriver BiDi: whatever the page's
// script does, the warning stays on top with both sentences and the reason, and a real click on
// its Exit ends the session.
import { expect, test } from 'vitest';
import { buildExtension } from '../../extension/build.mjs';
import { fileFixture } from '../helpers/fixture.js';
import { ATTACKS } from './attacks.js';
import { enableHost, launchFirefox, probeUntilOnTop, tabIdOf, until } from './firefox.js';
import { startTestHost } from './host.js';
import { actOnHostilePage, expectCompleteWithWorkingExit, HOSTILE_HOST, leftHostilePage } from './hostile.js';

const suite = fileFixture(async (keep) => {
  const dir = await buildExtension({ test: true, outDir: 'dist/extension-test-firefox' });
  const host = keep(await startTestHost(HOSTILE_HOST));
  const ff = keep(await launchFirefox(dir));
  return { host, ff, ext: await enableHost(ff.browser, host.origin) };
}, 120_000);

test.each(Object.keys(ATTACKS))('Firefox, attack "%s": the banner stays on top, complete, and its Exit works', async (attack) => {
  const page = await suite.ff.browser.newPage();
  try {
    await actOnHostilePage(page, suite.host.origin, attack);
    const banner = await probeUntilOnTop(suite.ext, await tabIdOf(suite.ext, page.url()), 5000);
    expect(banner).toMatchObject({ mounted: true, onTop: true });
    await expectCompleteWithWorkingExit(page, banner!, () => until(page, leftHostilePage, undefined));
  } finally {
    await page.close();
  }
}, 60_000);
