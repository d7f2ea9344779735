import {
  errorBodySchema,
  startResponseSchema,
  statusResponseSchema,
  stopResponseSchema,
  usersResponseSchema,
  type Candidate,
  type StatusResponse,
} from '../../shared/index.js';

/** An error answer of the host, or a network failure (`code` NETWORK). */
export class HostApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Requests must leave as the page's own: same origin, the page's cookies, the page's Origin
 * header (the server refuses cross-origin POSTs). Chromium's content-script fetch does that.
 * Firefox's `content.fetch` is its documented "fetch as the page" and is used where it exists;
 * Firefox 153's plain content-script fetch was checked to send the same headers (Origin and
 * Sec-Fetch-Site same-origin, the page's cookies), but older Firefox MV2-era behaviour used the
 * extension's principal, so `content.fetch` stays the safer choice.
 */
const pageFetch: typeof fetch = (() => {
  const content = (globalThis as { content?: { fetch?: typeof fetch } }).content;
  return typeof content?.fetch === 'function' ? content.fetch.bind(content) : fetch.bind(globalThis);
})();

export interface StartInput {
  userId: string;
  reason: string;
  ticket?: string;
  readOnly?: boolean;
  returnTo?: string;
}

/** The onbehalf HTTP API of the host this tab shows, called same-origin with the page's cookies. */
export function hostApi(basePath: string) {
  let csrfToken: string | undefined;

  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (method === 'POST') {
      headers['Content-Type'] = 'application/json';
      if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
    }
    let res: Response;
    try {
      res = await pageFetch(new URL(basePath + path, location.origin).href, {
        method,
        headers,
        credentials: 'same-origin',
        cache: 'no-store',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new HostApiError('NETWORK', 'The host app could not be reached.');
    }
    const json: unknown = await res.json().catch(() => undefined);
    if (res.ok && json !== undefined) return json;
    const parsed = errorBodySchema.safeParse(json);
    if (parsed.success) throw new HostApiError(parsed.data.error.code, parsed.data.error.message);
    throw new HostApiError('BAD_RESPONSE', `The host app answered ${res.status} without an onbehalf response.`);
  }

  /**
   * POST with the session's CSRF token. Start and stop rotate the session (and its token), so a
   * tab holding the previous token reads status once for the new one and tries again.
   */
  async function post(path: string, body?: unknown): Promise<unknown> {
    if (!csrfToken) await status();
    try {
      return await call('POST', path, body);
    } catch (e) {
      if (!(e instanceof HostApiError && e.code === 'CSRF')) throw e;
      await status();
      return call('POST', path, body);
    }
  }

  async function status(): Promise<StatusResponse> {
    const s = parse(statusResponseSchema, await call('GET', '/status'));
    csrfToken = s.csrfToken;
    return s;
  }

  function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, v: unknown): T {
    const r = schema.safeParse(v);
    if (!r.success) throw new HostApiError('BAD_RESPONSE', 'The host app answered with an unexpected onbehalf response.');
    return r.data;
  }

  return {
    status,
    async users(q: string, limit = 20): Promise<Candidate[]> {
      const query = new URLSearchParams({ q, limit: String(limit) });
      return parse(usersResponseSchema, await call('GET', `/users?${query}`)).users;
    },
    async start(input: StartInput) {
      const res = parse(startResponseSchema, await post('/start', input));
      csrfToken = res.csrfToken;
      return res;
    },
    async stop() {
      const res = parse(stopResponseSchema, await post('/stop'));
      csrfToken = res.csrfToken ?? csrfToken;
      return res;
    },
  };
}
export type HostApi = ReturnType<typeof hostApi>;

/** Go to a same-origin path the host answered with; anything else goes to the site's root. */
export function navigateTo(redirect: string): void {
  let url: URL;
  try {
    url = new URL(redirect, location.origin);
  } catch {
    url = new URL('/', location.origin);
  }
  location.assign(url.origin === location.origin ? url.href : new URL('/', location.origin).href);
}
