/** What the background, the content script, the popup and the options page share. */
export * from './hosts.js';
export * from './messages.js';
export * from './recent.js';
