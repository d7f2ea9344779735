// The demo in real headless Chromium for a test file, and the steps its pages take as a user would.
import type { Browser, Page } from 'puppeteer-core';
import type { DemoApp } from '../../../examples/contoso-goals/app.js';
import { launchChromium } from '../../helpers/browser.js';
import { fileFixture } from '../../helpers/fixture.js';
import { startDemo } from './start-demo.js';

export interface DemoInChromium {
  url: string;
  demo: DemoApp;
  browser: Browser;
  /**
   * A page in its own browser context (its own cookies, so one test's session can't leak into the
   * next), signed in on the demo's login page, typing like a user.
   */
  signedIn(email: string): Promise<Page>;
}

/** The demo and Chromium, started before the file's tests and closed after them. */
export function demoInChromium(): DemoInChromium {
  return fileFixture(async (keep) => {
    const { url, demo } = keep(await startDemo());
    const { browser } = keep(await launchChromium());
    return {
      url,
      demo,
      browser,
      async signedIn(email) {
        const page = await (await browser.createBrowserContext()).newPage();
        await page.setViewport({ width: 1280, height: 900 });
        await page.goto(`${url}/login`);
        await page.$eval('input[name=email]', (el) => ((el as HTMLInputElement).value = ''));
        await page.type('input[name=email]', email);
        await page.$eval('input[name=password]', (el) => ((el as HTMLInputElement).value = ''));
        await page.type('input[name=password]', 'demo');
        await clickAndWait(page, 'form[action="/login"] button[type=submit]');
        return page;
      },
    };
  });
}

/** Click like a user and wait for the page it loads: scrolled to the middle of the screen (the sticky header and the banner cover the edges). */
export async function clickAndWait(page: Page, selector: string) {
  await page.$eval(selector, (el) => el.scrollIntoView({ block: 'center' }));
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
}
