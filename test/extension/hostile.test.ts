// Hostile pages in real headless Chromium: whatever the page's script does, the warning stays on
// screen with both sentences, the reason and an Exit that a real click reaches and that works.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BANNER } from '../../shared/index.js';
import { buildExtension } from '../../extension/build.mjs';
import { ATTACKS } from './attacks.js';
import { enableHost, hostStatus, launchChromium, signIn, startThroughHostApi, waitForBanner, type ExtensionBrowser } from './chromium.js';
import { ADMIN, ASHLEY, startTestHost, type TestHost } from './host.js';

const REASON = 'Checking what a hostile page can do';
let eb: ExtensionBrowser;
let host: TestHost;

beforeAll(async () => {
  const dir = await buildExtension({ test: true });
  // One start per attack: more than the default start rate limit allows.
  host = await startTestHost({ onBehalf: { rateLimit: { windowMs: 60_000, limit: 100 } } });
  eb = await launchChromium(dir);
  await enableHost(eb, host.origin);
}, 120_000);

afterAll(async () => {
  await eb?.close();
  await host?.close();
});

test.each(Object.keys(ATTACKS))('attack "%s": the banner stays on top, complete, and its Exit works', async (attack) => {
  const page = await eb.browser.newPage();
  try {
    await signIn(page, host.origin, ADMIN.id);
    expect(await startThroughHostApi(page, ASHLEY.id, REASON)).toBe(200);
    await page.goto(`${host.origin}/hostile/${attack}`);
    // Past the attack's delayed round (1.5 s after load), with repeats every 300 ms.
    await new Promise((r) => setTimeout(r, 2200));
    const banner = await waitForBanner(eb, page, true, 3000);
    expect(banner.text).toContain(BANNER.title(ASHLEY.name));
    expect(banner.text).toContain(BANNER.detail(ASHLEY.name));
    expect(banner.text).toContain(REASON);
    // A real click at the Exit button's centre, as the admin would.
    const { x, y, width, height } = banner.exit!;
    await page.mouse.click(x + width / 2, y + height / 2);
    await page.waitForFunction(() => document.readyState === 'complete' && !location.pathname.startsWith('/hostile'), { timeout: 10_000 });
    expect((await hostStatus(page)).active).toBe(false);
  } finally {
    await page.close();
  }
}, 40_000);
