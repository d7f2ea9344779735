// A small Express 5 app with a hand-written express-session login, as many apps have it.
// The only onbehalf code is the block marked "onbehalf" below; no route handler knows about it.
import express from 'express';
import session from 'express-session';
import { csrfSync } from 'csrf-sync';
import { memoryAudit, onBehalf, sessionKeyIdentity } from 'onbehalf';

const users = [
  { id: 1, email: 'admin@example.test', name: 'Ada Admin', password: 'admin', admin: true },
  { id: 2, email: 'sam@example.test', name: 'Sam Customer', password: 'sam' },
  { id: 3, email: 'kim@example.test', name: 'Kim Customer', password: 'kim' },
];
const notes = [{ id: 1, owner: 2, text: 'Renew the contract in March' }];

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const layout = (title, body) =>
  `<!doctype html><html lang="en"><meta charset="utf-8"><title>${esc(title)}</title><body><main><h1>${esc(title)}</h1>${body}</main></body></html>`;

export function createApp({ audit = memoryAudit() } = {}) {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(session({ secret: process.env.SESSION_SECRET ?? 'dev only', resave: false, saveUninitialized: false, cookie: { httpOnly: true, sameSite: 'lax' } }));

  // --- onbehalf -------------------------------------------------------------
  const toDirectory = (u) => u && { id: u.id, name: u.name, email: u.email, active: true, ...(u.admin && { permissions: ['impersonate'], privilege: 100 }) };
  const ob = onBehalf({
    users: {
      get: (id) => toDirectory(users.find((u) => u.id === Number(id))),
      search: (q, limit) => users.filter((u) => `${u.name} ${u.email}`.toLowerCase().includes(q.toLowerCase())).slice(0, limit).map(toDirectory),
    },
    identity: sessionKeyIdentity('userId'),
    audit,
  });
  app.use(ob);
  app.use(ob.banner());
  // ---------------------------------------------------------------------------

  const { csrfSynchronisedProtection, generateToken } = csrfSync({ getTokenFromRequest: (req) => req.body?._csrf });
  app.use(csrfSynchronisedProtection);

  const currentUser = (req) => users.find((u) => u.id === req.session.userId);

  app.get('/login', (req, res) => {
    res.send(
      layout(
        'Sign in',
        `<form method="post" action="/login"><input type="hidden" name="_csrf" value="${esc(generateToken(req))}">` +
          `<label>Email <input name="email" type="email" required></label> <label>Password <input name="password" type="password" required></label> <button>Sign in</button></form>`,
      ),
    );
  });

  app.post('/login', (req, res, next) => {
    const user = users.find((u) => u.email === req.body.email && u.password === req.body.password);
    if (!user) return res.status(401).send(layout('Sign in', '<p role="alert">Wrong email or password.</p><a href="/login">Try again</a>'));
    req.session.regenerate((err) => {
      if (err) return next(err);
      req.session.userId = user.id;
      res.redirect(303, '/');
    });
  });

  app.post('/logout', (req, res, next) => {
    req.session.destroy((err) => (err ? next(err) : res.redirect(303, '/login')));
  });

  app.get('/', (req, res) => {
    const me = currentUser(req);
    if (!me) return res.redirect('/login');
    const mine = notes.filter((n) => n.owner === me.id);
    const token = esc(generateToken(req));
    res.send(
      layout(
        `Notes of ${me.name}`,
        `<ul id="notes">${mine.map((n) => `<li>${esc(n.text)}</li>`).join('')}</ul>` +
          `<form method="post" action="/notes"><input type="hidden" name="_csrf" value="${token}"><label>New note <input name="text" required></label> <button>Add</button></form>` +
          `<form method="post" action="/logout"><input type="hidden" name="_csrf" value="${token}"><button>Sign out</button></form>`,
      ),
    );
  });

  app.post('/notes', (req, res) => {
    const me = currentUser(req);
    if (!me) return res.status(401).send('Sign in first.');
    notes.push({ id: notes.length + 1, owner: me.id, text: String(req.body.text ?? '') });
    res.redirect(303, '/');
  });

  return { app, ob, notes };
}
