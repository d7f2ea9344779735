/**
 * HTTP plumbing every part shares: the typed error and its one writer, content negotiation, HTML
 * escaping, a request's deadline for shared state, and hooks on the response about to leave.
 */
export { errorHandler, httpError, OnBehalfError, postOnly, sendError, type SendErrorOptions } from './errors.js';
export { isForm, refererPath, strictUtf8, wantsPage } from './negotiate.js';
export { escapeHtml } from './html.js';
export { adoptDeadline, beginWait, charged, endWait, newDeadline, requestDeadline, type Deadline } from './deadline.js';
export { beforeResponse, type OutgoingResponse } from './intercept.js';
export { injectIntoHtml, type BodyMarkup } from './inject-html.js';
