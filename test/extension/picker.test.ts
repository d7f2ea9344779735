// The picker as a support admin uses it, in real headless Chromium with the built extension:
// keyboard, screen-reader names and states, messages beside their fields, eligible users first,
// recent users checked again.
import type { Page } from 'puppeteer-core';
import { expect, test } from 'vitest';
import { ELIGIBILITY_MESSAGES } from '../../shared/index.js';
import type { DirectoryUser } from '../../server/index.js';
import { callHostApi, openPopup } from './chromium.js';
import { ADMIN, manyUsers } from './host.js';
import { pickFirst, search as searchFor } from './popup.js';
import { extensionSuite } from './suite.js';

const GONE: DirectoryUser = { id: 'u-gone', name: 'Ines Gone', email: 'ines.gone@example.test', active: false, privilege: 0 };
const GARY: DirectoryUser = { id: 'u-gary', name: 'Gary Gone', email: 'gary.gone@example.test', active: false, privilege: 0 };
const INES: DirectoryUser = { id: 'u-ines', name: 'Ines Here', email: 'ines.here@example.test', active: true, privilege: 0 };
/** Becomes inactive during the test: the directory holds this very object. */
const RITA: DirectoryUser = { id: 'u-rita', name: 'Rita Recent', email: 'rita@example.test', active: true, privilege: 0 };

// The inactive users come first in the directory's own order.
const suite = extensionSuite({ users: [ADMIN, GONE, GARY, INES, RITA, ...manyUsers(30)], signedInAs: ADMIN.id });

/** The search, once the list says it shows its results. */
const matching = (q: string): [string, string] => ['#results-label', `Users matching “${q}”`];
const search = (popup: Page, q: string) => searchFor(popup, q, matching(q));
const optionNames = (popup: Page) => popup.$$eval('#results [role=option] .name', (els) => els.map((e) => e.textContent));
/** The listbox's accessible name, as the browser computes it for screen readers. */
async function listboxName(popup: Page) {
  const list = await popup.$('#results');
  return (await popup.accessibility.snapshot({ root: list!, interestingOnly: false }))?.name;
}
const visibleError = (popup: Page, id: string) =>
  popup.$eval(`#${id}`, (e) => ((e as HTMLElement).hidden ? null : e.textContent));

test('eligible users first; the list is named for what it shows and is no Tab stop; Enter on an unpickable user says why; Esc clears it', async () => {
  const popup = await openPopup(suite.eb, suite.tab);
  await popup.waitForSelector('#picker:not([hidden])');
  // Nobody picked yet: no empty listbox, a hint instead.
  await popup.waitForFunction(() => document.getElementById('results-empty')?.textContent === 'Type a name or an email to search.');
  expect(await popup.$eval('#results', (e) => (e as HTMLElement).hidden)).toBe(true);

  await search(popup, 'ines');
  // The directory answers Ines Gone first; the one who can be picked is listed first (D11).
  expect(await optionNames(popup)).toEqual(['Ines Here', 'Ines Gone']);
  expect(await popup.$$eval('#results [role=option]', (els) => els.map((e) => e.getAttribute('aria-disabled')))).toEqual([null, 'true']);
  expect(await listboxName(popup)).toBe('Users matching “ines”');

  // Every user listed cannot be picked: Enter says why instead of nothing (D8).
  await search(popup, 'gone');
  await popup.focus('#search');
  await popup.keyboard.press('Enter');
  expect(await visibleError(popup, 'picker-error')).toBe(`You can’t work on behalf of Ines Gone: ${ELIGIBILITY_MESSAGES.TARGET_INACTIVE}`);
  expect(await popup.$eval('#confirm', (e) => (e as HTMLElement).hidden)).toBe(true);
  await popup.keyboard.press('ArrowDown');
  await popup.keyboard.press('Enter');
  expect(await visibleError(popup, 'picker-error')).toBe(`You can’t work on behalf of Gary Gone: ${ELIGIBILITY_MESSAGES.TARGET_INACTIVE}`);
  // Esc clears the search and the message with it: no stale error under the recent users.
  await popup.keyboard.press('Escape');
  expect(await popup.$eval('#search', (e) => (e as HTMLInputElement).value)).toBe('');
  expect(await visibleError(popup, 'picker-error')).toBeNull();

  // A list longer than its box scrolls, yet Tab never stops on it: the input keeps focus and ↑/↓ move.
  await search(popup, 'example');
  expect(await popup.$$eval('#results [role=option]', (els) => els.length)).toBe(20);
  expect(await popup.$eval('#results', (e) => e.scrollHeight > e.clientHeight)).toBe(true);
  await popup.focus('#search');
  await popup.keyboard.press('Tab');
  expect(await popup.evaluate(() => document.activeElement?.id ?? document.activeElement?.tagName)).not.toBe('results');
  await popup.close();
});

test('invalid fields are marked aria-invalid, each message beside its field, in words', async () => {
  const popup = await openPopup(suite.eb, suite.tab);
  await pickFirst(popup, 'ines here', matching('ines here'));
  await popup.locator('#reason').fill('short');
  await popup.locator('#ticket').fill('SUP-\u200b42');
  await popup.locator('#start').click();
  await popup.waitForSelector('#reason-error:not([hidden])');
  const fields = await popup.evaluate(() => {
    const at = (id: string) => document.getElementById(id)!;
    return {
      reasonInvalid: at('reason').getAttribute('aria-invalid'),
      ticketInvalid: at('ticket').getAttribute('aria-invalid'),
      ticketDescribedBy: at('ticket').getAttribute('aria-describedby'),
      // Right under the ticket field, above the read-only checkbox.
      afterTicket: at('ticket').nextElementSibling?.id,
      errorAboveCheckbox: at('ticket-error').getBoundingClientRect().bottom <= at('read-only').getBoundingClientRect().top,
      focused: document.activeElement?.id,
    };
  });
  expect(fields).toEqual({ reasonInvalid: 'true', ticketInvalid: 'true', ticketDescribedBy: 'ticket-error', afterTicket: 'ticket-error', errorAboveCheckbox: true, focused: 'reason' });
  expect(await visibleError(popup, 'reason-error')).toBe('The reason must explain why, in at least 10 characters.');
  expect(await visibleError(popup, 'ticket-error')).toBe('The ticket contains a hidden character (a tab, or an invisible one pasted with the text): type it again.');
  expect(await visibleError(popup, 'start-error')).toBeNull();

  // Fixed, the marks go.
  await popup.locator('#reason').fill('The user cannot see their key results');
  await popup.locator('#ticket').fill('SUP-42');
  await popup.evaluate(() => (document.getElementById('confirm') as HTMLFormElement).requestSubmit());
  await popup.waitForFunction(() => !document.getElementById('reason')?.hasAttribute('aria-invalid'));
  expect(await popup.$eval('#ticket', (e) => e.hasAttribute('aria-invalid'))).toBe(false);
  // The start went through: leave again for the next test.
  await suite.tab.waitForFunction(() => document.getElementById('who')?.textContent === 'Signed in as Ines Here');
  await popup.close().catch(() => undefined);
  await stop(suite.tab);
});

/** Exit through the host's own API, as the admin's other tab would. */
async function stop(page: Page) {
  expect((await callHostApi(page, 'POST', '/stop')).status).toBe(200);
  await page.goto(`${suite.host.origin}/`);
}

test('recent users keep their e-mail and show whether they can be picked now, checked again with the host', async () => {
  // Rita is picked and worked for once.
  let popup = await openPopup(suite.eb, suite.tab);
  await pickFirst(popup, 'rita', matching('rita'));
  await popup.locator('#reason').fill('Rita cannot open her team page');
  const landed = suite.tab.waitForNavigation();
  await popup.locator('#start').click();
  await landed;
  await popup.close().catch(() => undefined);
  await stop(suite.tab);

  popup = await openPopup(suite.eb, suite.tab);
  await popup.waitForFunction(() => document.querySelector('#results [role=option] .email')?.textContent === 'rita@example.test');
  expect(await optionNames(popup)).toEqual(['Rita Recent', 'Ines Here']);
  expect(await listboxName(popup)).toBe('Recent users');
  expect(await popup.$eval('#results [role=option]', (li) => li.getAttribute('aria-disabled'))).toBeNull();
  await popup.close();

  // Since then she left the company: the recent list says so and she can't be picked (D10).
  RITA.active = false;
  popup = await openPopup(suite.eb, suite.tab);
  await popup.waitForFunction((m) => document.querySelector('#results [role=option]:last-child .why')?.textContent === m, {}, ELIGIBILITY_MESSAGES.TARGET_INACTIVE);
  const rows = await popup.$$eval('#results [role=option]', (els) =>
    els.map((li) => ({ name: li.querySelector('.name')?.textContent, email: li.querySelector('.email')?.textContent, disabled: li.getAttribute('aria-disabled') })),
  );
  // Still listed with her e-mail, now after the one who can be picked.
  expect(rows).toEqual([
    { name: 'Ines Here', email: 'ines.here@example.test', disabled: null },
    { name: 'Rita Recent', email: 'rita@example.test', disabled: 'true' },
  ]);
  await popup.focus('#search');
  await popup.keyboard.press('ArrowDown');
  await popup.keyboard.press('Enter');
  expect(await visibleError(popup, 'picker-error')).toBe(`You can’t work on behalf of Rita Recent: ${ELIGIBILITY_MESSAGES.TARGET_INACTIVE}`);
  expect(await popup.$eval('#confirm', (e) => (e as HTMLElement).hidden)).toBe(true);
  // Esc with an empty search clears the message first; the next Esc would close.
  await popup.keyboard.press('Escape');
  expect(await visibleError(popup, 'picker-error')).toBeNull();
  const stored = await suite.eb.extPage.evaluate(() => (globalThis as any).chrome.storage.local.get('recent'));
  expect(stored.recent[suite.host.origin]).toEqual([
    { id: RITA.id, name: RITA.name, email: RITA.email },
    { id: INES.id, name: INES.name, email: INES.email },
  ]);
  await popup.close();
});
