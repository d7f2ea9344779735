// axe-core's WCAG 2 A/AA rules on the extension's own pages, in real Chromium with the built
// extension: the options page, and the popup in each of its states (picker with results and a
// message, confirm with field errors, four-eyes pending, acting). No serious or critical violation.
import { expect, test } from 'vitest';
import type { DirectoryUser } from '../../server/index.js';
import { seriousViolations } from '../helpers/axe.js';
import { openPopup } from './chromium.js';
import { ADMIN, DEFAULT_USERS } from './host.js';
import { pickFirst } from './popup.js';
import { extensionSuite } from './suite.js';

const OLIVIA: DirectoryUser = { id: 'u-olivia', name: 'Olivia Owner', email: 'olivia@example.test', active: true, privilege: 0 };
const suite = extensionSuite({
  users: [...DEFAULT_USERS, OLIVIA],
  onBehalf: { subject: { approval: ({ target }) => target.id === OLIVIA.id } },
  signedInAs: ADMIN.id,
});

test('the options page, with a site listed and an error shown', async () => {
  const page = suite.eb.extPage;
  // In front: a background tab runs no animation frames, which waitForFunction polls on.
  await page.bringToFront();
  await page.goto(`chrome-extension://${suite.eb.extensionId}/options.html`);
  await page.waitForFunction(() => document.querySelectorAll('#host-rows tr').length === 1);
  expect(await seriousViolations(page)).toEqual([]);
  await page.locator('#origin').fill('not a url');
  await page.locator('#add-button').click();
  await page.waitForSelector('#add-error:not([hidden])');
  expect(await seriousViolations(page)).toEqual([]);
});

test('the popup: picker, confirm with errors, four-eyes, acting', async () => {
  const popup = await openPopup(suite.eb, suite.tab);
  await popup.waitForSelector('#picker:not([hidden])');
  expect(await seriousViolations(popup)).toEqual([]);

  // Results with an unpickable user, and the message Enter on it gives.
  await popup.locator('#search').fill('ines');
  await popup.waitForSelector('#results [aria-disabled=true]');
  await popup.focus('#search');
  await popup.keyboard.press('Enter');
  await popup.waitForSelector('#picker-error:not([hidden])');
  expect(await seriousViolations(popup)).toEqual([]);

  await pickFirst(popup, 'olivia', ['#results [role=option] .state', 'Needs a second admin’s approval.']);
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

  const second = await openPopup(suite.eb, suite.tab);
  await pickFirst(second, 'ashley', ['#results [role=option] .name', 'Ashley Kim']);
  await second.locator('#reason').fill('Ashley cannot see her key results');
  const landed = suite.tab.waitForNavigation();
  await second.locator('#start').click();
  await landed;
  await second.close().catch(() => undefined);
  const acting = await openPopup(suite.eb, suite.tab);
  await acting.waitForSelector('#acting:not([hidden])');
  expect(await seriousViolations(acting)).toEqual([]);
  await acting.close();
});
