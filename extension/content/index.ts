// The content script, registered only for hosts the admin enabled. Every call to the host goes
// out from here, same-origin, with the page's cookies.
import '../lib/jitless.js';
import browser from 'webextension-polyfill';
import type { StatusResponse } from '../../shared/index.js';
import { isSafeLocalPath } from '../../shared/text.js';
import { hostFor, type StateReport, type TabRequest, type TabStatus } from '../lib/index.js';
import { createBanner } from './banner.js';
import { answerExtensionRequests } from './extension-requests.js';
import { HostApiError, hostApi, navigateTo, type HostApi } from './host-api.js';
import { keepVisible } from './keep-visible.js';
import { onSpaNavigation } from './spa-navigation.js';
import { statusRefresh } from './status-refresh.js';

declare global {
  // Set once per page: the popup may inject this script into a tab that already has it.
  var __onbehalfContentLoaded: boolean | undefined;
}

const domReady = () =>
  document.readyState === 'loading' ? new Promise<void>((r) => document.addEventListener('DOMContentLoaded', () => r(), { once: true })) : Promise.resolve();

/** How long a banner that stops warning waits for the background to clear the badge. */
const REPORT_WAIT_MS = 2_000;

const asTabError = (e: unknown) =>
  e instanceof HostApiError ? { error: { code: e.code, message: e.message } } : { error: { code: 'INTERNAL', message: 'That did not work on this page: reload it and try again.' } };

function run(api: HostApi) {
  let status: StatusResponse | undefined;
  let clockOffset = 0;
  let reported: string | undefined;
  let inFlight: Promise<void> | undefined;

  const banner = createBanner(() => void exit().catch(() => undefined));
  const timers = statusRefresh(() => void refresh());

  /** The session this page has warned about, so an end shows as ended rather than nothing. */
  let shownSession: string | undefined;

  async function show() {
    if (!status?.active) {
      timers.endsAt(undefined);
      // The badge first: it must never still name the subject once the banner stops warning.
      await report();
      // This page was loaded while acting: what it shows is still the subject's.
      if (shownSession) banner.ended();
      else banner.render(undefined);
    } else {
      const s = status.session;
      shownSession = s.sessionId;
      banner.render({ subjectName: s.subject.name, reason: s.reason, ticket: s.ticket, readOnly: s.readOnly, expiresAt: s.expiresAt, clockOffset });
      timers.endsAt(Math.min(s.expiresAt, s.idleExpiresAt) - clockOffset);
      void report();
    }
  }

  /**
   * Tell the background, which sets the badge and refreshes the host's other tabs on a change;
   * resolves once it has set the badge (or after REPORT_WAIT_MS, so a stuck background can't hold
   * the banner).
   */
  function report(): Promise<unknown> {
    const msg: StateReport = status?.active
      ? { type: 'state', active: true, key: `${status.session.subject.id}@${status.session.startedAt}`, subjectName: status.session.subject.name }
      : { type: 'state', active: false };
    const key = JSON.stringify(msg);
    if (key === reported) return Promise.resolve();
    reported = key;
    return Promise.race([browser.runtime.sendMessage(msg).catch(() => undefined), new Promise((r) => setTimeout(r, REPORT_WAIT_MS))]);
  }

  function refresh(): Promise<void> {
    inFlight ??= (async () => {
      try {
        status = await api.status();
        clockOffset = status.active ? status.now - Date.now() : 0;
        await domReady();
        await show();
      } catch {
        // Host unreachable or odd answer: keep showing what we know (a warning stays up).
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  }

  async function exit(): Promise<{ redirect: string }> {
    banner.setExitState({ busy: true });
    try {
      const res = await api.stop();
      status = undefined;
      setTimeout(() => navigateTo(res.redirect));
      return res;
    } catch (e) {
      if (e instanceof HostApiError && (e.code === 'NOT_ACTING' || e.code === 'EXPIRED')) await refresh();
      else banner.setExitState({ busy: false, error: e instanceof Error ? e.message : 'Exit failed.' });
      throw e;
    }
  }

  function tabStatus(s: StatusResponse): TabStatus {
    return s.active
      ? { origin: location.origin, active: true, session: s.session, now: s.now }
      : { origin: location.origin, active: false, signedIn: s.signedIn, canImpersonate: s.canImpersonate };
  }

  async function handle(req: TabRequest): Promise<unknown> {
    try {
      switch (req.type) {
        case 'status':
          await refresh();
          if (!status) status = await api.status();
          return tabStatus(status);
        case 'users':
          return { users: await api.users(req.q, req.limit) };
        case 'start': {
          const here = location.pathname + location.search;
          const res = await api.start({
            userId: req.userId,
            reason: req.reason,
            ticket: req.ticket || undefined,
            readOnly: req.readOnly,
            returnTo: isSafeLocalPath(here) ? here : undefined,
          });
          setTimeout(() => navigateTo(res.redirect));
          return { session: res.session, redirect: res.redirect };
        }
        case 'requests':
          return { requests: await api.requests() };
        case 'stop':
          return await exit();
        case 'refresh':
          await refresh();
          return { ok: true };
        case 'probe':
          // Test builds only (the shadow root is closed); the shipped build never answers.
          return __TEST_BUILD__ ? banner.probe() : undefined;
      }
    } catch (e) {
      return asTabError(e);
    }
  }

  answerExtensionRequests(handle);
  void refresh();
  void domReady().then(() => {
    keepVisible(banner);
    onSpaNavigation(() => void refresh().then(() => banner.ensure()));
  });
}

async function main() {
  if (globalThis.__onbehalfContentLoaded || window.top !== window) return;
  globalThis.__onbehalfContentLoaded = true;
  const host = await hostFor(location.origin);
  if (host) run(hostApi(host.basePath));
}

void main();
