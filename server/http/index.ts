/** HTTP plumbing every part shares: the typed error and its one writer, content negotiation, HTML escaping. */
export { errorHandler, httpError, OnBehalfError, sendError, type SendErrorOptions } from './errors.js';
export { isForm, refererPath, strictUtf8, wantsPage } from './negotiate.js';
export { escapeHtml } from './html.js';
