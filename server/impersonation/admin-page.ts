import express, { type Request, type Router } from 'express';
import { BANNER, ELIGIBILITY_MESSAGES, usersQuerySchema, type ReasonRules } from '../../shared/index.js';
import type { CsrfProtection } from './csrf.js';
import { targetRefusal } from './eligibility.js';
import { aboutNameHtml, escapeHtml as e, isolated } from '../http/index.js';
import type { ResolvedOptions } from './options.js';
import type { DirectoryUser, UserId } from './types.js';

/** What the page needs from the API router: who may use it, and a user by a sent id. */
export interface AdminPageDeps {
  allowedActor(req: Request): Promise<DirectoryUser>;
  lookUp(id: UserId): Promise<DirectoryUser | undefined>;
}

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a}main{max-width:44rem;margin:2rem auto;padding:0 1rem}' +
  'label{display:block;font-weight:600;margin-top:1rem}input[type=search],input[type=text],textarea{width:100%;box-sizing:border-box;font:inherit;padding:.5rem;border:1px solid #555;border-radius:4px}' +
  '.check{display:flex;gap:.5rem;align-items:flex-start;margin-top:1rem}.check label{margin:0;font-weight:400}' +
  'button{font:inherit;font-weight:600;margin-top:1rem;padding:.5rem 1.2rem;border-radius:6px;border:0;background:#1d4ed8;color:#fff;cursor:pointer}' +
  'button:focus-visible,a:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}' +
  'ul{padding:0;list-style:none}li{padding:.6rem 0;border-bottom:1px solid #ddd}.why{color:#6b2a00}.help{color:#444;font-size:.9em;margin:.2rem 0 0}';

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
  `<title>${e(title)}</title><style>${STYLE}</style></head><body><main><h1>${e(title)}</h1>${body}</main></body></html>`;

/**
 * `GET {basePath}/`: a small server-rendered page (no script; what users typed or the directory
 * holds is isolated in `<bdi>`) for holders of the permission to
 * find a user, see whether they may be worked on behalf of and why not, and start with a reason,
 * ticket and read-only choice after confirming. A host needs neither the extension nor its own page.
 */
export function adminPage(o: ResolvedOptions, csrf: CsrfProtection, deps: AdminPageDeps): Router {
  const router = express.Router();
  const title = 'Work on behalf of a user';

  function startForm(req: Request, user: DirectoryUser, rules: ReasonRules): string {
    const name = isolated(user.name);
    return (
      `<h2>Work on behalf of ${name}</h2>` +
      `<form method="post" action="${e(o.basePath)}/start">${csrf.fields(req)}` +
      `<input type="hidden" name="userId" value="${e(user.id)}">` +
      `<label for="ob-reason">Reason</label>` +
      `<textarea id="ob-reason" name="reason" rows="3" required minlength="${rules.minLength}" maxlength="${rules.maxLength}" aria-describedby="ob-reason-help"></textarea>` +
      `<p class="help" id="ob-reason-help">Why you need to act as ${name}: at least ${rules.minLength} characters. It is recorded in the audit.</p>` +
      `<label for="ob-ticket">Ticket${rules.requireTicket ? '' : ' (optional)'}</label>` +
      `<input type="text" id="ob-ticket" name="ticket" maxlength="100"${rules.requireTicket ? ' required' : ''}>` +
      `<div class="check"><input type="checkbox" id="ob-read-only" name="readOnly" value="on"><label for="ob-read-only">Read-only: look, but refuse any change</label></div>` +
      `<div class="check"><input type="checkbox" id="ob-confirm" name="confirm" value="on" required><label for="ob-confirm">${aboutNameHtml(BANNER.detail, user.name)} I understand, and I will exit when done.</label></div>` +
      `<button type="submit">Start working on behalf of ${name}</button></form>` +
      `<p><a href="${e(o.basePath)}/">Choose someone else</a></p>`
    );
  }

  router.get('/', (req, res, next) => {
    (async () => {
      res.set('Cache-Control', 'no-store');
      const actor = await deps.allowedActor(req);
      const q = usersQuerySchema.safeParse({ q: typeof req.query.q === 'string' ? req.query.q : '' });
      const query = q.success ? q.data.q : '';
      const chosen = typeof req.query.user === 'string' && req.query.user ? await deps.lookUp(req.query.user) : undefined;
      if (chosen) {
        const code = await targetRefusal(o, actor, chosen, req);
        if (!code) return res.type('html').send(page(title, startForm(req, chosen, o.reason)));
      }
      const found = await o.users.search(query, 20);
      const items = await Promise.all(
        found.map(async (u) => {
          const code = await targetRefusal(o, actor, u, req);
          const who = `${isolated(u.name)}${u.email ? ` <span class="help">(${isolated(u.email)})</span>` : ''}`;
          return code
            ? `<li>${who}<br><span class="why">Not possible: ${e(ELIGIBILITY_MESSAGES[code])}</span></li>`
            : `<li>${who}<br><a href="${e(o.basePath)}/?user=${encodeURIComponent(String(u.id))}">Work on behalf of ${isolated(u.name)}</a></li>`;
        }),
      );
      res.type('html').send(
        page(
          title,
          `<form method="get" action="${e(o.basePath)}/" role="search"><label for="ob-q">Find a user by name or email</label>` +
            `<input type="search" id="ob-q" name="q" value="${e(query)}"><button type="submit">Search</button></form>` +
            `<h2 id="ob-results">${query ? `Users matching “${isolated(query)}”` : 'Users'}</h2>` +
            (items.length ? `<ul aria-labelledby="ob-results">${items.join('')}</ul>` : '<p>Nobody matches.</p>'),
        ),
      );
    })().catch(next);
  });
  return router;
}
