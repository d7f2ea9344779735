/**
 * HTTP plumbing every part shares: the typed error and its one writer, content negotiation, HTML
 * escaping, a request's deadline for shared state, hooks on the response about to leave, and how
 * markup put into a host page is styled under its CSP.
 */
export { errorHandler, httpError, OnBehalfError, postOnly, sendError, type SendErrorOptions } from './errors.js';
export { isForm, refererPath, strictUtf8, wantsPage } from './negotiate.js';
export { aboutNameHtml, escapeHtml, isolated } from './html.js';
export { adoptDeadline, beginWait, charged, endWait, newDeadline, requestDeadline, type Deadline } from './deadline.js';
export { beforeResponse, type OutgoingResponse } from './intercept.js';
export { injectIntoHtml, type BodyMarkup } from './inject-html.js';
export { cspNonce } from './csp-nonce.js';
export { injectedStyle, type StyleRules } from './injected-style.js';
