import { timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { csrfSync } from 'csrf-sync';
import { ipKeyGenerator, rateLimit, type Store as RateLimitStore } from 'express-rate-limit';
import { z } from 'zod';
import { hasControlCharacters } from 'onbehalf/client';
import { csrfSyncOptions, isSameOrigin, type OnBehalf } from 'onbehalf';
import { bodyOf } from './forms.js';
import type { Viewer } from './layout.js';
import { DemoError, done } from './respond.js';
import { DEMO_PASSWORD } from './seed.js';
import type { DemoState } from './state.js';

declare module 'express-session' {
  interface SessionData {
    /** The demo's own sign-in (listed in onBehalf's `authSessionKeys`). */
    userId?: string;
  }
}

/**
 * The host's CSRF defence for its own forms: csrf-sync with its default session key, the same
 * one the onbehalf middleware uses, so one token per session serves the host's forms, the
 * banner's Exit and the onbehalf API. Sent as `X-CSRF-Token` or the form field `_csrf`.
 */
export const csrf = csrfSync(csrfSyncOptions);

/** Refuse a cross-site browser request outright (the token is the second check). */
const crossSite = (req: Request) => !isSameOrigin(req);

/** For every host POST: same origin, and the session's CSRF token. */
export function requireCsrf(req: Request, _res: Response, next: NextFunction) {
  if (crossSite(req)) return next(new DemoError('CSRF', 'Cross-origin requests are refused.'));
  if (!csrf.isRequestValid(req)) return next(new DemoError('CSRF', 'Missing or invalid CSRF token: reload the page and try again.'));
  next();
}

/** The page's viewer: the effective user (the subject while acting), or undefined when signed out. */
export function viewerOf(req: Request, state: DemoState): Viewer | undefined {
  const id = req.onBehalf?.userId;
  const user = id ? state.user(id) : undefined;
  if (!user || !req.session) return undefined;
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    acting: req.onBehalf?.active === true,
    canImpersonate: user.active && (user.permissions ?? []).includes('impersonate'),
    canAudit: user.active && (user.permissions ?? []).includes('audit:read'),
    canApprove: user.active && (user.permissions ?? []).includes('impersonate:approve'),
    csrfToken: csrf.generateToken(req),
  };
}

/** Pages and actions need a signed-in, active user: a browser goes to the sign-in page, an API client gets 401. */
export function requireSignIn(state: DemoState) {
  return (req: Request, res: Response, next: NextFunction) => {
    const user = req.onBehalf?.userId ? state.user(req.onBehalf.userId) : undefined;
    if (user?.active) return next();
    if (req.method === 'GET' && req.accepts(['html', 'json']) === 'html') return res.redirect(303, '/login');
    next(new DemoError('NOT_SIGNED_IN', 'Sign in first.'));
  };
}

const loginSchema = z.object({
  email: z.string({ error: 'Enter your email address.' }).trim().min(3, 'Enter your email address.').max(254, 'That email address is too long.')
    .refine((s) => !hasControlCharacters(s), 'The email address must not contain control characters.'),
  password: z.string({ error: 'Enter your password.' }).min(1, 'Enter your password.').max(200, 'That password is too long.'),
});

const samePassword = (given: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(DEMO_PASSWORD);
  return a.length === b.length && timingSafeEqual(a, b);
};

const call = (fn: (cb: (err?: unknown) => void) => void) => new Promise<void>((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));

/** Failed sign-ins allowed per client address and account in each window, before 429. */
export const SIGN_IN_FAILURES = 5;
export const SIGN_IN_WINDOW_MS = 15 * 60_000;

/**
 * Guessing passwords is throttled per client address and account: after SIGN_IN_FAILURES failed
 * sign-ins within SIGN_IN_WINDOW_MS, 429 RATE_LIMITED (JSON or a page, by Accept) with Retry-After,
 * the right password included, until the window has passed. Successful sign-ins don't count.
 */
function signInThrottle(store: RateLimitStore | undefined) {
  return rateLimit({
    windowMs: SIGN_IN_WINDOW_MS,
    limit: SIGN_IN_FAILURES,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    ...(store && { store }),
    keyGenerator: (req) => {
      const email = bodyOf(req).email;
      return `${ipKeyGenerator(req.ip ?? '')}|${typeof email === 'string' ? email.trim().toLowerCase().slice(0, 254) : ''}`;
    },
    handler: (_req, _res, next) => {
      next(new DemoError('RATE_LIMITED', `Too many failed sign-ins for this account from here: try again in ${SIGN_IN_WINDOW_MS / 60_000} minutes.`));
    },
  });
}

/** `POST /login` (form or JSON `{ email, password }`, throttled) and `POST /logout`. */
export function authRoutes(state: DemoState, ob: OnBehalf, options: { signInRateLimitStore?: RateLimitStore; now?: () => number } = {}): Router {
  const now = options.now ?? Date.now;
  const router = express.Router();

  router.post('/login', signInThrottle(options.signInRateLimitStore), async (req, res) => {
    // Login takes no token (there is no session yet) but must come from this site.
    if (crossSite(req)) throw new DemoError('CSRF', 'Cross-origin requests are refused.');
    if (req.onBehalf?.active) throw new DemoError('ALREADY_ACTING', 'You are working on behalf of someone: Exit first.');
    const parsed = loginSchema.safeParse(bodyOf(req));
    if (!parsed.success) throw new DemoError('BAD_REQUEST', parsed.error.issues[0].message);
    const user = state.userByEmail(parsed.data.email);
    // One answer for unknown email and wrong password, so the form can't be used to list accounts.
    if (!user || !samePassword(parsed.data.password)) throw new DemoError('NOT_SIGNED_IN', 'Wrong email or password.');
    if (!user.active) throw new DemoError('FORBIDDEN', 'This account is deactivated.');
    // A new session id at sign-in (no session fixation).
    await call((cb) => req.session.regenerate(cb));
    req.session.userId = user.id;
    await call((cb) => req.session.save(cb));
    state.signedIn(user.id, now());
    done(req, res, '/', { user: { id: user.id, name: user.name, email: user.email }, csrfToken: csrf.generateToken(req) });
  });

  router.post('/logout', requireCsrf, async (req, res) => {
    // Ends an impersonation too (audited as `logout`), then both identities go.
    await ob.logout(req);
    await call((cb) => req.session.destroy(cb));
    res.clearCookie('connect.sid');
    done(req, res, '/login', { ok: true });
  });

  return router;
}
