// The background: registers the content script for the hosts the admin enabled, keeps the
// toolbar badge, and tells a host's other tabs to re-read status when the session changes.
// It never calls a host itself.
import browser from 'webextension-polyfill';
import { BANNER } from '../shared/banner.js';
import { isStateReport, loadHosts, hostsChanged, originPattern, type StateReport } from './lib/index.js';

const SCRIPT_ID = 'onbehalf-content';
const KNOWN_KEY = 'known';

let syncing: Promise<void> = Promise.resolve();

/** Register the content script for exactly the enabled hosts whose permission is granted. */
function syncContentScripts(): Promise<void> {
  syncing = syncing.then(async () => {
    const patterns = [...new Set((await loadHosts()).map((h) => originPattern(h.origin)))];
    const granted = await Promise.all(patterns.map((p) => browser.permissions.contains({ origins: [p] })));
    const matches = patterns.filter((_, i) => granted[i]);
    const existing = await browser.scripting.getRegisteredContentScripts();
    if (existing.length) await browser.scripting.unregisterContentScripts({ ids: existing.map((s) => s.id) });
    if (matches.length) {
      await browser.scripting.registerContentScripts([
        { id: SCRIPT_ID, matches, js: ['content.js'], runAt: 'document_start', allFrames: false, persistAcrossSessions: true },
      ]);
    }
  });
  return syncing.catch((e) => console.error('onbehalf: could not register the content script', e));
}

browser.runtime.onInstalled.addListener(() => void syncContentScripts());
browser.runtime.onStartup.addListener(() => void syncContentScripts());
browser.permissions.onAdded.addListener(() => void syncContentScripts());
browser.permissions.onRemoved.addListener(() => void syncContentScripts());
browser.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && hostsChanged(changes)) void syncContentScripts();
});

/** "Ashley Kim" → "AK". */
function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = Array.from(words[0] ?? '?')[0] ?? '?';
  const last = words.length > 1 ? (Array.from(words[words.length - 1])[0] ?? '') : '';
  return (first + last).toUpperCase();
}

async function showBadge(tabId: number, report: StateReport) {
  if (report.active) {
    await browser.action.setBadgeText({ tabId, text: initials(report.subjectName) });
    await browser.action.setBadgeBackgroundColor({ tabId, color: BANNER.colors.background });
    await browser.action.setBadgeTextColor?.({ tabId, color: BANNER.colors.text });
    await browser.action.setTitle({ tabId, title: BANNER.title(report.subjectName) });
  } else {
    await browser.action.setBadgeText({ tabId, text: '' });
    await browser.action.setTitle({ tabId, title: browser.runtime.getManifest().action?.default_title ?? 'onbehalf' });
  }
}

/**
 * The last session seen per host (subject id and start time, never a token), kept in session
 * storage so a restarted service worker still notices a change.
 */
async function swapKnown(origin: string, key: string | null): Promise<string | null | undefined> {
  const known = ((await browser.storage.session.get(KNOWN_KEY))[KNOWN_KEY] ?? {}) as Record<string, string | null>;
  const previous = known[origin];
  known[origin] = key;
  await browser.storage.session.set({ [KNOWN_KEY]: known });
  return previous;
}

async function refreshOtherTabs(origin: string, exceptTabId: number) {
  const tabs = await browser.tabs.query({ url: originPattern(origin) });
  await Promise.all(
    tabs
      .filter((t) => t.id !== undefined && t.id !== exceptTabId && t.url && new URL(t.url).origin === origin)
      .map((t) => browser.tabs.sendMessage(t.id!, { type: 'refresh' }, { frameId: 0 }).catch(() => undefined)),
  );
}

/** Only a top-frame content script of an enabled host may report; everything else is ignored. */
async function senderOrigin(sender: browser.Runtime.MessageSender): Promise<string | undefined> {
  if (sender.id !== browser.runtime.id || sender.tab?.id === undefined || sender.frameId !== 0 || !sender.url) return undefined;
  let origin: string;
  try {
    origin = new URL(sender.url).origin;
  } catch {
    return undefined;
  }
  return (await loadHosts()).some((h) => h.origin === origin) ? origin : undefined;
}

/**
 * Reports are taken one at a time, in the order they came: the badge ends as the last report
 * said, and the last-known session is read and written without another report in between.
 */
let reports: Promise<void> = Promise.resolve();

/**
 * Sets the sender tab's badge and answers once it is set: the tab waits for that before its
 * banner stops warning, so the badge never says "acting" beside a banner that says it ended.
 */
function onStateReport(report: StateReport, sender: browser.Runtime.MessageSender): Promise<void> {
  const done = reports.then(async () => {
    const origin = await senderOrigin(sender);
    if (!origin) return;
    const tabId = sender.tab!.id!;
    await showBadge(tabId, report);
    const key = report.active ? report.key : null;
    const previous = await swapKnown(origin, key);
    // Not awaited: each of those tabs reports back, and its report queues behind this one.
    if (previous !== undefined && previous !== key) void refreshOtherTabs(origin, tabId);
  });
  reports = done.catch((e) => console.error('onbehalf:', e));
  return reports;
}

browser.runtime.onMessage.addListener((msg: unknown, sender: browser.Runtime.MessageSender) =>
  isStateReport(msg) ? onStateReport(msg, sender) : undefined,
);
