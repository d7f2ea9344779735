// A host's strict, nonce-based Content-Security-Policy, and what Chromium reports against it.
import { randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Page } from 'puppeteer-core';

/** The host's CSP, a fresh nonce per answer (helmet's `'nonce-…'` recipe, without helmet). */
export const strictCsp: RequestHandler = (_req, res, next) => {
  const nonce = randomBytes(16).toString('base64');
  res.setHeader('Content-Security-Policy', `default-src 'none'; script-src 'nonce-${nonce}' 'strict-dynamic'; style-src 'nonce-${nonce}'; connect-src 'self'; form-action 'self'`);
  next();
};

/** The nonce of a CSP header `strictCsp` set. */
export const nonceOf = (csp: string | null) => /'nonce-([^']+)'/.exec(csp ?? '')![1];

/** The CSP violations `page` logs from now on. */
export function cspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (m) => /Content Security Policy/.test(m.text()) && violations.push(m.text()));
  return violations;
}
