// axe-core's WCAG 2 A/AA rules on the extension's own pages, in real Chromium with the built
// extension: the options page, and the popup in each of its states (picker with results and a
// message, confirm with field errors, four-eyes pending, acting). No serious or critical violation.
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildExtension } from '../../extension/build.mjs';
import type { DirectoryUser } from '../../server/index.js';
import { seriousViolations } from '../helpers/axe.js';
import { enableHost, launchChromium, openPopup, signIn, type ExtensionBrowser } from './chromium.js';
import { ADMIN, DEFAULT_USERS, startTestHost, type TestHost } from './host.js';

const OLIVIA: DirectoryUser = { id: 'u-olivia', name: 'Olivia Owner', email: 'olivia@example.test', active: true, privilege: 0 };
let eb: ExtensionBrowser;
let host: TestHost;
let tab: Page;

beforeAll(async () => {
  const dir = await buildExtension({ test: true });
  host = await startTestHost({ users: [...DEFAULT_USERS, OLIVIA], onBehalf: { subject: { approval: ({ target }) => target.id === OLIVIA.id } } });
  eb = await launchChromium(dir);
  await enableHost(eb, host.origin);
  tab = await eb.browser.newPage();
  await signIn(tab, host.origin, ADMIN.id);
}, 120_000);

afterAll(async () => {
  await eb?.close();
  await host?.close();
});

test('the options page, with a site listed and an error shown', async () => {
  const page = eb.extPage;
  // In front: a background tab runs no animation frames, which waitForFunction polls on.
  await page.bringToFront();
  await page.goto(`chrome-extension://${eb.extensionId}/options.html`);
  await page.waitForFunction(() => document.querySelectorAll('#host-rows tr').length === 1);
  expect(await seriousViolations(page)).toEqual([]);
  await page.locator('#origin').fill('not a url');
  await page.locator('#add-button').click();
  await page.waitForSelector('#add-error:not([hidden])');
  expect(await seriousViolations(page)).toEqual([]);
});

test('the popup: picker, confirm with errors, four-eyes, acting', async () => {
  const popup = await openPopup(eb, tab);
  await popup.waitForSelector('#picker:not([hidden])');
  expect(await seriousViolations(popup)).toEqual([]);

  // Results with an unpickable user, and the message Enter on it gives.
  await popup.locator('#search').fill('ines');
  await popup.waitForSelector('#results [aria-disabled=true]');
  await popup.focus('#search');
  await popup.keyboard.press('Enter');
  await popup.waitForSelector('#picker-error:not([hidden])');
  expect(await seriousViolations(popup)).toEqual([]);

  await popup.locator('#search').fill('olivia');
  await popup.waitForFunction(() => document.querySelector('#results .state'));
  await popup.focus('#search');
  await popup.keyboard.press('Enter');
  await popup.waitForSelector('#confirm:not([hidden])');
  await popup.locator('#ticket').fill('SUP-\u200b1');
  await popup.locator('#start').click();
  await popup.waitForSelector('#ticket-error:not([hidden])');
  expect(await seriousViolations(popup)).toEqual([]);
  await popup.locator('#reason').fill('Olivia reports the roll-up is off');
  await popup.locator('#ticket').fill('SUP-1');
  await popup.locator('#start').click();
  await popup.waitForFunction(() => document.getElementById('start')?.textContent === 'Waiting for approval…');
  expect(await seriousViolations(popup)).toEqual([]);
  await popup.close();

  const second = await openPopup(eb, tab);
  await second.locator('#search').fill('ashley');
  await second.waitForFunction(() => document.querySelector('#results [role=option] .name')?.textContent === 'Ashley Kim');
  await second.focus('#search');
  await second.keyboard.press('Enter');
  await second.locator('#reason').fill('Ashley cannot see her key results');
  const landed = tab.waitForNavigation();
  await second.locator('#start').click();
  await landed;
  await second.close().catch(() => undefined);
  const acting = await openPopup(eb, tab);
  await acting.waitForSelector('#acting:not([hidden])');
  expect(await seriousViolations(acting)).toEqual([]);
  await acting.close();
});
