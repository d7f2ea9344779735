import { timingSafeEqual } from 'node:crypto';
import express from 'express4';
import passport from 'passport';
import LocalStrategy from 'passport-local';
import { hash } from '../db.js';

export function authRouter(db) {
  passport.use(
    new LocalStrategy(function verify(username, password, cb) {
      const row = db.prepare('SELECT * FROM users WHERE username = ?').get(username);
      if (!row || !timingSafeEqual(row.hashed_password, hash(password, row.salt))) return cb(null, false, { message: 'Incorrect username or password.' });
      return cb(null, row);
    }),
  );
  passport.serializeUser((user, cb) => process.nextTick(() => cb(null, { id: user.id, username: user.username })));
  passport.deserializeUser((user, cb) => process.nextTick(() => cb(null, user)));

  const router = express.Router();
  router.get('/login', (req, res) => {
    res.send(
      `<!doctype html><html lang="en"><meta charset="utf-8"><title>Sign in</title><h1>todos</h1>` +
        `<form action="/login/password" method="post"><input type="hidden" name="_csrf" value="${req.csrfToken()}">` +
        `<label>Username <input name="username" autocomplete="username" required></label> <label>Password <input name="password" type="password" required></label> <button type="submit">Sign in</button></form>`,
    );
  });
  router.post('/login/password', passport.authenticate('local', { successRedirect: '/', failureRedirect: '/login' }));
  router.post('/logout', (req, res, next) => {
    req.logout((err) => (err ? next(err) : res.redirect('/')));
  });
  return router;
}
