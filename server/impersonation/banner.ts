import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { BANNER, formatTimeLeft } from '../../shared/index.js';
import type { CsrfProtection } from './csrf.js';
import { aboutNameHtml, cspNonce, escapeHtml, injectedStyle, injectIntoHtml, isolated, type StyleRules } from '../http/index.js';
import type { ResolvedOptions } from './options.js';
import type { Acting } from './types.js';

/** Nonces from the page's own CSP, for the banner's `<style>` and `<script>` elements. */
export interface BannerNonces {
  script?: string;
  style?: string;
}

const c = BANNER.colors;
/** The banner's styles by part; the banner script's own changes go through the CSSOM, which CSP allows, and win over them. */
const STYLE: StyleRules<'banner' | 'form' | 'exit' | 'text' | 'spacer'> = {
  banner: [
    '#onbehalf-banner',
    `position:fixed;left:0;right:0;bottom:0;z-index:2147483647;background:${c.background};color:${c.text};` +
      `font:14px/1.4 system-ui,sans-serif;padding:10px 16px;display:flex;gap:16px;align-items:center;flex-wrap:wrap;box-shadow:0 -2px 8px rgba(0,0,0,.25)`,
  ],
  form: ['#onbehalf-banner>form', 'margin:0;order:2'],
  exit: ['#onbehalf-exit', `background:${c.button};color:${c.buttonText};border:0;border-radius:6px;padding:8px 18px;font:inherit;font-weight:600;cursor:pointer`],
  text: ['#onbehalf-banner>[data-text]', 'flex:1;min-width:240px;order:1'],
  spacer: ['[data-onbehalf-spacer]', 'height:96px'],
};

/**
 * The server-rendered warning banner (W8), for admins without the extension. Every value is
 * escaped, and isolated (`<bdi>`) in the text. It goes first in `<body>` (its Exit is the first Tab stop of the page) and is drawn
 * fixed at the bottom; its script (`{basePath}/banner.js`) keeps it live. Under a strict CSP it
 * carries the page's nonces, so it is styled and live there too.
 */
export function renderBanner(o: ResolvedOptions, ctx: Acting, csrfFields: string, now: number, nonces: BannerNonces = {}): string {
  const name = ctx.subject.name;
  const scriptNonce = nonces.script ? ` nonce="${escapeHtml(nonces.script)}"` : '';
  const { sheet, attr: style } = injectedStyle(STYLE, nonces.style);
  return (
    sheet +
    `<div ${BANNER.serverMarker}="1" id="onbehalf-banner" role="region" aria-label="${escapeHtml(BANNER.title(name))}" ` +
    `data-base="${escapeHtml(o.basePath)}" data-session="${escapeHtml(ctx.sessionId)}" data-now="${now}" ` +
    `data-subject="${escapeHtml(name)}"${style('banner')}>` +
    `<form method="post" action="${escapeHtml(o.basePath)}/stop"${style('form')}>` +
    csrfFields +
    `<button type="submit" id="onbehalf-exit"${style('exit')}>${escapeHtml(BANNER.exitLabel)}</button>` +
    `</form>` +
    `<div data-text role="alert"${style('text')}><strong>${aboutNameHtml(BANNER.title, name)}</strong><br>` +
    aboutNameHtml(BANNER.detail, name) +
    (ctx.readOnly ? ` <em>${escapeHtml(BANNER.readOnly)}</em>` : '') +
    `<br><small>${escapeHtml(BANNER.reasonLabel)}: ${isolated(ctx.reason)}` +
    (ctx.ticket ? ` · ${escapeHtml(BANNER.ticketLabel)}: ${isolated(ctx.ticket)}` : '') +
    ` · ${escapeHtml(BANNER.timeLeftLabel)}: <span data-expires-at="${ctx.expiresAt}">${formatTimeLeft(ctx.expiresAt - now)}</span></small></div>` +
    `</div><script src="${escapeHtml(o.basePath)}/banner.js" defer${scriptNonce}></script>`
  );
}

/** Room at the end of the page, so the fixed banner covers none of it. */
const spacer = (nonces: BannerNonces) => `<div data-onbehalf-spacer aria-hidden="true"${injectedStyle(STYLE, nonces.style).attr('spacer')}></div>`;

/**
 * Opt-in middleware: while acting, inject the banner into HTML answers sent in one piece. JSON,
 * compressed (Content-Encoding) and streamed answers pass untouched. An answer carrying the
 * banner is never a 304 of the host's own (pre-banner) ETag and is never stored by the browser:
 * a reload always shows the live session, not an earlier rendering.
 */
export function bannerMiddleware(o: ResolvedOptions, csrf: CsrfProtection): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const ctx = req.onBehalf;
    if (!ctx?.active || req.method === 'HEAD') return next();
    // A conditional GET must not turn into a 304 of the host's page as it was before the banner.
    if (req.method === 'GET') {
      delete req.headers['if-none-match'];
      delete req.headers['if-modified-since'];
    }
    injectIntoHtml(res, () => {
      res.setHeader('Cache-Control', 'no-store');
      const nonces = { script: cspNonce(res, 'script'), style: cspNonce(res, 'style') };
      return { start: renderBanner(o, ctx, csrf.fields(req), o.now(), nonces), end: spacer(nonces) };
    });
    next();
  };
}
