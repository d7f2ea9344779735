import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { NOTICE, type AccessEntry } from '../../../shared/index.js';
import { aboutNameHtml, cspNonce, escapeHtml, injectedStyle, injectIntoHtml, isolated, type StyleRules } from '../../http/index.js';
import type { SubjectHost } from './host.js';
import type { AccessHistory } from './history.js';
import type { ResolvedSubjectOptions } from './options.js';

/** At most this many writes are listed per notice (the history has them all). */
const ACTIONS_SHOWN = 5;

const STYLE: StyleRules<'notices' | 'link' | 'list' | 'item' | 'text' | 'form' | 'dismiss'> = {
  notices: [
    '#onbehalf-notices',
    'position:fixed;left:0;right:0;bottom:0;z-index:2147483646;background:#eef0fd;color:#1f2a6b;' +
      'font:14px/1.4 system-ui,sans-serif;padding:10px 16px;box-shadow:0 -2px 8px rgba(0,0,0,.2)',
  ],
  link: ['#onbehalf-notices>a', 'color:#2c3aa8'],
  list: ['#onbehalf-notices>ul', 'list-style:none;margin:6px 0 0;padding:0'],
  item: ['#onbehalf-notices>ul>li', 'padding:8px 0;border-top:1px solid #c7cdf5;display:flex;gap:12px;align-items:flex-start'],
  text: ['#onbehalf-notices>ul>li>div', 'flex:1'],
  form: ['#onbehalf-notices>ul>li>form', 'margin:0'],
  dismiss: [
    '#onbehalf-notices>ul>li>form>button',
    'background:#2c3aa8;color:#fff;border:0;border-radius:6px;padding:6px 14px;font:inherit;font-weight:600;cursor:pointer',
  ],
};

/**
 * The subject's notices, in the banner slot (bottom of the page). Every value is escaped and
 * isolated (`<bdi>`). Under a
 * CSP that allows styles only by nonce, they carry the page's nonce (see injectedStyle).
 */
export function renderNotices(basePath: string, s: ResolvedSubjectOptions, notices: AccessEntry[], csrfToken: string, styleNonce?: string): string {
  const { sheet, attr: style } = injectedStyle(STYLE, styleNonce);
  const item = (e: AccessEntry) =>
    `<li${style('item')}>` +
    `<div${style('text')}><span data-summary>${aboutNameHtml(NOTICE.summary(e), e.actor.name)}</span> Reason: <q>${isolated(e.reason)}</q>` +
    (e.ticket ? ` (${isolated(e.ticket)})` : '') +
    (e.approver ? ` Approved by ${isolated(e.approver.name)}.` : '') +
    `<br><small>${escapeHtml(NOTICE.changes(e))}` +
    e.actions.slice(0, ACTIONS_SHOWN).map((a) => ` <code>${escapeHtml(a.method)} ${isolated(a.path)}</code>`).join('') +
    (e.actions.length > ACTIONS_SHOWN ? ' …' : '') +
    `</small></div>` +
    `<form method="post" action="${escapeHtml(`${basePath}/me/notices/${encodeURIComponent(e.sessionId)}/dismiss`)}"${style('form')}>` +
    `<input type="hidden" name="_csrf" value="${escapeHtml(csrfToken)}">` +
    `<button type="submit"${style('dismiss')}>${escapeHtml(NOTICE.dismissLabel)}</button></form></li>`;
  return (
    sheet +
    `<div ${NOTICE.marker}="1" id="onbehalf-notices" role="status"${style('notices')}>` +
    `<strong>${escapeHtml(NOTICE.title)}</strong>` +
    (s.historyPage ? ` · <a href="${escapeHtml(s.historyPage)}"${style('link')}>${escapeHtml(NOTICE.historyLabel)}</a>` : '') +
    `<ul${style('list')}>${notices.map(item).join('')}</ul></div>`
  );
}

/**
 * For the signed-in user's own pages (never while someone acts as them): the notices of sessions
 * on their account they have not dismissed, injected into HTML answers sent in one piece. A
 * store that can't be read shows no notice and fails nothing: the notice waits for the next page.
 */
export function noticeMiddleware(host: Pick<SubjectHost, 'basePath' | 'csrf' | 'warn'>, s: ResolvedSubjectOptions, history: AccessHistory): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const ctx = req.onBehalf;
    if (!s.notices || ctx?.active || !ctx?.userId || req.method !== 'GET' || !req.accepts('html')) return next();
    history.notices(ctx.userId).then(
      (notices) => {
        if (notices.length) {
          injectIntoHtml(res, () => renderNotices(host.basePath, s, notices, host.csrf.token(req), cspNonce(res, 'style')));
        }
        next();
      },
      (err) => {
        host.warn(`could not read the notices of ${ctx.userId}: ${String(err)}`);
        next();
      },
    );
  };
}
