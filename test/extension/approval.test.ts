// Four-eyes from the picker, in real headless Chromium with the built extension and two admins:
// the requester asks for approval from the popup, a second admin approves in their own browser
// session, and the requester starts — with the reason and ticket that were approved.
import type { Page } from 'puppeteer-core';
import { expect, test } from 'vitest';
import { BANNER } from '../../shared/index.js';
import type { DirectoryUser } from '../../server/index.js';
import { callHostApi, hostStatus, openPopup, signIn, waitForBanner } from './chromium.js';
import { ASHLEY } from './host.js';
import { pickFirst, search } from './popup.js';
import { extensionSuite } from './suite.js';

/** Holds both permissions, so only the four-eyes rule keeps her from approving her own request. */
const AVERY: DirectoryUser = { id: 'u-avery', name: 'Avery Admin', email: 'avery@example.test', active: true, permissions: ['impersonate', 'impersonate:approve'], privilege: 50 };
const AUDREY: DirectoryUser = { id: 'u-audrey', name: 'Audrey Approver', email: 'audrey@example.test', active: true, permissions: ['impersonate:approve'], privilege: 50 };
const OLIVIA: DirectoryUser = { id: 'u-olivia', name: 'Olivia Owner', email: 'olivia@example.test', active: true, privilege: 0 };
const REASON = 'Olivia reports the org roll-up is off';

const suite = extensionSuite({
  users: [AVERY, AUDREY, OLIVIA, ASHLEY],
  onBehalf: { subject: { approval: ({ target }) => target.id === OLIVIA.id } },
});

const NEEDS_APPROVAL: [string, string] = ['#results [role=option] .state', 'Needs a second admin’s approval.'];
const REQUESTED: [string, string] = ['#results [role=option] .state', 'Approval requested: waiting for a second admin.'];
const confirmState = (popup: Page) =>
  popup.evaluate(() => ({
    button: document.getElementById('start')!.textContent,
    disabled: (document.getElementById('start') as HTMLButtonElement).disabled,
    note: (document.getElementById('approval-note') as HTMLElement).hidden ? null : document.getElementById('approval-note')!.textContent,
    reason: (document.getElementById('reason') as HTMLTextAreaElement).value,
    ticket: (document.getElementById('ticket') as HTMLInputElement).value,
    readOnly: (document.getElementById('reason') as HTMLTextAreaElement).readOnly,
  }));

test('a protected user: Request approval, pending (also after reopening), approved by a second admin, then Start', async () => {
  const tab = await suite.eb.browser.newPage();
  await signIn(tab, suite.host.origin, AVERY.id);

  // The picker says before anything is sent that Olivia needs a second admin.
  let popup = await openPopup(suite.eb, tab);
  await pickFirst(popup, 'olivia', NEEDS_APPROVAL);
  let state = await confirmState(popup);
  expect(state.button).toBe('Request approval');
  expect(state.note).toContain('Working on behalf of Olivia Owner needs a second admin’s approval.');

  await popup.locator('#reason').fill(REASON);
  await popup.locator('#ticket').fill('SUP-77');
  await popup.locator('#start').click();
  await popup.waitForFunction(() => document.getElementById('start')?.textContent === 'Waiting for approval…' && (document.getElementById('reason') as HTMLTextAreaElement).readOnly);
  state = await confirmState(popup);
  expect(state).toMatchObject({ disabled: true, reason: REASON, ticket: 'SUP-77', readOnly: true });
  expect(state.note).toMatch(/^Approval requested at .+: waiting for a second admin\./);
  expect(await popup.$eval('#start-error', (e) => (e as HTMLElement).hidden)).toBe(true);
  expect((await hostStatus(tab)).active).toBe(false);

  // The requester can never approve her own request, though she holds the permission.
  const [request] = (await callHostApi(tab, 'GET', '/requests')).body.requests;
  expect(request).toMatchObject({ kind: 'approval', status: 'pending', reason: REASON, ticket: 'SUP-77' });
  expect(await callHostApi(tab, 'POST', `/approvals/${request.id}/approve`)).toMatchObject({ status: 403, body: { error: { code: 'SELF_APPROVAL' } } });
  await popup.close();

  // Reopened later: still pending, in the list and in the confirm step.
  popup = await openPopup(suite.eb, tab);
  await search(popup, 'olivia', REQUESTED);
  await pickFirst(popup, 'olivia', ['#results [role=option] .name', 'Olivia Owner']);
  await popup.waitForFunction((r) => (document.getElementById('reason') as HTMLTextAreaElement).value === r && (document.getElementById('reason') as HTMLTextAreaElement).readOnly, {}, REASON);
  expect(await confirmState(popup)).toMatchObject({ button: 'Waiting for approval…', disabled: true, ticket: 'SUP-77', readOnly: true });

  // Audrey, in her own browser session, approves.
  const other = await suite.eb.browser.createBrowserContext();
  const audrey = await other.newPage();
  await signIn(audrey, suite.host.origin, AUDREY.id);
  const waiting = (await callHostApi(audrey, 'GET', '/approvals')).body.requests;
  expect(waiting.map((r: { id: string }) => r.id)).toEqual([request.id]);
  expect(await callHostApi(audrey, 'POST', `/approvals/${request.id}/approve`)).toMatchObject({ status: 200, body: { request: { status: 'approved' } } });

  // The open popup sees it by itself and offers Start.
  await popup.waitForFunction(() => document.getElementById('start')?.textContent === 'Start' && !(document.getElementById('start') as HTMLButtonElement).disabled, { timeout: 10_000 });
  expect((await confirmState(popup)).note).toMatch(/^Approved by Audrey Approver\. You can start now, until /);
  const landed = tab.waitForNavigation();
  await popup.locator('#start').click();
  await landed;
  const banner = await waitForBanner(suite.eb, tab, true);
  expect(banner.text).toContain(BANNER.title('Olivia Owner'));
  expect(banner.text).toContain(`${REASON} · Ticket: SUP-77`);
  await popup.close().catch(() => undefined);

  // Exit; Olivia's history names Audrey as the approver.
  expect((await callHostApi(tab, 'POST', '/stop')).status).toBe(200);
  await suite.host.ob.settled();
  const olivia = await other.newPage();
  await signIn(olivia, suite.host.origin, OLIVIA.id);
  const { body } = await callHostApi(olivia, 'GET', '/me/access');
  expect(body.sessions[0]).toMatchObject({ actor: { name: AVERY.name }, approver: { name: AUDREY.name }, reason: REASON, ticket: 'SUP-77' });
  await other.close();
  await tab.close();
}, 90_000);
