import type { Request, Response } from 'express';

type Bag = Record<string, unknown>;
/** The actor's own values of the keys shown as the subject, per session object (what the store must keep). */
const realValues = new WeakMap<object, Map<string, { had: boolean; value: unknown }>>();

/** express-session's own method, past any guard onbehalf put on this session object. */
export function sessionCall(req: Request, method: 'regenerate' | 'destroy' | 'save', cb: (err?: unknown) => void): void {
  const session = req.session as unknown as Bag;
  const own = (Object.getPrototypeOf(session) as Bag | null)?.[method] ?? session[method];
  (own as (this: unknown, cb: (err?: unknown) => void) => void).call(session, cb);
}

/** What the store saves: the actor's values under the keys shown as the subject. */
function toStored(this: Bag): Bag {
  const real = realValues.get(this);
  const out: Bag = {};
  for (const k of Object.keys(this)) {
    const r = real?.get(k);
    if (!r) out[k] = this[k];
    else if (r.had) out[k] = r.value;
  }
  return out;
}

/**
 * For the rest of this request, reads of `req.session[key]` see `shown`; every session store
 * (they serialise with JSON.stringify) still saves the actor's value. A write of another value
 * puts it in place for real and reports it.
 */
export function presentSessionValue(req: Request, key: string, shown: unknown, onWrite: (written: unknown) => void): void {
  const session = req.session as unknown as Bag;
  let real = realValues.get(session);
  if (!real) {
    real = new Map();
    realValues.set(session, real);
    Object.defineProperty(session, 'toJSON', { value: toStored, configurable: true, enumerable: false, writable: true });
    unpresentAtEnd(req);
  }
  real.set(key, { had: Object.prototype.hasOwnProperty.call(session, key), value: session[key] });
  Object.defineProperty(session, key, {
    configurable: true,
    enumerable: true,
    get: () => shown,
    set(value: unknown) {
      if (value === shown) return;
      real!.delete(key);
      Object.defineProperty(session, key, { value, writable: true, enumerable: true, configurable: true });
      onWrite(value);
    },
  });
}

/**
 * express-session decides whether to save by hashing the session when the response ends, with a
 * replacer that drops `cookie` only from the session object itself: through `toJSON` the cookie
 * would count, the hash would never match and every acting request would be saved again. So the
 * real values are put back just before the response ends, and the hash sees what was loaded.
 */
function unpresentAtEnd(req: Request): void {
  const res = req.res;
  if (!res) return;
  const end = res.end;
  res.end = function (this: Response, ...args: Parameters<Response['end']>) {
    res.end = end;
    unpresentSession(req);
    return end.apply(this, args);
  } as Response['end'];
}

/** Put the actor's own values back in place (the impersonation ended during this request, or its answer is leaving). */
export function unpresentSession(req: Request): void {
  const session = req.session as unknown as Bag | undefined;
  const real = session && realValues.get(session);
  if (!session || !real) return;
  for (const [k, r] of real) {
    if (r.had) Object.defineProperty(session, k, { value: r.value, writable: true, enumerable: true, configurable: true });
    else delete session[k];
  }
  realValues.delete(session);
  delete session.toJSON;
}

/**
 * Guard the host's own identity writes on this request's session: `regenerate` (a sign-in, or a
 * passport logout) and `destroy` (a logout) first end the impersonation through `end`, then go on.
 */
export function guardSessionWrites(req: Request, end: (method: 'regenerate' | 'destroy') => Promise<void>): void {
  const session = req.session as unknown as Bag;
  for (const method of ['regenerate', 'destroy'] as const) {
    Object.defineProperty(session, method, {
      configurable: true,
      enumerable: false,
      writable: true,
      value(cb?: (err?: unknown) => void) {
        const go = () => sessionCall(req, method, cb ?? (() => undefined));
        // The host's sign-in or logout goes ahead even if the store can't be reached: the record then expires.
        end(method).then(go, go);
        return session;
      },
    });
  }
}
