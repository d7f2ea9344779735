// The extension's banner with right-to-left text and bidi controls in the subject's name, the
// reason and the ticket, in real Chromium: each is in a <bdi> in the closed shadow root (read
// over CDP, which reaches closed roots), so the fixed text after it still reads left to right.
import type { Page } from 'puppeteer-core';
import { expect, test } from 'vitest';
import type { DirectoryUser } from '../../server/index.js';
import { BANNER } from '../../shared/index.js';
import { isolation, type Isolation } from '../helpers/bidi.js';
import { callHostApi, waitForBanner } from './chromium.js';
import { ADMIN, DEFAULT_USERS } from './host.js';
import { extensionSuite } from './suite.js';

const ERIN: DirectoryUser = { id: 'u-erin', name: 'Erin\u202eRTL', email: 'erin@example.test', active: true, privilege: 0 };
const REASON = 'مراجعة الطلب';
const TICKET = 'تذكرة-7';
const suite = extensionSuite({ users: [...DEFAULT_USERS, ERIN], signedInAs: ADMIN.id });

/** How `value` and the `after` text are drawn in the banner's closed shadow root on `page`. */
async function drawn(page: Page, value: string, after: string): Promise<Isolation | string> {
  const cdp = await page.createCDPSession();
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const host = root.children?.find((n) => n.nodeName === 'HTML')?.children?.find((n) => n.shadowRoots?.[0]?.shadowRootType === 'closed');
    if (!host) throw new Error('no element with a closed shadow root under <html>');
    const { object } = await cdp.send('DOM.resolveNode', { backendNodeId: host.shadowRoots![0]!.backendNodeId });
    const { result, exceptionDetails } = await cdp.send('Runtime.callFunctionOn', {
      objectId: object.objectId!,
      functionDeclaration: `function (value, after) { return (${isolation.toString()})(this, value, after); }`,
      arguments: [{ value }, { value: after }],
      returnByValue: true,
    });
    if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
    return result.value;
  } finally {
    await cdp.detach();
  }
}

test('the subject, the reason and the ticket are isolated; the words after them read left to right', async () => {
  const page = suite.tab;
  expect((await callHostApi(page, 'POST', '/start', { userId: ERIN.id, reason: REASON, ticket: TICKET })).status).toBe(200);
  await page.reload();
  await waitForBanner(suite.eb, page, true);
  const isolated = { isolated: true, inOrder: true };
  expect(await drawn(page, ERIN.name, BANNER.detail.after)).toEqual(isolated);
  expect(await drawn(page, REASON, ` · ${BANNER.ticketLabel}: `)).toEqual(isolated);
  expect(await drawn(page, TICKET, `${BANNER.timeLeftLabel}: `)).toEqual(isolated);
}, 60_000);
