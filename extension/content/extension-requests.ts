import browser from 'webextension-polyfill';
import { isFromExtension, isTabRequest, type TabRequest } from '../lib/index.js';

type Handler = (req: TabRequest) => Promise<unknown> | undefined;

/**
 * Answers requests from the extension's popup and background. Web pages can't reach
 * `runtime.onMessage` at all, and the content script has no `window.message` listener, so a page
 * can't drive it; the sender is still checked, and anything malformed is ignored.
 */
export function answerExtensionRequests(handle: Handler): void {
  browser.runtime.onMessage.addListener((msg: unknown, sender: browser.Runtime.MessageSender) => {
    if (!isFromExtension(sender) || !isTabRequest(msg)) return undefined;
    return handle(msg);
  });
}
