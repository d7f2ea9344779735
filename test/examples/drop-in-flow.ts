// The end-to-end story every drop-in example must pass in Chromium: an admin signs in with the
// app's own login, starts from onbehalf's built-in page, sees and changes the subject's data
// through the app's unchanged routes, exits, and signs in again and logs out while acting.
import type { Page } from 'puppeteer-core';
import { expect } from 'vitest';
import type { AuditEvent } from '../../shared/index.js';
import { launchChromium, type LaunchedBrowser } from '../helpers/browser.js';

export interface Example {
  url: string;
  audit: { readonly events: readonly AuditEvent[] };
  /** Sign in through the app's own login page. */
  signIn(page: Page, who: 'admin'): Promise<void>;
  /** The list of the signed-in user's items on the home page. */
  items(page: Page): Promise<string[]>;
  /** Add an item through the app's own form. */
  add(page: Page, text: string): Promise<void>;
  /** Who owns the item with this text, by the app's own store. */
  ownerOf(text: string): unknown;
  /** The subject: searched by `query`, shown as `name`, owning `item`, with this id. */
  subject: { query: string; name: string; id: unknown; item: string };
  /** The admin, and what the home page's heading shows for them. */
  admin: { name: string; id: unknown; heading: string };
  /** The heading the home page shows for the signed-in user. */
  heading(page: Page): Promise<string>;
  signOutButton: string;
  close(): Promise<void>;
}

const ended = (x: Example) => x.audit.events.filter((e) => e.type === 'ended').map((e) => e.cause);
/** The latest session's records, in order (the sign-in path's own tail, such as /password, left off). */
function trail(x: Example): string[] {
  const last = x.audit.events.findLast((e) => e.type === 'started')!.sessionId;
  return x.audit.events
    .filter((e) => e.sessionId === last)
    .map((e) => (e.type === 'ended' ? `ended:${e.cause} ${e.method} ${e.path?.replace(/^(\/log(in|out)).*/, '$1')}` : e.type));
}

async function clickAndWait(page: Page, selector: string) {
  await page.$eval(selector, (el) => el.scrollIntoView({ block: 'center' }));
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
}

/** Start from the built-in page: search, choose, give a reason, confirm. */
async function start(page: Page, x: Example, reason: string) {
  await page.goto(`${x.url}/onbehalf/`);
  await page.type('#ob-q', x.subject.query);
  await clickAndWait(page, 'form[role=search] button');
  await clickAndWait(page, `a[href*="user=${encodeURIComponent(String(x.subject.id))}"]`);
  expect(await page.$eval('h2', (el) => el.textContent)).toBe(`Work on behalf of ${x.subject.name}`);
  await page.type('#ob-reason', reason);
  await page.click('#ob-confirm');
  await clickAndWait(page, 'form[action="/onbehalf/start"] button[type=submit]');
}

export async function dropInFlow(x: Example): Promise<void> {
  let chromium: LaunchedBrowser | undefined;
  try {
    chromium = await launchChromium();
    const page = await (await chromium.browser.createBrowserContext()).newPage();
    await page.setViewport({ width: 1280, height: 900 });
    await x.signIn(page, 'admin');
    expect(await x.heading(page)).toContain(x.admin.heading);

    await start(page, x, 'Customer says the list is empty, ticket 811');
    // The app's own home page, its route unchanged, now shows the subject and the subject's data.
    expect(await x.heading(page)).toContain(x.subject.query);
    expect(await x.items(page)).toContain(x.subject.item);
    expect(await page.$eval('#onbehalf-banner', (el) => (el as HTMLElement).innerText)).toContain(`working on behalf of ${x.subject.name}`);

    // Something created through the app's own form belongs to the subject; the audit names the actor.
    await x.add(page, 'Added while helping');
    expect(await x.items(page)).toContain('Added while helping');
    expect(x.ownerOf('Added while helping')).toBe(x.subject.id);
    const action = x.audit.events.find((e) => e.type === 'action' && e.method === 'POST' && !e.path?.startsWith('/onbehalf'))!;
    expect(action.actor).toMatchObject({ id: x.admin.id, name: x.admin.name });
    expect(action.subject).toMatchObject({ id: x.subject.id });

    // Exit from the banner: back to the admin's own account.
    await clickAndWait(page, '#onbehalf-exit');
    expect(await x.heading(page)).toContain(x.admin.heading);
    expect(ended(x)).toEqual(['exit']);

    // Signing in again while acting ends the impersonation first (the app's sign-in route), never a mix,
    // and nothing of that request is on the record as the subject: the session's trail is its start and its end.
    await start(page, x, 'Second look at the same problem, ticket 811');
    await x.signIn(page, 'admin');
    expect(ended(x)).toEqual(['exit', 'host-sign-in']);
    expect(trail(x)).toEqual(['started', 'ended:host-sign-in POST /login']);
    expect(await page.$('#onbehalf-banner')).toBeNull();
    expect(await page.evaluate(async () => (await (await fetch('/onbehalf/status')).json()).active)).toBe(false);

    // Logging out while acting ends it as logout, and both identities are gone.
    await start(page, x, 'Third look at the same problem, ticket 811');
    await clickAndWait(page, x.signOutButton);
    expect(ended(x)).toEqual(['exit', 'host-sign-in', 'host-sign-out']);
    expect(trail(x)).toEqual(['started', 'ended:host-sign-out POST /logout']);
    expect(await page.evaluate(async () => (await (await fetch('/onbehalf/status')).json()).signedIn)).toBe(false);
    expect(x.audit.events.filter((e) => e.type === 'started')).toHaveLength(3);
  } finally {
    await chromium?.close();
    await x.close();
  }
}
