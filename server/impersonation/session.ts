import type { Request } from 'express';
import type { ResolvedOptions } from './options.js';

/** The host session's own data (everything but express-session's cookie and onbehalf's keys). */
function sessionData(req: Request): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(req.session)) {
    if (k !== 'cookie' && k !== 'onbehalf' && k !== 'csrfToken') out[k] = v;
  }
  return structuredClone(out);
}

const call = (fn: (cb: (err?: unknown) => void) => void) =>
  new Promise<void>((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));

const regenerate = (req: Request) => call((cb) => req.session.regenerate(cb));
export const saveSession = (req: Request) => call((cb) => req.session.save(cb));

/**
 * Start acting: a new session id (so a fixed or stolen pre-start id is worthless), holding only
 * the host's sign-in keys and the reference to the impersonation. The actor's other data is set
 * aside until exit, so it doesn't bleed into the subject's session.
 */
export async function enterActing(req: Request, o: ResolvedOptions, impersonationId: string): Promise<void> {
  const stash = sessionData(req);
  await regenerate(req);
  for (const key of o.authSessionKeys) if (key in stash) (req.session as unknown as Record<string, unknown>)[key] = stash[key];
  req.session.onbehalf = { id: impersonationId, stash };
  await saveSession(req);
}

/**
 * Stop acting: a new session id again. In `return` mode the actor gets back exactly the data they
 * had at start; whatever was set while acting is dropped. In `logout` mode the session is empty.
 */
export async function leaveActing(req: Request, mode: 'return' | 'logout'): Promise<void> {
  const stash = req.session.onbehalf?.stash ?? {};
  await regenerate(req);
  if (mode === 'return') Object.assign(req.session, stash);
  await saveSession(req);
}
