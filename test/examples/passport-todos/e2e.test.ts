import { describe, it } from 'vitest';
import { memoryAudit } from '../../../server/index.js';
import { listen } from '../../helpers/http.js';
import { dropInFlow } from '../drop-in-flow.js';

// Plain JS, imported as a host would run it (it imports onbehalf through its package entry, dist/).
const examplePath = '../../../examples/passport-todos/app.js';

describe('examples/passport-todos (Express 4, passport-local, csurf before onbehalf, SQLite)', () => {
  it('drops in: start, req.user is the subject, exit, sign in again and log out while acting', { timeout: 90_000 }, async () => {
    const { createApp } = await import(examplePath);
    const audit = memoryAudit();
    const { app, ob, db } = createApp({ audit });
    const { url, close } = await listen(app);
    await dropInFlow({
      url,
      audit,
      subject: { query: 'bob', name: 'Bob Builder', id: 2, item: 'Buy bricks' },
      admin: { name: 'Alice Admin', id: 1, heading: 'todos of alice' },
      async signIn(page) {
        await page.goto(`${url}/login`);
        await page.type('input[name=username]', 'alice');
        await page.type('input[name=password]', 'alice');
        await Promise.all([page.waitForNavigation(), page.click('form[action="/login/password"] button')]);
      },
      heading: (page) => page.$eval('h1', (el) => el.textContent ?? ''),
      items: (page) => page.$$eval('#todos li', (els) => els.map((el) => el.textContent ?? '')),
      async add(page, text) {
        await page.type('input[name=title]', text);
        await Promise.all([page.waitForNavigation(), page.click('form[action="/"] button')]);
      },
      ownerOf: (text) => db.prepare('SELECT owner_id FROM todos WHERE title = ?').get(text)?.owner_id,
      signOutButton: 'form[action="/logout"] button',
      async close() {
        await ob.close();
        db.close();
        await close();
      },
    });
  });
});
