import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import { createClient, createCluster, type RedisClientType, type RedisClusterType } from 'redis';
import { memoryAudit, onBehalf, type OnBehalf, type OnBehalfContext, type OnBehalfOptions } from '../../../server/index.js';
import { redisRateLimitStore, redisSessionStore, redisStore, redisUnavailableHandler } from '../../../server/redis/index.js';
import { testUsers } from '../../helpers/host.js';
import { Client, listen } from '../../helpers/http.js';

/** What one request of a host route was served as, logged by the host itself. */
export interface Served {
  instance: string;
  method: string;
  path: string;
  servedAs: OnBehalfContext | undefined;
}

export interface ScaleHost {
  name: string;
  url: string;
  ob: OnBehalf;
  audit: ReturnType<typeof memoryAudit>;
  /** This instance's directory (tests may change it). */
  users: ReturnType<typeof testUsers>;
  /** Every request that reached a host route, and as whom. */
  served: Served[];
  /** Errors that were not "Redis unavailable" (answered 500): there must be none. */
  unexpected: unknown[];
  close(): Promise<void>;
}

/** Admins and members enough for many concurrent browsers. */
export const ADMINS = Array.from({ length: 20 }, (_, i) => `admin${i}`);
export const MEMBERS = Array.from({ length: 20 }, (_, i) => `member${i}`);

export const SESSION_SECRET = 'one-secret-shared-by-every-instance';

/** A node-redis client set up as the README says: fail fast while offline, reconnect on its own. */
export async function redisClient(url: string): Promise<RedisClientType> {
  const client: RedisClientType = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2_000, reconnectStrategy: (retries) => Math.min(50 * retries, 500) },
  });
  client.on('error', () => { /* reconnects by itself; requests get 503 meanwhile */ });
  await client.connect();
  return client;
}

/** A Redis Cluster client set up as docs/redis.md says: each node's connection fails fast while offline. */
export async function redisClusterClient(rootNodes: Array<{ url: string }>): Promise<RedisClusterType> {
  const cluster: RedisClusterType = createCluster({
    rootNodes,
    defaults: { disableOfflineQueue: true, socket: { connectTimeout: 2_000, reconnectStrategy: (retries) => Math.min(50 * retries, 500) } },
  });
  cluster.on('error', () => { /* a node that is down fails its own commands (503) */ });
  await cluster.connect();
  return cluster;
}

/**
 * One instance of a host app as the README sets it up for several instances: express-session
 * on connect-redis (`redisSessionStore()`), `redisStore()`, the start rate limit in Redis, and
 * `redisUnavailableHandler()`.
 * `storeUrl` puts the impersonation state on another Redis than the sessions (default: the same);
 * `cacheTtlMs` turns on the store's cache; `cluster` puts everything on one Redis Cluster instead.
 */
export async function startScaleHost(
  name: string,
  opts: {
    sessionUrl?: string;
    storeUrl?: string;
    cluster?: Array<{ url: string }>;
    prefix: string;
    onBehalf?: Partial<OnBehalfOptions>;
    cacheTtlMs?: number;
    /** Runs once express-session has loaded the session, before onbehalf (a test can hang Redis right there). */
    afterSession?: (req: Request) => void;
  },
): Promise<ScaleHost> {
  const sessionClient = opts.cluster ? await redisClusterClient(opts.cluster) : await redisClient(opts.sessionUrl!);
  const storeClient = opts.storeUrl && opts.storeUrl !== opts.sessionUrl ? await redisClient(opts.storeUrl) : sessionClient;
  const users = testUsers();
  for (const id of ADMINS) users.set(id, { id, name: `Admin ${id}`, active: true, permissions: ['impersonate'], privilege: 50 });
  for (const id of MEMBERS) users.set(id, { id, name: `Member ${id}`, active: true });
  const audit = memoryAudit();
  const served: Served[] = [];
  const unexpected: unknown[] = [];

  const app = express();
  app.use(
    session({
      store: redisSessionStore({ client: sessionClient, prefix: `${opts.prefix}sess:` }),
      secret: SESSION_SECRET,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax' },
    }),
  );
  if (opts.afterSession) {
    const hook = opts.afterSession;
    app.use((req, _res, next) => {
      hook(req);
      next();
    });
  }
  app.post('/login', express.json(), (req, res, next) => {
    const id = String(req.body?.userId ?? '');
    if (!users.has(id)) return res.status(401).json({ error: { code: 'NOT_SIGNED_IN', message: 'unknown' } });
    req.session.regenerate((err) => {
      if (err) return next(err);
      (req.session as unknown as { userId: string }).userId = id;
      res.json({ ok: true });
    });
  });
  const ob = onBehalf({
    users: {
      get: (id) => users.get(String(id)),
      search: (q, limit) => [...users.values()].filter((u) => u.name.toLowerCase().includes(q.toLowerCase())).slice(0, limit),
    },
    currentUser: (req) => (req.session as unknown as { userId?: string }).userId,
    audit,
    store: redisStore({ client: storeClient, prefix: opts.prefix, cacheTtlMs: opts.cacheTtlMs }),
    warn: () => undefined,
    sweepIntervalMs: 0,
    ...opts.onBehalf,
    rateLimit: { store: redisRateLimitStore({ client: storeClient, prefix: `${opts.prefix}rl:` }), ...opts.onBehalf?.rateLimit },
  });
  app.use(ob);
  // Host routes: each logs and echoes who it was served as.
  app.use((req, _res, next) => {
    served.push({ instance: name, method: req.method, path: req.path, servedAs: req.onBehalf });
    next();
  });
  app.get('/whoami', (req, res) => res.json({ instance: name, servedAs: req.onBehalf }));
  app.post('/notes', express.json(), (req, res) => res.status(201).json({ instance: name, servedAs: req.onBehalf }));
  app.use(redisUnavailableHandler());
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    unexpected.push(err);
    res.status(500).json({ error: { code: 'INTERNAL', message: 'unexpected' } });
  });

  const { url, close } = await listen(app);
  return {
    name,
    url,
    ob,
    audit,
    users,
    served,
    unexpected,
    async close() {
      await ob.close();
      await close();
      for (const c of new Set([sessionClient, storeClient])) if (c.isOpen) c.destroy();
    },
  };
}

/**
 * One browser behind a load balancer: one cookie jar, and each request goes to the instance the
 * test names. `at(host)` is a client for that instance that carries the browser's session cookie.
 */
export class Browser {
  private sid: string | undefined;
  /** The express-session id in the browser's cookie (its Redis key is `<prefix>sess:<id>`). */
  get sessionId(): string | undefined {
    const v = this.sid && decodeURIComponent(this.sid);
    return v?.startsWith('s:') ? v.slice(2, v.lastIndexOf('.')) : undefined;
  }
  at(host: ScaleHost): Client {
    const jar = this;
    return new (class extends Client {
      override async request(...args: Parameters<Client['request']>) {
        if (jar.sid) this.setCookie('connect.sid', jar.sid);
        const reply = await super.request(...args);
        jar.sid = this.cookie();
        return reply;
      }
    })(host.url);
  }
  static async signedIn(host: ScaleHost, userId: string): Promise<Browser> {
    const b = new Browser();
    const r = await b.at(host).request('POST', '/login', { body: { userId } });
    if (r.status !== 200) throw new Error(`sign-in as ${userId} failed: ${r.status} ${r.text}`);
    return b;
  }
}
