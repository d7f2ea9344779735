import { join } from 'node:path';
import express, { type Express, type Request } from 'express';
import session, { type Store } from 'express-session';
import helmet from 'helmet';
import type { Store as RateLimitStore } from 'express-rate-limit';
import { fileAudit, type FileAudit } from 'onbehalf/audit';
import { redisUnavailableHandler } from 'onbehalf/redis';
import { onBehalf, strictUtf8, type ImpersonationStore, type OnBehalf, type SubjectStore, type UserDirectory } from 'onbehalf';
import { privateObjectivesRule } from 'onbehalf/okr';
import { assets } from './assets.js';
import { authRoutes, requireSignIn, viewerOf } from './auth.js';
import type { DemoDeps } from './deps.js';
import { activityPage } from './pages/activity.js';
import { adminAuditPage } from './pages/admin-audit.js';
import { adminUsersPages, DEMO_REASON_RULES } from './pages/admin-users.js';
import { approvalsPage } from './pages/approvals.js';
import { myAccessPage } from './pages/my-access.js';
import { loginPage } from './pages/login.js';
import { myOkrsPage } from './pages/my-okrs.js';
import { okrPages } from './pages/okr.js';
import { teamPages } from './pages/teams.js';
import { DemoError, errorHandler } from './respond.js';
import { demoSeed } from './seed.js';
import { demoState, type DemoState } from './state.js';

/** Options of {@link createDemoApp}. */
export interface DemoAppOptions {
  /** Where the audit log is written (`<dataDir>/audit/`). Required. */
  dataDir: string;
  /** Signs the session cookie. Required. */
  sessionSecret: string;
  /** express-session store. Default: express-session's MemoryStore. */
  sessionStore?: Store;
  /** Impersonation state. Default: onbehalf's `memoryStore()`. */
  impersonationStore?: ImpersonationStore;
  /** The subject's side (notices, history, grants, approvals). Default: onbehalf's `memorySubjectStore()`. */
  subjectStore?: SubjectStore;
  /** The start rate limit's counters. Default: in memory. */
  rateLimitStore?: RateLimitStore;
  /** The sign-in throttle's counters (a store of its own). Default: in memory. */
  signInRateLimitStore?: RateLimitStore;
  /** `Secure` session cookie (needs HTTPS). Default false. */
  secureCookies?: boolean;
  /** fdatasync each audit batch. Default true. */
  fsync?: boolean;
  /** The audit sink, e.g. `pgAudit()` shared by several instances. Default: a file audit in `<dataDir>/audit/`. */
  audit?: FileAudit;
  /** Where warnings go. Default `console.warn`. */
  warn?: (message: string) => void;
  /** Clock. Default `Date.now`. */
  now?: () => number;
}

export interface DemoApp {
  app: Express;
  ob: OnBehalf;
  audit: FileAudit;
  state: DemoState;
  /** Stop timers and close the audit log. */
  close(): Promise<void>;
}

/**
 * Contoso Goals, the demo OKR host: a real Express app with its own sign-in, the onbehalf
 * middleware, the OKR permission model guarding every action, and a file audit.
 */
export function createDemoApp(options: DemoAppOptions): DemoApp {
  const warn = options.warn ?? ((m: string) => console.warn(`[demo] ${m}`));
  const now = options.now ?? Date.now;
  const state = demoState(demoSeed());
  const audit = options.audit ?? fileAudit({ dir: join(options.dataDir, 'audit'), fsync: options.fsync ?? true, warn, now });

  const users: UserDirectory = {
    get: (id) => state.user(String(id)),
    search: (q, limit) => {
      const needle = q.trim().toLowerCase();
      return state.users.filter((u) => `${u.name} ${u.email}`.toLowerCase().includes(needle)).slice(0, limit);
    },
  };
  const ob = onBehalf({
    users,
    currentUser: (req) => req.session.userId,
    audit,
    store: options.impersonationStore,
    ...(options.rateLimitStore && { rateLimit: { store: options.rateLimitStore } }),
    // W4 from the OKR model (P10), through the generic target-rule hook. An id the model doesn't know is refused (fail closed).
    canBeImpersonated: privateObjectivesRule(state.model),
    reason: DEMO_REASON_RULES,
    // The subject's side: notices and history on (the default); consent for users who ask for it,
    // four-eyes for the protected ones (flags in the seed).
    subject: {
      store: options.subjectStore,
      historyPage: '/account/access',
      consent: ({ target }) => state.user(String(target.id))?.requiresConsent === true,
      approval: ({ target }) => state.user(String(target.id))?.fourEyes === true,
    },
    landingPath: '/',
    authSessionKeys: ['userId'],
    warn,
    now,
  });

  const app = express();
  app.disable('x-powered-by');
  app.use(
    helmet({
      // The demo runs over plain HTTP on 127.0.0.1: don't ask the browser to upgrade to HTTPS.
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
      strictTransportSecurity: options.secureCookies === true,
      // Under helmet's default `no-referrer` browsers send `Origin: null` on form posts; the
      // origin checks then rest on Sec-Fetch-Site alone. Same-origin keeps a real Origin.
      referrerPolicy: { policy: 'same-origin' },
    }),
  );
  app.use(
    session({
      name: 'connect.sid',
      secret: options.sessionSecret,
      store: options.sessionStore,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: options.secureCookies ?? false, maxAge: 8 * 60 * 60 * 1000 },
    }),
  );
  app.use(ob);
  app.use(ob.banner());
  app.use(express.json({ limit: '16kb', verify: strictUtf8 }), express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }));

  const viewer = (req: Request) => {
    const v = viewerOf(req, state);
    if (!v) throw new DemoError('NOT_SIGNED_IN', 'Sign in first.');
    return v;
  };
  const deps: DemoDeps = { state, audit, ob, now, viewer };

  app.use(assets());
  app.use(loginPage(deps));
  app.use(authRoutes(state, ob, { signInRateLimitStore: options.signInRateLimitStore, now }));
  app.use(requireSignIn(state));
  app.use(myOkrsPage(deps), okrPages(deps), teamPages(deps), activityPage(deps), adminUsersPages(deps), adminAuditPage(deps), myAccessPage(deps), approvalsPage(deps));
  app.use(() => {
    throw new DemoError('NOT_FOUND', 'There is no page here.');
  });
  // Redis unreachable under express-session: 503 JSON, not a 500 page.
  app.use(redisUnavailableHandler());
  app.use(errorHandler({ warn, viewer: (req) => viewerOf(req, state) }));

  return {
    app,
    ob,
    audit,
    state,
    async close() {
      await ob.close();
      await audit.close?.();
    },
  };
}
