import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny browser-like HTTP client for tests: keeps cookies, sends JSON, reads the CSRF token
 * from the status endpoint. It talks to a real server over 127.0.0.1.
 */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export class Client {
  private cookies = new Map<string, string>();
  constructor(
    readonly base: string,
    readonly basePath = '/onbehalf',
  ) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  /** The session cookie's value (to see it rotate). */
  cookie(name = 'connect.sid'): string | undefined {
    return this.cookies.get(name);
  }
  setCookie(name: string, value: string) {
    this.cookies.set(name, value);
  }

  private keepCookies(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** A `fetch` that sends and keeps this client's cookies, as a browser page's fetch does (for onbehalf/client). */
  readonly fetch: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    if (this.cookies.size) headers.set('cookie', this.cookieHeader);
    const res = await fetch(input, { ...init, headers, redirect: 'manual' });
    this.keepCookies(res);
    return res;
  };

  async request(method: string, path: string, init: { body?: unknown; form?: Record<string, string>; headers?: Record<string, string>; raw?: string } = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size) headers.cookie = this.cookieHeader;
    let body: string | undefined;
    if (init.raw !== undefined) body = init.raw;
    else if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers, body, redirect: 'manual' });
    this.keepCookies(res);
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request('GET', path, { headers });
  }
  /** POST JSON with this session's CSRF token, as the extension and the demo pages do. */
  async post(path: string, body: unknown = {}, headers: Record<string, string> = {}) {
    const token = await this.csrf();
    return this.request('POST', path, { body, headers: { 'x-csrf-token': token, ...headers } });
  }
  async csrf(): Promise<string> {
    const s = await this.get(`${this.basePath}/status`);
    return s.json?.csrfToken ?? '';
  }
  status() {
    return this.get(`${this.basePath}/status`).then((r) => r.json);
  }
  start(userId: string, reason = 'Investigating ticket about missing OKRs', extra: Record<string, unknown> = {}) {
    return this.post(`${this.basePath}/start`, { userId, reason, ...extra });
  }
  stop() {
    return this.post(`${this.basePath}/stop`);
  }
}

export interface Listening {
  server: Server;
  /** e.g. `http://127.0.0.1:41234` */
  url: string;
  /** Drops open connections (a keep-alive one would hold the close up), then stops listening. */
  close(): Promise<void>;
}

/** `app` (an Express app or anything that listens like one) on 127.0.0.1, on a free port. */
export async function listen(app: { listen(port: number, host: string, callback: () => void): Server }): Promise<Listening> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
