// The passport-local "todos" app on Express 4, with csurf and SQLite, as its community writes it.
// The only onbehalf code is the block marked "onbehalf" below; no route handler knows about it.
import express from 'express4';
import session from 'express-session';
import csrf from 'csurf';
import passport from 'passport';
import { memoryAudit, onBehalf, passportIdentity } from 'onbehalf';
import { openDb } from './db.js';
import { authRouter } from './routes/auth.js';
import { indexRouter } from './routes/index.js';

export function createApp({ db = openDb(), audit = memoryAudit() } = {}) {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(session({ secret: process.env.SESSION_SECRET ?? 'keyboard cat', resave: false, saveUninitialized: false, cookie: { httpOnly: true, sameSite: 'lax' } }));
  app.use(csrf());
  app.use(passport.authenticate('session'));

  // --- onbehalf -------------------------------------------------------------
  const row = (id) => db.prepare('SELECT * FROM users WHERE id = ?').get(id);
  const toDirectory = (u) => u && { id: u.id, name: u.name, active: true, ...(u.admin && { permissions: ['impersonate'], privilege: 100 }) };
  const ob = onBehalf({
    users: {
      get: (id) => toDirectory(row(id)),
      search: (q, limit) => db.prepare("SELECT * FROM users WHERE name LIKE ? OR username LIKE ? LIMIT ?").all(`%${q}%`, `%${q}%`, limit).map(toDirectory),
    },
    // serializeUser stores { id, username }: onbehalf runs the subject's row through it, then deserializeUser.
    identity: passportIdentity(passport, { user: (id) => row(id) }),
    audit,
  });
  app.use(ob);
  app.use(ob.banner());
  // ---------------------------------------------------------------------------

  app.use('/', indexRouter(db));
  app.use('/', authRouter(db));
  return { app, ob, db };
}
