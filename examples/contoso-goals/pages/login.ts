import express, { type Router } from 'express';
import { html } from '../html.js';
import { page } from '../layout.js';
import { DEMO_PASSWORD } from '../seed.js';
import type { DemoDeps } from '../deps.js';

/** The sign-in page: says it is a demo and lists every account, each with a one-click sign-in. */
export function loginPage({ state }: DemoDeps): Router {
  const router = express.Router();
  router.get('/login', (req, res) => {
    if (req.onBehalf?.userId && state.user(req.onBehalf.userId)?.active) return res.redirect(303, '/');
    const body = html`<div class="login">
      <section class="card narrow">
        <h1>Sign in to Contoso Goals</h1>
        <div class="notice info"><strong>This is a demo.</strong> Every account below uses the password <code>${DEMO_PASSWORD}</code>. Data resets when the server restarts; the audit log is kept on disk.</div>
        <form class="stack" method="post" action="/login">
          <label>Email <input type="email" name="email" autocomplete="username" required value="avery@contoso.test"></label>
          <label>Password <input type="password" name="password" autocomplete="current-password" required value="${DEMO_PASSWORD}"></label>
          <div><button class="btn" type="submit">Sign in</button></div>
        </form>
      </section>
      <section class="card">
        <h2>Demo accounts</h2>
        <table class="accounts">
          <thead><tr><th>Name</th><th>Email</th><th>Role</th><th>Shows</th><th></th></tr></thead>
          <tbody>${state.users.map(
            (u) => html`<tr>
              <td><strong>${u.name}</strong>${u.active ? '' : html` <span class="badge bad">inactive</span>`}</td>
              <td><code>${u.email}</code></td><td>${u.role}</td><td class="muted small">${u.shows}</td>
              <td>${u.active
                ? html`<form method="post" action="/login"><input type="hidden" name="email" value="${u.email}"><input type="hidden" name="password" value="${DEMO_PASSWORD}"><button class="btn btn-secondary btn-small" type="submit">Sign in</button></form>`
                : ''}</td>
            </tr>`,
          )}</tbody>
        </table>
      </section>
    </div>`;
    res.type('html').send(page({ title: 'Sign in', body }));
  });
  return router;
}
