import type { Request, Response } from 'express';
import { isDeepStrictEqual } from 'node:util';
import { sessionCall } from '../identity/session-view.js';
import { beforeResponse } from '../http/index.js';
import type { ResolvedOptions } from './options.js';
import type { ImpersonationRecord } from './types.js';

const OWN_KEYS = new Set(['cookie', 'onbehalf', 'onbehalfEnded', 'onbehalfSignInEnds', 'csrfToken']);

/**
 * When the actor's sign-in ends, as it stood at their first start (ms; undefined for a browser-session
 * cookie). express-session moves a stored cookie's expiry on with each request, so the first value
 * seen is kept and carried through every start and stop: they re-issue the cookie, never a fresh lifetime.
 */
export function signInEnds(req: Request): number | undefined {
  const kept = req.session.onbehalf?.signInEnds ?? req.session.onbehalfSignInEnds;
  const expires = req.session.cookie.expires;
  const now = expires ? new Date(expires).getTime() : undefined;
  return kept === undefined ? now : now === undefined ? kept : Math.min(kept, now);
}

/**
 * Note the sign-in's expiry the first time a signed-in session is seen: the stored cookie still
 * holds what the sign-in issued then, before express-session moves it on with later requests.
 * The cookie is pinned to that same expiry, so the one save this costs re-issues nothing longer.
 */
export function noteSignInEnds(req: Request): void {
  const expires = req.session.cookie.expires;
  if (!expires || req.session.onbehalfSignInEnds !== undefined) return;
  const ends = new Date(expires).getTime();
  req.session.onbehalfSignInEnds = ends;
  req.session.cookie.expires = new Date(ends);
}

/** A new session id, with the cookie lifetime it had (regenerate would start a fresh one). */
async function regenerateKeeping(req: Request, ends: number | undefined): Promise<void> {
  await regenerate(req);
  if (ends !== undefined) req.session.cookie.expires = new Date(ends);
}

/** The host session's own data (everything but express-session's cookie and onbehalf's keys). */
function sessionData(req: Request): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(req.session)) {
    if (!OWN_KEYS.has(k)) out[k] = v;
  }
  return structuredClone(out);
}

const call = (fn: (cb: (err?: unknown) => void) => void) =>
  new Promise<void>((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));

// express-session's own methods: onbehalf's guard on the host's identity writes is not for its own.
const regenerate = (req: Request) => call((cb) => sessionCall(req, 'regenerate', cb));
const saveSession = (req: Request) => call((cb) => sessionCall(req, 'save', cb));

/** The host's sign-in keys as the session holds them now: all an acting session starts with. */
export function authData(req: Request, o: Pick<ResolvedOptions, 'authSessionKeys'>): Record<string, unknown> {
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
export async function enterActing(req: Request, o: Pick<ResolvedOptions, 'authSessionKeys'>, record: ImpersonationRecord): Promise<void> {
  const auth = authData(req, o);
  const stash = sessionData(req);
  for (const key of Object.keys(auth)) delete stash[key];
  const ends = signInEnds(req);
  await regenerateKeeping(req, ends);
  Object.assign(req.session, auth);
  // Who and for whom ride along, so an end the store can no longer tell of is still audited (see lifecycle's lost()).
  const ref = { id: record.id, at: record.startedAt, actor: record.actor, subject: record.subject };
  req.session.onbehalf = { ...ref, ...(Object.keys(stash).length && { stash }), ...(ends !== undefined && { signInEnds: ends }) };
  await saveSession(req);
}

/**
 * Stop acting: a new session id again. In `return` mode the actor gets back the data they had at
 * start, with their sign-in; whatever was set while acting is dropped. In `logout` mode the
 * session is empty.
 */
export async function leaveActing(req: Request, o: Pick<ResolvedOptions, 'authSessionKeys'>, mode: 'return' | 'logout'): Promise<void> {
  const restore = { ...req.session.onbehalf?.stash, ...authData(req, o) };
  const ends = signInEnds(req);
  await regenerateKeeping(req, ends);
  if (mode === 'return') {
    Object.assign(req.session, restore);
    if (ends !== undefined) req.session.onbehalfSignInEnds = ends;
  }
  await saveSession(req);
}

/** The acting session's host data now (the sign-in keys left out), for dropUnchanged to compare with later. */
export function actingSnapshot(req: Request, o: Pick<ResolvedOptions, 'authSessionKeys'>): Array<[string, unknown]> {
  const session = req.session as unknown as Record<string, unknown>;
  const held: Array<[string, unknown]> = [];
  for (const k of Object.keys(session)) if (!OWN_KEYS.has(k) && !o.authSessionKeys.includes(k)) held.push([k, session[k]]);
  // Taken on every acting request: most acting sessions hold no host data, and then there is nothing to copy.
  return held.length ? structuredClone(held) : held;
}

/** Remove every key that still holds its value in `snapshot`: what was set while acting and not written since. */
function dropUnchanged(session: Record<string, unknown>, snapshot: Array<[string, unknown]>): void {
  for (const [k, v] of snapshot) if (isDeepStrictEqual(session[k], v)) delete session[k];
}

/**
 * A sign-in or sign-out route while acting: the host's handler runs on the acting session as it
 * is (its CSRF check finds the token it issued while acting), with the actor's set-aside data put
 * back where that session has none. If the handler leaves that session in place (a wrong
 * password), whatever was set while acting and not written again by the handler goes as the
 * answer leaves, and the actor's own values come back: nothing set as the subject stays with the
 * actor (the cart, the current team, a cached profile). A regenerated or destroyed session is the
 * host's own and is left alone.
 */
export function handOverToSignIn(req: Request, res: Response, o: Pick<ResolvedOptions, 'authSessionKeys'>, stash: Record<string, unknown> = {}): void {
  const id = req.sessionID;
  const acting = actingSnapshot(req, o);
  const session = () => req.session as unknown as Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(stash)) if (!(k in session()!)) session()![k] = v;
  beforeResponse(res, async () => {
    const kept = session();
    if (!kept || req.sessionID !== id) return;
    dropUnchanged(kept, acting);
    for (const [k, v] of Object.entries(stash)) if (!(k in kept)) kept[k] = v;
  });
}

/**
 * The host's code signed someone in while acting, in a handler onbehalf was not told of (it wrote
 * the sign-in key, or passport copied the session over with `keepSessionInfo`): the session it
 * goes on with is that sign-in's. What was set while acting (`acting`, taken before the handler)
 * and not written by the handler goes as the answer leaves, so the subject's data follows nobody.
 */
export function dropActingDataOnSignIn(req: Request, res: Response, acting: Array<[string, unknown]>): void {
  beforeResponse(res, async () => {
    const session = req.session as unknown as Record<string, unknown> | undefined;
    if (session) dropUnchanged(session, acting);
  });
}
