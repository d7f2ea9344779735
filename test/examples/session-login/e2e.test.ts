import { describe, it } from 'vitest';
import { memoryAudit } from '../../../server/index.js';
import { listen } from '../../helpers/http.js';
import { dropInFlow } from '../drop-in-flow.js';

// Plain JS, imported as a host would run it (it imports onbehalf through its package entry, dist/).
const examplePath = '../../../examples/session-login/app.js';

describe('examples/session-login (Express 5, hand-written express-session login)', () => {
  it('drops in: start, the subject as the signed-in user, exit, sign in again and log out while acting', { timeout: 90_000 }, async () => {
    const { createApp } = await import(examplePath);
    const audit = memoryAudit();
    const { app, ob, notes } = createApp({ audit });
    const { url, close } = await listen(app);
    await dropInFlow({
      url,
      audit,
      subject: { query: 'Sam', name: 'Sam Customer', id: 2, item: 'Renew the contract in March' },
      admin: { name: 'Ada Admin', id: 1, heading: 'Notes of Ada Admin' },
      async signIn(page) {
        await page.goto(`${url}/login`);
        await page.type('input[name=email]', 'admin@example.test');
        await page.type('input[name=password]', 'admin');
        await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button')]);
      },
      heading: (page) => page.$eval('h1', (el) => el.textContent ?? ''),
      items: (page) => page.$$eval('#notes li', (els) => els.map((el) => el.textContent ?? '')),
      async add(page, text) {
        await page.type('input[name=text]', text);
        await Promise.all([page.waitForNavigation(), page.click('form[action="/notes"] button')]);
      },
      ownerOf: (text) => notes.find((n: { text: string }) => n.text === text)?.owner,
      signOutButton: 'form[action="/logout"] button',
      async close() {
        await ob.close();
        await close();
      },
    });
  });
});
