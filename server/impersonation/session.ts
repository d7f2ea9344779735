import type { Request } from 'express';
import type { ResolvedOptions } from './options.js';

/** The host session's own data (everything but express-session's cookie and onbehalf's keys). */
function sessionData(req: Request): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(req.session)) {
    if (k !== 'cookie' && k !== 'onbehalf' && k !== 'onbehalfEnded' && k !== 'csrfToken') out[k] = v;
  }
  return structuredClone(out);
}

const call = (fn: (cb: (err?: unknown) => void) => void) =>
  new Promise<void>((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));

const regenerate = (req: Request) => call((cb) => req.session.regenerate(cb));
const saveSession = (req: Request) => call((cb) => req.session.save(cb));

/** The host's sign-in keys as the session holds them now. */
function authData(req: Request, o: ResolvedOptions): Record<string, unknown> {
  const session = req.session as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of o.authSessionKeys) if (key in session) out[key] = session[key];
  return out;
}

/**
 * Start acting: a new session id (so a fixed or stolen pre-start id is worthless), holding only
 * the host's sign-in keys and the reference to the impersonation. The actor's other data is set
 * aside until exit, so it doesn't bleed into the subject's session. The set-aside copy leaves out
 * the sign-in keys (they stay in the session, bound to the actor): the session stays small, and
 * express-session hashes all of it on every request.
 */
export async function enterActing(req: Request, o: ResolvedOptions, impersonationId: string): Promise<void> {
  const auth = authData(req, o);
  const stash = sessionData(req);
  for (const key of Object.keys(auth)) delete stash[key];
  await regenerate(req);
  Object.assign(req.session, auth);
  req.session.onbehalf = Object.keys(stash).length ? { id: impersonationId, stash } : { id: impersonationId };
  await saveSession(req);
}

/**
 * Stop acting: a new session id again. In `return` mode the actor gets back the data they had at
 * start, with their sign-in; whatever was set while acting is dropped. In `logout` mode the
 * session is empty.
 */
export async function leaveActing(req: Request, o: ResolvedOptions, mode: 'return' | 'logout'): Promise<void> {
  const restore = { ...req.session.onbehalf?.stash, ...authData(req, o) };
  await regenerate(req);
  if (mode === 'return') Object.assign(req.session, restore);
  await saveSession(req);
}
