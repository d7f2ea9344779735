import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { BANNER, formatTimeLeft } from '../../shared/index.js';
import type { CsrfProtection } from './csrf.js';
import { escapeHtml } from './html.js';
import { injectIntoHtml } from './inject-html.js';
import type { ResolvedOptions } from './options.js';
import type { Acting } from './types.js';

/** The server-rendered warning banner (W8), for admins without the extension. Every value is escaped. */
export function renderBanner(o: ResolvedOptions, ctx: Acting, csrfToken: string, now: number): string {
  const c = BANNER.colors;
  return (
    `<div ${BANNER.serverMarker}="1" id="onbehalf-banner" role="alert" aria-live="assertive" ` +
    `style="position:fixed;left:0;right:0;bottom:0;z-index:2147483647;background:${c.background};color:${c.text};` +
    `font:14px/1.4 system-ui,sans-serif;padding:10px 16px;display:flex;gap:16px;align-items:center;flex-wrap:wrap;box-shadow:0 -2px 8px rgba(0,0,0,.25)">` +
    `<div style="flex:1;min-width:240px"><strong>${escapeHtml(BANNER.title(ctx.subject.name))}</strong><br>` +
    `${escapeHtml(BANNER.detail(ctx.subject.name))}` +
    (ctx.readOnly ? ` <em>${escapeHtml(BANNER.readOnly)}</em>` : '') +
    `<br><small>${escapeHtml(BANNER.reasonLabel)}: <span data-reason>${escapeHtml(ctx.reason)}</span>` +
    (ctx.ticket ? ` (${escapeHtml(ctx.ticket)})` : '') +
    ` · ${escapeHtml(BANNER.timeLeftLabel)}: <span data-expires-at="${ctx.expiresAt}">${formatTimeLeft(ctx.expiresAt - now)}</span></small></div>` +
    `<form method="post" action="${escapeHtml(o.basePath)}/stop" style="margin:0">` +
    `<input type="hidden" name="_csrf" value="${escapeHtml(csrfToken)}">` +
    `<button type="submit" style="background:${c.button};color:${c.buttonText};border:0;border-radius:6px;padding:8px 18px;font:inherit;font-weight:600;cursor:pointer">${escapeHtml(BANNER.exitLabel)}</button>` +
    `</form></div><div aria-hidden="true" style="height:96px"></div>`
  );
}

/**
 * Opt-in middleware: while acting, inject the banner into HTML answers sent in one piece. JSON,
 * compressed (Content-Encoding) and streamed answers pass untouched.
 */
export function bannerMiddleware(o: ResolvedOptions, csrf: CsrfProtection): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const ctx = req.onBehalf;
    if (!ctx?.active || req.method === 'HEAD') return next();
    injectIntoHtml(res, () => renderBanner(o, ctx, csrf.token(req), o.now()));
    next();
  };
}
