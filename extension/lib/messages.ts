import browser from 'webextension-polyfill';
import type { SessionView } from '../../shared/index.js';

/**
 * What extension pages (popup, background) may ask the content script in a host's tab.
 * The content script makes the host call itself, same-origin, so the server's Origin check,
 * SameSite cookies and CSRF hold unchanged.
 */
export type TabRequest =
  | { type: 'status' }
  | { type: 'users'; q: string; limit?: number }
  | { type: 'start'; userId: string; reason: string; ticket?: string; readOnly?: boolean }
  | { type: 'stop' }
  /** The admin's open requests (four-eyes approval), to start once one is approved. */
  | { type: 'requests' }
  /** From the background: the session may have changed in another tab; read status again. */
  | { type: 'refresh' }
  /** Test builds only: the banner's text and where its Exit button is. */
  | { type: 'probe' };

/** The host's status as the popup sees it: no CSRF token ever leaves the host's tab. */
export type TabStatus =
  | { origin: string; active: false; signedIn: boolean; canImpersonate: boolean }
  | { origin: string; active: true; session: SessionView; now: number };

export interface TabError {
  error: { code: string; message: string };
}

export interface BannerProbe {
  mounted: boolean;
  text: string;
  exit: { x: number; y: number; width: number; height: number } | null;
  /** Nothing of the page's is drawn over the banner's button and title. */
  onTop: boolean;
}

/** Content script → background: what this tab shows, so the badge and the other tabs follow. */
export type StateReport =
  | { type: 'state'; active: false }
  | {
      type: 'state';
      active: true;
      /** Identifies one impersonation without any token: subject id and start time. */
      key: string;
      subjectName: string;
    };

export function isStateReport(msg: unknown): msg is StateReport {
  if (!msg || typeof msg !== 'object') return false;
  const m = msg as Record<string, unknown>;
  if (m.type !== 'state') return false;
  if (m.active === false) return true;
  return m.active === true && typeof m.key === 'string' && m.key.length <= 500 && typeof m.subjectName === 'string' && m.subjectName.length <= 500;
}

export function isTabRequest(msg: unknown): msg is TabRequest {
  if (!msg || typeof msg !== 'object') return false;
  const m = msg as Record<string, unknown>;
  switch (m.type) {
    case 'status':
    case 'requests':
    case 'stop':
    case 'refresh':
    case 'probe':
      return true;
    case 'users':
      return typeof m.q === 'string' && (m.limit === undefined || typeof m.limit === 'number');
    case 'start':
      return (
        typeof m.userId === 'string' &&
        typeof m.reason === 'string' &&
        (m.ticket === undefined || typeof m.ticket === 'string') &&
        (m.readOnly === undefined || typeof m.readOnly === 'boolean')
      );
    default:
      return false;
  }
}

/** True for messages sent by this extension's own pages or background, never by a web page. */
export function isFromExtension(sender: browser.Runtime.MessageSender): boolean {
  return sender.id === browser.runtime.id && typeof sender.url === 'string' && sender.url.startsWith(browser.runtime.getURL(''));
}

export const isTabError = (v: unknown): v is TabError =>
  !!v && typeof v === 'object' && 'error' in v && typeof (v as TabError).error?.message === 'string';
