/**
 * `onbehalf/client`: a typed client for onbehalf's HTTP API, for a host's own pages (an SPA's
 * "work on behalf" picker) and the browser extension. Every answer is checked against the
 * protocol's schemas; every failure is an {@link OnBehalfClientError} carrying the server's code.
 */
import { errorBodySchema } from './errors.js';
import { startResponseSchema, statusResponseSchema, stopResponseSchema, usersResponseSchema, type Candidate, type StatusResponse } from './protocol.js';
import { myRequestsResponseSchema } from './subject.js';
import { TOKEN_EXCHANGE_GRANT, tokenResponseSchema } from './tokens.js';

/** The protocol itself: the schemas both sides validate with, the error codes and their statuses. */
export * from './protocol.js';
export * from './errors.js';
export * from './tokens.js';
export { hasControlCharacters, isSafeLocalPath } from './text.js';
/** The subject's side: access history, grants and requests, and the notice's wording. */
export * from './subject.js';

/**
 * A failure: the server's error code (see the error-code reference), `NETWORK` when the host
 * could not be reached, `BAD_RESPONSE` when it answered something that is not onbehalf's.
 */
export class OnBehalfClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'OnBehalfClientError';
  }
}

/** Options of {@link onBehalfClient}. */
export interface OnBehalfClientOptions {
  /** Where onbehalf is mounted on the host, as its `basePath` option. Default `/onbehalf`. */
  basePath?: string;
  /** The host's origin, e.g. `https://app.example`. Default: the page's own (`location.origin`). */
  origin?: string;
  /** The fetch to call. Default: the global `fetch`. The extension passes the page's own. */
  fetch?: typeof fetch;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/** An access token held by the client, with when it expires (epoch ms, by this client's clock). */
export interface HeldToken {
  token: string;
  expiresAt: number;
}

/** A fresh token is fetched when the held one has less than this left (or a fifth of its lifetime, if shorter). */
const REFRESH_AHEAD_MS = 30_000;

/** What `start()` takes: the fields of `POST {basePath}/start`. */
export interface StartInput {
  userId: string;
  reason: string;
  ticket?: string;
  readOnly?: boolean;
  /** A same-origin path to land on once acting. */
  returnTo?: string;
}

type Schema<T> = { safeParse(v: unknown): { success: true; data: T } | { success: false } };

/**
 * The onbehalf API of one host, called with the page's cookies. POSTs carry the session's CSRF
 * token, read from `status()` when the client has none yet; start and stop rotate the session,
 * so a POST refused with `CSRF` reads status once for the new token and is tried again.
 */
export function onBehalfClient(options: OnBehalfClientOptions = {}) {
  const basePath = options.basePath ?? '/onbehalf';
  const doFetch: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init));
  const now = options.now ?? Date.now;
  let csrfToken: string | undefined;

  function url(path: string): string {
    const origin = options.origin ?? (globalThis as { location?: { origin: string } }).location?.origin;
    if (origin === undefined) throw new OnBehalfClientError('BAD_REQUEST', 'onBehalfClient() needs an `origin` outside a browser page.');
    return new URL(basePath + path, origin).href;
  }

  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (method === 'POST') {
      headers['Content-Type'] = 'application/json';
      if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
    }
    // `cache` is a browser field (Node's fetch types lack it): a status must never come from a cache.
    const init = { method, headers, credentials: 'same-origin', cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body) } as const;
    let res: Response;
    try {
      res = await doFetch(url(path), init);
    } catch (e) {
      if (e instanceof OnBehalfClientError) throw e;
      throw new OnBehalfClientError('NETWORK', 'The host app could not be reached: try again.');
    }
    const json: unknown = await res.json().catch(() => undefined);
    if (res.ok && json !== undefined) return json;
    const parsed = errorBodySchema.safeParse(json);
    if (parsed.success) throw new OnBehalfClientError(parsed.data.error.code, parsed.data.error.message, res.status);
    throw new OnBehalfClientError('BAD_RESPONSE', `The host app failed (HTTP ${res.status}). Try again, or tell its administrators.`, res.status);
  }

  function parse<T>(schema: Schema<T>, v: unknown): T {
    const r = schema.safeParse(v);
    if (!r.success) throw new OnBehalfClientError('BAD_RESPONSE', 'The host app answered in a form this version does not know: update the extension.');
    return r.data;
  }

  async function post(path: string, body?: unknown): Promise<unknown> {
    if (!csrfToken) await status();
    try {
      return await call('POST', path, body);
    } catch (e) {
      if (!(e instanceof OnBehalfClientError && e.code === 'CSRF')) throw e;
      await status();
      return call('POST', path, body);
    }
  }

  /** `GET {basePath}/status`: whether this session is acting, and its CSRF token. */
  async function status(): Promise<StatusResponse> {
    const s = parse(statusResponseSchema, await call('GET', '/status'));
    csrfToken = s.csrfToken;
    return s;
  }

  /** `POST {basePath}/token`: an RFC 8693 token exchange for the acting session; `NOT_ACTING` or `EXPIRED` once it is over. */
  async function token(audience: string): Promise<HeldToken> {
    const issuedAt = now();
    const res = parse(tokenResponseSchema, await post('/token', { grant_type: TOKEN_EXCHANGE_GRANT, audience }));
    return { token: res.access_token, expiresAt: issuedAt + res.expires_in * 1000 };
  }

  /**
   * An access token for `audience`, kept and refreshed when needed: `get()` answers the held token
   * while it has life left and asks the app for a new one only when called near its end (never on
   * a timer, so an SPA left alone lets the session's idle limit run). `fetch()` calls an API with
   * it and, if the API says it expired, once more with a fresh one.
   */
  function tokenFor(audience: string) {
    let held: (HeldToken & { refreshAt: number }) | undefined;
    let pending: Promise<HeldToken & { refreshAt: number }> | undefined;
    const fresh = () =>
      (pending ??= token(audience)
        .then((t) => ({ ...t, refreshAt: t.expiresAt - Math.min(REFRESH_AHEAD_MS, (t.expiresAt - now()) / 5) }))
        .finally(() => (pending = undefined)));
    async function get(): Promise<string> {
      if (held && now() < held.refreshAt) return held.token;
      held = undefined;
      held = await fresh();
      return held.token;
    }
    return {
      get,
      /** Forget the held token (e.g. after Exit). */
      clear() {
        held = undefined;
      },
      async fetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
        const send = async () => {
          const headers = new Headers(init.headers);
          headers.set('Authorization', `Bearer ${await get()}`);
          return doFetch(input, { ...init, headers });
        };
        const res = await send();
        if (res.status !== 401) return res;
        const body: unknown = await res.clone().json().catch(() => undefined);
        if (errorBodySchema.safeParse(body).data?.error.code !== 'TOKEN_EXPIRED') return res;
        held = undefined;
        return send();
      },
    };
  }

  return {
    status,
    /** `GET {basePath}/users`: users matching `q`, each with whether the signed-in admin may act for them and why not. */
    async users(q: string, limit = 20): Promise<Candidate[]> {
      const query = new URLSearchParams({ q, limit: String(limit) });
      return parse(usersResponseSchema, await call('GET', `/users?${query}`)).users;
    },
    /** `POST {basePath}/start`: start working on behalf of `userId`. */
    async start(input: StartInput) {
      const res = parse(startResponseSchema, await post('/start', input));
      csrfToken = res.csrfToken;
      return res;
    },
    /** `GET {basePath}/requests`: the signed-in admin's open requests (consent and four-eyes approval), to start once approved. */
    async requests() {
      return parse(myRequestsResponseSchema, await call('GET', '/requests')).requests;
    },
    /** `POST {basePath}/stop`: exit; `redirect` is where the host sends the admin back to. */
    async stop() {
      const res = parse(stopResponseSchema, await post('/stop'));
      csrfToken = res.csrfToken ?? csrfToken;
      return res;
    },
    token,
    tokenFor,
  };
}
export type OnBehalfClient = ReturnType<typeof onBehalfClient>;
